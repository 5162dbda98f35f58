// The cost of the release-gate moments against the local Azure stand-in with 200 ms added to every
// response: one `check --watch` round (after the first, which is a full check), and a `preflight`.
// A round is one wave of requests, so it should cost about one round trip (~200 ms), not more.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { startStandIn, standInEnv } from "../test/support/azure-stand-in.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = `${ROOT}/dist/bundle/bin.js`;
const load = (dir) => JSON.parse(readFileSync(`${ROOT}/fixtures/${dir}/recording.json`, "utf8"));

function run(args, standIn) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    let stdout = "";
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "ignore"],
      env: { PATH: process.env.PATH, NO_COLOR: "1", ...standInEnv(standIn) },
    });
    child.stdout.on("data", (d) => (stdout += d));
    child.on("error", reject);
    child.on("close", () => resolve({ ms: Number(process.hrtime.bigint() - start) / 1e6, stdout }));
  });
}

const live = (recording, standIn) => [
  "--qa",
  recording.apps.qa,
  "--prod",
  recording.apps.prod,
  "--arm-endpoint",
  standIn.url,
  "--logs-endpoint",
  standIn.url,
  "--auth",
  "environment",
  "--until",
  recording.recordedAt,
  "--fail-on",
  "never",
  "--format",
  "json",
];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchWatch({ latencyMs = 200 } = {}) {
  const healthy = load("healthy-upgrade");
  const standIn = await startStandIn({ recording: healthy, latencyMs });
  // --until replays the 60 minutes before the recording's time: 13 rounds, no waiting between them.
  const watch = await run(
    ["check", ...live(healthy, standIn), "--watch", "60m", "--interval", "5m"],
    standIn,
  );
  await standIn.close();
  const rounds = JSON.parse(watch.stdout).watch.rounds;
  const later = rounds.slice(1);

  const story = load("story-32bit-upgrade");
  const preflightStandIn = await startStandIn({ recording: story, latencyMs });
  const preflight = await run(["preflight", ...live(story, preflightStandIn)], preflightStandIn);
  const preflightRequests = preflightStandIn.state.requests.filter(
    (r) => !/oauth2|well-known/.test(r.path),
  ).length;
  await preflightStandIn.close();
  return {
    latencyMs,
    rounds: rounds.length,
    firstRound: { requests: rounds[0].calls, ms: rounds[0].ms },
    round: {
      requests: median(later.map((r) => r.calls)),
      ms: median(later.map((r) => r.ms)),
      maxMs: Math.max(...later.map((r) => r.ms)),
    },
    watchTotalMs: watch.ms,
    preflight: {
      requests: preflightRequests,
      ms: preflight.ms,
      verdict: JSON.parse(preflight.stdout).verdict,
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(await benchWatch());
