// The metric analysis on a large input (issue #4): two environments, 20 metrics, 7 days at
// 1-minute grain = 403,200 points, judged in-process. Target: under 150 ms on this machine.
import { analyse } from "../dist/analyse/analyse.js";
import { METRICS } from "../dist/core/metric-catalogue.js";
import { collectCheckFacts } from "../dist/collect/azure.js";
import { createReplayHttpClient, readRecording } from "../dist/collect/recording.js";
import { parseAppId } from "../dist/core/resource-id.js";

const POINTS_PER_WINDOW = (7 * 24 * 60) / 2; // 7 days of minutes, half before and half after the release

/** Real facts from the healthy recording, with every metric's windows replaced by 3.5 days of minutes each. */
export async function largeFacts(pointsPerWindow = POINTS_PER_WINDOW) {
  const recording = await readRecording(new URL("../fixtures/healthy-upgrade", import.meta.url).pathname);
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
  let seed = 1;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  let points = 0;
  for (const env of [facts.qa, facts.prod]) {
    for (const spec of METRICS) {
      const level = 100 + random() * 1000;
      const shift = env.role === "prod" && spec.name === "HttpResponseTime" ? 1.3 : 1;
      const window = (k) =>
        Array.from({ length: pointsPerWindow }, () => Math.round(level * k * (0.8 + 0.4 * random())));
      env.metrics.series[spec.name] = { baseline: window(1), after: window(shift) };
      delete env.metrics.unavailable[spec.name];
      points += 2 * pointsPerWindow;
    }
  }
  return { facts, points };
}

/** A realistic 7-day window: Azure answers a week-long query in 30-minute buckets (168 a window). */
export const REALISTIC_WEEK_BUCKETS = (7 * 24 * 2) / 2;

export async function benchAnalysis(runs = 15, pointsPerWindow = POINTS_PER_WINDOW) {
  const { facts, points } = await largeFacts(pointsPerWindow);
  analyse(facts); // warm up the JIT once, as a long-running process would be
  const times = [];
  let peakHeap = 0;
  for (let i = 0; i < runs; i++) {
    const before = process.memoryUsage().heapUsed;
    const start = process.hrtime.bigint();
    const result = analyse(facts);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed - before);
    if (result.metrics.judgments.length < 40) throw new Error("the analysis judged too few metrics");
  }
  times.sort((a, b) => a - b);
  return {
    points,
    median: times[Math.floor(times.length / 2)],
    max: times.at(-1),
    peakHeapMb: peakHeap / 1024 ** 2,
    rssMb: process.memoryUsage().rss / 1024 ** 2,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await benchAnalysis());
