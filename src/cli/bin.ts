#!/usr/bin/env node
import { useColor } from "./color.js";
import { main } from "./main.js";

const exitCode = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  color: useColor(process.env, process.stdout),
});
// Set, never process.exit(): a large report on a pipe must be flushed first.
process.exitCode = exitCode;
