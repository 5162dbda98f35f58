import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { judgeSeries } from "../src/analyse/metrics/judge.js";
import { kthDifference, mannWhitneyInterval, type IntervalMethod } from "../src/analyse/metrics/stats.js";

/**
 * The Mann-Whitney interval against a reference table computed once by brute force
 * (scripts/stats-reference.mjs; how, in the JSON's description), and the judge on the series
 * that broke the root-finder version (issue 9 §3): spikes and zero-inflated counts.
 */
interface Case {
  id: string;
  confLevel: number;
  method: IntervalMethod;
  experiment: number[];
  control: number[];
  expected: {
    branch: "exact" | "asymptotic";
    low: number;
    high: number;
    estimate: number;
    lowExcluded?: boolean;
    highExcluded?: boolean;
  };
  r?: { low: number; high: number; estimate: number };
}
const reference = JSON.parse(
  readFileSync(new URL("./fixtures/stats-reference.json", import.meta.url), "utf8"),
) as { description: string; published: string[]; cases: Case[] };

const differences = (x: number[], y: number[]) => x.flatMap((a) => y.map((b) => a - b));
const occurrences = (values: number[], v: number) => values.filter((d) => d === v).length;

describe("the Mann-Whitney interval against the brute-force reference", () => {
  it("holds the whole table, R's exact and asymptotic branches, spikes, zeros and R's published values", () => {
    expect(reference.cases.length).toBeGreaterThanOrEqual(45);
    const branches = new Set(reference.cases.map((c) => c.expected.branch));
    expect([...branches].sort()).toEqual(["asymptotic", "exact"]);
    expect(reference.published.length).toBe(2);
    expect(reference.description).toMatch(/brute force/);
  });

  for (const c of reference.cases) {
    it(c.id, () => {
      const interval = mannWhitneyInterval(c.experiment, c.control, c.confLevel, { method: c.method });
      expect(interval.low).toBe(c.expected.low);
      expect(interval.high).toBe(c.expected.high);
      expect(interval.estimate).toBe(c.expected.estimate);
      expect(interval.low).toBeLessThanOrEqual(interval.estimate);
      expect(interval.estimate).toBeLessThanOrEqual(interval.high);
      // Open or closed is reported where it can matter: a bound other differences share.
      const all = differences(c.experiment, c.control);
      if (c.expected.branch === "asymptotic") {
        if (occurrences(all, c.expected.low) > 1)
          expect(interval.lowExcluded ?? false).toBe(c.expected.lowExcluded);
        if (occurrences(all, c.expected.high) > 1)
          expect(interval.highExcluded ?? false).toBe(c.expected.highExcluded);
      }
      if (c.r) {
        // R stops within uniroot's tolerance of the same differences.
        expect(Math.abs(interval.low - c.r.low)).toBeLessThan(1e-4);
        expect(Math.abs(interval.high - c.r.high)).toBeLessThan(1e-4);
        expect(Math.abs(interval.estimate - c.r.estimate)).toBeLessThan(1e-4);
      }
    });
  }
});

describe("selecting a pairwise difference without listing them", () => {
  let seed = 42;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const sample = (n: number, f: () => number) => Float64Array.from({ length: n }, f).sort();

  it.each([
    ["continuous", () => 100 * random()],
    ["integers with heavy ties", () => Math.round(10 * random())],
    ["mostly zeros", () => (random() < 0.9 ? 0 : Math.ceil(3 * random()))],
    ["a spike", () => (random() < 0.005 ? 1e6 : 50 + random())],
    ["negative and positive", () => (random() - 0.5) * 1e-6],
  ])("%s: every sampled rank equals the sorted list's", (_, draw) => {
    const [x, y] = [sample(300, draw), sample(257, draw)];
    const sorted = differences([...x], [...y]).sort((a, b) => a - b);
    const ranks = [
      1,
      2,
      sorted.length,
      sorted.length - 1,
      ...Array.from({ length: 40 }, () => 1 + Math.floor(random() * sorted.length)),
    ];
    for (const k of ranks) expect(kthDifference(x, y, k), `rank ${k}`).toBe(sorted[k - 1]);
  });

  it("2016 × 2016 buckets: the answer has fewer than k differences below it and at least k at or below", () => {
    const [x, y] = [sample(2016, () => 200 + 40 * random()), sample(2016, () => 180 + 40 * random())];
    for (const k of [1, 2_032_128, 2_032_129, 1_900_000, 4_064_256]) {
      const v = kthDifference(x, y, k);
      let [less, atMost] = [0, 0];
      for (const a of x)
        for (const b of y) {
          if (a - b < v) less++;
          if (a - b <= v) atMost++;
        }
      expect(less).toBeLessThan(k);
      expect(atMost).toBeGreaterThanOrEqual(k);
    }
  });

  it("rejects a rank outside 1..n·m", () => {
    expect(() => kthDifference([1, 2], [3], 3)).toThrow(RangeError);
    expect(() => kthDifference([1, 2], [3], 0)).toThrow(RangeError);
  });
});

describe("the judge on real-looking series", () => {
  const base = {
    environment: "prod" as const,
    metric: "HttpResponseTime",
    label: "Response time",
    unit: "Seconds" as const,
    comparison: "after-vs-before" as const,
  };
  const spec = { bad: "increase" as const, aggregation: "Average" as const };
  let seed = 7;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  /** A latency series around level (seconds) with one bucket spike× the level. */
  const series = (n: number, level: number, spike: number, at: number) =>
    Array.from({ length: n }, (_, i) => (i === at ? level * spike : level * (0.9 + 0.2 * random())));

  for (const spike of [100, 300, 1000]) {
    it(`a real +20 % regression with a ${spike}× spike in each window is worse`, () => {
      const j = judgeSeries(base, spec, series(360, 0.24, spike, 17), series(360, 0.2, spike, 200));
      expect(j.classification).toBe("High");
      expect(j.outcome).toBe("worse");
      expect(j.interval!.low).toBeGreaterThan(0.03);
      expect(j.interval!.high).toBeLessThan(0.05);
    });
    it(`no shift with a ${spike}× spike (in one window or both) passes, with low ≤ estimate ≤ high`, () => {
      for (const [after, before] of [
        [series(360, 0.2, spike, 40), series(360, 0.2, spike, 300)],
        [series(360, 0.2, spike, 40), series(360, 0.2, 1, -1)],
        [series(360, 0.2, 1, -1), series(360, 0.2, spike, 5)],
      ]) {
        const j = judgeSeries(base, spec, after!, before!);
        expect(j.classification).toBe("Pass");
        expect(j.interval!.low).toBeLessThanOrEqual(j.interval!.estimate);
        expect(j.interval!.estimate).toBeLessThanOrEqual(j.interval!.high);
      }
    });
  }

  const counts = { ...base, metric: "Http5xx", label: "5xx", unit: "Count" as const };
  const zeros = (n: number, p: number) =>
    Array.from({ length: n }, () => (random() < p ? 1 + Math.floor(3 * random()) : 0));

  it("zero-inflated counts: the same values in another order always pass, and every run agrees", () => {
    for (let round = 0; round < 20; round++) {
      const before = zeros(240, 0.04);
      const after = [...before].reverse();
      const first = judgeSeries(counts, spec, after, before);
      expect(first.classification).toBe("Pass");
      expect(judgeSeries(counts, spec, after, before)).toEqual(first);
    }
  });

  it("zero-inflated counts with as many non-zero buckets in each window pass, whatever their places", () => {
    for (let round = 0; round < 20; round++) {
      const place = (k: number) => {
        const out = Array<number>(240).fill(0);
        for (let i = 0; i < k;) {
          const at = Math.floor(240 * random());
          if (out[at] === 0) [out[at], i] = [1 + Math.floor(3 * random()), i + 1];
        }
        return out;
      };
      const k = 5 + round;
      const j = judgeSeries(counts, spec, place(k), place(k));
      expect(j.classification, `round ${round}`).toBe("Pass");
      // (The same values in both windows pass before any interval is computed.)
      if (j.interval) expect(j.interval).toMatchObject({ low: 0, high: 0, estimate: 0 });
    }
  });

  it("zero-inflated counts at the same rate: false alarms at the test's own rate (2 %), and every run agrees", () => {
    let alarms = 0;
    for (let round = 0; round < 500; round++) {
      const [after, before] = [zeros(240, 0.04), zeros(240, 0.04)];
      const first = judgeSeries(counts, spec, after, before);
      expect(judgeSeries(counts, spec, after, before)).toEqual(first);
      if (first.classification !== "Pass") alarms++;
    }
    expect(alarms).toBeLessThanOrEqual(20);
  });

  it("zero-inflated counts with many more non-zero buckets after are High (the bound 0 itself is rejected)", () => {
    const j = judgeSeries(counts, spec, zeros(240, 0.35), zeros(240, 0.04));
    expect(j.interval).toMatchObject({ low: 0, estimate: 0, lowExcluded: true });
    expect(j.classification).toBe("High");
  });
});
