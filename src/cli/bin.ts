#!/usr/bin/env node
import { readFileSync } from "node:fs";
import nodeModule from "node:module";
import { EXIT_CODES } from "../core/exit-codes.js";
import { unsupportedNode } from "./node-version.js";

const tooOld = unsupportedNode(process.versions.node);
if (tooOld) {
  process.stderr.write(tooOld);
  process.exit(EXIT_CODES.USAGE.code);
}

/**
 * Fast paths: `--help` and `--version` print text that yargs rendered at build time
 * (scripts/render-help.mjs), so they never pay for loading yargs (~100 ms, mostly string-width).
 */
const FAST_HELP = new Map<string, string>(
  ["root", "check", "record", "rules", "explain"].flatMap((file) => {
    const prefix = file === "root" ? "" : `${file} `;
    return [`${prefix}--help`, `${prefix}-h`].map((args) => [args, file] as [string, string]);
  }),
);

/**
 * A reader that stops early (`| head -1`) closes the pipe: stop writing, quietly, as other CLIs
 * do, but finish the check, so the verdict's exit code survives (a closed stdout must never turn a
 * failing gate green). Any other write failure (ENOSPC on a full disk) means the report was not
 * delivered: one line and exit 2, never a stack.
 */
let stdoutClosed = false;
let stdoutFailure: NodeJS.ErrnoException | undefined;
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  stdoutClosed = true;
  if (error.code === "EPIPE") return;
  if (!stdoutFailure) {
    stdoutFailure = error;
    process.stderr.write(`azfn-health: cannot write the report to stdout: ${error.code ?? error.message}\n`);
  }
  process.exitCode = EXIT_CODES.USAGE.code;
});
const writeStdout = (text: string) => {
  if (stdoutClosed) return;
  try {
    process.stdout.write(text);
  } catch (error) {
    process.stdout.emit("error", error);
  }
};

/** The last resort: whatever escaped is one line without internals (the stack with AZFN_HEALTH_DEBUG). */
const lastResort = (error: unknown) => {
  process.stderr.write(
    `azfn-health: unexpected error (a bug: please report ` +
      `it).${process.env.AZFN_HEALTH_DEBUG ? `\n${(error as Error)?.stack ?? String(error)}` : " Run with --debug for details."}\n`,
  );
  process.exit(EXIT_CODES.CRASH.code);
};
process.on("uncaughtException", lastResort);
process.on("unhandledRejection", lastResort);

const args = process.argv.slice(2);
const fast = FAST_HELP.get(args.join(" "));
if (fast && !process.env.AZFN_INTERNAL_NO_FAST_PATH) {
  writeStdout(readFileSync(new URL(`../help/${fast}.txt`, import.meta.url), "utf8"));
} else if (args.length === 1 && args[0] === "--version" && !process.env.AZFN_INTERNAL_NO_FAST_PATH) {
  writeStdout(
    `${(JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version}\n`,
  );
} else {
  /**
   * Node's on-disk compile cache (Node 22.1+; NODE_COMPILE_CACHE, else the system's temporary
   * directory): a second run skips compiling the bundle's chunks. Guarded: an older Node has no
   * such function, and a cache that cannot be written (a read-only temp) only costs the speed-up.
   * Set before the chunks load, and only for them: --help and --version load nothing to cache.
   */
  (nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
  const [{ main }, { useColor }] = await Promise.all([import("./main.js"), import("./color.js")]);
  // Set, never process.exit(): a large report on a pipe must be flushed first.
  const code = await main(args, {
    stdout: writeStdout,
    stderr: (text) => process.stderr.write(text),
    color: useColor(process.env, process.stdout),
    stderrIsTTY: process.stderr.isTTY,
    // The text report wraps at the terminal's width; a pipe or a CI log gets the report's default.
    ...(process.stdout.isTTY && process.stdout.columns > 0 ? { columns: process.stdout.columns } : {}),
    startedAt: 0,
  });
  process.exitCode = stdoutFailure ? EXIT_CODES.USAGE.code : code;
  // The command is done, its report written (stdout and stderr are synchronous on Linux pipes
  // and files). A request the deadline could not cut (a token endpoint trickling a byte a second
  // holds its socket open) must not keep the process alive past --timeout. Unref'd: a process
  // with nothing left to do still ends at once, as before.
  setTimeout(() => process.exit(), 250).unref();
}
