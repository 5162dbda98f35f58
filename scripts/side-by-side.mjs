#!/usr/bin/env node
// Runs npm scripts side by side and fails if any fails (`npm test` type-checks and lints at once:
// two CPU-bound checks that need nothing from each other). Each script's output is kept whole and
// printed when it ends, so two scripts' lines never interleave.
import { spawn } from "node:child_process";

const scripts = process.argv.slice(2);
const npm = process.env.npm_execpath;
const results = await Promise.all(
  scripts.map(
    (script) =>
      new Promise((resolve) => {
        const child = npm
          ? spawn(process.execPath, [npm, "run", "--silent", script], { stdio: ["ignore", "pipe", "pipe"] })
          : spawn("npm", ["run", "--silent", script], { stdio: ["ignore", "pipe", "pipe"] });
        const output = [];
        child.stdout.on("data", (chunk) => output.push(chunk));
        child.stderr.on("data", (chunk) => output.push(chunk));
        child.on("error", (error) =>
          resolve({ script, code: 1, output: [Buffer.from(`${error.message}\n`)] }),
        );
        child.on("close", (code, signal) => resolve({ script, code: code ?? (signal ? 1 : 0), output }));
      }),
  ),
);
for (const { script, code, output } of results) {
  process.stdout.write(`> ${script}: ${code === 0 ? "ok" : `failed (exit ${code})`}\n`);
  process.stdout.write(Buffer.concat(output));
}
process.exitCode = results.some((r) => r.code !== 0) ? 1 : 0;
