import type { TokenCredential } from "@azure/core-auth";
import type { LoadedConfig } from "../config/load.js";
import type { CheckFacts } from "../core/facts.js";
import { inertDeep } from "../report/inert.js";
import type { Report } from "../report/model.js";
import { renderDiffText } from "../ledger/render.js";
import { recordCheck, type LedgerStatus } from "../ledger/sink.js";

/**
 * The ledger and the change ticket, as `deliver` (src/app/deliver.ts) calls them: two sinks that
 * do not know each other; deliver hands the ticket the ledger's record id.
 */
export interface SinkArgs {
  ledger?: string;
  servicenowChange?: string;
  servicenowClose?: boolean;
  servicenowDryRun?: boolean;
  format: string;
}

export interface SinkContext {
  args: SinkArgs;
  report: Report;
  facts: CheckFacts;
  bundleFiles?: Record<string, string>;
  env: NodeJS.ProcessEnv;
  credential?: TokenCredential;
  config?: LoadedConfig;
  stderr: (text: string) => void;
  /** The check's --timeout: the change ticket's calls end with it. */
  signal?: AbortSignal;
}

/**
 * What `--format json` prints: the report, and with `--ledger` the ledger's answer. Its JSON
 * Schema (schema/azfn-health.report.schema.json, `npm run schema`) is generated from this type.
 */
export type JsonReport = Report & {
  /** `--ledger` only: the record written, or why none was (the verdict and exit code stay as they are). */
  ledger?: LedgerStatus;
};

/**
 * Before the report is printed: record the check. The JSON report gains `ledger` (recorded, or the
 * failure); the text report gains the "since the last clean deployment" section. A failure is one
 * line on stderr and never changes the verdict or the exit code.
 */
export async function recordBeforeOutput(
  ctx: SinkContext,
): Promise<{ report: JsonReport; trailer: string; ledger?: LedgerStatus }> {
  if (ctx.args.ledger === undefined) return { report: ctx.report, trailer: "" };
  const ledger = inertDeep(
    await recordCheck({
      ledger: ctx.args.ledger,
      report: ctx.report,
      facts: ctx.facts,
      env: ctx.env,
      ...(ctx.bundleFiles ? { bundleFiles: ctx.bundleFiles } : {}),
      ...(ctx.args.servicenowChange ? { servicenowChange: ctx.args.servicenowChange } : {}),
      ...(ctx.credential ? { credential: ctx.credential } : {}),
    }),
  );
  if (ledger.status === "failed") ctx.stderr(`azfn-health: ledger not written: ${ledger.error}\n`);
  else ctx.stderr(`azfn-health: recorded in the ledger as ${ledger.id} (${ledger.location})\n`);
  const trailer =
    ledger.status === "recorded" && ctx.args.format === "text"
      ? `\n${renderDiffText(ledger.sinceLastClean ?? undefined)}`
      : "";
  return { report: { ...ctx.report, ledger }, trailer, ledger };
}

/** After the report and the bundle: the change ticket. */
export async function updateTicketAfterOutput(ctx: SinkContext, ledger?: LedgerStatus): Promise<void> {
  if (!ctx.args.servicenowChange) return;
  const { updateChangeAfterCheck } = await import("../servicenow/sink.js");
  await updateChangeAfterCheck({
    change: ctx.args.servicenowChange,
    env: ctx.env,
    ...(ctx.config?.config.servicenow ? { config: ctx.config.config.servicenow } : {}),
    dryRun: ctx.args.servicenowDryRun === true,
    close: ctx.args.servicenowClose === true,
    write: ctx.stderr,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    report: ctx.report,
    ...(ctx.bundleFiles?.["report.html"] !== undefined ? { reportHtml: ctx.bundleFiles["report.html"] } : {}),
    ...(ledger?.status === "recorded" ? { ledgerId: ledger.id } : {}),
  });
}
