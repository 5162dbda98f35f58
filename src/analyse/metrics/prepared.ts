import { percentileSorted, sortedCopy } from "./stats.js";

/**
 * A metric window as the judge reads it, prepared once per check (issue 19): the same after-window
 * is judged against the hours before, against last week, on its latest buckets and against QA,
 * and each of those used to filter, sort, sum and downsample it again. A check runs this cold, in
 * V8's interpreter, so the helpers here are index loops over typed arrays (no iterators, no
 * closures per value, no arrays grown by push); test/metrics-oracle.test.ts holds them to the
 * earlier spelling bit for bit.
 */
export interface PreparedWindow {
  /** The finite values, in time order (a missing or non-finite bucket is left out). */
  readonly values: Float64Array;
  /** The same values, ascending. */
  readonly sorted: Float64Array;
  /** Σ of the ascending values (a window summary's total); computed on first use. */
  sum?: number;
  /** The values for sparklines (at most TREND_POINTS); computed on first use, handed out as copies. */
  trend?: number[];
}

/** How many points a judgment's trend keeps for sparklines and charts. */
export const TREND_POINTS = 60;

/** The finite values of a series, in order (a typed array, never grown value by value). */
export function finiteValues(raw: ArrayLike<number | null | undefined>): Float64Array {
  const out = new Float64Array(raw.length);
  let kept = 0;
  for (let i = 0; i < raw.length; i++) {
    const v = raw[i];
    if (v !== null && Number.isFinite(v)) out[kept++] = v!;
  }
  return kept === raw.length ? out : out.subarray(0, kept);
}

/** A window from values already finite and in time order. */
export function windowOfValues(values: Float64Array): PreparedWindow {
  return { values, sorted: sortedCopy(values) };
}

export function windowOf(raw: ArrayLike<number | null | undefined>): PreparedWindow {
  return windowOfValues(finiteValues(raw));
}

/** The median of values in any order. */
export function medianOf(values: ArrayLike<number>): number {
  return percentileSorted(sortedCopy(values), 50);
}

/** The median of a prepared window, from its ascending copy. */
export function windowMedian(window: PreparedWindow): number {
  return percentileSorted(window.sorted, 50);
}

/** Σ of the ascending values, summed in that order (so the total never depends on who asks first). */
export function sumOf(window: PreparedWindow): number {
  if (window.sum === undefined) {
    let sum = 0;
    const sorted = window.sorted;
    for (let i = 0; i < sorted.length; i++) sum += sorted[i]!;
    window.sum = sum;
  }
  return window.sum;
}

/** At most `max` points: consecutive runs of values averaged, left to right. */
export function downsample(values: ArrayLike<number>, max = TREND_POINTS): number[] {
  const length = values.length;
  if (length <= max) return Array.from(values);
  const out: number[] = [];
  const step = length / max;
  for (let i = 0; i < max; i++) {
    const from = Math.floor(i * step);
    const to = Math.min(length, Math.floor((i + 1) * step));
    let sum = 0;
    for (let j = from; j < to; j++) sum += values[j]!;
    out.push(sum / (to - from));
  }
  return out;
}

/** A window's trend, a copy of its own so that no two judgments share one array. */
export function trendOf(window: PreparedWindow): number[] {
  window.trend ??= downsample(window.values);
  return window.trend.slice();
}

/**
 * The windows of one judgment run, keyed by the series array they come from, and whatever else
 * the run derives once per object (a metric's per-unit series, a normalised after-window). Lives
 * only as long as one `judgeMetrics` call: facts edited between calls are read afresh.
 */
export class SeriesCache {
  private readonly windows = new Map<ArrayLike<number | null | undefined>, PreparedWindow>();
  private readonly derived = new Map<object, Map<string, unknown>>();

  window(raw: ArrayLike<number | null | undefined>): PreparedWindow {
    let window = this.windows.get(raw);
    if (!window) {
      window = windowOf(raw);
      this.windows.set(raw, window);
    }
    return window;
  }

  /** What `make` gives for an object and a key, made once. */
  derive<T>(owner: object, key: string, make: () => T): T {
    let byKey = this.derived.get(owner);
    if (!byKey) {
      byKey = new Map();
      this.derived.set(owner, byKey);
    }
    if (!byKey.has(key)) byKey.set(key, make());
    return byKey.get(key) as T;
  }
}
