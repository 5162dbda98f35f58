import type { CheckResult } from "../check.js";
import type { LoadedConfig } from "../config/load.js";
import { exitCodeFor } from "../core/exit-codes.js";
import type { Report } from "../report/model.js";
import type { WatchSummary } from "../core/watch-model.js";
import type { CheckArgs } from "./args.js";
import type { Io } from "./io.js";
import { saveRecording, type Session } from "./session.js";

/** The flags that say where a verdict goes; `preflight` and `record` leave the ledger and the ticket out. */
export type DeliverArgs = Pick<CheckArgs, "format" | "failOn" | "ci" | "verbose" | "record" | "out"> &
  Partial<Pick<CheckArgs, "ledger" | "servicenowChange" | "servicenowClose" | "servicenowDryRun">>;

export interface Delivery {
  session: Session;
  io: Io;
  env: NodeJS.ProcessEnv;
  toolVersion: string;
  loaded?: LoadedConfig;
  moment?: Report["moment"];
  watch?: WatchSummary;
}

/**
 * Where a verdict goes, for `check`, `check --watch` and `preflight`, always in this order:
 *
 * 1. the recording (--record): what was read, redacted;
 * 2. the evidence bundle (--out);
 * 3. the ledger (--ledger): its status joins the report (JSON `ledger`, the text's trailer);
 * 4. the report on stdout;
 * 5. the ServiceNow change (--servicenow-change): the note names the ledger record and attaches
 *    the bundle's report.html;
 * 6. the CI runner's outputs (--ci).
 *
 * The policy for a sink that fails: the evidence the run was asked to keep (the recording, the
 * bundle) and the CI outputs the pipeline reads are part of the gate, so their failure is one
 * line and exit 2 (a gate whose evidence is missing must not pass quietly); the notifications
 * (ledger, ServiceNow) are one line on stderr and never change the verdict's exit code.
 * The sinks do not know each other: this function hands each what the one before it produced.
 */
export async function deliver(result: CheckResult, args: DeliverArgs, delivery: Delivery): Promise<number> {
  const { session, io, env, loaded } = delivery;
  session.stopProgress();
  const exitCode = exitCodeFor(result.recommendation.action, args.failOn);
  session.decided = { exitCode, verdict: result.recommendation.action };
  if (args.record) io.stderr(`azfn-health: recorded to ${await saveRecording(session, args.record)}\n`);
  const [{ buildReport }, { render }] = await Promise.all([
    import("../report/model.js"),
    import("../report/index.js"),
  ]);
  const report = buildReport(result, {
    toolVersion: delivery.toolVersion,
    exitCode,
    failOn: args.failOn,
    mode: session.replayed ? "replay" : "live",
    ...(delivery.moment ? { moment: delivery.moment } : {}),
    ...(delivery.watch ? { watch: delivery.watch } : {}),
    ...(session.replayed ? { recording: session.replayed } : {}),
    ...(loaded ? { config: loaded.path } : {}),
  });
  // A bundle refused late (the directory appeared meanwhile, a full disk) is exit 2, as below, but
  // does not lose the ledger's record of the check: the ledger is written, then the refusal thrown.
  let bundleRefused: Error | undefined;
  const bundleFiles = args.out
    ? await writeBundle(args.out, report, result.facts).catch(
        (error: unknown) => void (bundleRefused = error as Error),
      )
    : undefined;
  if (bundleFiles) io.stderr(`azfn-health: evidence written to ${args.out}\n`);
  const sinks = args.ledger !== undefined || args.servicenowChange ? await import("./sinks.js") : undefined;
  const sinkContext = {
    args,
    report,
    facts: result.facts,
    bundleFiles,
    env,
    config: loaded,
    stderr: io.stderr,
    // The change ticket's calls end with --timeout, like every call of the check.
    ...(session.access.abortSignal ? { signal: session.access.abortSignal } : {}),
  };
  const shown = sinks
    ? await sinks.recordBeforeOutput({ ...sinkContext, credential: session.access.credential })
    : { report, trailer: "", ledger: undefined };
  if (bundleRefused) throw bundleRefused;
  io.stdout(
    (await render(shown.report, args.format, {
      color: io.color,
      verbose: args.verbose === true,
      width: io.columns,
    })) + shown.trailer,
  );
  await sinks?.updateTicketAfterOutput(sinkContext, shown.ledger);
  await speakToCi(report, args, io, env);
  return exitCode;
}

async function writeBundle(
  dir: string,
  report: Report,
  facts: import("../core/facts.js").CheckFacts,
): Promise<Record<string, string>> {
  const [{ evidenceBundle, bundleFileMode }, { writeNewFiles }] = await Promise.all([
    import("../report/bundle.js"),
    import("../files/write-new.js"),
  ]);
  // Whole or nothing, never over anything and never through a symlink (src/files/write-new.ts).
  const files = evidenceBundle(report, facts);
  await writeNewFiles(
    "--out",
    dir,
    Object.entries(files).map(([name, text]) => ({ name, text, mode: bundleFileMode(name) })),
  );
  return files;
}

/**
 * Annotations, outputs and the summary for the runner. The command lines go to stdout, where the
 * runners read them, except when stdout carries a machine format: then to stderr, and the
 * file-based outputs (GitHub's GITHUB_OUTPUT and step summary) still work.
 */
async function speakToCi(
  report: Report,
  args: Pick<CheckArgs, "ci" | "format">,
  io: Io,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const { detectCi, githubOutput, azureOutput } = await import("../report/ci.js");
  const dialect = detectCi(env, args.ci);
  if (dialect === "none") return;
  const fs = await import("node:fs/promises");
  const nodePath = await import("node:path");
  const { tmpdir } = await import("node:os");
  // The summary goes into a private directory of its own (mkdtemp, mode 0700) and is created,
  // never opened: a fixed name in a shared /tmp could be a symlink planted by another user.
  const output =
    dialect === "github"
      ? githubOutput(report, env)
      : azureOutput(
          report,
          nodePath.join(
            await fs.mkdtemp(nodePath.join(env.AGENT_TEMPDIRECTORY ?? tmpdir(), "azfn-health-")),
            "summary.md",
          ),
        );
  for (const file of output.files)
    await (file.append
      ? fs.appendFile(file.path, file.text)
      : fs.writeFile(file.path, file.text, { flag: "wx", mode: 0o600 }));
  const text = `${output.lines.join("\n")}\n`;
  if (args.format === "json" || args.format === "junit" || args.format === "html") io.stderr(text);
  else io.stdout(text);
}
