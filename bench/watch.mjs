// The cost of the release-gate moments against the local Azure stand-in with 200 ms added to every
// response: one `check --watch` round (after the first, which is a full check), and a `preflight`.
// A round is one wave of requests, so it should cost about one round trip (~200 ms), not more.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { loadRecording, startLive } from "../test/support/live-stand-in.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = `${ROOT}/dist/bundle/bin.js`;

function run(args, env) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    let stdout = "";
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "ignore"],
      env: { PATH: process.env.PATH, NO_COLOR: "1", ...env },
    });
    child.stdout.on("data", (d) => (stdout += d));
    child.on("error", reject);
    child.on("close", () => resolve({ ms: Number(process.hrtime.bigint() - start) / 1e6, stdout }));
  });
}

const FLAGS = ["--fail-on", "never", "--format", "json"];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchWatch({ latencyMs = 200 } = {}) {
  const healthy = await startLive(loadRecording("fixtures/healthy-upgrade"), { latencyMs });
  // --until replays the 60 minutes before the recording's time: 13 rounds, no waiting between them.
  const watch = await run(healthy.args("check", ...FLAGS, "--watch", "60m", "--interval", "5m"), healthy.env);
  await healthy.standIn.close();
  const rounds = JSON.parse(watch.stdout).watch.rounds;
  const later = rounds.slice(1);

  const story = await startLive(loadRecording("fixtures/story-32bit-upgrade"), { latencyMs });
  const preflight = await run(story.args("preflight", ...FLAGS), story.env);
  const preflightRequests = story.standIn.state.requests.filter(
    (r) => !/oauth2|well-known/.test(r.path),
  ).length;
  await story.standIn.close();
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
