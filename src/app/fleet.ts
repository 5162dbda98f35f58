import { randomBytes } from "node:crypto";
import { UsageError } from "../core/errors.js";
import type { FailOn } from "../core/exit-codes.js";
import type { LoadedConfig } from "../config/load.js";
import type { FleetFormat } from "../fleet/report/index.js";
import type { AccessArgs } from "./args.js";
import type { Io } from "./io.js";
import { policyOf } from "./request.js";
import { armAccess, endpointsOf, signIn, startDeadline } from "./session.js";
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
  const subscriptions = (args.subscription ?? []).map((s) => String(s).trim());
  const bad = subscriptions.find((s) => !GUID.test(s));
  if (bad !== undefined) throw new UsageError(`--subscription: not a subscription ID (a GUID): ${bad}`);
  if (args.managementGroup !== undefined && !/^[\w.()-]{1,90}$/.test(args.managementGroup))
    throw new UsageError(`--management-group: not a management group ID: ${args.managementGroup}`);
  const endpoints = endpointsOf(args, env);
  const deadline = new AbortController();
  const { at: deadlineAt, clear } = startDeadline(deadline, args.timeout, io);
  let decided: { exitCode: number; verdict: string } | undefined;
  const untrap = trapSignals({
    io,
    abort: (reason) => deadline.abort(new Error(reason)),
    decided: () => decided,
    what: () => "Resource Graph's answers",
  });
  try {
    const [signedIn, { runFleet: judgeFleetOf }, { renderFleet }] = await Promise.all([
      signIn(args, endpoints.authority, deadline.signal, env),
      import("../fleet/run.js"),
      import("../fleet/report/index.js"),
    ]);
    const report = await judgeFleetOf({
      access: armAccess(args, endpoints, deadline.signal, io, signedIn),
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
    clear();
    untrap();
  }
}
