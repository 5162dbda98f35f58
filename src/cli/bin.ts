#!/usr/bin/env node
import { readFileSync } from "node:fs";

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

// A reader that stops early (`| head`) closes the pipe: stop writing, quietly, as other CLIs do.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(process.exitCode ?? 0);
});

const args = process.argv.slice(2);
const fast = FAST_HELP.get(args.join(" "));
if (fast && !process.env.AZFN_INTERNAL_NO_FAST_PATH) {
  process.stdout.write(readFileSync(new URL(`../help/${fast}.txt`, import.meta.url), "utf8"));
} else if (args.length === 1 && args[0] === "--version" && !process.env.AZFN_INTERNAL_NO_FAST_PATH) {
  process.stdout.write(
    `${(JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version}\n`,
  );
} else {
  const [{ main }, { useColor }] = await Promise.all([import("./main.js"), import("./color.js")]);
  // Set, never process.exit(): a large report on a pipe must be flushed first.
  process.exitCode = await main(args, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    color: useColor(process.env, process.stdout),
    stderrIsTTY: process.stderr.isTTY,
    startedAt: 0,
  });
}
