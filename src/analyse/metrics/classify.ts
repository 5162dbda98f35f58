import { cles, mannWhitneyInterval, meanRatio, sortedCopy, type ShiftInterval } from "./stats.js";

/**
 * Kayenta's metric classification (NetflixACAJudge MannWhitneyClassifier, as documented in
 * shared reference canary-analysis.md §2.3), with the same defaults. Our judge calls it with
 * `scaleFree` on and adds the error-rate rules Kayenta lacks (see judge.ts).
 */
export type Direction = "increase" | "decrease" | "either";
export type Classification = "Pass" | "High" | "Low" | "Nodata" | "NodataFailMetric" | "Error";

export interface ClassifierConfig {
  tolerance: number;
  confLevel: number;
  direction: Direction;
  nanStrategy: "remove" | "replace";
  critical: boolean;
  mustHaveData: boolean;
  effectSize: {
    measure: "meanRatio" | "cles";
    allowedIncrease: number;
    allowedDecrease: number;
    criticalIncrease: number;
    criticalDecrease: number;
  };
  scaleFree?: boolean;
}

export interface MetricResult {
  classification: Classification;
  critical: boolean;
  reason?: string;
  /** Always the mean ratio, as Kayenta reports it. */
  deviation: number;
  interval?: ShiftInterval;
}

export type ClassifierOverrides = Partial<Omit<ClassifierConfig, "effectSize">> & {
  effectSize?: Partial<ClassifierConfig["effectSize"]>;
};

export function defaultConfig(overrides: ClassifierOverrides = {}): ClassifierConfig {
  const measure = overrides.effectSize?.measure ?? "meanRatio";
  const neutral = measure === "cles" ? 0.5 : 1.0;
  return {
    tolerance: 0.25,
    confLevel: 0.98,
    direction: "either",
    nanStrategy: "remove",
    critical: false,
    mustHaveData: false,
    ...overrides,
    effectSize: {
      measure,
      allowedIncrease: neutral,
      allowedDecrease: neutral,
      criticalIncrease: neutral,
      criticalDecrease: neutral,
      ...overrides.effectSize,
    },
  };
}

/** Deterministic noise, so the same data always classify the same way (Kayenta draws at random). */
function seededGaussian(seed: number): () => number {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

function clean(values: readonly (number | null)[], strategy: "remove" | "replace"): number[] {
  const out: number[] = [];
  for (const v of values) {
    if (v === null || Number.isNaN(v)) {
      if (strategy === "replace") out.push(0);
    } else out.push(v);
  }
  return out;
}

export function classifyMetric(
  experimentRaw: readonly (number | null)[],
  controlRaw: readonly (number | null)[],
  config: ClassifierConfig,
): MetricResult {
  return classifySorted(
    sortedCopy(clean(experimentRaw, config.nanStrategy)),
    sortedCopy(clean(controlRaw, config.nanStrategy)),
    config,
  );
}

/** The classifier on cleaned series already in ascending order (the judge sorts each window once). */
export function classifySorted(
  sortedE: Float64Array,
  sortedC: Float64Array,
  config: ClassifierConfig,
): MetricResult {
  try {
    let experiment: Float64Array = sortedE;
    let control: Float64Array = sortedC;
    if (experiment.length === 0 || control.length === 0) {
      if (config.nanStrategy === "replace")
        return {
          classification: "Pass",
          critical: false,
          deviation: Number.NaN,
          reason: "no data, replaced by zeros",
        };
      const which =
        experiment.length === 0 && control.length === 0
          ? "either window"
          : experiment.length === 0
            ? "the experiment window"
            : "the control window";
      if (config.mustHaveData && !config.critical)
        return {
          classification: "NodataFailMetric",
          critical: false,
          deviation: Number.NaN,
          reason: `no data in ${which}`,
        };
      return {
        classification: "Nodata",
        critical: config.critical,
        deviation: Number.NaN,
        reason: `no data in ${which}`,
      };
    }
    const deviation = meanRatio(experiment, control);
    if (sortedE.length === sortedC.length && sortedE.every((v, i) => v === sortedC[i])) {
      return {
        classification: "Pass",
        critical: false,
        deviation: 1,
        reason: "The Canary and Baseline data are identical",
      };
    }
    if (sortedE[0] === sortedE[sortedE.length - 1] && sortedC[0] === sortedC[sortedC.length - 1]) {
      if (sortedE[0] === sortedC[0])
        return {
          classification: "Pass",
          critical: false,
          deviation,
          reason: "one value across both windows",
        };
      // Both constant but different: the rank test needs spread, so add noise of 1e-5 of the value.
      const noise = seededGaussian(experiment.length * 7919 + control.length);
      experiment = sortedCopy(experiment.map((v) => v + noise() * Math.abs(v) * 1e-5));
      control = sortedCopy(control.map((v) => v + noise() * Math.abs(v) * 1e-5));
    }
    const interval = mannWhitneyInterval(experiment, control, config.confLevel, {
      scaleFree: config.scaleFree,
      sorted: true,
    });
    const bound = config.tolerance * Math.abs(interval.estimate);
    const es = config.effectSize.measure === "cles" ? cles(experiment, control) : deviation;
    const { allowedIncrease, allowedDecrease, criticalIncrease, criticalDecrease } = config.effectSize;
    let classification: Classification = "Pass";
    if (
      config.direction !== "decrease" &&
      interval.low > bound &&
      (Number.isNaN(es) || es >= allowedIncrease)
    )
      classification = "High";
    else if (
      config.direction !== "increase" &&
      interval.high < -bound &&
      (Number.isNaN(es) || es <= allowedDecrease)
    )
      classification = "Low";
    const critical =
      config.critical &&
      ((classification === "High" && (Number.isNaN(es) || es >= criticalIncrease)) ||
        (classification === "Low" && (Number.isNaN(es) || es <= criticalDecrease)));
    return {
      classification,
      critical,
      deviation,
      interval,
      ...(classification !== "Pass" ? { reason: `The metric was classified as ${classification}` } : {}),
    };
  } catch (error) {
    // A metric whose analysis fails shows as an error; it never vanishes.
    return {
      classification: "Error",
      critical: false,
      deviation: Number.NaN,
      reason: `Metric Classification Failed: ${(error as Error).message}`,
    };
  }
}
