/**
 * The statistics behind the metric judgment, pure and allocation-light. The Mann-Whitney
 * interval reproduces Kayenta's judge (spinnaker/kayenta `MannWhitney.scala`, itself R's
 * `wilcox.test` asymptotic interval with R's `zeroin`), verified against Kayenta's own test
 * vectors in test/kayenta.test.ts.
 */

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

/** Percentile by R's type 7 (linear interpolation), p in 0..100, of an ascending array. */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * (p / 100);
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** An ascending copy, sorted natively (a typed array's numeric sort, no comparator calls). */
export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return new Float64Array(values).sort();
}

/** mean(experiment) / mean(control); NaN when either mean is 0 (Kayenta's deviation). */
export function meanRatio(
  experiment: ArrayLike<number> & Iterable<number>,
  control: ArrayLike<number> & Iterable<number>,
): number {
  const [e, c] = [mean(experiment), mean(control)];
  return e === 0 || c === 0 ? Number.NaN : e / c;
}

/** Common-language effect size: P(experiment > control) + ½ P(tie) (Vargha-Delaney A). */
export function cles(experiment: ArrayLike<number>, control: ArrayLike<number>): number {
  if (experiment.length === 0 || control.length === 0) return Number.NaN;
  const x = sortedCopy(experiment);
  const y = sortedCopy(control);
  return (2 * rankSum(x, y, 0).sumX - x.length * (x.length + 1)) / (2 * x.length * y.length);
}

/**
 * Ranks of (x − mu) pooled with y, ties averaged, in one merge of two sorted arrays: the sum of
 * x's ranks and Σ(t³ − t) over tie groups. O(n) per call instead of a sort per solver step.
 */
function rankSum(x: ArrayLike<number>, y: ArrayLike<number>, mu: number): { sumX: number; ties: number } {
  let i = 0;
  let j = 0;
  let position = 0;
  let sumX = 0;
  let ties = 0;
  while (i < x.length || j < y.length) {
    const value = j >= y.length || (i < x.length && x[i]! - mu <= y[j]!) ? x[i]! - mu : y[j]!;
    let fromX = 0;
    let fromY = 0;
    while (i < x.length && x[i]! - mu === value) {
      i++;
      fromX++;
    }
    while (j < y.length && y[j] === value) {
      j++;
      fromY++;
    }
    const t = fromX + fromY;
    const averageRank = position + (t + 1) / 2;
    sumX += fromX * averageRank;
    ties += t * t * t - t;
    position += t;
  }
  return { sumX, ties };
}

/** R's wilcox.test statistic for a shift mu, minus a normal quantile (two-sided, continuity-corrected). */
export function wilcoxonDiff(
  xSorted: ArrayLike<number>,
  ySorted: ArrayLike<number>,
  mu: number,
  quantile: number,
): number {
  const nx = xSorted.length;
  const ny = ySorted.length;
  const { sumX, ties } = rankSum(xSorted, ySorted, mu);
  const dz = sumX - (nx * (nx + 1)) / 2 - (nx * ny) / 2;
  const correction = Math.sign(dz) * 0.5;
  const sigma = Math.sqrt(((nx * ny) / 12) * (nx + ny + 1 - ties / ((nx + ny) * (nx + ny - 1))));
  if (sigma === 0) throw new Error("cannot compute confidence interval when all observations are tied");
  return (dz - correction) / sigma - quantile;
}

/**
 * Brent's zero finder as R's `zeroin` (the solver under `uniroot` in `wilcox.test`), as
 * Kayenta ports it in `KayentaBrentSolver.brent`: from the bracket [ax, bx], stopping when the
 * bracket is within 2·ε·|b| + tol/2.
 */
export function zeroin(
  f: (x: number) => number,
  ax: number,
  bx: number,
  tol: number,
  maxIterations = 1000,
): number {
  let [a, b] = [ax, bx];
  let [fa, fb] = [f(a), f(b)];
  let [c, fc] = [a, fa];
  if (fa === 0) return a;
  if (fb === 0) return b;
  for (let left = maxIterations + 1; left > 0; left--) {
    const previousStep = b - a;
    if (Math.abs(fc) < Math.abs(fb)) {
      [a, b, c] = [b, c, b];
      [fa, fb, fc] = [fb, fc, fb];
    }
    const tolerance = 2 * Number.EPSILON * Math.abs(b) + tol / 2;
    let step = (c - b) / 2;
    if (Math.abs(step) <= tolerance || fb === 0) return b;
    if (Math.abs(previousStep) >= tolerance && Math.abs(fa) > Math.abs(fb)) {
      const cb = c - b;
      let p: number;
      let q: number;
      if (a === c) {
        const t1 = fb / fa;
        p = cb * t1;
        q = 1 - t1;
      } else {
        q = fa / fc;
        const t1 = fb / fc;
        const t2 = fb / fa;
        p = t2 * (cb * q * (q - t1) - (b - a) * (t1 - 1));
        q = (q - 1) * (t1 - 1) * (t2 - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (p < 0.75 * cb * q - Math.abs(tolerance * q) / 2 && p < Math.abs((previousStep * q) / 2))
        step = p / q;
    }
    if (Math.abs(step) < tolerance) step = step > 0 ? tolerance : -tolerance;
    a = b;
    fa = fb;
    b += step;
    fb = f(b);
    if ((fb > 0 && fc > 0) || (fb < 0 && fc < 0)) {
      c = a;
      fc = fa;
    }
  }
  return b;
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

/** `uniroot(…, tol = 1e-4)` in R's wilcox.test; Kayenta's tie-out tests with R hold only with it. */
const SOLVER_TOLERANCE = 1e-4;

export interface ShiftInterval {
  low: number;
  high: number;
  /** Hodges-Lehmann estimate of the shift experiment − control. */
  estimate: number;
}

/**
 * The confidence interval and Hodges-Lehmann estimate of the location shift of experiment
 * over control, as Kayenta computes them (absolute solver accuracy 1e-4). `scaleFree` first
 * divides both series by their largest magnitude (the interval is scale-equivariant), so that
 * accuracy is relative: a fix for Kayenta's trap with values around 1e-4 and below.
 */
export function mannWhitneyInterval(
  experiment: ArrayLike<number>,
  control: ArrayLike<number>,
  confLevel: number,
  { scaleFree = false, sorted = false } = {},
): ShiftInterval {
  let x = sorted ? Float64Array.from(experiment) : sortedCopy(experiment);
  let y = sorted ? Float64Array.from(control) : sortedCopy(control);
  let scale = 1;
  if (scaleFree) {
    const largest = Math.max(
      Math.abs(x[0]!),
      Math.abs(x[x.length - 1]!),
      Math.abs(y[0]!),
      Math.abs(y[y.length - 1]!),
    );
    if (largest > 0) {
      scale = largest;
      // Dividing by a positive number keeps the order.
      x = x.map((v) => v / scale);
      y = y.map((v) => v / scale);
    }
  }
  const muMin = x[0]! - y[y.length - 1]!;
  const muMax = x[x.length - 1]! - y[0]!;
  const z = -normalQuantile((1 - confLevel) / 2);
  const root = (quantile: number) => {
    if (wilcoxonDiff(x, y, muMin, quantile) <= 0) return muMin;
    if (wilcoxonDiff(x, y, muMax, quantile) >= 0) return muMax;
    return zeroin((mu) => wilcoxonDiff(x, y, mu, quantile), muMin, muMax, SOLVER_TOLERANCE);
  };
  return {
    low: root(z) * scale,
    high: root(-z) * scale,
    estimate: zeroin((mu) => wilcoxonDiff(x, y, mu, 0), muMin, muMax, SOLVER_TOLERANCE) * scale,
  };
}
