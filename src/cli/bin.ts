#!/usr/bin/env node
// No static import but one module of its own: --help and --version read a file and write it, and
// load nothing Node has not loaded already (issue #19: --help within 1.1x `node -e 0`). Builtins
// come from process.getBuiltinModule (Node 20.16+, 22.3+), the exit codes and the CLI on demand.
import { unsupportedNode } from "./node-version.js";

const exitCodes = async () => (await import("../core/exit-codes.js")).EXIT_CODES;

const tooOld = unsupportedNode(process.versions.node);
if (tooOld) {
  process.stderr.write(tooOld);
  process.exit((await exitCodes()).USAGE.code);
}

const fs = process.getBuiltinModule("node:fs");

/**
 * Fast paths: `--help`, `<command> --help` and `--version` print text that yargs rendered at build
 * time (scripts/render-help.mjs writes a page per command), so they never load the CLI's chunks
 * (yargs among them: ~40 ms). A command with no page (a typo) goes to yargs, which says so; a
 * terminal narrower than the pages (100 columns) gets yargs' help, wrapped to its width.
 */
const HELP_ARGS = /^(?:([a-z]+) )?(?:--help|-h)$/;

/** What a write to stdout that failed means: EPIPE (a reader that stopped early) is not a failure. */
let stdoutClosed = false;
let stdoutFailure: NodeJS.ErrnoException | undefined;
const onStdoutError = (error: NodeJS.ErrnoException) => {
  stdoutClosed = true;
  if (error.code === "EPIPE") return;
  if (!stdoutFailure) {
    stdoutFailure = error;
    process.stderr.write(`azfn-health: cannot write the report to stdout: ${error.code ?? error.message}\n`);
  }
};

/**
 * A fast path's text, written straight to file descriptor 1: process.stdout would build a stream
 * (and load its modules) for one write. A pipe opened non-blocking by the parent may take part of
 * it (EAGAIN): the stream then writes the rest.
 */
async function writeFast(text: string): Promise<number> {
  const bytes = Buffer.from(text);
  let written = 0;
  try {
    while (written < bytes.length) written += fs.writeSync(1, bytes, written);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EAGAIN") onStdoutError(error as NodeJS.ErrnoException);
    else process.stdout.write(bytes.subarray(written));
  }
  return stdoutFailure ? (await exitCodes()).USAGE.code : 0;
}

const args = process.argv.slice(2);

/**
 * The width yargs wraps help to (src/cli/main.ts): the terminal's, else COLUMNS; unbounded when
 * neither says. process.stdout builds a stream (and loads its modules), so it is asked only when
 * file descriptor 1 may be a terminal.
 */
function helpColumns(): number {
  const columns = fs.fstatSync(1).isCharacterDevice() ? process.stdout.columns : undefined;
  return columns || Number(process.env.COLUMNS) || Infinity;
}

/** Whether no line of a page is wider than the width: a narrower terminal gets help yargs wraps to it. */
const fits = (text: string, columns: number) => text.split("\n").every((line) => line.length <= columns);

/** The fast path's text: a help page rendered at build time (when it fits), or the package's version. */
function fastText(): string | undefined {
  if (process.env.AZFN_INTERNAL_NO_FAST_PATH) return undefined;
  const help = HELP_ARGS.exec(args.join(" "));
  if (help) {
    const page = new URL(`../help/${help[1] ?? "root"}.txt`, import.meta.url);
    const text = fs.existsSync(page) ? fs.readFileSync(page, "utf8") : undefined;
    return text !== undefined && fits(text, helpColumns()) ? text : undefined;
  }
  if (args.length === 1 && args[0] === "--version") {
    const { version } = JSON.parse(
      fs.readFileSync(new URL("../../package.json", import.meta.url), "utf8"),
    ) as {
      version: string;
    };
    return `${version}\n`;
  }
  return undefined;
}

let text: string | undefined;
try {
  text = fastText();
} catch {
  // A page that cannot be read (a damaged install): the CLI renders it as it would without one.
}
if (text !== undefined) {
  process.exitCode = await writeFast(text);
} else {
  /**
   * Node's on-disk compile cache (Node 22.1+; NODE_COMPILE_CACHE, else the system's temporary
   * directory): a second run skips compiling the bundle's chunks. A cache that cannot be written (a
   * read-only temp) only costs the speed-up. Set before the chunks load, and only for them: --help
   * and --version load nothing to cache.
   */
  process.getBuiltinModule("node:module").enableCompileCache();
  const EXIT_CODES = await exitCodes();
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
  const [{ main }, { useColor }] = await Promise.all([import("./main.js"), import("./color.js")]);
  /**
   * A reader that stops early (`| head -1`) closes the pipe: stop writing, quietly, as other CLIs
   * do, but finish the check, so the verdict's exit code survives (a closed stdout must never turn
   * a failing gate green). Any other write failure (ENOSPC on a full disk) means the report was not
   * delivered: one line and exit 2, never a stack.
   */
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    onStdoutError(error);
    if (stdoutFailure) process.exitCode = EXIT_CODES.USAGE.code;
  });
  const writeStdout = (text: string) => {
    if (stdoutClosed) return;
    try {
      process.stdout.write(text);
    } catch (error) {
      process.stdout.emit("error", error);
    }
  };
  // Set, not passed to process.exit() here: a large report on a pipe must be flushed first (below).
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
  // The command is done and every sink has its result: the process ends once its output is out.
  // Out, not written: a pipe takes 64 KiB at a time and Node queues the rest for as long as the
  // reader takes (an empty write's callback runs after every write before it). Ending then, not
  // when nothing is left: a request the deadline could not cut (a token endpoint trickling a byte
  // a second) must not hold its socket past --timeout, and an exit skips freeing the heap page by
  // page (~10 ms of a replayed check on a VM, issue #19).
  const flushed = (stream: NodeJS.WriteStream) =>
    new Promise<void>((resolve) => {
      if (stream.writableLength === 0) resolve();
      else stream.write("", () => resolve());
    });
  await Promise.all([stdoutClosed ? undefined : flushed(process.stdout), flushed(process.stderr)]);
  // A write that failed at once (ENOSPC) reports its error on a later tick: let it set the code.
  await new Promise((resolve) => setImmediate(resolve));
  process.exit();
}
