import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { throwawayCertificate } from "./support/azure-stand-in.mjs";
import { HEALTHY, REGRESSION, ROOT, STORY } from "./helpers.js";

/**
 * Load and faults (issue 11): live checks through the real CLI entry point against the HTTPS
 * stand-in, where 30 % of requests are answered 429 with Retry-After, 10 % 503, 5 % dropped and
 * 2 % slower than --request-timeout, and one environment's Resource Manager answers only after
 * 20 s; scaled down 20 times (--request-timeout 1.5 for 30, the slow environment 1 s, the slow
 * answers 2 s, Retry-After 0), except --timeout: 20 s rather than 6, for a shared CI machine's CPU. Each run's verdict must be the clean
 * run's, or INCONCLUSIVE naming what was missing: never a different confident verdict.
 */
const RUNS = Number(process.env.AZFN_FAULT_RUNS ?? 24);
const FIXTURES = [HEALTHY, STORY, REGRESSION];
const CONCURRENCY = Number(process.env.AZFN_FAULT_CONCURRENCY ?? 4);

interface Result {
  seed: number | null;
  fixture: string;
  slowEnvironment: string | null;
  code: number;
  ms: number;
  verdict: string | null;
  findings: string[] | null;
  gaps: Record<string, string[]> | null;
  steps: string[] | null;
  stderr: string;
  violations: string[];
  chaos: Record<string, number>;
  requests: number;
}

/** mulberry32: the plan of runs is the same on every machine. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function runAll(runs: object[], concurrency: number): Promise<Result[]> {
  const { dir, certPath } = throwawayCertificate();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${ROOT}/test/support/fault-runs.mjs`], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NO_COLOR: "1",
        NODE_EXTRA_CA_CERTS: certPath,
        AZFN_STAND_IN_CERT_DIR: dir,
      },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0
        ? resolve(JSON.parse(stdout) as Result[])
        : reject(new Error(`fault runner exit ${code}: ${stderr}`)),
    );
    child.stdin.end(
      JSON.stringify({
        root: ROOT,
        concurrency,
        slowEnvironmentMs: 1000,
        args: ["--timeout", "20", "--request-timeout", "1.5"],
        runs,
      }),
    );
  });
}

/** INCONCLUSIVE that names what was missing, and plans no command. */
function namesWhatWasMissing(r: Result): boolean {
  if (r.code !== 3) return false;
  if (r.verdict === null) return /^azfn-health: (qa|prod) app \/subscriptions\/.+: .+\n$/.test(r.stderr);
  const gaps = Object.values(r.gaps ?? {}).flat();
  return r.verdict === "INCONCLUSIVE" && gaps.length > 0 && (r.steps ?? []).every((s) => s.startsWith("#"));
}

describe("live checks under load and faults", () => {
  it(
    `${RUNS} seeded runs hold: the clean verdict, or INCONCLUSIVE naming what was missing`,
    { timeout: 1_200_000 },
    async () => {
      const random = rng(20261201);
      const chaosRuns = Array.from({ length: RUNS }, (_, i) => ({
        fixture: FIXTURES[Math.floor(random() * FIXTURES.length)]!,
        slowEnvironment: random() < 0.5 ? "qa" : "prod",
        chaos: {
          seed: i,
          throttle: 0.3,
          retryAfter: 0,
          unavailable: 0.1,
          drop: 0.05,
          slow: 0.02,
          slowMs: 2000,
        },
      }));
      // The clean reference runs one at a time, then the faulted ones.
      const clean = new Map(
        (
          await runAll(
            FIXTURES.map((fixture) => ({ fixture })),
            1,
          )
        ).map((r) => [r.fixture, r]),
      );
      const started = Date.now();
      const faulted = await runAll(chaosRuns, CONCURRENCY);
      const seconds = (Date.now() - started) / 1000;
      // The clean runs are confident: each fixture's own verdict.
      expect([...clean.values()].map((r) => r.verdict)).toEqual(["PROCEED", "HOTFIX", "ROLLBACK"]);

      const held = faulted.filter(
        (r) =>
          r.code !== 1 &&
          r.violations.length === 0 &&
          (r.verdict === clean.get(r.fixture)!.verdict || namesWhatWasMissing(r)),
      );
      const distribution: Record<string, number> = {};
      for (const r of faulted) {
        const key = `${r.fixture.split("/").pop()} -> ${r.verdict ?? `exit ${r.code} (${r.stderr.includes("timed out") ? "timed out" : "site unread"})`}`;
        distribution[key] = (distribution[key] ?? 0) + 1;
      }
      const struck = faulted.reduce(
        (sum, r) => {
          for (const [k, v] of Object.entries(r.chaos)) sum[k] = (sum[k] ?? 0) + v;
          sum.requests = (sum.requests ?? 0) + r.requests;
          return sum;
        },
        {} as Record<string, number>,
      );
      console.log(
        `fault runs: ${held.length}/${faulted.length} held in ${seconds.toFixed(1)} s (${CONCURRENCY} at a time, one process)\n` +
          `verdicts: ${JSON.stringify(distribution, null, 1)}\nrequests and faults struck: ${JSON.stringify(struck)}\n` +
          `run times (ms): median ${[...faulted].map((r) => r.ms).sort((a, b) => a - b)[Math.floor(faulted.length / 2)]}, max ${Math.max(...faulted.map((r) => r.ms))}`,
      );
      const broken = faulted.filter((r) => !held.includes(r));
      expect(
        broken.map((r) => ({
          seed: r.seed,
          fixture: r.fixture,
          code: r.code,
          verdict: r.verdict,
          stderr: r.stderr,
          gaps: r.gaps,
        })),
      ).toEqual([]);
      expect(held).toHaveLength(RUNS);
      // The chaos did strike, in about the asked-for shares.
      expect(struck.throttle! / struck.requests!).toBeGreaterThan(0.2);
      expect(struck.drop).toBeGreaterThan(0);
      expect(struck.slow).toBeGreaterThan(0);
    },
  );
});
