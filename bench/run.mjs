#!/usr/bin/env node
// npm run bench: cold-start cost of the CLI against a bare `node -e 0`, measured in one run on
// this machine. Targets (issue #2): --help under 2x bare node, a replayed check under 6x.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const BIN = `${ROOT}/dist/cli/bin.js`;

const cases = [
  { name: "node -e 0 (bare)", args: ["-e", "0"] },
  { name: "azfn-health --help", args: [BIN, "--help"], target: 2 },
  { name: "azfn-health check --from fixtures/story-32bit-upgrade", args: [BIN, "check", "--from", "fixtures/story-32bit-upgrade", "--fail-on", "never"], target: 6 },
];

function time(args) {
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1" } });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0) throw new Error(`${args.join(" ")} exited ${run.status}: ${run.stderr}`);
  return ms;
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const results = [];
for (const c of cases) time(c.args); // warm the file cache once
for (let i = 0; i < RUNS; i++) for (const c of cases) (c.samples ??= []).push(time(c.args)); // interleaved, so drift hits all alike
const bare = quantile([...cases[0].samples].sort((a, b) => a - b), 0.5);
let failed = false;
for (const c of cases) {
  const sorted = [...c.samples].sort((a, b) => a - b);
  const median = quantile(sorted, 0.5);
  const ratio = median / bare;
  const verdict = c.target ? (ratio <= c.target ? `ok (target < ${c.target}x)` : `OVER target ${c.target}x`) : "";
  if (c.target && ratio > c.target) failed = true;
  results.push({ case: c.name, "median ms": median.toFixed(1), "p90 ms": quantile(sorted, 0.9).toFixed(1), "x bare": ratio.toFixed(2), target: verdict });
}
console.log(`cold start, ${RUNS} runs each, Node ${process.version}`);
console.table(results);
process.exitCode = failed ? 1 : 0;
