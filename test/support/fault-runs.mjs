// Runs many live checks in one process, through the real CLI entry point `main(argv, io)`,
// each against its own HTTPS stand-in with seeded chaos (test/faults.test.ts starts this with
// NODE_EXTRA_CA_CERTS and AZFN_STAND_IN_CERT_DIR set, which a test worker cannot set for itself).
// Input: a JSON plan on stdin. Output: one JSON result per run on stdout, in plan order.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { main } from "../../dist/cli/main.js";
import { startStandIn, standInEnv } from "./azure-stand-in.mjs";

const plan = JSON.parse(readFileSync(0, "utf8"));
const root = plan.root;
const recordings = new Map();
const load = (dir) => {
  if (!recordings.has(dir))
    recordings.set(dir, JSON.parse(readFileSync(join(root, dir, "recording.json"), "utf8")));
  return recordings.get(dir);
};

// One authority for every run (never faulted): each run signs in afresh against it.
const authority = await startStandIn({ recording: load(plan.runs[0].fixture) });
const { NODE_EXTRA_CA_CERTS: _ca, ...signIn } = standInEnv(authority);
Object.assign(process.env, signIn);
// Every concurrent session traps SIGINT/SIGTERM for its lifetime.
process.setMaxListeners(0);

async function run(spec) {
  const recording = load(spec.fixture);
  const slow = spec.slowEnvironment
    ? [
        {
          match: new RegExp(`/resourceGroups/rg-orders-${spec.slowEnvironment}/`, "i"),
          delayMs: plan.slowEnvironmentMs,
        },
      ]
    : [];
  const standIn = await startStandIn({ recording, faults: slow, chaos: spec.chaos });
  let stdout = "";
  let stderr = "";
  const started = Date.now();
  let code;
  try {
    code = await main(
      [
        "check",
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
        "--format",
        "json",
        "--quiet",
        ...plan.args,
      ],
      { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), color: false },
    );
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
    steps: report?.recommendation.steps ?? null,
    stderr,
    violations: standIn.state.violations,
    chaos: standIn.state.chaos,
    requests: standIn.state.requests.length,
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
await authority.close();
process.stdout.write(`${JSON.stringify(results)}\n`);
