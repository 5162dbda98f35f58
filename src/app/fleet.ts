import { randomBytes } from "node:crypto";
import { resolveEndpoints } from "../core/clouds.js";
import { UsageError } from "../core/errors.js";
import type { FailOn } from "../core/exit-codes.js";
import type { LoadedConfig } from "../config/load.js";
import type { FleetFormat } from "../fleet/report/index.js";
import type { AccessArgs } from "./args.js";
import type { Io } from "./io.js";
import { policyOf } from "./request.js";
import { signIn } from "./session.js";
import { trapSignals } from "./signals.js";

export interface FleetArgs extends AccessArgs {
  subscription?: string[];
  managementGroup?: string;
  readSettings?: boolean;
  format: FleetFormat;
  failOn: FailOn;
}

/** check's flags that name one pair or a recording: the fleet reads every app, live. */
export const PAIR_FLAGS = ["qa", "prod", "from", "until", "qa-app-insights", "prod-app-insights"] as const;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `fleet`: Resource Graph's inventory, judged by check's rules; the exit code by the worst finding. */
export async function runFleet(
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
    const [{ credential, authHint }, { runFleet: judgeFleetOf }, { renderFleet }] = await Promise.all([
      signIn(args, endpoints.authority, deadline.signal, env),
      import("../fleet/run.js"),
      import("../fleet/report/index.js"),
    ]);
    const report = await judgeFleetOf({
      access: {
        credential,
        endpoint: endpoints.arm,
        scope: endpoints.armScope,
        abortSignal: deadline.signal,
        perTryTimeoutMs: args.requestTimeout * 1000,
        ...(io.retryOptions ? { retryOptions: io.retryOptions } : {}),
        authHint,
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
