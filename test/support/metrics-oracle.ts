import type { WindowSummary } from "../../src/analyse/metrics/judge.js";
import type { ShiftInterval } from "../../src/analyse/metrics/stats.js";
import type { MetricSpec } from "../../src/core/metric-catalogue.js";
import { percentileSorted, sortedCopy } from "../../src/analyse/metrics/stats.js";

/**
 * The metric statistics as they were before issue 19 made them cheap to run cold (commit 0e44d3d:
 * src/analyse/metrics/stats.ts and judge.ts), kept verbatim as the oracle that
 * test/metrics-oracle.test.ts holds the rewrite to, bit for bit. Not used by the product: change
 * nothing here except to follow a deliberate change of the results.
 */

/** Old judge.ts `MIN_POINTS`. */
const MIN_POINTS = 10;

export function mean(values: ArrayLike<number> & Iterable<number>): number {
  let sum = 0;
  for (const v of values) sum += v;
  return values.length === 0 ? Number.NaN : sum / values.length;
}

/** Sample statistics for reports: an empty series gives zeros, as Kayenta's do. */
export function describe(values: readonly number[]): {
  min: number;
  max: number;
  mean: number;
  std: number;
  count: number;
} {
  const n = values.length;
  if (n === 0) return { min: 0, max: 0, mean: 0, std: 0, count: 0 };
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const m = mean(values);
  let squares = 0;
  for (const v of values) squares += (v - m) ** 2;
  return { min, max, mean: m, std: n > 1 ? Math.sqrt(squares / (n - 1)) : 0, count: n };
}

/** mean(experiment) / mean(control); NaN when either mean is 0 (Kayenta's deviation). */
export function meanRatio(
  experiment: ArrayLike<number> & Iterable<number>,
  control: ArrayLike<number> & Iterable<number>,
): number {
  const [e, c] = [mean(experiment), mean(control)];
  return e === 0 || c === 0 ? Number.NaN : e / c;
}

/** Inverse of the standard normal CDF (Acklam; relative error below 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile(${p})`);
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) =>
    (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
    ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/**
 * The confidence interval and Hodges-Lehmann estimate of the location shift of experiment over
 * control. The bounds are exact pairwise differences x_i − y_j, so a spike (one bucket 1000× the
 * level) or a series of mostly zeros cannot move them: R's `uniroot` lands within 1e-4 of the
 * same differences, and Kayenta's values agree with these to that tolerance.
 */
export function mannWhitneyInterval(
  experiment: ArrayLike<number>,
  control: ArrayLike<number>,
  confLevel: number,
  { sorted = false, method = "asymptotic" } = {},
): ShiftInterval {
  if (!(confLevel > 0 && confLevel < 1)) throw new RangeError(`confidence level ${confLevel} not in (0, 1)`);
  const x = sorted ? experiment : sortedCopy(experiment);
  const y = sorted ? control : sortedCopy(control);
  const [n, m] = [x.length, y.length];
  if (n === 0 || m === 0) throw new Error("not enough observations");
  const total = n * m;
  const exact = method === "auto" && n < 50 && m < 50 && !hasTies(x, y);
  const [kLow, kHigh] = exact ? exactRanks(n, m, confLevel) : asymptoticRanks(x, y, confLevel);
  const half = Math.floor((total + 1) / 2);
  const differences = new PairwiseDifferences(x, y);
  const middle = differences.kth(half);
  const [lower, upper] = [differences.select(kLow), differences.select(kHigh)];
  const [low, high] = [lower.value, upper.value];
  const interval: ShiftInterval = {
    low,
    high,
    estimate: total % 2 === 1 ? middle : (middle + differences.kth(half + 1)) / 2,
  };
  if (!exact && (lower.tied || upper.tied)) {
    // R's wdiff at a tied bound itself, where its own ties count (continuity-corrected, as R's);
    // at a bound no other difference shares, open or closed changes no decision.
    const z = -normalQuantile((1 - confLevel) / 2);
    const at = (mu: number) => {
      const { dz, sigma } = statisticAt(x, y, mu);
      return sigma === 0 ? Number.NaN : (dz - Math.sign(dz) * 0.5) / sigma;
    };
    if (lower.tied && at(low) - z > 0) interval.lowExcluded = true;
    if (upper.tied && at(high) + z < 0) interval.highExcluded = true;
  }
  return interval;
}

/**
 * U − nm/2 and its standard deviation at a shift equal to one of the differences: the pairs
 * tied there join their groups, which is what R's `wdiff` sees when evaluated at exactly mu.
 */
function statisticAt(x: ArrayLike<number>, y: ArrayLike<number>, mu: number): { dz: number; sigma: number } {
  const [n, m] = [x.length, y.length];
  let ties = tieSum(x) + tieSum(y);
  let [atMost, equal] = [0, 0];
  let [g, h] = [0, 0];
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    while (g < m && xi - y[g]! >= mu) g++;
    while (h < m && xi - y[h]! > mu) h++;
    atMost += m - h;
    equal += g - h;
    // A group of a equal x values tied with b y values: (a+b)³ − (a+b) in place of a³ − a and b³ − b.
    if (g > h && (i === 0 || x[i - 1] !== xi)) {
      let a = 1;
      while (i + a < n && x[i + a] === xi) a++;
      const b = g - h;
      ties += 3 * a * b * (a + b);
    }
  }
  const u = n * m - atMost + equal / 2;
  const sigma2 = ((n * m) / 12) * (n + m + 1 - ties / ((n + m) * (n + m - 1) || 1));
  return { dz: u - (n * m) / 2, sigma: Math.sqrt(Math.max(0, sigma2)) };
}

/** Σ(t³ − t) over the groups of equal values of one ascending sample. */
function tieSum(sorted: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < sorted.length;) {
    let j = i + 1;
    while (j < sorted.length && sorted[j] === sorted[i]) j++;
    const t = j - i;
    sum += t * t * t - t;
    i = j;
  }
  return sum;
}

/** Whether any value repeats within or across two ascending samples (R's `TIES` at mu = 0). */
function hasTies(x: ArrayLike<number>, y: ArrayLike<number>): boolean {
  let [i, j] = [0, 0];
  let previous = Number.NaN;
  while (i < x.length || j < y.length) {
    const v = j >= y.length || (i < x.length && x[i]! <= y[j]!) ? x[i++]! : y[j++]!;
    if (v === previous) return true;
    previous = v;
  }
  return false;
}

/**
 * R's asymptotic interval as ranks (1-based, ascending) among the pairwise differences. Between
 * two consecutive differences R's `wdiff` is constant, with U = #{d > mu} and the variance of the
 * within-sample ties only; it changes sign at the first difference where U − nm/2 − ½ falls to
 * z·σ (the lower bound) or U − nm/2 + ½ to −z·σ (the upper): ranks ⌈nm/2 − ½ − zσ⌉ and
 * ⌈nm/2 + ½ + zσ⌉, clamped to the extremes as R's "not achievable" branch does.
 */
function asymptoticRanks(x: ArrayLike<number>, y: ArrayLike<number>, confLevel: number): [number, number] {
  const [n, m] = [x.length, y.length];
  const total = n * m;
  const ties = tieSum(x) + tieSum(y);
  const sigma = Math.sqrt((total / 12) * (n + m + 1 - ties / ((n + m) * (n + m - 1 || 1))));
  const z = -normalQuantile((1 - confLevel) / 2);
  const clamp = (k: number) => Math.min(total, Math.max(1, k));
  return [clamp(Math.ceil(total / 2 - 0.5 - z * sigma)), clamp(Math.ceil(total / 2 + 0.5 + z * sigma))];
}

/**
 * R's exact interval (no ties, both samples under 50): `qu <- qwilcox(alpha/2, n, m)` (at least
 * 1), bounds `diffs[qu]` and `diffs[n*m - qu + 1]`. The null distribution of U counts the
 * partitions in an n × m box: the coefficients of the Gaussian binomial [n+m choose n]_q, built as
 * Π (1 − q^(m+i)) / (1 − q^i), all of whose partial products have non-negative coefficients.
 */
function exactRanks(n: number, m: number, confLevel: number): [number, number] {
  const total = n * m;
  const counts = new Float64Array(total + 1);
  counts[0] = 1;
  let degree = 0;
  for (let i = 1; i <= n; i++) {
    // × (1 − q^(m+i)), then ÷ (1 − q^i): the degree grows by m each step.
    for (let u = Math.min(total, degree + m + i); u >= m + i; u--) counts[u]! -= counts[u - m - i]!;
    degree += m;
    for (let u = i; u <= degree; u++) counts[u]! += counts[u - i]!;
    // What the division leaves above the new degree is zero in exact arithmetic.
    for (let u = degree + 1; u <= Math.min(total, degree + i); u++) counts[u] = 0;
  }
  let all = 0;
  for (const c of counts) all += c;
  // qwilcox (R's nmath/wilcox.c): the smallest q with P(U <= q) >= p, less 10 ε of slack.
  const p = (1 - confLevel) / 2 - 10 * Number.EPSILON;
  let q = 0;
  for (let cumulative = counts[0] / all; cumulative < p;) cumulative += counts[++q]! / all;
  const qu = Math.max(1, q);
  return [qu, total - qu + 1];
}

/** One count over all differences: how many are below a value, and how many at most it. */
interface Probe {
  value: number;
  less: number;
  atMost: number;
}

/** Below this many candidates the remaining differences are listed and sorted. */
const LIST_BELOW = 512;

/**
 * Order statistics of the n·m differences x_i − y_j of two ascending samples, without listing
 * them. The differences form a matrix sorted along rows and columns (Johnson & Mizoguchi 1978;
 * Monahan 1984, ACM TOMS 616, for the Hodges-Lehmann estimate), so how many lie below a value is
 * one staircase walk, O(n + m). A rank is found by interpolating on that count inside a bracket
 * that shrinks every walk, aiming each guess just past the target so both ends close in; once a
 * few hundred differences remain in it, they are listed and sorted; a round that does not halve the
 * bracket (ties, gaps) is followed by a pivot drawn at random from the differences left in it, so it
 * stays O((n + m) log nm). Every walk is kept, so the interval's three ranks share their work.
 * Differences are computed one way everywhere: the answer is one of them exactly.
 */
export class PairwiseDifferences {
  private readonly probes: Probe[] = [];
  private readonly sketched = new Set<number>();
  private sketchValues?: Float64Array;
  private seed: number;

  constructor(
    private readonly x: ArrayLike<number>,
    private readonly y: ArrayLike<number>,
  ) {
    if (x.length === 0 || y.length === 0) throw new Error("not enough observations");
    this.seed = (x.length * 7919 + y.length * 104_729) >>> 0 || 1;
  }

  get size(): number {
    return this.x.length * this.y.length;
  }

  /** One walk: row i's differences fall as j grows and rise with i, so both pointers only advance. */
  count(value: number): Probe {
    const { x, y } = this;
    const [n, m] = [x.length, y.length];
    let [less, atMost, g, h] = [0, 0, 0, 0];
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      while (g < m && xi - y[g]! >= value) g++;
      while (h < m && xi - y[h]! > value) h++;
      less += m - g;
      atMost += m - h;
    }
    const probe = { value, less, atMost };
    this.probes.push(probe);
    return probe;
  }

  /** The k-th smallest difference (1-based). */
  kth(k: number): number {
    return this.select(k).value;
  }

  /** The k-th smallest difference, and whether another difference equals it. */
  select(k: number): { value: number; tied: boolean } {
    const { x, y } = this;
    const [n, m] = [x.length, y.length];
    if (!(k >= 1 && k <= n * m && Number.isInteger(k))) throw new RangeError(`rank ${k} of ${n * m}`);
    // Bracket: a has fewer than k at or below it, b at least k below it; the answer lies between.
    let a: Probe = { value: -Infinity, less: 0, atMost: 0 };
    let b: Probe = { value: Infinity, less: n * m, atMost: n * m };
    let hit: Probe | undefined;
    const take = (p: Probe): boolean => {
      if (p.atMost < k) {
        if (p.value > a.value) a = p;
      } else if (p.less >= k) {
        if (p.value < b.value) b = p;
      } else hit = p;
      return hit !== undefined;
    };
    const answer = () => ({ value: hit!.value, tied: hit!.atMost - hit!.less > 1 });
    const listed = () => {
      const list = this.listBetween(a.value, b.value, b.less - a.atMost);
      const at = k - a.atMost - 1;
      return { value: list[at]!, tied: list[at - 1] === list[at] || list[at + 1] === list[at] };
    };
    for (const p of this.probes) if (take(p)) return answer();
    // Start from a sketch: the differences of 32 evenly spaced order statistics of each sample
    // place the rank to within a few per cent; two walks there bracket it closely.
    if (b.less - a.atMost > LIST_BELOW && !this.sketched.has(k)) {
      this.sketched.add(k);
      const sketch = this.sketch();
      const at = (f: number) =>
        sketch[Math.min(sketch.length - 1, Math.max(0, Math.round(f * sketch.length)))]!;
      const f = (k - 0.5) / (n * m);
      for (const value of [at(f - 0.03), at(f + 0.03)])
        if (value > a.value && value < b.value && take(this.count(value))) return answer();
    }
    if (a.value === -Infinity && take(this.count(x[0]! - y[m - 1]!))) return answer();
    if (b.value === Infinity && take(this.count(x[n - 1]! - y[0]!))) return answer();
    // Secant steps on the count through the last two walks, aimed a little past the target so
    // the next walk lands on the other side and both ends of the bracket close in.
    const rank = (p: Probe) => (p.less + p.atMost) / 2;
    let [previous, last] = [a, b];
    let [stalled, width] = [0, Infinity];
    for (;;) {
      const inside = b.less - a.atMost;
      if (inside <= LIST_BELOW) return listed();
      stalled = inside > width / 2 ? stalled + 1 : 0;
      width = inside;
      let guess = Number.NaN;
      if (stalled >= 2) {
        // Ties or gaps a line cannot follow: a pivot drawn from what is left.
        guess = this.randomBetween(a.value, b.value, inside);
        stalled = 0;
      } else {
        const miss = k - 0.5 - rank(last);
        const target = k - 0.5 + Math.sign(miss) * (0.25 * Math.abs(miss) + LIST_BELOW / 8);
        const slope = (last.value - previous.value) / (rank(last) - rank(previous));
        if (Number.isFinite(slope)) guess = last.value + (target - rank(last)) * slope;
        if (!(guess > a.value && guess < b.value))
          guess = a.value + ((b.value - a.value) * (k - 0.5 - a.atMost)) / inside;
        const snapped = this.snap(guess);
        if (snapped > a.value && snapped < b.value) guess = snapped;
        if (!(guess > a.value && guess < b.value)) guess = a.value / 2 + b.value / 2;
        if (!(guess > a.value && guess < b.value)) return listed();
      }
      const probe = this.count(guess);
      if (take(probe)) return answer();
      [previous, last] = [last, probe];
    }
  }

  private sketch(): Float64Array {
    if (this.sketchValues) return this.sketchValues;
    const { x, y } = this;
    const pick = (v: ArrayLike<number>, i: number) => v[Math.floor(((i + 0.5) * v.length) / 32)]!;
    const values = new Float64Array(32 * 32);
    for (let i = 0; i < 32; i++) for (let j = 0; j < 32; j++) values[i * 32 + j] = pick(x, i) - pick(y, j);
    return (this.sketchValues = values.sort());
  }

  /** A difference next to a value, from the middle row, so that tied data are hit exactly. */
  private snap(value: number): number {
    const { x, y } = this;
    const xi = x[x.length >> 1]!;
    // Row xi − y[j] falls as j grows: the first j whose difference is at most value.
    let [lo, hi] = [0, y.length];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (xi - y[mid]! > value) lo = mid + 1;
      else hi = mid;
    }
    return lo < y.length ? xi - y[lo]! : value;
  }

  /** The differences strictly between two values, ascending (one walk with two pointers per end). */
  private listBetween(a: number, b: number, count: number): Float64Array {
    const { x, y } = this;
    const [n, m] = [x.length, y.length];
    const list = new Float64Array(count);
    let at = 0;
    let [g, h] = [0, 0];
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      while (g < m && xi - y[g]! >= b) g++; // j < g: at least b
      while (h < m && xi - y[h]! > a) h++; // j < h: above a
      for (let j = g; j < h; j++) list[at++] = xi - y[j]!;
    }
    return list.sort();
  }

  /** A difference drawn at random (fixed seed) from those strictly between two values. */
  private randomBetween(a: number, b: number, count: number): number {
    this.seed ^= this.seed << 13;
    this.seed ^= this.seed >>> 17;
    this.seed ^= this.seed << 5;
    let pick = Math.floor(((this.seed >>> 0) / 4294967296) * count);
    const { x, y } = this;
    const [n, m] = [x.length, y.length];
    let [g, h] = [0, 0];
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      while (g < m && xi - y[g]! >= b) g++;
      while (h < m && xi - y[h]! > a) h++;
      if (pick < h - g) return xi - y[g + pick]!;
      pick -= h - g;
    }
    return a / 2 + b / 2;
  }
}

// judge.ts

export function present(values: readonly (number | null)[]): number[] {
  const out: number[] = [];
  for (const v of values) if (v !== null && Number.isFinite(v)) out.push(v);
  return out;
}

export function summarise(sorted: Float64Array, spec?: Pick<MetricSpec, "aggregation">): WindowSummary {
  if (sorted.length === 0) return { n: 0, median: null, p95: null, total: null };
  let total = 0;
  for (const v of sorted) total += v;
  return {
    n: sorted.length,
    median: percentileSorted(sorted, 50),
    p95: percentileSorted(sorted, 95),
    total: spec?.aggregation === "Total" ? total : null,
  };
}

function medianOf(values: readonly number[]): number {
  return percentileSorted(sortedCopy(values), 50);
}

export function downsample(values: readonly number[], max = 60): number[] {
  if (values.length <= max) return [...values];
  const out: number[] = [];
  const step = values.length / max;
  for (let i = 0; i < max; i++) {
    const slice = values.slice(Math.floor(i * step), Math.floor((i + 1) * step));
    out.push(slice.reduce((a, b) => a + b, 0) / slice.length);
  }
  return out;
}

export function medianChange(
  after: readonly (number | null)[],
  control: readonly (number | null)[],
): number | null {
  const [a, c] = [present(after), present(control)];
  if (a.length < MIN_POINTS || c.length < MIN_POINTS) return null;
  const base = medianOf(c);
  return base > 0 ? medianOf(a) / base - 1 : null;
}

export function growthWithin(
  values: readonly (number | null)[],
): { first: number; last: number; growth: number } | null {
  const v = present(values);
  if (v.length < MIN_POINTS) return null;
  const quarter = Math.max(1, Math.floor(v.length / 4));
  const first = medianOf(v.slice(0, quarter));
  const last = medianOf(v.slice(-quarter));
  return first > 0 ? { first, last, growth: last / first - 1 } : null;
}
