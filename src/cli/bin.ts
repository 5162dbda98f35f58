#!/usr/bin/env node
// No static import but one module of its own: --help and --version read a file and write it, and
// load nothing Node has not loaded already (issue #19: --help within 1.1x `node -e 0`). Builtins
// come from process.getBuiltinModule (Node 20.16+, 22.3+), the exit codes and the CLI on demand.
import { unsupportedNode, youngGenerationFlag } from "./node-version.js";

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

/** Whether stderr was written (its stream built): only then is it flushed before the exit. */
let stderrUsed = false;
const writeStderr = (text: string) => {
  stderrUsed = true;
  process.stderr.write(text);
};

/**
 * What a write to stdout that failed means. A reader that stops early (`| head -1`) closes the pipe
 * (EPIPE): stop writing, quietly, as other CLIs do, but finish the check, so the verdict's exit
 * code survives (a closed stdout must never turn a failing gate green). Any other failure (ENOSPC
 * on a full disk) means the report was not delivered: one line and exit 2, never a stack.
 */
let stdoutClosed = false;
let stdoutFailure: NodeJS.ErrnoException | undefined;
const onStdoutError = (error: NodeJS.ErrnoException) => {
  stdoutClosed = true;
  if (error.code === "EPIPE") return;
  if (!stdoutFailure) {
    stdoutFailure = error;
    writeStderr(`azfn-health: cannot write the report to stdout: ${error.code ?? error.message}\n`);
  }
};

/**
 * Standard output, written straight to file descriptor 1 while that cannot block: process.stdout
 * builds a stream (for a pipe, a socket: Node's net and stream modules, ~6 ms of a run) for what
 * is mostly one write of a few KiB. A pipe holds at least 16 KiB before its writer waits (macOS;
 * 64 KiB on Linux), so up to that much in all goes straight out; past it, or when a pipe opened
 * non-blocking by the parent takes only part (EAGAIN), the stream takes over for the rest of the
 * run: it waits for a slow reader without blocking the event loop, so signals and --timeout still
 * act. Windows' pipes may hold 4 KiB: there the stream writes everything.
 */
const DIRECT_BYTES = process.platform === "win32" ? 0 : 16 * 1024;
let directBytes = 0;
let stdoutStream: NodeJS.WriteStream | undefined;
function streamedStdout(): NodeJS.WriteStream {
  if (!stdoutStream) {
    stdoutStream = process.stdout;
    stdoutStream.on("error", onStdoutError);
  }
  return stdoutStream;
}

function writeStdout(text: string): void {
  if (stdoutClosed) return;
  let bytes = Buffer.from(text);
  if (!stdoutStream && directBytes + bytes.length <= DIRECT_BYTES) {
    let written = 0;
    try {
      while (written < bytes.length) written += fs.writeSync(1, bytes, written);
      directBytes += written;
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") {
        onStdoutError(error as NodeJS.ErrnoException);
        return;
      }
      bytes = bytes.subarray(written);
    }
  }
  try {
    streamedStdout().write(bytes);
  } catch (error) {
    onStdoutError(error as NodeJS.ErrnoException);
  }
}

/** Whether a descriptor may be a terminal: only a character device can be (asked before building its stream). */
function mayBeTerminal(fd: number): boolean {
  try {
    return fs.fstatSync(fd).isCharacterDevice();
  } catch {
    return false;
  }
}

/** stdout when it is a terminal; its stream is built only when it may be one. */
const stdoutTerminal = (): NodeJS.WriteStream | undefined =>
  mayBeTerminal(1) && process.stdout.isTTY ? process.stdout : undefined;

const args = process.argv.slice(2);

/** The width yargs wraps help to (src/cli/main.ts): the terminal's, else COLUMNS; unbounded when neither says. */
function helpColumns(): number {
  return stdoutTerminal()?.columns || Number(process.env.COLUMNS) || Infinity;
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
  writeStdout(text);
  if (stdoutFailure) process.exitCode = (await exitCodes()).USAGE.code;
} else {
  // A young generation kept small (src/cli/node-version.ts). Set before the compile cache opens:
  // V8 keys a cache to its flags, so every run writes and reads it under these.
  const heapFlag = youngGenerationFlag(process.versions.node);
  if (heapFlag) process.getBuiltinModule("node:v8").setFlagsFromString(heapFlag);
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
  const terminal = stdoutTerminal();
  // Set, not passed to process.exit() here: a large report on a pipe must be flushed first (below).
  const code = await main(args, {
    stdout: writeStdout,
    stderr: writeStderr,
    color: useColor(process.env, { isTTY: terminal !== undefined }),
    stderrIsTTY: mayBeTerminal(2) && process.stderr.isTTY,
    // The text report wraps at the terminal's width; a pipe or a CI log gets the report's default.
    ...(terminal && terminal.columns > 0 ? { columns: terminal.columns } : {}),
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
  await Promise.all([
    stdoutStream && !stdoutClosed ? flushed(stdoutStream) : undefined,
    stderrUsed ? flushed(process.stderr) : undefined,
  ]);
  // A streamed write that failed at once (ENOSPC) reports its error on a later tick: it sets the code.
  await new Promise((resolve) => setImmediate(resolve));
  if (stdoutFailure) process.exitCode = EXIT_CODES.USAGE.code;
  process.exit();
}
