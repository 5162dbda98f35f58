import type { CheckFacts, EnvironmentFacts, Role } from "../../core/facts.js";
import { METRICS, type MetricSpec } from "../../core/metric-catalogue.js";
import { classifySorted, defaultConfig, type Classification } from "./classify.js";
import {
  finiteValues,
  medianOf,
  SeriesCache,
  sumOf,
  trendOf,
  windowMedian,
  windowOf,
  windowOfValues,
  type PreparedWindow,
} from "./prepared.js";
import { normalQuantile, percentileSorted, type ShiftInterval } from "./stats.js";
import type { Windows } from "../../core/windows.js";
import { resolveRelease } from "../../core/release.js";
import { enUsNumber } from "../../core/format.js";

/**
 * The metric judgment, pure: every metric of both environments after the release against the
 * baseline, the error rate with a test fit for counts, and production against QA over the same
 * window, normalised. Too few points is "not enough data", never a pass.
 */
export const MIN_POINTS = 10;

export type Outcome = "ok" | "worse" | "better" | "not enough data" | "no data" | "error" | "unavailable";

export interface WindowSummary {
  n: number;
  median: number | null;
  p95: number | null;
  total: number | null;
}

export interface Judgment {
  environment: Role;
  metric: string;
  label: string;
  unit: MetricSpec["unit"] | "Ratio";
  comparison: "after-vs-before" | "prod-vs-qa";
  /** The control: the baseline window (or QA's after-window for prod-vs-qa). */
  control: WindowSummary;
  /** The experiment: the after-window (of production for prod-vs-qa). */
  experiment: WindowSummary;
  /** Relative change of the medians, experiment over control, minus 1. */
  change: number | null;
  interval?: ShiftInterval;
  classification: Classification | "NotEnoughData" | "Unavailable";
  outcome: Outcome;
  reason?: string;
  /** The after-window's values, for sparklines and charts (at most 60 points). */
  trend: number[];
  /** The control's values the same way (the baseline, or QA's after-window). */
  controlTrend: number[];
  /** For the error rate: how well the traffic seen can detect a doubling (issue 9 §4). */
  power?: ErrorRatePower;
  /**
   * Which baseline carried the judgment when time of day was weighed (issue 9 §4): `last-week`
   * (the same hours seven days earlier), `qa` (QA shifted the same way in the same window), or
   * `before` (the release: the shift holds against every baseline there was).
   */
  baseline?: "before" | "last-week" | "qa";
  /**
   * A total judged per unit of the work that causes it (issue 16 property 7): 4xx per request,
   * GCs or CPU time per execution. A scale-out that triples traffic triples the totals, not these.
   */
  per?: "request" | "execution";
  /**
   * Worse over the after-window but not in its latest buckets (issue 16 property 6, Argo Rollouts'
   * failureLimit): what it was, and how many of the latest buckets are back to the baseline.
   */
  recovered?: {
    classification: Classification;
    change: number | null;
    buckets: number;
    latest: number | null;
  };
  /**
   * Worse over the after-window and worse again when its latest buckets alone are judged (issue 16
   * property 6): the median there, and how many of the newest buckets in a row lie beyond the
   * control's 95th percentile in the bad direction (5th for a fall), as Argo Rollouts counts failed
   * measurements. Neither this nor `recovered`: the latest buckets could not tell.
   */
  persists?: {
    buckets: number;
    latest: number | null;
    consecutive: number;
  };
}

export interface ErrorRatePower {
  /** The rate a doubling is measured from: the pooled rate, at least half of ERROR_RATE.minRate. */
  reference: number;
  /** Probability that the test flags an after-window rate of twice the reference, at this traffic. */
  doubling: number;
  /** More after-window minutes at the current traffic for a power of ERROR_RATE.power; null: no length suffices. */
  minutesNeeded: number | null;
  /** The sentence the report says. */
  note: string;
}

/** A team's own view of a metric: which way hurts, and the smallest change of the mean worth reporting. */
export type MetricThresholds = Record<string, { bad?: "increase" | "decrease"; minChange?: number }>;

export interface MetricJudgments {
  windows?: Windows;
  judgments: Judgment[];
  /** Only when QA and production differ in size: both after-windows, normalised, for the charts. */
  prodAgainstQa?: ProdAgainstQa;
}

/** An app's size as its plan says: SKU, tier and instance count (null when the plan gave none). */
export interface AppSize {
  sku: string;
  tier: string;
  instances: number | null;
}

/**
 * How a metric compares between apps of different size. `by` divides it bucket by bucket: by the
 * same bucket's requests or executions, or by the plan's instance count at the check. Without `by`
 * Azure already aggregates it that way: an average over the requests (response time) or over the
 * instances (memory, threads, the plan's CPU).
 */
export interface Normalisation {
  per: "request" | "execution" | "instance";
  by?: "Requests" | "FunctionExecutionCount" | "instances";
}

export interface NormalisedSeries extends Normalisation {
  metric: string;
  label: string;
  unit: Judgment["unit"];
  /** The after-window's median and values (at most 60 points), normalised. */
  qa: { median: number | null; trend: number[] };
  prod: { median: number | null; trend: number[] };
}

export interface ProdAgainstQa {
  sizes: { qa: AppSize; prod: AppSize };
  series: NormalisedSeries[];
}

/** The effect-size gate: with 1-minute buckets tiny shifts are "significant"; ignore under 10 %. */
const MIN_CHANGE = 0.1;

function classifier(minChange = MIN_CHANGE) {
  return defaultConfig({
    tolerance: 0.25,
    confLevel: 0.98,
    direction: "either",
    method: "auto",
    effectSize: {
      measure: "meanRatio",
      allowedIncrease: 1 + minChange,
      allowedDecrease: Math.max(0, 1 - minChange),
    },
  });
}
const CLASSIFIER = classifier();

export function summarise(sorted: Float64Array, spec?: Pick<MetricSpec, "aggregation">): WindowSummary {
  return summaryOf({ values: sorted, sorted }, spec);
}

function summaryOf(window: PreparedWindow, spec?: Pick<MetricSpec, "aggregation">): WindowSummary {
  const sorted = window.sorted;
  if (sorted.length === 0) return { n: 0, median: null, p95: null, total: null };
  return {
    n: sorted.length,
    median: windowMedian(window),
    p95: percentileSorted(sorted, 95),
    total: spec?.aggregation === "Total" ? sumOf(window) : null,
  };
}

function outcomeOf(classification: Classification, spec: Pick<MetricSpec, "bad">): Outcome {
  if (classification === "Pass") return "ok";
  if (classification === "Nodata" || classification === "NodataFailMetric") return "no data";
  if (classification === "Error") return "error";
  const worse = (classification === "High") === (spec.bad === "increase");
  return worse ? "worse" : "better";
}

/** One metric, experiment against control, with the Kayenta classifier. */
export function judgeSeries(
  base: Pick<Judgment, "environment" | "metric" | "label" | "unit" | "comparison">,
  spec: Pick<MetricSpec, "bad" | "aggregation">,
  experimentRaw: readonly (number | null)[],
  controlRaw: readonly (number | null)[],
  minChange?: number,
): Judgment {
  return judgeWindows(base, spec, windowOf(experimentRaw), windowOf(controlRaw), minChange);
}

/** judgeSeries on windows already prepared (a judgment run prepares each series once). */
function judgeWindows(
  base: Pick<Judgment, "environment" | "metric" | "label" | "unit" | "comparison">,
  spec: Pick<MetricSpec, "bad" | "aggregation">,
  experimentWindow: PreparedWindow,
  controlWindow: PreparedWindow,
  minChange?: number,
): Judgment {
  const experiment = experimentWindow.values;
  const control = controlWindow.values;
  const summaries = {
    control: summaryOf(controlWindow, spec),
    experiment: summaryOf(experimentWindow, spec),
    trend: trendOf(experimentWindow),
    controlTrend: trendOf(controlWindow),
  };
  const change =
    summaries.control.median && summaries.experiment.median !== null
      ? summaries.experiment.median / summaries.control.median - 1
      : null;
  if (experiment.length < MIN_POINTS || control.length < MIN_POINTS) {
    const none = experiment.length === 0 || control.length === 0;
    return {
      ...base,
      ...summaries,
      change,
      classification: none ? "Nodata" : "NotEnoughData",
      outcome: none ? "no data" : "not enough data",
      reason: `${experiment.length} point(s) after, ${control.length} before: at least ${MIN_POINTS} each are needed`,
    };
  }
  const result = classifySorted(
    experimentWindow.sorted,
    controlWindow.sorted,
    minChange === undefined ? CLASSIFIER : classifier(minChange),
  );
  return {
    ...base,
    ...summaries,
    change,
    ...(result.interval ? { interval: result.interval } : {}),
    classification: result.classification,
    outcome: outcomeOf(result.classification, spec),
    // Kayenta's reason for High and Low only repeats the classification, which the judgment carries.
    ...(result.reason && result.reason !== `The metric was classified as ${result.classification}`
      ? { reason: result.reason }
      : {}),
  };
}

/** A one-sided p-value in the words a release manager uses, the number kept for whoever wants it. */
function chance(p: number): string {
  if (p < 0.001) return "far beyond chance (p < 0.001)";
  const shown = Number(p.toPrecision(2));
  return p < ERROR_RATE.alpha ? `unlikely to be chance (p = ${shown})` : `within chance (p = ${shown})`;
}

/** P(X ≥ k) for X ~ Binomial(n, p), exact in log space for small n, normal (continuity-corrected) beyond. */
export function binomialUpperTail(k: number, n: number, p: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  if (n > 2000 && n * p * (1 - p) > 25) {
    const z = (k - 0.5 - n * p) / Math.sqrt(n * p * (1 - p));
    return 0.5 * erfc(z / Math.SQRT2);
  }
  let sum = 0;
  for (let i = k; i <= n; i++) sum += Math.exp(logChoose(n, i) + i * Math.log(p) + (n - i) * Math.log1p(-p));
  return Math.min(1, sum);
}

function logChoose(n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1);
}

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9).
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0]!;
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

function erfc(x: number): number {
  // Numerical Recipes erfcc, fractional error below 1.2e-7.
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

export const ERROR_RATE = {
  /** One-sided significance of "more errors per request after than before". */
  alpha: 0.01,
  /** And at least this much worse, relatively … */
  minRatio: 1.5,
  /** … and at least this absolute rate, so a handful of errors on huge traffic stays a pass. */
  minRate: 0.001,
  /** … and at least this many errors after: one error among a handful of requests is not a regression. */
  minErrors: 5,
  /** The power to detect a doubling below which a pass is said to be weak. */
  power: 0.8,
};

/**
 * The power of the conditional test above against an after-window rate twice the reference
 * rate, by the normal approximation of the binomial: given T expected errors, the after-share
 * under no change is s = nA/(nA+nB), under a doubling 2nA/(2nA+nB).
 */
export function doublingPower(requests: { before: number; after: number }, reference: number): number {
  const { before, after } = requests;
  if (before <= 0 || after <= 0 || reference <= 0) return 0;
  const expected = before * reference + after * 2 * reference;
  const share = after / (before + after);
  const doubled = (2 * after) / (2 * after + before);
  const z = -normalQuantile(ERROR_RATE.alpha);
  const critical = Math.max(
    expected * share + z * Math.sqrt(expected * share * (1 - share)),
    ERROR_RATE.minErrors - 0.5,
  );
  const sd = Math.sqrt(expected * doubled * (1 - doubled));
  return 0.5 * erfc((critical - expected * doubled) / sd / Math.SQRT2);
}

/** How many more after-window minutes, at the after-window's traffic, reach the wanted power. */
function minutesForPower(
  requests: { before: number; after: number },
  reference: number,
  afterMinutes: number,
): number | null {
  const perMinute = requests.after / afterMinutes;
  if (!(perMinute > 0)) return null;
  const power = (after: number) => doublingPower({ before: requests.before, after }, reference);
  if (power(requests.after) >= ERROR_RATE.power) return 0;
  // The baseline bounds the power however long the after-window: past ~10⁹ requests, say so.
  if (power(requests.after * 1e6 + 1e9) < ERROR_RATE.power) return null;
  let [lo, hi] = [requests.after, requests.after * 2 + 1];
  while (power(hi) < ERROR_RATE.power) [lo, hi] = [hi, hi * 2];
  for (let i = 0; i < 60 && hi - lo > perMinute / 2; i++) {
    const mid = (lo + hi) / 2;
    if (power(mid) >= ERROR_RATE.power) hi = mid;
    else lo = mid;
  }
  return Math.max(1, Math.ceil((hi - requests.after) / perMinute));
}

function powerOf(
  errors: { before: number; after: number },
  requests: { before: number; after: number },
  afterMinutes: number,
): ErrorRatePower {
  const pooled = (errors.before + errors.after) / (requests.before + requests.after);
  const reference = Math.max(pooled, ERROR_RATE.minRate / 2);
  const doubling = doublingPower(requests, reference);
  const minutesNeeded = minutesForPower(requests, reference, afterMinutes);
  const from = `${(reference * 100).toPrecision(2)} %`;
  const note =
    minutesNeeded === 0
      ? `enough traffic to detect a doubling of the error rate (from ${from}): power ${doubling.toFixed(2)}`
      : minutesNeeded === null
        ? `the baseline's ${requests.before} requests are too few to detect a doubling of the error rate (from ` +
          `${from}) however long the after-window: widen the windows`
        : `needs about ${minutesNeeded} more minutes at the current traffic to detect a doubling of the error ` +
          `rate (from ${from}; power now ${doubling.toFixed(2)})`;
  return { reference, doubling, minutesNeeded, note };
}

/**
 * 5xx per request, before against after, from the totals: given all errors, how likely is it
 * that at least this many fell after the release if the rate had not changed (a conditional
 * binomial test). A zero baseline is judged too: Kayenta's rank test passes it (spinnaker#5622).
 */
export function judgeErrorRate(
  environment: Role,
  errors: { before: number; after: number },
  requests: { before: number; after: number },
  trend: number[],
  controlTrend: number[] = [],
  afterMinutes?: number,
): Judgment {
  const before = requests.before > 0 ? errors.before / requests.before : null;
  const after = requests.after > 0 ? errors.after / requests.after : null;
  const base = {
    environment,
    metric: "Http5xxRate",
    label: "5xx per request",
    unit: "Ratio" as const,
    comparison: "after-vs-before" as const,
    trend,
    controlTrend,
  };
  const summary = (rate: number | null, n: number): WindowSummary => ({
    n,
    median: rate,
    p95: null,
    total: null,
  });
  if (before === null || after === null) {
    return {
      ...base,
      control: summary(before, requests.before),
      experiment: summary(after, requests.after),
      change: null,
      classification: "Nodata",
      outcome: "no data",
      reason: "no requests in one window",
    };
  }
  const share = requests.after / (requests.before + requests.after);
  const pValue = binomialUpperTail(errors.after, errors.before + errors.after, share);
  const looksWorse =
    pValue < ERROR_RATE.alpha &&
    after >= ERROR_RATE.minRate &&
    (before === 0 || after / before >= ERROR_RATE.minRatio);
  // Counts too small to tell are never a regression (so never a rollback): they are said as such.
  const tooFew = looksWorse && errors.after < ERROR_RATE.minErrors;
  const power = afterMinutes && afterMinutes > 0 ? powerOf(errors, requests, afterMinutes) : undefined;
  const counts = `${errors.before}/${requests.before} before, ${errors.after}/${requests.after} after; ${chance(pValue)}`;
  return {
    ...base,
    control: summary(before, requests.before),
    experiment: summary(after, requests.after),
    change: before > 0 ? after / before - 1 : null,
    classification: tooFew ? "NotEnoughData" : looksWorse ? "High" : "Pass",
    outcome: tooFew ? "not enough data" : looksWorse ? "worse" : "ok",
    reason: tooFew
      ? `${counts}; ${errors.after} error(s) are too few to tell (at least ${ERROR_RATE.minErrors})${power ? `; ${power.note}` : ""}`
      : counts,
    ...(power ? { power } : {}),
  };
}

/** Σ of the finite values, in time order. */
function total(values: readonly (number | null)[]): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v !== null && Number.isFinite(v)) sum += v;
  }
  return sum;
}

function perBucket(
  numerator: readonly (number | null)[],
  denominator: readonly (number | null)[],
): (number | null)[] {
  const out = new Array<number | null>(numerator.length);
  for (let i = 0; i < numerator.length; i++) {
    const n = numerator[i]!;
    const d = denominator[i];
    out[i] = n === null || d === null || d === undefined || d <= 0 ? null : n / d;
  }
  return out;
}

/**
 * Every metric as production and QA compare after the release: counts of what requests cause
 * per request, MB·ms per execution, load and process counts per instance. The judgment (M08) and
 * the report's charts both read their series through `normalisedAfter`.
 */
const NORMALISATION: Record<string, Normalisation> = {
  Requests: { per: "instance", by: "instances" },
  Http5xx: { per: "request", by: "Requests" },
  Http4xx: { per: "request", by: "Requests" },
  HttpResponseTime: { per: "request" },
  MemoryWorkingSet: { per: "instance" },
  AverageMemoryWorkingSet: { per: "instance" },
  PrivateBytes: { per: "instance" },
  Threads: { per: "instance" },
  Handles: { per: "instance" },
  CpuTime: { per: "instance", by: "instances" },
  FunctionExecutionCount: { per: "instance", by: "instances" },
  FunctionExecutionUnits: { per: "execution", by: "FunctionExecutionCount" },
  Gen0Collections: { per: "instance", by: "instances" },
  Gen1Collections: { per: "instance", by: "instances" },
  Gen2Collections: { per: "instance", by: "instances" },
  AppConnections: { per: "instance" },
  CpuPercentage: { per: "instance" },
  MemoryPercentage: { per: "instance" },
  HttpQueueLength: { per: "instance" },
  DiskQueueLength: { per: "instance" },
};

/**
 * The after-window of one metric, normalised as NORMALISATION says; undefined when it cannot be.
 * Made once per run: the judgment (M08) and the charts read the same array.
 */
function normalisedAfter(
  env: EnvironmentFacts,
  metric: string,
  cache: SeriesCache,
): (number | null)[] | undefined {
  const series = env.metrics?.series[metric]?.after;
  const by = NORMALISATION[metric]?.by;
  if (!series || !by) return series;
  return cache.derive(env, `normalised ${metric}`, () => {
    if (by === "instances") {
      const instances = env.plan?.capacity;
      if (!instances) return undefined;
      const out = new Array<number | null>(series.length);
      for (let i = 0; i < series.length; i++) {
        const v = series[i]!;
        out[i] = v === null ? null : v / instances;
      }
      return out;
    }
    const denominator = env.metrics!.series[by]?.after;
    return denominator ? perBucket(series, denominator) : undefined;
  });
}

/** The metrics M08 judges, production against QA over the same window. */
const PROD_VS_QA: { metric: string; label: string; unit: Judgment["unit"]; bad: "increase" }[] = [
  { metric: "HttpResponseTime", label: "Response time", unit: "Seconds", bad: "increase" },
  { metric: "MemoryWorkingSet", label: "Memory per instance", unit: "Bytes", bad: "increase" },
  { metric: "Http5xx", label: "5xx per request", unit: "Ratio", bad: "increase" },
  { metric: "FunctionExecutionUnits", label: "MB·ms per execution", unit: "Count", bad: "increase" },
];

/** A judgment that could not be made, and why. */
function notJudged(
  base: Pick<Judgment, "environment" | "metric" | "label" | "unit" | "comparison">,
  reason: string,
): Judgment {
  const none = summarise(new Float64Array(0));
  return {
    ...base,
    control: none,
    experiment: none,
    change: null,
    classification: "Unavailable",
    outcome: "unavailable",
    reason,
    trend: [],
    controlTrend: [],
  };
}

/**
 * Totals that grow with the work done, judged per unit of that work after against before: per
 * execution where the app counts them (every trigger), else per request. Requests, executions
 * and 5xx (judged as a rate from counts) are not here.
 */
const PER_UNIT: Record<string, readonly ("FunctionExecutionCount" | "Requests")[]> = {
  Http4xx: ["Requests"],
  CpuTime: ["FunctionExecutionCount", "Requests"],
  FunctionExecutionUnits: ["FunctionExecutionCount"],
  Gen0Collections: ["FunctionExecutionCount", "Requests"],
  Gen1Collections: ["FunctionExecutionCount", "Requests"],
  Gen2Collections: ["FunctionExecutionCount", "Requests"],
};

type Series = NonNullable<EnvironmentFacts["metrics"]>["series"][string];

/**
 * A metric's windows as judged: per unit of work for the totals of PER_UNIT, as measured otherwise.
 * Made once per run, so that every re-judgment reads the same (already prepared) arrays.
 */
function judgedSeries(
  metrics: NonNullable<EnvironmentFacts["metrics"]>,
  metric: string,
  cache: SeriesCache,
): { series: Series; per?: Judgment["per"] } | undefined {
  return cache.derive(metrics, `judged ${metric}`, () => perUnitSeries(metrics, metric, cache));
}

function perUnitSeries(
  metrics: NonNullable<EnvironmentFacts["metrics"]>,
  metric: string,
  cache: SeriesCache,
): { series: Series; per?: Judgment["per"] } | undefined {
  const series = metrics.series[metric];
  if (!series) return undefined;
  const by = PER_UNIT[metric]?.find((name) => metrics.series[name]);
  if (!by) return { series };
  const unit = metrics.series[by]!;
  // While the work done stays within the effect-size gate a total is its own per-unit measure:
  // judged as measured, in the numbers the portal shows.
  const movedFrom = (control: Series["baseline"] | undefined) => {
    const change = control ? windowMedianChange(cache.window(unit.after), cache.window(control)) : null;
    return change !== null && Math.abs(change) > MIN_CHANGE;
  };
  const moved = movedFrom(unit.baseline) || movedFrom(unit.lastWeek);
  if (!moved) return { series };
  return {
    series: {
      baseline: perBucket(series.baseline, unit.baseline),
      after: perBucket(series.after, unit.after),
      ...(series.lastWeek && unit.lastWeek ? { lastWeek: perBucket(series.lastWeek, unit.lastWeek) } : {}),
    },
    per: by === "Requests" ? "request" : "execution",
  };
}

export function judgeMetrics(
  facts: Pick<CheckFacts, "qa" | "prod" | "metricWindows">,
  thresholds: MetricThresholds = {},
): MetricJudgments {
  const cache = new SeriesCache();
  const judgments: Judgment[] = [];
  for (const env of [facts.prod, facts.qa]) {
    const metrics = env.metrics;
    if (!metrics) continue;
    for (let m = 0; m < METRICS.length; m++) {
      const catalogued = METRICS[m]!;
      const own = thresholds[catalogued.name];
      const spec = own?.bad ? { ...catalogued, bad: own.bad } : catalogued;
      const base = {
        environment: env.role,
        metric: spec.name,
        label: spec.label,
        unit: spec.unit,
        comparison: "after-vs-before" as const,
      };
      const judged = judgedSeries(metrics, spec.name, cache);
      if (!judged) {
        judgments.push(notJudged(base, metrics.unavailable[spec.name] ?? "not read"));
        continue;
      }
      const { series, per } = judged;
      const after = cache.window(series.after);
      const j = judgeWindows(base, spec, after, cache.window(series.baseline), own?.minChange);
      judgments.push(per ? { ...j, per } : j);
    }
    const errors = metrics.series.Http5xx;
    const requests = metrics.series.Requests;
    if (errors && requests) {
      const rates = errorRates(metrics, cache)!;
      judgments.push(
        judgeErrorRate(
          env.role,
          { before: total(errors.baseline), after: total(errors.after) },
          { before: total(requests.baseline), after: total(requests.after) },
          trendOf(cache.window(rates.after)),
          trendOf(cache.window(rates.baseline)),
          facts.metricWindows ? windowMinutes(facts.metricWindows.after) : undefined,
        ),
      );
    }
  }
  weighTimeOfDay(judgments, facts, thresholds, cache);
  weighPersistence(judgments, facts, thresholds, cache);
  judgments.push(...judgeProdAgainstQa(facts.prod, facts.qa, cache));
  const prodAgainstQa = normaliseProdAgainstQa(facts.prod, facts.qa, cache);
  return {
    ...(facts.metricWindows ? { windows: facts.metricWindows } : {}),
    judgments,
    ...(prodAgainstQa ? { prodAgainstQa } : {}),
  };
}

/**
 * A release at 08:00 compares night-time before-traffic with daytime after-traffic. A shift
 * against the hours before is the release only if it holds against the same hours last week
 * too; without last week's series, a shift QA shows the same way in the same window is the
 * clock (or shared load), not the release. Three-way: after vs before, vs last week, vs QA.
 */
function weighTimeOfDay(
  judgments: Judgment[],
  facts: Pick<CheckFacts, "qa" | "prod" | "metricWindows">,
  thresholds: MetricThresholds,
  cache: SeriesCache,
): void {
  for (let index = 0; index < judgments.length; index++) {
    const j = judgments[index]!;
    if (j.comparison !== "after-vs-before" || (j.outcome !== "worse" && j.outcome !== "better")) continue;
    const env = j.environment === "prod" ? facts.prod : facts.qa;
    const series = env.metrics && judgedSeries(env.metrics, j.metric, cache)?.series;
    const catalogued = METRICS.find((m) => m.name === j.metric);
    if (!series || !catalogued) continue;
    const own = thresholds[j.metric];
    const spec = own?.bad ? { ...catalogued, bad: own.bad } : catalogued;
    if (series.lastWeek && cache.window(series.lastWeek).values.length >= MIN_POINTS) {
      const base = {
        environment: j.environment,
        metric: j.metric,
        label: j.label,
        unit: j.unit,
        comparison: j.comparison,
      };
      const lastWeek = cache.window(series.lastWeek);
      const week = judgeWindows(base, spec, cache.window(series.after), lastWeek, own?.minChange);
      judgments[index] =
        week.outcome === "ok"
          ? {
              ...week,
              ...(j.per ? { per: j.per } : {}),
              trend: j.trend,
              baseline: "last-week",
              reason:
                `${j.classification} against the hours before the release, but not against the same hours last week: ` +
                `time of day, not the release`,
            }
          : {
              ...j,
              baseline: "before",
              reason: `${j.reason ? `${j.reason}; also` : "also"} against the same hours last week`,
            };
      continue;
    }
    if (j.environment !== "prod") continue;
    // QA is a control only if it did not get a release inside the windows compared: a QA that
    // moved with the same release cannot excuse production (issue 16 property 7).
    if (qaReleasedWithin(facts)) continue;
    const qa = judgments.find(
      (q) => q.environment === "qa" && q.metric === j.metric && q.comparison === "after-vs-before",
    );
    const sameWay =
      qa?.classification === j.classification &&
      qa.change !== null &&
      j.change !== null &&
      Math.sign(qa.change) === Math.sign(j.change) &&
      Math.abs(qa.change) >= Math.abs(j.change) / 2;
    if (sameWay) {
      judgments[index] = {
        ...j,
        classification: "Pass",
        outcome: "ok",
        baseline: "qa",
        reason:
          `${j.classification} against the hours before, as QA's ${j.label.toLowerCase()} ` +
          `(${(qa.change! * 100).toFixed(0)} %) in the same window: the clock or shared load, not the release`,
      };
    }
  }
}

/** QA got a release (deployment, swap or change) inside the windows it is judged over. */
function qaReleasedWithin(facts: Pick<CheckFacts, "qa" | "metricWindows">): boolean {
  const windows = facts.metricWindows;
  const time = resolveRelease(facts.qa).time;
  if (!windows || !time) return false;
  const at = Date.parse(time);
  return at > Date.parse(windows.baseline.start) && at <= Date.parse(windows.after.end);
}

/**
 * The latest buckets a regression must persist in (issue 16 property 6): the last quarter of
 * the after-window, at least MIN_POINTS. Like Argo Rollouts, which fails an analysis on failing
 * measurements that keep coming, not on one bad interval long past: a deploy-time blip that
 * recovered is said, never a rollback.
 */
export function latestBuckets(n: number): number {
  return Math.max(MIN_POINTS, Math.ceil(n / 4));
}

/** Indexes of the buckets with a finite value in both series, newest last. */
function presentIndexes(a: readonly (number | null)[], b: readonly (number | null)[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) if (Number.isFinite(a[i]) && Number.isFinite(b[i])) out.push(i);
  return out;
}

/** Re-judges every worsened after-against-before judgment on its latest buckets; those that recovered pass, saying so. */
function weighPersistence(
  judgments: Judgment[],
  facts: Pick<CheckFacts, "qa" | "prod">,
  thresholds: MetricThresholds,
  cache: SeriesCache,
): void {
  for (let index = 0; index < judgments.length; index++) {
    const j = judgments[index]!;
    if (j.comparison !== "after-vs-before" || j.outcome !== "worse") continue;
    const metrics = (j.environment === "prod" ? facts.prod : facts.qa).metrics;
    if (!metrics) continue;
    const latest =
      j.metric === "Http5xxRate"
        ? latestErrorRate(j, metrics, cache)
        : latestSeries(j, metrics, thresholds, cache);
    if (!latest) continue;
    const halfway =
      j.control.median !== null && j.experiment.median !== null
        ? j.control.median + (j.experiment.median - j.control.median) / 2
        : null;
    const back =
      latest.judgment.outcome !== "worse" &&
      latest.judgment.outcome !== "not enough data" &&
      (halfway === null ||
        latest.value === null ||
        (j.experiment.median! >= j.control.median! ? latest.value <= halfway : latest.value >= halfway));
    if (!back) {
      if (latest.judgment.outcome === "worse")
        judgments[index] = {
          ...j,
          persists: { buckets: latest.buckets, latest: latest.value, consecutive: latest.consecutive },
        };
      continue;
    }
    judgments[index] = {
      ...j,
      classification: "Pass",
      outcome: "ok",
      recovered: {
        classification: j.classification as Classification,
        change: j.change,
        buckets: latest.buckets,
        latest: latest.value,
      },
      reason:
        `recovered: ${j.classification} over the after-window (${j.reason ?? "worse"}), but not in its latest ` +
        `${latest.buckets} buckets`,
    };
  }
}

/** The after-window's latest buckets judged alone against the control. */
interface LatestBuckets {
  judgment: Judgment;
  value: number | null;
  buckets: number;
  /** The newest buckets in a row beyond the control's 95th (or, for a fall, 5th) percentile. */
  consecutive: number;
}

/** How many of the newest values in a row lie beyond the control's tail in the bad direction. */
function consecutiveBeyond(tail: ArrayLike<number>, control: PreparedWindow, worse: "High" | "Low"): number {
  const limit = percentileSorted(control.sorted, worse === "High" ? 95 : 5);
  let count = 0;
  for (let i = tail.length - 1; i >= 0 && (worse === "High" ? tail[i]! > limit : tail[i]! < limit); i--)
    count++;
  return count;
}

function latestSeries(
  j: Judgment,
  metrics: NonNullable<EnvironmentFacts["metrics"]>,
  thresholds: MetricThresholds,
  cache: SeriesCache,
): LatestBuckets | undefined {
  const series = judgedSeries(metrics, j.metric, cache)?.series;
  const catalogued = METRICS.find((m) => m.name === j.metric);
  const control = j.baseline === "last-week" ? series?.lastWeek : series?.baseline;
  if (!series || !catalogued || !control) return undefined;
  const after = cache.window(series.after).values;
  const buckets = latestBuckets(after.length);
  if (buckets >= after.length) return undefined;
  const own = thresholds[j.metric];
  const spec = own?.bad ? { ...catalogued, bad: own.bad } : catalogued;
  const tail = after.subarray(after.length - buckets);
  const controlWindow = cache.window(control);
  const { environment, metric, label, unit, comparison } = j;
  const judgment = judgeWindows(
    { environment, metric, label, unit, comparison },
    spec,
    windowOfValues(tail),
    controlWindow,
    own?.minChange,
  );
  const worse = j.classification === "Low" ? "Low" : "High";
  const consecutive = consecutiveBeyond(tail, controlWindow, worse);
  return { judgment, value: judgment.experiment.median, buckets, consecutive };
}

/** 5xx per request bucket by bucket, after and before the release (null where no requests), made once per run. */
function errorRates(
  metrics: NonNullable<EnvironmentFacts["metrics"]>,
  cache: SeriesCache,
): { after: (number | null)[]; baseline: (number | null)[] } | undefined {
  const errors = metrics.series.Http5xx;
  const requests = metrics.series.Requests;
  if (!errors || !requests) return undefined;
  return cache.derive(metrics, "5xx rates", () => ({
    after: perBucket(errors.after, requests.after),
    baseline: perBucket(errors.baseline, requests.baseline),
  }));
}

function latestErrorRate(
  j: Judgment,
  metrics: NonNullable<EnvironmentFacts["metrics"]>,
  cache: SeriesCache,
): LatestBuckets | undefined {
  const errors = metrics.series.Http5xx;
  const requests = metrics.series.Requests;
  const rates = errorRates(metrics, cache);
  if (!errors || !requests || !rates) return undefined;
  const kept = presentIndexes(errors.after, requests.after);
  const buckets = latestBuckets(kept.length);
  if (buckets >= kept.length) return undefined;
  const tail = kept.slice(-buckets);
  const tailRates = new Array<number | null>(tail.length);
  let tailErrors = 0;
  let tailRequests = 0;
  for (let t = 0; t < tail.length; t++) {
    const i = tail[t]!;
    tailErrors += errors.after[i]!;
    tailRequests += requests.after[i]!;
    tailRates[t] = rates.after[i]!;
  }
  const judgment = judgeErrorRate(
    j.environment,
    { before: total(errors.baseline), after: tailErrors },
    { before: total(requests.baseline), after: tailRequests },
    [],
  );
  const consecutive = consecutiveBeyond(finiteValues(tailRates), cache.window(rates.baseline), "High");
  return { judgment, value: judgment.experiment.median, buckets, consecutive };
}

function windowMinutes(window: { start: string; end: string }): number {
  return (Date.parse(window.end) - Date.parse(window.start)) / 60_000;
}

/**
 * Production against QA needs comparable load: memory per instance, response time or MB·ms per
 * execution at 6 requests a minute say nothing of 1,200 (issue 16 property 7). Beyond this ratio
 * of work per instance, either way, the comparison is not made and the report says why.
 */
export const LOAD_RATIO = 10;

/** Work per instance per after-window bucket: the median of requests (else executions), over the plan's instances. */
export function loadPerInstance(
  env: EnvironmentFacts,
  cache = new SeriesCache(),
): { value: number; of: string } | undefined {
  for (const [metric, of] of [
    ["Requests", "requests"],
    ["FunctionExecutionCount", "executions"],
  ] as const) {
    const after = env.metrics?.series[metric]?.after;
    const window = after && cache.window(after);
    if (!window || window.values.length < MIN_POINTS) continue;
    return { value: windowMedian(window) / Math.max(1, env.plan?.capacity ?? 1), of };
  }
  return undefined;
}

/** Why QA's load does not compare with production's, or undefined when it does (or cannot be told). */
export function incomparableLoad(
  prod: EnvironmentFacts,
  qa: EnvironmentFacts,
  cache = new SeriesCache(),
): string | undefined {
  const p = loadPerInstance(prod, cache);
  const q = loadPerInstance(qa, cache);
  if (!p || !q || p.of !== q.of) return undefined;
  const ratio = Math.max(p.value, q.value) / Math.max(Math.min(p.value, q.value), Number.MIN_VALUE);
  if (ratio <= LOAD_RATIO) return undefined;
  const shown = (v: number) => enUsNumber(Number(v.toPrecision(3)));
  return (
    `QA's load does not compare with production's: ${shown(q.value)} against ${shown(p.value)} ${p.of} ` +
    `per instance and bucket (more than ${LOAD_RATIO}× apart)`
  );
}

function judgeProdAgainstQa(prod: EnvironmentFacts, qa: EnvironmentFacts, cache: SeriesCache): Judgment[] {
  if (!prod.metrics || !qa.metrics) return [];
  const out: Judgment[] = [];
  const incomparable = incomparableLoad(prod, qa, cache);
  for (const c of PROD_VS_QA) {
    const p = normalisedAfter(prod, c.metric, cache);
    const q = normalisedAfter(qa, c.metric, cache);
    if (!p || !q) continue;
    const base = {
      environment: "prod" as const,
      metric: c.metric,
      label: c.label,
      unit: c.unit,
      comparison: "prod-vs-qa" as const,
    };
    if (incomparable) {
      out.push(notJudged(base, incomparable));
      continue;
    }
    out.push(judgeWindows(base, { bad: c.bad, aggregation: "Average" }, cache.window(p), cache.window(q)));
  }
  return out;
}

function sizeOf(env: EnvironmentFacts): AppSize | undefined {
  return env.plan
    ? { sku: env.plan.skuName, tier: env.plan.tier, instances: env.plan.capacity ?? null }
    : undefined;
}

/**
 * Production against QA for the charts when the two differ in size (plan SKU, tier or instance
 * count): raw, a QA on one small instance draws flat under a production on two larger ones. Not
 * judged here (M08 judges its four); a metric that cannot be normalised (no instance count, no
 * requests) is left out and charted as measured.
 */
function normaliseProdAgainstQa(
  prod: EnvironmentFacts,
  qa: EnvironmentFacts,
  cache: SeriesCache,
): ProdAgainstQa | undefined {
  const sizes = { qa: sizeOf(qa), prod: sizeOf(prod) };
  if (!sizes.qa || !sizes.prod || !prod.metrics || !qa.metrics) return undefined;
  const same =
    sizes.qa.sku === sizes.prod.sku &&
    sizes.qa.tier === sizes.prod.tier &&
    sizes.qa.instances === sizes.prod.instances;
  if (same) return undefined;
  const summary = (values: readonly (number | null)[]) => {
    const window = cache.window(values);
    return {
      median: window.values.length ? windowMedian(window) : null,
      trend: trendOf(window),
    };
  };
  const series: NormalisedSeries[] = [];
  for (const spec of METRICS) {
    const how = NORMALISATION[spec.name];
    const p = normalisedAfter(prod, spec.name, cache);
    const q = normalisedAfter(qa, spec.name, cache);
    if (!how || !p || !q) continue;
    series.push({
      metric: spec.name,
      label: `${spec.label} per ${how.per}`,
      // A count per request is a share of the requests.
      unit: how.by === "Requests" ? "Ratio" : spec.unit,
      ...how,
      qa: summary(q),
      prod: summary(p),
    });
  }
  return { sizes: { qa: sizes.qa, prod: sizes.prod }, series };
}

/** The after-window's median over another window's, minus 1; null when either has too few points or a zero median. */
export function medianChange(
  after: readonly (number | null)[],
  control: readonly (number | null)[],
): number | null {
  return windowMedianChange(windowOf(after), windowOf(control));
}

function windowMedianChange(after: PreparedWindow, control: PreparedWindow): number | null {
  if (after.values.length < MIN_POINTS || control.values.length < MIN_POINTS) return null;
  const base = windowMedian(control);
  return base > 0 ? windowMedian(after) / base - 1 : null;
}

/** How much a series grew within a window: the medians of its first and last quarters, and last / first − 1. */
export function growthWithin(
  values: readonly (number | null)[],
): { first: number; last: number; growth: number } | null {
  const v = finiteValues(values);
  if (v.length < MIN_POINTS) return null;
  const quarter = Math.max(1, Math.floor(v.length / 4));
  const first = medianOf(v.subarray(0, quarter));
  const last = medianOf(v.subarray(v.length - quarter));
  return first > 0 ? { first, last, growth: last / first - 1 } : null;
}
