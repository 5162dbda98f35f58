import { describe, expect, it } from "vitest";
import { growthWithin, judgeSeries, medianChange, summarise } from "../src/analyse/metrics/judge.js";
import { downsample, finiteValues } from "../src/analyse/metrics/prepared.js";
import {
  describe as describeSample,
  kthDifference,
  mannWhitneyInterval,
  mean,
  meanRatio,
  normalQuantile,
  PairwiseDifferences,
  sortedCopy,
} from "../src/analyse/metrics/stats.js";
import * as oracle from "./support/metrics-oracle.js";
import { seeded, BASE_SEED, type Seeded } from "./support/seeded.js";
import { soakCases } from "./support/soak.js";

/**
 * Issue 19 rewrote the metric statistics to run cheaply cold (index loops over typed arrays, each
 * series prepared once per run, a smaller sketch to start the order-statistic search). The results
 * must not move by one bit: every helper is held here to the implementation before the rewrite,
 * kept verbatim in test/support/metrics-oracle.ts, over generated series: nulls, non-finite
 * buckets, ties, zeros, spikes, constants, negative values and -0, lengths 0 to 3,000. Set
 * AZFN_SEED to replay a failing case with the seed its message prints.
 */
const CASES = soakCases(1000, 150);

/** One series' values, finite, of one of the shapes metric windows take. */
function values(g: Seeded, length: number): number[] {
  const shape = g.int(7);
  const level = 10 ** (g.next() * 12 - 3);
  const decimals = g.int(4);
  const round = (v: number) => Number(v.toFixed(decimals));
  const out: number[] = [];
  for (let i = 0; i < length; i++) {
    const noise = level * (1 + 0.4 * (g.next() - 0.5));
    switch (shape) {
      case 0: // a gauge with noise, rounded (ties)
        out.push(round(noise));
        break;
      case 1: // small whole counts: mostly ties and zeros
        out.push(Math.floor(g.next() * g.next() * 6));
        break;
      case 2: // zero-inflated
        out.push(g.chance(0.85) ? 0 : round(noise));
        break;
      case 3: // spikes a thousand times the level
        out.push(g.chance(0.03) ? noise * 1000 : noise);
        break;
      case 4: // constant
        out.push(level);
        break;
      case 5: // around zero, with -0
        out.push(g.chance(0.1) ? -0 : round(noise - level));
        break;
      default: // unrounded noise: no ties
        out.push(noise);
    }
  }
  return out;
}

/** Lengths from 0 to 3,000, most short, with the edges the code branches on. */
function length(g: Seeded): number {
  if (g.chance(0.2)) return g.pick([0, 1, 2, 9, 10, 11, 49, 50, 59, 60, 61, 120, 121, 175, 176]);
  return Math.floor(3001 ** g.next()) - 1 + (g.chance(0.5) ? 0 : g.int(2));
}

/** A metric's raw window: missing buckets (null) and, as a collector might pass on, non-finite ones. */
function raw(g: Seeded, finite: number[]): (number | null)[] {
  const gaps = g.pick([0, 0.02, 0.3]);
  const out: (number | null)[] = [];
  for (const v of finite) {
    if (g.chance(gaps)) out.push(g.pick([null, Number.NaN, Infinity, -Infinity]));
    out.push(v);
  }
  return out;
}

function forCases(name: string, property: (g: Seeded) => void): void {
  it(`${name} (${CASES} generated cases from seed ${BASE_SEED})`, () => {
    for (let i = 0; i < CASES; i++) {
      const seed = BASE_SEED * 7 + i;
      try {
        property(seeded(seed));
      } catch (error) {
        throw new Error(`seed ${seed} (AZFN_SEED=${BASE_SEED}, case ${i}): ${(error as Error).message}`, {
          cause: error,
        });
      }
    }
  });
}

/** What a call gives, or the message it throws: the rewrite must fail where the oracle fails. */
function outcome<T>(run: () => T): T | { threw: string } {
  try {
    return run();
  } catch (error) {
    return { threw: (error as Error).message };
  }
}

/**
 * With -0 among the values, a zero order statistic is whichever zero difference the search lands on
 * (0 − 0 is +0, −0 − 0 is −0), in the old implementation as in the new, and the new one starts its
 * walks elsewhere: there, and only there, a zero bound or estimate may carry the other sign (equal
 * under ===, so no classification changes, and JSON writes both as 0). Metric values as Azure sends
 * them, and everything the judge derives from them, are never −0.
 */
function withNegativeZero(...series: readonly (number | null)[][]): boolean {
  return series.some((s) => s.some((v) => Object.is(v, -0)));
}

/** The same value with every −0 made +0, for comparing where withNegativeZero says the sign is free. */
function signless<T>(value: T): T {
  if (typeof value === "number") return (value === 0 ? 0 : value) as T;
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, signless(v)])) as T;
}

describe("the metric statistics against their implementation before issue 19, bit for bit", () => {
  forCases("finite values, trends, summaries, medians of windows", (g) => {
    const after = raw(g, values(g, length(g)));
    const control = raw(g, values(g, length(g)));
    const kept = oracle.present(after);
    expect(Array.from(finiteValues(after))).toStrictEqual(kept);
    expect(downsample(finiteValues(after))).toStrictEqual(oracle.downsample(kept));
    expect(downsample(kept, 7)).toStrictEqual(oracle.downsample(kept, 7));
    for (const aggregation of ["Total", "Average"] as const)
      expect(summarise(sortedCopy(kept), { aggregation })).toStrictEqual(
        oracle.summarise(sortedCopy(kept), { aggregation }),
      );
    expect(medianChange(after, control)).toStrictEqual(oracle.medianChange(after, control));
    expect(growthWithin(after)).toStrictEqual(oracle.growthWithin(after));
  });

  forCases("mean, sample statistics, mean ratio, normal quantile", (g) => {
    const x = values(g, length(g));
    const y = values(g, length(g));
    expect(mean(x)).toBe(oracle.mean(x));
    expect(mean(sortedCopy(x))).toBe(oracle.mean(sortedCopy(x)));
    expect(describeSample(x)).toStrictEqual(oracle.describe(x));
    expect(meanRatio(sortedCopy(x), sortedCopy(y))).toBe(oracle.meanRatio(sortedCopy(x), sortedCopy(y)));
    // Both tails and the centre: p near 0 and 1 take the tail formula.
    const p = g.pick([g.next(), g.next() * 0.03, 1 - g.next() * 0.03, g.next() * 1e-12, 0.02425, 0.97575]);
    expect(outcome(() => normalQuantile(p))).toStrictEqual(outcome(() => oracle.normalQuantile(p)));
  });

  forCases("Mann-Whitney interval, Hodges-Lehmann estimate, order statistics of the differences", (g) => {
    const x = values(g, length(g));
    const y = g.chance(0.1) ? x.slice() : values(g, length(g));
    const confLevel = g.pick([0.8, 0.9, 0.95, 0.98, 0.99]);
    const method = g.pick(["auto", "asymptotic"] as const);
    const same = withNegativeZero(x, y) ? signless : <T>(v: T) => v;
    expect(same(outcome(() => mannWhitneyInterval(x, y, confLevel, { method })))).toStrictEqual(
      same(outcome(() => oracle.mannWhitneyInterval(x, y, confLevel, { method }))),
    );
    if (x.length === 0 || y.length === 0) return;
    const [sx, sy] = [sortedCopy(x), sortedCopy(y)];
    const fresh = new PairwiseDifferences(sx, sy);
    const old = new oracle.PairwiseDifferences(sx, sy);
    // Ranks anywhere, and near the middle where the interval's ranks lie (and the walks' guesses
    // land on differences tied with the answer).
    for (let i = 0; i < 12; i++) {
      const total = x.length * y.length;
      const k =
        i % 2 ? 1 + g.int(total) : Math.min(total, Math.max(1, Math.round(total * (0.4 + 0.2 * g.next()))));
      expect(same(fresh.select(k))).toStrictEqual(same(old.select(k)));
      expect(same(kthDifference(sx, sy, k))).toBe(same(old.kth(k)));
    }
  });

  forCases("one metric judged, experiment against control", (g) => {
    const after = raw(g, values(g, length(g)));
    const control = g.chance(0.1) ? after.slice() : raw(g, values(g, length(g)));
    const aggregation = g.pick(["Total", "Average"] as const);
    const base = {
      environment: "prod" as const,
      metric: "Requests",
      label: "Requests",
      unit: "Count" as const,
      comparison: "after-vs-before" as const,
    };
    const j = judgeSeries(base, { bad: "increase", aggregation }, after, control);
    const [e, c] = [oracle.present(after), oracle.present(control)];
    expect(j.experiment).toStrictEqual(oracle.summarise(sortedCopy(e), { aggregation }));
    expect(j.control).toStrictEqual(oracle.summarise(sortedCopy(c), { aggregation }));
    expect(j.trend).toStrictEqual(oracle.downsample(e));
    expect(j.controlTrend).toStrictEqual(oracle.downsample(c));
    const same = withNegativeZero(e, c) ? signless : <T>(v: T) => v;
    if (j.interval)
      expect(same(j.interval)).toStrictEqual(
        same(oracle.mannWhitneyInterval(e, c, 0.98, { method: "auto" })),
      );
  });

  it("judges most generated pairs with an interval (the last property is not vacuous)", () => {
    let judged = 0;
    for (let i = 0; i < 100; i++) {
      const g = seeded(BASE_SEED + i);
      const j = judgeSeries(
        {
          environment: "qa",
          metric: "Threads",
          label: "Threads",
          unit: "Count",
          comparison: "after-vs-before",
        },
        { bad: "increase", aggregation: "Average" },
        values(g, 20 + g.int(400)),
        values(g, 20 + g.int(400)),
      );
      if (j.interval) judged++;
    }
    expect(judged).toBeGreaterThan(60);
  });
});
