// The ledger (issue #10): recording one check into a SQLite ledger that already holds 10,000
// records, and `ledger report` over those 10,000 (in-process, and as a user runs it, cold start
// included). Records are real: the healthy recording's check, varied in time, app and verdict.
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { judge } from "../dist/check.js";
import { collectCheckFacts } from "../dist/collect/azure.js";
import { createReplayHttpClient, readRecording } from "../dist/collect/recording.js";
import { parseAppId } from "../dist/core/resource-id.js";
import { summariseLedger } from "../dist/ledger/metrics.js";
import { buildLedgerRecord } from "../dist/ledger/record.js";
import { recordCheck } from "../dist/ledger/sink.js";
import { openSqliteLedger } from "../dist/ledger/sqlite.js";
import { buildReport } from "../dist/report/model.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const RECORDS = 10_000;
const VERDICTS = ["PROCEED", "PROCEED", "PROCEED", "MONITOR", "HOTFIX", "ROLLBACK", "INCONCLUSIVE"];

async function healthyCheck() {
  const recording = await readRecording(`${ROOT}/fixtures/healthy-upgrade`);
  const facts = await collectCheckFacts(
    {
      credential: { getToken: async () => ({ token: "bench", expiresOnTimestamp: Number.MAX_SAFE_INTEGER }) },
      httpClient: createReplayHttpClient(recording),
      retryOptions: { maxRetries: 0 },
    },
    { qa: parseAppId(recording.apps.qa, "qa"), prod: parseAppId(recording.apps.prod, "prod") },
    {
      now: new Date(recording.recordedAt),
      hashKey: new Uint8Array(32),
      metrics: { settleMinutes: 5, baseline: "before" },
    },
  );
  const report = buildReport(judge(facts), {
    toolVersion: "bench",
    exitCode: 0,
    failOn: "hotfix",
    mode: "live",
  });
  return { facts, report };
}

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

export async function benchLedger(runs) {
  const { facts, report } = await healthyCheck();
  const path = join(mkdtempSync(join(tmpdir(), "azfn-bench-ledger-")), "ledger.sqlite");
  const store = openSqliteLedger(path, { create: true });
  const start = Date.UTC(2026, 0, 1);
  const fillStart = process.hrtime.bigint();
  for (let i = 0; i < RECORDS; i++) {
    const at = new Date(start + i * 45 * 60_000).toISOString();
    const verdict = VERDICTS[i % VERDICTS.length];
    const record = buildLedgerRecord(
      { ...report, verdict, release: { ...report.release, time: at } },
      facts,
      {
        id: `bench-${String(i).padStart(5, "0")}`,
        recordedAt: at,
      },
    );
    record.apps.prod = record.apps.prod.replace(/sites\/[^/]+/, `sites/app-${i % 12}`);
    await store.append(record);
  }
  const fillMs = Number(process.hrtime.bigint() - fillStart) / 1e6;
  store.close();

  const time = async (fn) => {
    const t = process.hrtime.bigint();
    await fn();
    return Number(process.hrtime.bigint() - t) / 1e6;
  };
  const recordSamples = [];
  const reportSamples = [];
  const cliSamples = [];
  for (let i = 0; i < runs; i++) {
    recordSamples.push(
      await time(async () => {
        const status = await recordCheck({ ledger: path, report, facts, env: {} });
        if (status.status !== "recorded") throw new Error(status.error);
      }),
    );
    reportSamples.push(
      await time(async () => {
        const s = openSqliteLedger(path, { create: false });
        summariseLedger(await s.list(), { until: new Date() });
        s.close();
      }),
    );
    cliSamples.push(
      await time(async () => {
        const run = spawnSync(
          process.execPath,
          [`${ROOT}/dist/bundle/bin.js`, "ledger", "report", "--ledger", path],
          {
            stdio: ["ignore", "pipe", "pipe"],
          },
        );
        if (run.status !== 0) throw new Error(`ledger report exited ${run.status}: ${run.stderr}`);
      }),
    );
  }
  const stats = (samples) => {
    const sorted = [...samples].sort((a, b) => a - b);
    return { "median ms": quantile(sorted, 0.5).toFixed(1), "max ms": sorted.at(-1).toFixed(1) };
  };
  return {
    records: RECORDS,
    fillMs,
    rows: [
      { case: "record one check (open, read, append, diff, close)", ...stats(recordSamples) },
      { case: "ledger report, in-process", ...stats(reportSamples) },
      { case: "azfn-health ledger report (cold start)", ...stats(cliSamples) },
    ],
  };
}
