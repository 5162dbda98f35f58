import { UsageError } from "../core/errors.js";
import type { CheckArgs } from "./args.js";
import type { Io } from "./io.js";

export async function writeBundle(
  dir: string,
  report: import("../report/model.js").Report,
  facts: import("../core/facts.js").CheckFacts,
): Promise<Record<string, string>> {
  const [{ evidenceBundle }, fs, nodePath] = await Promise.all([
    import("../report/bundle.js"),
    import("node:fs/promises"),
    import("node:path"),
  ]);
  // A fresh directory, or an existing one without our files: each file is created, never
  // overwritten and never written through a symlink planted there (O_CREAT|O_EXCL refuses both).
  const existing = await fs.lstat(dir).catch(() => undefined);
  if (existing && !existing.isDirectory())
    throw new UsageError(`--out: ${dir} exists and is not a directory: give a new directory`);
  const files = evidenceBundle(report, facts);
  try {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    for (const [name, text] of Object.entries(files))
      await fs.writeFile(nodePath.join(dir, name), text, {
        flag: "wx",
        mode: name === "plan.sh" ? 0o700 : 0o600,
      });
  } catch (error) {
    const { code, path } = error as NodeJS.ErrnoException;
    throw new UsageError(
      code === "EEXIST"
        ? `--out: ${path ?? dir} already exists: give a new directory (azfn-health never overwrites evidence)`
        : `--out: cannot write to ${path ?? dir}: ${code ?? (error as Error).message}`,
    );
  }
  return files;
}

/**
 * Annotations, outputs and the summary for the runner. The command lines go to stdout, where the
 * runners read them, except when stdout carries a machine format: then to stderr, and the
 * file-based outputs (GitHub's GITHUB_OUTPUT and step summary) still work.
 */
export async function speakToCi(
  report: import("../report/model.js").Report,
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
