import type { Argv } from "yargs";
import type { AuthMode } from "../collect/credentials.js";
import { CLOUD_NAMES } from "../core/clouds.js";
import { FAIL_ON_CHOICES } from "../core/exit-codes.js";
import { assertUntilAfterRelease } from "../core/release.js";
import { CI_CHOICES } from "../report/ci-choices.js";
import { FORMATS } from "../report/index.js";
import type { LoadedConfig } from "../config/load.js";
import type { AccessArgs, CheckArgs } from "../app/args.js";
import { deliver } from "../app/deliver.js";
import type { Io } from "../app/io.js";
import { checkRequestOf } from "../app/request.js";
import { openSession } from "../app/session.js";

export type { AccessArgs, CheckArgs } from "../app/args.js";
export { DEMO_RECORDING } from "../app/session.js";

const AUTH_CHOICES: readonly AuthMode[] = [
  "default",
  "cli",
  "managed-identity",
  "workload-identity",
  "environment",
];

export function accessOptions(yargs: Argv): Argv<AccessArgs> {
  return yargs
    .option("qa", { type: "string", describe: "QA Function App (or slot) resource ID" })
    .option("prod", { type: "string", describe: "Production Function App (or slot) resource ID" })
    .option("cloud", {
      choices: CLOUD_NAMES,
      default: "AzureCloud",
      describe: "Azure cloud: its Resource Manager, Log Analytics and metrics endpoints and token audiences",
    })
    .option("arm-endpoint", {
      type: "string",
      describe: "Override the Resource Manager endpoint (Azure Stack, private clouds)",
    })
    .option("logs-endpoint", { type: "string", describe: "Override the Log Analytics endpoint" })
    .option("metrics-endpoint", {
      type: "string",
      describe:
        "Override the metrics endpoint (default: the Resource Manager endpoint, which serves Microsoft.Insights/metrics)",
    })
    .option("auth", {
      choices: AUTH_CHOICES,
      default: "default",
      describe:
        "Credential: DefaultAzureCredential, Azure CLI, managed identity, workload identity, or AZURE_* environment variables",
    })
    .option("tenant", { type: "string", describe: "Entra tenant ID, for the credentials that take one" })
    .option("timeout", {
      type: "number",
      default: 120,
      describe: "Seconds the whole check may take; what is still unanswered makes it INCONCLUSIVE",
    })
    .option("request-timeout", {
      type: "number",
      default: 30,
      describe: "Seconds one attempt of one request may take before it is retried",
    })
    .option("until", {
      type: "string",
      describe:
        "Judge as of this time (ISO 8601) instead of now: the end of the metric window and the clock for end-of-life dates",
    })
    .option("quiet", { type: "boolean", describe: "No progress on stderr" })
    .option("verbose", {
      type: "boolean",
      describe: "Every call made, with its status and time, on stderr; the text report's full evidence",
    })
    .option("debug", {
      type: "boolean",
      describe: "Print the stack of an unexpected error (also AZFN_HEALTH_DEBUG=1)",
    })
    .option("config", {
      type: "string",
      describe: `Configuration file (default: ./azfn-health.config.yaml, .yml or .json). Flags and AZFN_HEALTH_* variables override it`,
    }) as unknown as Argv<AccessArgs>;
}

/** Application Insights, read by `check` and `record` only (preflight reads no logs). */
export function appInsightsOptions<T>(yargs: Argv<T>): Argv<T> {
  return yargs
    .option("qa-app-insights", {
      type: "string",
      describe: "QA's Application Insights component resource ID, when the app does not link it",
    })
    .option("prod-app-insights", {
      type: "string",
      describe: "Production's Application Insights component resource ID, when the app does not link it",
    });
}

/** What check and preflight both offer: the report, the gate, replay, CI, recording and the bundle. */
export function verdictOptions<T>(yargs: Argv<T>): Argv<T> {
  return yargs
    .option("format", { choices: FORMATS, default: "text", describe: "Report format" })
    .option("fail-on", {
      choices: FAIL_ON_CHOICES,
      default: "hotfix",
      describe: "Lowest verdict that exits non-zero",
    })
    .option("from", {
      type: "string",
      describe:
        "Replay a recording (a directory, its recording.json, or a bundled one by name, " +
        "e.g. story-32bit-upgrade) instead of calling Azure",
    })
    .option("ci", {
      choices: CI_CHOICES,
      default: "auto" as const,
      describe:
        "Speak a CI runner's language: annotations, the verdict as an output, a summary " +
        "(auto: GITHUB_ACTIONS or TF_BUILD)",
    })
    .option("record", {
      type: "string",
      describe: "Also save what was read, redacted, as a recording in this directory",
    })
    .option("out", {
      type: "string",
      describe:
        "Write the evidence bundle to this directory: report.html/.md/.json/.junit.xml, " +
        "redacted facts, metrics.csv, plan.sh",
    });
}

export function checkOptions(yargs: Argv): Argv<CheckArgs> {
  const withRelease = sinkOptions(appInsightsOptions(accessOptions(yargs)))
    .option("since", {
      type: "string",
      describe:
        "Release time: ISO 8601, or a duration ago (30s, 90m, 2h, 1d). Default: production's latest deployment or slot swap",
    })
    .option("settle", {
      type: "number",
      default: 5,
      describe: "Minutes after the release left out of the metrics (warm-up)",
    })
    .option("baseline", {
      choices: ["before", "last-week"] as const,
      default: "before",
      describe: "Metric baseline: the same length right before the release, or the same hours 7 days earlier",
    });
  return verdictOptions(withRelease)
    .option("watch", {
      type: "string",
      describe:
        "Keep judging for this long (30m, 2h, 1d) as after-release data arrives; " +
        "stop early on clear failure, PROCEED only on enough evidence",
    })
    .option("interval", { type: "string", default: "5m", describe: "With --watch: time between rounds" })
    .option("failure-limit", {
      type: "number",
      default: 2,
      describe: "With --watch: consecutive failing rounds (HOTFIX/ROLLBACK) that stop the watch early",
    })
    .example(
      "$0 check --qa /subscriptions/…/sites/orders-qa --prod /subscriptions/…/sites/orders",
      "Compare QA with production after a release",
    )
    .example("$0 check --qa … --prod … --watch 30m --interval 5m", "Watch the release for 30 minutes")
    .example("$0 check --from story-32bit-upgrade", "Replay a bundled recording offline")
    .example(
      "$0 check --qa … --prod … --since 2h --format json --fail-on rollback",
      "A pipeline gate that fails only on ROLLBACK",
    ) as unknown as Argv<CheckArgs>;
}

/** The ledger and the change ticket: the only writes azfn-health makes, and only when asked. */
function sinkOptions(yargs: Argv): Argv {
  return yargs
    .option("ledger", {
      type: "string",
      describe:
        "Record the check in a ledger: a SQLite file (no value: $XDG_STATE_HOME/azfn-health/ledger.sqlite) or " +
        "https://<account>.table.core.windows.net/<table>",
    })
    .option("servicenow-change", {
      type: "string",
      describe: "Add the verdict, findings and plan to this ServiceNow change request (CHG…) as a work note",
    })
    .option("servicenow-close", {
      type: "boolean",
      describe:
        "Also close the change: PROCEED/MONITOR successful, HOTFIX successful_issues, ROLLBACK unsuccessful",
    })
    .option("servicenow-dry-run", {
      type: "boolean",
      describe: "Print the ServiceNow requests instead of sending them (credentials masked)",
    });
}

/** `check` (and `demo`): open the run, read and judge, deliver; `--watch` hands over to the watch. */
export async function runCheckCommand(
  args: CheckArgs,
  io: Io,
  toolVersion: string,
  env: NodeJS.ProcessEnv,
  loaded?: LoadedConfig,
): Promise<number> {
  if (args.watch !== undefined)
    return (await import("./watch-command.js")).runWatchCommand(
      { ...args, watch: args.watch },
      io,
      toolVersion,
      env,
      loaded,
    );
  const { runCheck } = await import("../check.js");
  const session = await openSession(args, env, io, {
    recordTo: args.record,
    ...(args.out ? { bundleTo: args.out } : {}),
    environments: loaded?.config.environments,
  });
  try {
    const result = await runCheck(checkRequestOf(args, session, loaded));
    assertUntilAfterRelease(result.release, args.until, session.now);
    return await deliver(result, args, { session, io, env, toolVersion, loaded });
  } finally {
    session.done();
  }
}

/** The configuration's values for the options, which flags and AZFN_HEALTH_* variables override. */
export function configDefaults(loaded?: LoadedConfig): Record<string, unknown> {
  const c = loaded?.config;
  if (!c) return {};
  const entries: [string, unknown][] = [
    ["qa", c.qa ?? (c.environments?.qa ? "qa" : undefined)],
    ["prod", c.prod ?? (c.environments?.prod ? "prod" : undefined)],
    ["failOn", c.failOn],
    ["cloud", c.cloud],
    ["auth", c.auth],
    ["tenant", c.tenant],
    ["timeout", c.timeout],
    ["armEndpoint", c.endpoints?.arm],
    ["logsEndpoint", c.endpoints?.logs],
    ["metricsEndpoint", c.endpoints?.metrics],
    ["settle", c.metrics?.settle],
    ["baseline", c.metrics?.baseline],
    ["qaAppInsights", c.appInsights?.qa],
    ["ledger", c.ledger],
    ["prodAppInsights", c.appInsights?.prod],
  ];
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined));
}
