import type { Argv } from "yargs";
import { exitCodeFor, FAIL_ON_CHOICES, type FailOn } from "../core/exit-codes.js";
import { CI_CHOICES } from "../report/ci-choices.js";
import { FORMATS, type Format } from "../report/index.js";
import type { LoadedConfig } from "../config/load.js";
import {
  accessOptions,
  openSession,
  policyOf,
  saveRecording,
  speakToCi,
  watch,
  writeBundle,
  type AccessArgs,
} from "./check-command.js";
import type { Io } from "./io.js";

export interface PreflightArgs extends AccessArgs {
  ci: (typeof CI_CHOICES)[number];
  format: Format;
  failOn: FailOn;
  record?: string;
  out?: string;
}

export function preflightOptions(yargs: Argv): Argv<PreflightArgs> {
  return accessOptions(yargs)
    .option("format", { choices: FORMATS, default: "text", describe: "Report format" })
    .option("fail-on", {
      choices: FAIL_ON_CHOICES,
      default: "hotfix",
      describe: "Lowest verdict that exits non-zero",
    })
    .option("from", {
      type: "string",
      describe:
        "Replay a recording (a directory, its recording.json, or a bundled one by name, e.g. story-32bit-upgrade) instead of calling Azure",
    })
    .option("ci", {
      choices: CI_CHOICES,
      default: "auto" as const,
      describe: "Speak a CI runner's language: annotations, the verdict as an output, a summary",
    })
    .option("record", { type: "string", describe: "Also save what was read, redacted, as a recording" })
    .option("out", { type: "string", describe: "Write the evidence bundle to this directory" })
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
  const [{ runPreflight }, { buildReport }, { render }] = await Promise.all([
    import("../preflight.js"),
    import("../report/model.js"),
    import("../report/index.js"),
  ]);
  const session = await openSession(args, env, args.record, loaded?.config.environments, io);
  const progress = watch(session, args, io, env);
  try {
    const result = await runPreflight({
      ...session.apps,
      now: session.now,
      access: session.access,
      hashKey: session.hashKey,
      ...policyOf(loaded),
    });
    progress.stop();
    if (args.record) io.stderr(`azfn-health: recorded to ${await saveRecording(session, args.record)}\n`);
    const exitCode = exitCodeFor(result.recommendation.action, args.failOn);
    const report = buildReport(result, {
      toolVersion,
      exitCode,
      failOn: args.failOn,
      mode: session.replayed ? "replay" : "live",
      moment: "preflight",
      ...(session.replayed ? { recording: session.replayed } : {}),
      ...(loaded ? { config: loaded.path } : {}),
    });
    io.stdout(await render(report, args.format, { color: io.color }));
    if (args.out) {
      await writeBundle(args.out, report, result.facts);
      io.stderr(`azfn-health: evidence written to ${args.out}\n`);
    }
    await speakToCi(report, args, io, env);
    return exitCode;
  } finally {
    progress.stop();
    session.done();
  }
}
