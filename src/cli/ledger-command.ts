import type { Argv } from "yargs";
import type { LoadedConfig } from "../config/load.js";
import { UsageError } from "../core/errors.js";
import { SUCCESS } from "../core/exit-codes.js";
import { parseSince } from "../core/time.js";
import type { LedgerStore } from "../ledger/location.js";
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
  until?: string;
  by?: string;
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
    .positional("id", {
      type: "string",
      describe: "A record id as `ledger list` shows it, or a unique prefix of one",
    })
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
    .option("since", {
      type: "string",
      describe: "report: releases since: quarter, last-quarter, 2026-Q3, ISO 8601, or 90d, 12h",
    })
    .option("until", {
      type: "string",
      describe: "report: releases before (a quarter's end, ISO 8601; a bare date includes that day)",
    })
    .option("by", {
      type: "string",
      describe: "mark: who judges (default: the CI's user variables, then USER)",
    })
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
      "$0 ledger mark 01a24ae5-13a4 --unclean --remediation feature-on-previous-build --reason " +
        '"timeouts after the .NET 8 move" --restored-at 2026-12-01T11:40:00Z',
      "A person's judgment, kept with who and when",
    )
    .example(
      "$0 ledger report --since last-quarter --format html > ledger.html",
      "How clean last quarter's deployments were, and why not: one row per unclean deployment",
    );
}

/**
 * Who judges, in order: --by; the CI's own identity of the person who started the run (GitHub
 * Actions GITHUB_ACTOR, Azure Pipelines BUILD_REQUESTEDFOR and its e-mail, GitLab
 * GITLAB_USER_LOGIN): in CI, USER is the agent's service account; then USER / USERNAME. `byFrom`
 * says which, so a mark never says "unknown" silently: with none of them, the mark is refused.
 */
export function whoFrom(
  env: NodeJS.ProcessEnv,
  by?: string,
): { by: string; byFrom: string; ciBuild?: string } | undefined {
  const ciBuild = env.GITHUB_RUN_ID
    ? `github:${env.GITHUB_REPOSITORY ? `${env.GITHUB_REPOSITORY}/` : ""}${env.GITHUB_RUN_ID}`
    : env.BUILD_BUILDID
      ? `azure-pipelines:${env.BUILD_BUILDID}`
      : env.CI_PIPELINE_ID
        ? `gitlab:${env.CI_PROJECT_PATH ? `${env.CI_PROJECT_PATH}/` : ""}${env.CI_PIPELINE_ID}`
        : undefined;
  const azure = env.BUILD_REQUESTEDFOR?.trim();
  const azureEmail = env.BUILD_REQUESTEDFOREMAIL?.trim();
  const candidates: [string | undefined, string][] = [
    [by, "--by"],
    [env.GITHUB_ACTOR, "GITHUB_ACTOR"],
    [
      azure && azureEmail ? `${azure} <${azureEmail}>` : azure || azureEmail,
      azure ? "BUILD_REQUESTEDFOR" : "BUILD_REQUESTEDFOREMAIL",
    ],
    [env.GITLAB_USER_LOGIN, "GITLAB_USER_LOGIN"],
    [env.USER, "USER"],
    [env.USERNAME, "USERNAME"],
  ];
  const found = candidates.find(([value]) => value?.trim());
  if (!found) return undefined;
  return { by: found[0]!.trim(), byFrom: found[1], ...(ciBuild ? { ciBuild } : {}) };
}

/**
 * The record an id names: the id itself, else the one record whose id starts with it (ids are
 * long UUIDs; a few characters are enough). An ambiguous prefix lists the candidates, in one line.
 */
export async function resolveRecordId(store: LedgerStore, typed: string, action: string): Promise<string> {
  if (await store.get(typed)) return typed;
  const prefix = typed.toLowerCase();
  const matches = (await store.list()).map((e) => e.id).filter((id) => id.toLowerCase().startsWith(prefix));
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) throw new UsageError(`ledger ${action}: no record ${typed} in ${store.location}`);
  const shown = matches.slice(0, 5).join(", ");
  throw new UsageError(
    `ledger ${action}: ${typed} is the start of ${matches.length} record ids (${shown}` +
      `${matches.length > 5 ? ", …" : ""}); type more of it`,
  );
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
    const who = whoFrom(env, args.by);
    if (!who)
      throw new UsageError(
        "ledger mark: who is judging? Give --by NAME (no GITHUB_ACTOR, BUILD_REQUESTEDFOR, GITLAB_USER_LOGIN or USER is set)",
      );
    mark = {
      outcome: args.clean ? "clean" : "unclean",
      ...(args.remediation ? { remediation: args.remediation } : {}),
      reason: args.reason.trim(),
      ...(args.restoredAt ? { restoredAt: isoTime(args.restoredAt, "--restored-at", now) } : {}),
      ...who,
      at: now.toISOString(),
      ...(args.servicenowChange ? { servicenowChange: args.servicenowChange } : {}),
    };
  }
  if ((args.since !== undefined || args.until !== undefined) && action !== "report")
    throw new UsageError(`ledger ${action}: --since and --until are for report`);
  const { reportWindow } = await import("../ledger/window.js");
  const window = action === "report" ? reportWindow(args.since, args.until, now) : undefined;
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
  const { skippedLine } = await import("../ledger/shape.js");
  const store = await openLedger(location, {
    create: false,
    env,
    ...(credential ? { credential } : {}),
    onSkippedRow: (row) => io.stderr(`azfn-health: ${skippedLine(row)}\n`),
  });
  try {
    const unknown = () => new UsageError(`ledger ${action}: no record ${id} in ${store.location}`);
    const recordId = id === undefined ? undefined : await resolveRecordId(store, id, action);
    switch (action) {
      case "list":
        io.stdout(render.renderList(await store.list(), args.format));
        return SUCCESS;
      case "show": {
        const record = await store.get(recordId!);
        if (!record) throw unknown();
        io.stdout(render.renderShow(record, args.format as "text" | "json"));
        return SUCCESS;
      }
      case "report": {
        const { summariseLedger } = await import("../ledger/metrics.js");
        const summary = summariseLedger(await store.list(), {
          ...(args.app ? { app: args.app } : {}),
          ...window!,
        });
        io.stdout(render.renderReport(summary, args.format));
        return SUCCESS;
      }
      case "diff": {
        const { diffRecords, lastCleanBefore } = await import("../ledger/diff.js");
        const record = await store.get(recordId!);
        if (!record) throw unknown();
        const previous = lastCleanBefore(await store.list(), record);
        const full = previous ? await store.get(previous.id) : undefined;
        io.stdout(
          render.renderDiff(full ? diffRecords(full, record) : undefined, args.format as "text" | "json"),
        );
        return SUCCESS;
      }
      case "mark": {
        const record = await store.mark(recordId!, mark!);
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
        return SUCCESS;
      }
    }
  } finally {
    store.close();
  }
}
