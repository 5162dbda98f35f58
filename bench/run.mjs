#!/usr/bin/env node
// npm run bench: cold-start cost of the CLI against a bare `node -e 0`, measured in one run on
// this machine. Targets (issue #19): --help at most 1.1x bare node, a replayed check at most 3x; a
// cold install of the packed tarball at most 10 s. The bench reports each figure against its target
// and never fails on a timing: a shared machine is no place for timing assertions.
import { spawn, spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { loadRecording, startLive } from "../test/support/live-stand-in.mjs";
import { benchAnalysis, REALISTIC_WEEK_BUCKETS } from "./analysis.mjs";
import { benchFreshMemory } from "./fresh-memory.mjs";
import { benchInstall } from "./install.mjs";
import { benchLedger } from "./ledger.mjs";
import { thinnedRecording } from "./thinned.mjs";
import { benchWatch } from "./watch.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
// BENCH_SMOKE=1 (.ci/run, with BENCH_RUNS=2): the whole bench runs and prints its numbers. In
// either mode a missed speed target is reported ("not met"), never a failure.
const SMOKE = process.env.BENCH_SMOKE === "1";
const BIN = `${ROOT}/dist/bundle/bin.js`;

const thinned = thinnedRecording(`${ROOT}/fixtures/story-32bit-upgrade`);
const cases = [
  { name: "node -e 0 (bare)", args: ["-e", "0"] },
  { name: "azfn-health --help", args: [BIN, "--help"], target: 1.1 },
  {
    name: "azfn-health check --from story-32bit-upgrade",
    args: [BIN, "check", "--from", "story-32bit-upgrade", "--fail-on", "never"],
    target: 3,
  },
  {
    name: "  the same, metric points thinned 20x",
    args: [BIN, "check", "--from", thinned.dir, "--fail-on", "never"],
  },
  // Two floors of the replay, no target: yargs and the CLI with no Azure code at all, and the
  // story's recording read and parsed (it and each body) by a script that loads nothing else.
  { name: "  floor: azfn-health rules (yargs, the CLI)", args: [BIN, "rules"] },
  {
    name: "  floor: the story's recording read and parsed alone",
    args: [`${ROOT}/bench/parse-only.mjs`, `${ROOT}/fixtures/story-32bit-upgrade/recording.json`],
  },
];

function time(args) {
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NO_COLOR: "1" },
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0) throw new Error(`${args.join(" ")} exited ${run.status}: ${run.stderr}`);
  return ms;
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const results = [];
for (const c of cases) time(c.args); // warm the file cache (and Node's compile cache) once
for (let i = 0; i < RUNS; i++) for (const c of cases) (c.samples ??= []).push(time(c.args)); // interleaved, so drift hits all alike
let failed = false;
for (const c of cases) {
  const sorted = [...c.samples].sort((a, b) => a - b);
  const median = (c.median = quantile(sorted, 0.5));
  // The median of each round's ratio to that round's bare run: on a shared machine the load
  // drifts between rounds, and a ratio within one round sees (nearly) the same load on both sides.
  const ratio = quantile(
    c.samples.map((ms, i) => ms / cases[0].samples[i]).sort((a, b) => a - b),
    0.5,
  );
  const verdict = c.target
    ? ratio <= c.target
      ? `met (target <= ${c.target}x)`
      : `NOT MET (target <= ${c.target}x)`
    : "";
  if (c.target && ratio > c.target) failed = true;
  results.push({
    case: c.name,
    "median ms": median.toFixed(1),
    "p90 ms": quantile(sorted, 0.9).toFixed(1),
    "x bare": ratio.toFixed(2),
    target: verdict,
  });
}
console.log(
  `cold start, ${RUNS} interleaved rounds, Node ${process.version}; "x bare" is the median of each round's ratio`,
);
console.table(results);
// The replay's cost per metric point (bench/thinned.mjs): what the story's points add to its run.
const [storyMs, thinnedMs] = [cases[2].median, cases[3].median];
console.log(
  `per metric point: the ${thinned.dropped.toLocaleString("en")} points the thinned copy leaves out cost ` +
    `${(storyMs - thinnedMs).toFixed(0)} ms of the story's replay, ${(((storyMs - thinnedMs) * 1000) / thinned.dropped).toFixed(1)} µs ` +
    `each from reading the recording to the verdict`,
);
rmSync(thinned.dir, { recursive: true, force: true });
if (process.platform === "linux") {
  const memory = benchFreshMemory(cases[2].args, ROOT);
  console.log(
    `fresh memory: the replay ends with ${memory.extraMiB.toFixed(1)} MiB more anonymous memory than bare node ` +
      `(${memory.extraFaults.toLocaleString("en")} more minor page faults); a fresh 4 KiB page costs ` +
      `${memory.microseconds.toFixed(1)} µs here, so about ${memory.ms.toFixed(0)} ms of the replay is the kernel handing out memory`,
  );
}

// Round trips (issue #3): a live two-environment check against the local Azure stand-in, with
// 200 ms added to every response (token endpoints included), against the same with none. The
// difference, divided by 200 ms, is how many round trips the check waited for; target <= 4.
const LATENCY = 200;
const story = loadRecording("fixtures/story-32bit-upgrade");
function liveRun({ args, env }) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [BIN, ...args("check", "--fail-on", "never")], {
      cwd: ROOT,
      stdio: "ignore",
      env: { PATH: process.env.PATH, NO_COLOR: "1", ...env },
    });
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0
        ? resolve(Number(process.hrtime.bigint() - start) / 1e6)
        : reject(new Error(`live check exited ${code}`)),
    );
  });
}
const lives = await Promise.all([0, LATENCY].map((latencyMs) => startLive(story, { latencyMs })));
const standIns = lives.map((l) => l.standIn);
const liveSamples = standIns.map(() => []);
for (let i = 0; i < RUNS; i++) {
  // Interleaved, so machine noise hits both alike.
  for (const [j, target] of lives.entries()) {
    target.standIn.state.requests.length = 0;
    liveSamples[j].push(await liveRun(target));
  }
}
const live = standIns.map((standIn, j) => ({
  latencyMs: j === 0 ? 0 : LATENCY,
  median: quantile(
    liveSamples[j].sort((a, b) => a - b),
    0.5,
  ),
  requests: standIn.state.requests.length,
}));
await Promise.all(standIns.map((standIn) => standIn.close()));
const roundTrips = (live[1].median - live[0].median) / LATENCY;
const roundTripsOk = roundTrips <= 4;
if (!roundTripsOk) failed = true;
console.log(
  `\nlive check against the local Azure stand-in (story, both environments, client-secret sign-in)`,
);
console.table(
  live.map((l) => ({
    "added latency ms": l.latencyMs,
    "median ms": l.median.toFixed(0),
    requests: l.requests,
  })),
);
console.log(
  `waiting for latency: ${(live[1].median - live[0].median).toFixed(0)} ms = ${roundTrips.toFixed(2)} round trips of ${LATENCY} ms (${roundTripsOk ? "met, target <= 4" : "NOT MET, target <= 4"})` +
    (roundTrips < 0
      ? `; below zero: this machine's noise exceeds the latency (${RUNS} runs; more give a steadier median)`
      : ""),
);

// The metric analysis (issue #4): 2 environments x 20 metrics x 7 days at 1-minute grain.
const analysis = await benchAnalysis(RUNS);
const analysisOk = analysis.median < 150;
if (!analysisOk) failed = true;
console.log(
  `\nmetric analysis of ${analysis.points.toLocaleString("en")} points (2 environments x 20 metrics x 7 days at PT1M), ${RUNS} runs in-process`,
);
console.log(
  `median ${analysis.median.toFixed(1)} ms, max ${analysis.max.toFixed(1)} ms (${analysisOk ? "met, target < 150 ms" : "NOT MET, target < 150 ms"}); heap growth per run up to ${analysis.peakHeapMb.toFixed(1)} MB, process RSS ${analysis.rssMb.toFixed(0)} MB`,
);
// What a real 7-day check judges (issue #9): Azure returns 30-minute buckets for a week-long window.
const week = await benchAnalysis(RUNS, REALISTIC_WEEK_BUCKETS);
console.log(
  `metric analysis of a realistic 7-day window (${week.points.toLocaleString("en")} points: 2 environments x 20 metrics at PT30M): median ${week.median.toFixed(1)} ms, max ${week.max.toFixed(1)} ms`,
);
// The ledger (issue #10): recording a check and `ledger report` over 10,000 records. No target yet: reported.
const ledger = await benchLedger(Math.min(RUNS, 5));
console.log(
  `\nledger: ${ledger.records.toLocaleString("en")} records written in ${(ledger.fillMs / 1000).toFixed(1)} s (one transaction each)`,
);
console.table(ledger.rows);

// The release gate's other moments (issue #9): a `check --watch` round after the first (one wave:
// site, host status and the new metric buckets of both apps) and a `preflight` (configuration only),
// against the stand-in with 0 and 200 ms added latency; the difference is the round trips waited.
const [still, slow] = [await benchWatch({ latencyMs: 0 }), await benchWatch({ latencyMs: LATENCY })];
const watchTrips = (slow.round.ms - still.round.ms) / LATENCY;
const watchOk = slow.round.requests <= 8 && watchTrips <= 1.5;
if (!watchOk) failed = true;
console.log(
  `\ncheck --watch and preflight against the local Azure stand-in (healthy upgrade's watch, story's preflight)`,
);
console.table(
  [still, slow].map((w) => ({
    "added latency ms": w.latencyMs,
    "watch round requests": w.round.requests,
    "watch round median ms": w.round.ms,
    "first round (full check) ms": w.firstRound.ms,
    "preflight requests": w.preflight.requests,
    "preflight ms": w.preflight.ms.toFixed(0),
  })),
);
console.log(
  `a watch round waits for ${watchTrips.toFixed(2)} round trips of ${LATENCY} ms with ${slow.round.requests} requests (${watchOk ? "met, target <= 8 requests and one round trip" : "NOT MET, target <= 8 requests and one round trip"})`,
);
// The cold install (issue #19): one run in smoke mode, three otherwise.
const install = benchInstall(ROOT, SMOKE ? 1 : 3);
const installOk = install.medianMs <= 10_000;
if (!installOk) failed = true;
console.log(
  `\ncold install of the packed tarball (${install.tarballKb.toFixed(0)} KiB, ${install.files} files), empty npm cache, into an empty prefix`,
);
console.log(
  `median ${(install.medianMs / 1000).toFixed(1)} s, max ${(install.maxMs / 1000).toFixed(1)} s (${installOk ? "met" : "NOT MET"}, target <= 10 s); the installed copy replays story-32bit-upgrade: ${install.verdict}`,
);
console.log(
  failed
    ? "\nSome targets are not met (see above). Timings are reported, never enforced."
    : "\nEvery target met.",
);
await (await import("./fleet.mjs")).benchFleet({ latencyMs: LATENCY }); // issue #21: reported, never enforced
