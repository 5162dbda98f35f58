import { randomBytes } from "node:crypto";
import type { Argv } from "yargs";
import { resolveEndpoints } from "../core/clouds.js";
import { UsageError } from "../core/errors.js";
import { FAIL_ON_CHOICES, type FailOn } from "../core/exit-codes.js";
import type { LoadedConfig } from "../config/load.js";
import { FLEET_FORMATS, type FleetFormat } from "../fleet/report/index.js";
import { accessOptions, configDefaults, policyOf, type AccessArgs } from "./check-command.js";
import type { Io } from "./io.js";
import { trapSignals } from "./signals.js";

export interface FleetArgs extends AccessArgs {
  subscription?: string[];
  managementGroup?: string;
  readSettings?: boolean;
  format: FleetFormat;
  failOn: FailOn;
}

/** check's flags that name one pair or a recording: the fleet reads every app, live. */
const PAIR_FLAGS = ["qa", "prod", "from", "until", "qa-app-insights", "prod-app-insights"] as const;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** check's access options (clouds, endpoints, --auth, --timeout), plus the fleet's scope and output. */
export function fleetOptions(yargs: Argv): Argv<FleetArgs> {
  let y = accessOptions(yargs) as unknown as Argv;
  for (const flag of PAIR_FLAGS) y = y.hide(flag);
  return y
    .option("subscription", {
      type: "string",
      array: true,
      describe:
        "A subscription ID to read (repeat for more; default: every subscription the identity can read)",
    })
    .option("management-group", {
      type: "string",
      describe: "Read every subscription under this management group",
    })
    .option("read-settings", {
      type: "boolean",
      describe:
        "Also read each app's settings (worker runtime, host IDs on shared storage); needs Microsoft.Web/sites/config/list/action",
    })
    .option("format", { choices: FLEET_FORMATS, default: "text", describe: "Report format" })
    .option("fail-on", {
      choices: FAIL_ON_CHOICES,
      default: "hotfix",
      describe:
        "Lowest fleet verdict that exits non-zero (critical/high findings: hotfix; medium/low: monitor)",
    })
    .example("$0 fleet", "Every Function App the identity can read, worst first")
    .example(
      "$0 fleet --subscription 0000… --subscription 1111… --format csv > fleet.csv",
      "Two subscriptions, for a spreadsheet",
    )
    .example(
      "$0 fleet --management-group platform --read-settings --format html > fleet.html",
      "One management group, settings too",
    ) as unknown as Argv<FleetArgs>;
}

/** The configuration's values fleet shares with check: the cloud, endpoints, sign-in, timeout, gate. */
const SHARED_DEFAULTS = [
  "failOn",
  "cloud",
  "auth",
  "tenant",
  "timeout",
  "armEndpoint",
  "logsEndpoint",
  "metricsEndpoint",
];

export function fleetDefaults(loaded?: LoadedConfig): Record<string, unknown> {
  const all = configDefaults(loaded);
  return Object.fromEntries(Object.entries(all).filter(([key]) => SHARED_DEFAULTS.includes(key)));
}

/** `fleet`: Resource Graph's inventory, judged by check's rules; the exit code by the worst finding. */
export async function runFleetCommand(
  args: FleetArgs,
  io: Io,
  toolVersion: string,
  env: NodeJS.ProcessEnv,
  loaded?: LoadedConfig,
): Promise<number> {
  const given = PAIR_FLAGS.find((flag) => (args as unknown as Record<string, unknown>)[flag] !== undefined);
  if (given)
    throw new UsageError(`--${given} is check's: fleet reads every app it can see (use --subscription)`);
  for (const [flag, value] of [
    ["--timeout", args.timeout],
    ["--request-timeout", args.requestTimeout],
  ] as const)
    if (!(value > 0)) throw new UsageError(`${flag}: expected a number of seconds above 0, got ${value}`);
  const subscriptions = (args.subscription ?? []).map((s) => String(s).trim());
  const bad = subscriptions.find((s) => !GUID.test(s));
  if (bad !== undefined) throw new UsageError(`--subscription: not a subscription ID (a GUID): ${bad}`);
  if (args.managementGroup !== undefined && !/^[\w.()-]{1,90}$/.test(args.managementGroup))
    throw new UsageError(`--management-group: not a management group ID: ${args.managementGroup}`);
  const endpoints = resolveEndpoints(args.cloud, {
    arm: args.armEndpoint,
    logs: args.logsEndpoint,
    metrics: args.metricsEndpoint,
    authority: env.AZURE_AUTHORITY_HOST,
  });
  // The whole run is bounded from the process's start, sign-in included.
  const elapsed = io.startedAt === undefined ? 0 : performance.now() - io.startedAt;
  const deadlineAt = Date.now() + args.timeout * 1000 - elapsed;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), Math.max(0, deadlineAt - Date.now())).unref();
  let decided: { exitCode: number; verdict: string } | undefined;
  const untrap = trapSignals({
    io,
    abort: (reason) => deadline.abort(new Error(reason)),
    decided: () => decided,
    what: () => "Resource Graph's answers",
  });
  try {
    const [{ createCredential, sharedTokenCredential, AUTH_HINTS }, { runFleet }, { renderFleet }] =
      await Promise.all([
        import("../collect/credentials.js"),
        import("../fleet/run.js"),
        import("../fleet/report/index.js"),
      ]);
    const bound = { signal: deadline.signal, seconds: args.timeout };
    const credential = sharedTokenCredential(
      await createCredential(args.auth, {
        tenantId: args.tenant,
        authorityHost: endpoints.authority,
        deadline: bound,
      }),
      bound,
    );
    const report = await runFleet({
      access: {
        credential,
        endpoint: endpoints.arm,
        scope: endpoints.armScope,
        abortSignal: deadline.signal,
        perTryTimeoutMs: args.requestTimeout * 1000,
        ...(io.retryOptions ? { retryOptions: io.retryOptions } : {}),
        authHint: AUTH_HINTS[args.auth],
      },
      scope: { subscriptions, ...(args.managementGroup ? { managementGroup: args.managementGroup } : {}) },
      now: new Date(),
      deadlineAt,
      hashKey: randomBytes(32),
      readSettings: args.readSettings === true,
      failOn: args.failOn,
      toolVersion,
      ...policyOf(loaded),
    });
    decided = { exitCode: report.exitCode, verdict: report.verdict };
    io.stdout(await renderFleet(report, args.format));
    return report.exitCode;
  } finally {
    clearTimeout(timer);
    untrap();
  }
}
