// Runs many live checks in one process, through the real CLI entry point `main(argv, io)`,
// each against its own HTTPS stand-in with seeded chaos (test/faults.test.ts starts this with
// NODE_EXTRA_CA_CERTS and AZFN_STAND_IN_CERT_DIR set, which a test worker cannot set for itself).
// Input: a JSON plan on stdin. Output: one JSON result per run on stdout, in plan order.
import { readFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { main } from "../../dist/cli/main.js";
import { loadRecording, startLive } from "./live-stand-in.mjs";

const plan = JSON.parse(readFileSync(0, "utf8"));
const recordings = new Map();
const load = (dir) => {
  if (!recordings.has(dir)) recordings.set(dir, loadRecording(dir));
  return recordings.get(dir);
};

// One authority for every run (never faulted): each run signs in afresh against it.
const authority = await startLive(load(plan.runs[0].fixture));
const { NODE_EXTRA_CA_CERTS: _ca, ...signIn } = authority.env;
Object.assign(process.env, signIn);
// Every concurrent session traps SIGINT/SIGTERM for its lifetime.
process.setMaxListeners(0);
// How late the event loop ran: a late loop makes a 1 s answer miss a 1.5 s --request-timeout, so
// it tells a fault the chaos struck from one the machine's load did.
const RESOLUTION_MS = 10;
const loopDelay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
loopDelay.enable();

function mostSent(requests) {
  const sent = new Map();
  for (const r of requests) {
    const key = `${r.method} ${r.path}?${r.query}`;
    sent.set(key, (sent.get(key) ?? 0) + 1);
  }
  return Math.max(0, ...sent.values());
}

async function run(spec) {
  const slow = spec.slowEnvironment
    ? [
        {
          match: new RegExp(`/resourceGroups/rg-orders-${spec.slowEnvironment}/`, "i"),
          delayMs: plan.slowEnvironmentMs,
        },
      ]
    : [];
  const { standIn, args } = await startLive(load(spec.fixture), { faults: slow, chaos: spec.chaos });
  let stdout = "";
  let stderr = "";
  const started = Date.now();
  let code;
  try {
    code = await main(args("check", "--format", "json", "--quiet", ...plan.args), {
      stdout: (t) => void (stdout += t),
      stderr: (t) => void (stderr += t),
      color: false,
      // The SDK's back-off, scaled down with Azure's other times (the CLI has no flag for it).
      ...(plan.retryOptions ? { retryOptions: plan.retryOptions } : {}),
    });
  } finally {
    await standIn.close();
  }
  const report = stdout ? JSON.parse(stdout) : undefined;
  return {
    seed: spec.chaos?.seed ?? null,
    fixture: spec.fixture,
    slowEnvironment: spec.slowEnvironment ?? null,
    code,
    ms: Date.now() - started,
    verdict: report?.verdict ?? null,
    findings: report ? report.findings.map((f) => `${f.ruleId}/${f.environment}/${f.severity}`).sort() : null,
    gaps: report
      ? Object.fromEntries(
          Object.entries(report.environments).map(([role, env]) => [
            role,
            env.gaps.map((g) => `${g.source}: ${g.reason}`),
          ]),
        )
      : null,
    steps: report?.recommendation.plan.map((s) => s.kind) ?? null,
    stderr,
    violations: standIn.state.violations,
    chaos: standIn.state.chaos,
    requests: standIn.state.requests.length,
    // The most times one request was sent: its retries, as the SDK's retry options allow.
    attempts: mostSent(standIn.state.requests),
  };
}

const results = new Array(plan.runs.length);
let next = 0;
await Promise.all(
  Array.from({ length: plan.concurrency }, async () => {
    while (next < plan.runs.length) {
      const i = next++;
      results[i] = await run(plan.runs[i]);
    }
  }),
);
await authority.standIn.close();
loopDelay.disable();
// The histogram holds each tick's whole interval: lateness is what exceeds the resolution.
const late = (ns) => Math.max(0, Math.round(ns / 1e6 - RESOLUTION_MS));
process.stdout.write(
  `${JSON.stringify({ results, loopLateMs: { p50: late(loopDelay.percentile(50)), p99: late(loopDelay.percentile(99)), max: late(loopDelay.max) } })}\n`,
);
