import type { Argv } from "yargs";
import type { FailOn } from "../core/exit-codes.js";
import { CI_CHOICES } from "../report/ci-choices.js";
import type { Format } from "../report/index.js";
import type { LoadedConfig } from "../config/load.js";
import { accessOptions, verdictOptions, type AccessArgs } from "./check-command.js";
import { deliver } from "../app/deliver.js";
import { preflightRequestOf } from "../app/request.js";
import { openSession } from "../app/session.js";
import type { Io } from "../app/io.js";

export interface PreflightArgs extends AccessArgs {
  ci: (typeof CI_CHOICES)[number];
  format: Format;
  failOn: FailOn;
  record?: string;
  out?: string;
}

export function preflightOptions(yargs: Argv): Argv<PreflightArgs> {
  return verdictOptions(accessOptions(yargs))
    .example(
      "$0 preflight --qa /subscriptions/…/sites/orders-qa --prod /subscriptions/…/sites/orders",
      "Before the deploy: will production take what QA tested, and is there a way back?",
    )
    .example(
      "$0 preflight --from story-32bit-upgrade",
      "Replay a bundled recording offline",
    ) as unknown as Argv<PreflightArgs>;
}

/**
 * `preflight`: before the deploy, the configuration rules on QA against production and rollback
 * readiness; no metrics and no Application Insights are read. Same report, formats, exit codes,
 * CI output and evidence bundle as `check`.
 */
export async function runPreflightCommand(
  args: PreflightArgs,
  io: Io,
  toolVersion: string,
  env: NodeJS.ProcessEnv,
  loaded?: LoadedConfig,
): Promise<number> {
  const { runPreflight } = await import("../preflight.js");
  const session = await openSession(args, env, io, {
    recordTo: args.record,
    ...(args.out ? { bundleTo: args.out } : {}),
    environments: loaded?.config.environments,
  });
  try {
    const result = await runPreflight(preflightRequestOf(args, session, loaded));
    return await deliver(result, args, { session, io, env, toolVersion, loaded, moment: "preflight" });
  } finally {
    session.done();
  }
}
