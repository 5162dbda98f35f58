import type { Argv } from "yargs";
import type { LoadedConfig } from "../config/load.js";
import { UsageError } from "../core/errors.js";
import { parseSince } from "../core/time.js";
import { REMEDIATIONS, type Mark, type Remediation } from "../ledger/record.js";
import { LIST_FORMATS, type LedgerFormat } from "../ledger/render.js";
import type { Io } from "../app/io.js";

export const LEDGER_ACTIONS = ["list", "show", "mark", "report", "diff"] as const;
type Action = (typeof LEDGER_ACTIONS)[number];

export interface LedgerArgs {
  _: (string | number)[];
  ledger?: string;
  format: LedgerFormat;
  app?: string;
  since?: string;
  clean?: boolean;
  unclean?: boolean;
  remediation?: Remediation;
  reason?: string;
  restoredAt?: string;
  servicenowChange?: string;
  servicenowDryRun?: boolean;
  auth?: import("../collect/credentials.js").AuthMode;
  tenant?: string;
}

export function ledgerOptions(yargs: Argv): Argv {
  return yargs
    .positional("action", {
      choices: LEDGER_ACTIONS,
      describe: "list, show <id>, mark <id>, report or diff <id>",
    })
    .positional("id", { type: "string", describe: "A record id, as `ledger list` shows it" })
    .option("ledger", {
      type: "string",
      describe:
        "The ledger: a SQLite file (default $XDG_STATE_HOME/azfn-health/ledger.sqlite) or https://<account>.table.core.windows.net/<table>",
    })
    .option("format", {
      choices: LIST_FORMATS,
      default: "text" as const,
      describe: "csv and html: list and report only",
    })
    .option("app", { type: "string", describe: "report: one app (production's site name or resource ID)" })
    .option("since", { type: "string", describe: "report: releases since (ISO 8601, or 90d, 12h)" })
    .option("clean", { type: "boolean", describe: "mark: the deployment was clean" })
    .option("unclean", { type: "boolean", describe: "mark: the deployment was unclean" })
    .option("remediation", { choices: REMEDIATIONS, describe: "mark: how production was put right" })
    .option("reason", { type: "string", describe: "mark: why (kept with who and when)" })
    .option("restored-at", { type: "string", describe: "mark: when production was restored (ISO 8601)" })
    .option("servicenow-change", {
      type: "string",
      describe: "mark: add the judgment to this change (CHG…) as a work note",
    })
    .option("servicenow-dry-run", {
      type: "boolean",
      describe: "Print the ServiceNow requests instead of sending them",
    })
    .option("auth", {
      choices: ["default", "cli", "managed-identity", "workload-identity", "environment"] as const,
      default: "default" as const,
      describe: "Entra ID credential for a table ledger without AZFN_LEDGER_CONNECTION_STRING",
    })
    .option("tenant", { type: "string", describe: "Entra tenant ID" })
    .example("$0 ledger list", "Every recorded check")
    .example(
      "$0 ledger mark 20261201T101500Z-3fa2 --unclean --remediation feature-on-previous-build --reason " +
        '"timeouts after the .NET 8 move" --restored-at 2026-12-01T11:40:00Z',
      "A person's judgment, kept with who and when",
    )
    .example(
      "$0 ledger report --since 90d --format html > ledger.html",
      "Clean rate, change failure rate, recovery time",
    );
}

/** Who is marking: the user, and the CI build when run from a pipeline (GitHub Actions, Azure Pipelines). */
export function whoFrom(env: NodeJS.ProcessEnv): { by: string; ciBuild?: string } {
  const ciBuild = env.GITHUB_RUN_ID
    ? `github:${env.GITHUB_REPOSITORY ? `${env.GITHUB_REPOSITORY}/` : ""}${env.GITHUB_RUN_ID}`
    : env.BUILD_BUILDID
      ? `azure-pipelines:${env.BUILD_BUILDID}`
      : undefined;
  const by = env.USER || env.USERNAME || env.GITHUB_ACTOR || env.BUILD_REQUESTEDFOR || "unknown";
  return { by, ...(ciBuild ? { ciBuild } : {}) };
}

function isoTime(text: string, flag: string, now: Date): string {
  const parsed = parseSince(text, now, flag);
  return parsed.toISOString();
}

export async function runLedgerCommand(
  args: LedgerArgs,
  io: Io,
  env: NodeJS.ProcessEnv,
  loaded?: LoadedConfig,
): Promise<number> {
  const action = String(args._[0] ?? "") as Action;
  if (!LEDGER_ACTIONS.includes(action))
    throw new UsageError(`ledger: name an action: ${LEDGER_ACTIONS.join(", ")}`);
  const id = args._[1] === undefined ? undefined : String(args._[1]);
  const needsId = action === "show" || action === "mark" || action === "diff";
  if (needsId && !id)
    throw new UsageError(`ledger ${action}: needs a record id (see \`azfn-health ledger list\`)`);
  if (!needsId && id) throw new UsageError(`ledger ${action}: takes no record id, got ${id}`);
  if ((args.format === "csv" || args.format === "html") && action !== "list" && action !== "report")
    throw new UsageError(
      `ledger ${action}: --format ${args.format} is for list and report; use text or json`,
    );
  const now = new Date();
  let mark: Mark | undefined;
  if (action === "mark") {
    if (args.clean === args.unclean)
      throw new UsageError("ledger mark: give exactly one of --clean or --unclean");
    if (!args.reason?.trim()) throw new UsageError('ledger mark: needs --reason "…" (kept with the mark)');
    if (args.clean && args.remediation)
      throw new UsageError("ledger mark: --remediation is for an unclean deployment");
    mark = {
      outcome: args.clean ? "clean" : "unclean",
      ...(args.remediation ? { remediation: args.remediation } : {}),
      reason: args.reason.trim(),
      ...(args.restoredAt ? { restoredAt: isoTime(args.restoredAt, "--restored-at", now) } : {}),
      ...whoFrom(env),
      at: now.toISOString(),
      ...(args.servicenowChange ? { servicenowChange: args.servicenowChange } : {}),
    };
  }
  const since = args.since ? parseSince(args.since, now) : undefined;
  const location = args.ledger ?? loaded?.config.ledger;
  const isTable = /^https?:\/\//i.test(location ?? "");
  const credential =
    isTable && !env.AZFN_LEDGER_CONNECTION_STRING
      ? await (
          await import("../collect/credentials.js")
        ).createCredential(args.auth ?? "default", {
          tenantId: args.tenant,
          authorityHost: env.AZURE_AUTHORITY_HOST ?? "https://login.microsoftonline.com",
          env,
        })
      : undefined;
  const [{ openLedger }, render] = await Promise.all([
    import("../ledger/store.js"),
    import("../ledger/render.js"),
  ]);
  const store = await openLedger(location, { create: false, env, ...(credential ? { credential } : {}) });
  try {
    const unknown = () => new UsageError(`ledger ${action}: no record ${id} in ${store.location}`);
    switch (action) {
      case "list":
        io.stdout(render.renderList(await store.list(), args.format));
        return 0;
      case "show": {
        const record = await store.get(id!);
        if (!record) throw unknown();
        io.stdout(render.renderShow(record, args.format as "text" | "json"));
        return 0;
      }
      case "report": {
        const { summariseLedger } = await import("../ledger/metrics.js");
        const summary = summariseLedger(await store.list(), {
          ...(args.app ? { app: args.app } : {}),
          ...(since ? { since } : {}),
          until: now,
        });
        io.stdout(render.renderReport(summary, args.format));
        return 0;
      }
      case "diff": {
        const { diffRecords, lastCleanBefore } = await import("../ledger/diff.js");
        const record = await store.get(id!);
        if (!record) throw unknown();
        const previous = lastCleanBefore(await store.list(), record);
        const full = previous ? await store.get(previous.id) : undefined;
        io.stdout(
          render.renderDiff(full ? diffRecords(full, record) : undefined, args.format as "text" | "json"),
        );
        return 0;
      }
      case "mark": {
        const record = await store.mark(id!, mark!);
        if (!record) throw unknown();
        io.stdout(render.renderShow(record, args.format as "text" | "json"));
        if (args.servicenowChange) {
          const { noteMarkOnChange } = await import("../servicenow/sink.js");
          await noteMarkOnChange({
            change: args.servicenowChange,
            env,
            ...(loaded?.config.servicenow ? { config: loaded.config.servicenow } : {}),
            dryRun: args.servicenowDryRun === true,
            write: io.stderr,
            recordId: record.id,
            mark: mark!,
          });
        }
        return 0;
      }
    }
  } finally {
    store.close();
  }
}
