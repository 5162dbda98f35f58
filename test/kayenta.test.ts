import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  classifyMetric,
  defaultConfig,
  type ClassifierConfig,
  type Direction,
} from "../src/analyse/metrics/classify.js";
import {
  cles,
  describe as stats,
  mannWhitneyInterval,
  meanRatio,
  normalQuantile,
  percentileSorted,
  wilcoxonDiff,
} from "../src/analyse/metrics/stats.js";

/**
 * Kayenta's own test vectors (spinnaker/kayenta, Apache-2.0; provenance in
 * test/fixtures/kayenta/SOURCE.txt), run against our implementation. Kinds that do not apply to
 * this judge are listed, with the reason, and counted, so none is silently dropped.
 */
interface Vector {
  id: string;
  kind: string;
  [key: string]: unknown;
}
const { vectors } = JSON.parse(
  readFileSync(new URL("./fixtures/kayenta/vectors.json", import.meta.url), "utf8"),
) as { vectors: Vector[] };
const of = (kind: string) => vectors.filter((v) => v.kind === kind);
const num = (value: unknown) => (value === "NaN" ? Number.NaN : (value as number));
const tolerance = (v: Vector, key: string, fallback = 1e-9) => {
  const t = v.abs_tolerance as number | Record<string, number> | undefined;
  return typeof t === "number" ? t : (t?.[key] ?? t?.[key.startsWith("ci") ? "ci" : key] ?? fallback);
};
const close = (actual: number, expected: unknown, tol: number) => {
  const e = num(expected);
  if (Number.isNaN(e)) expect(actual).toBeNaN();
  else expect(Math.abs(actual - e), `${actual} vs ${e}`).toBeLessThanOrEqual(tol);
};

/**
 * R's and Kayenta's interval values are where `uniroot(tol = 1e-4)` stopped: within 1e-4 of the
 * pairwise difference at which R's statistic changes sign. Ours are those differences exactly, so
 * these vectors, whose tolerances (1e-6) only held by replaying R's root finder step for step,
 * are compared at the root finder's own tolerance, and their bounds must be true differences.
 */
const UNIROOT_TOLERANCE = 1e-4;
const ROOT_FINDER_ARTEFACTS: Record<string, string> = {
  "kayenta.mannwhitney.mann_whitney_confidence_interval_estimate_problem_case":
    "values 0.0333 ± 1e-5: R's estimate equals its upper bound (1.8e-5); the exact interval is about ±1e-6 around 0",
  "kayenta.mannwhitney.mann_whitney_confidence_interval_estimate_tie_out_with_r_version":
    "halves: R's bounds -0.5000025 and -3.5e-5 are the differences -0.5 and 0 within 1e-4",
  "kayenta.mannwhitney.mann_whitney_confidence_interval_estimate_tie_out_with_r_version_large":
    "halves: R's -0.49992, -6.9e-6 and estimate -3.5e-5 are -0.5, 0 and 0 within 1e-4",
  "kayenta.mannwhitney.mann_whitney_intermediate_values_variables":
    "mostly zeros: R's lower bound 3.5e-5 is above its upper bound 2.0e-5; exactly, both are 0, the lower one excluded",
};

/** Every bound must be one of the n·m differences (brute force, so the selection cannot fool it). */
function expectDifference(value: number, experiment: number[], control: number[]) {
  expect(
    experiment.some((x) => control.some((y) => x - y === value)),
    `${value} is a difference`,
  ).toBe(true);
}

const NOT_APPLICABLE: Record<string, string> = {
  effect_size_cohen_d: "the judge gates on the mean ratio (or CLES), not Cohen's d",
  outlier_detection: "the judge keeps outliers (Kayenta's default, outliers.strategy=keep)",
  weighted_sum_score: "no weighted score: the verdict comes from findings (decide.ts), not a 0-100 score",
  aggregated_judgment: "no multi-interval standalone analysis",
  judge_scenario_stochastic: "random generators against a live Prometheus, not fixed series",
};

function configOf(v: Vector): ClassifierConfig {
  const c = v.config as Record<string, unknown>;
  return defaultConfig({
    tolerance: c.tolerance as number,
    confLevel: c.confLevel as number,
    direction: c.direction as Direction,
    nanStrategy: c.nanStrategy as "remove" | "replace",
    critical: c.isCriticalMetric === true,
    mustHaveData: c.isDataRequired === true,
    effectSize: {
      measure: c.effectSizeMeasure as "meanRatio" | "cles",
      ...(c.effectSizeThresholds_explicit
        ? { allowedIncrease: c.allowedIncrease as number, allowedDecrease: c.allowedDecrease as number }
        : {}),
      ...(c.criticalThresholds_explicit
        ? { criticalIncrease: c.criticalIncrease as number, criticalDecrease: c.criticalDecrease as number }
        : {}),
    },
  });
}

describe("Kayenta conformance", () => {
  it("covers every vector: applied or not applicable for a stated reason", () => {
    const applied = new Set([
      "metric_classification",
      "metric_classification_issue_report",
      "wilcoxon_diff",
      "normal_quantile",
      "mann_whitney_ci",
      "mann_whitney_intermediates",
      "descriptive_stats",
      "percentile_r7",
      "effect_size_mean_ratio",
      "effect_size_cles",
      "transform",
    ]);
    for (const v of vectors) expect(applied.has(v.kind) || v.kind in NOT_APPLICABLE, v.kind).toBe(true);
    expect(vectors).toHaveLength(95);
  });

  describe("metric classification (MannWhitneyClassifier)", () => {
    for (const v of of("metric_classification").filter(
      (v) => (v.config as { classifier: string }).classifier === "MannWhitneyClassifier",
    )) {
      it(v.id, () => {
        const result = classifyMetric(v.experiment as number[], v.control as number[], configOf(v));
        const expected = v.expected as {
          classification?: string;
          critical?: boolean;
          deviation?: unknown;
          reason_non_empty?: boolean;
        };
        if (expected.classification) expect(result.classification).toBe(expected.classification);
        if (expected.critical !== undefined) expect(result.critical).toBe(expected.critical);
        if (expected.deviation !== undefined) close(result.deviation, expected.deviation, 1e-9);
        if (expected.reason_non_empty) expect(result.reason).toBeTruthy();
        // Our judge asks for R's exact small-sample interval: it must classify Kayenta's cases the same way.
        expect(
          classifyMetric(v.experiment as number[], v.control as number[], { ...configOf(v), method: "auto" })
            .classification,
        ).toBe(result.classification);
      });
    }
    it("the MeanInequalityClassifier vectors are not applicable (another classifier)", () => {
      expect(
        of("metric_classification").filter(
          (v) => (v.config as { classifier: string }).classifier !== "MannWhitneyClassifier",
        ),
      ).toHaveLength(3);
    });
  });

  it("reproduces the zero-baseline trap of spinnaker/spinnaker#5622 (Pass), which judge.ts guards against", () => {
    const [v] = of("metric_classification_issue_report");
    const c = v!.config as Record<string, unknown>;
    const result = classifyMetric(
      v!.experiment as number[],
      v!.control as number[],
      defaultConfig({
        tolerance: c.tolerance as number,
        confLevel: c.confLevel as number,
        direction: "increase",
        nanStrategy: "replace",
      }),
    );
    expect(result.classification).toBe("Pass");
    expect(result.deviation).toBeNaN();
  });

  it("wilcoxon diff function", () => {
    const [v] = of("wilcoxon_diff");
    const x = [...(v!.x_experiment as number[])].sort((a, b) => a - b);
    const y = [...(v!.y_control as number[])].sort((a, b) => a - b);
    for (const call of (v!.expected as { calls: { mu: number; quantile: number; value: number }[] }).calls) {
      close(wilcoxonDiff(x, y, call.mu, call.quantile), call.value, tolerance(v!, "value"));
    }
  });

  it("normal quantile", () => {
    const [v] = of("normal_quantile");
    close(
      normalQuantile((v!.input as { p_value: number }).p_value),
      (v!.expected as { inverseCumulativeProbability: number }).inverseCumulativeProbability,
      tolerance(v!, "z"),
    );
  });

  for (const v of of("mann_whitney_ci")) {
    it(`Mann-Whitney interval: ${v.id}`, () => {
      const expected = v.expected as { ci_low: number; ci_high: number; estimate: number };
      const [experiment, control] = [v.experiment as number[], v.control as number[]];
      const interval = mannWhitneyInterval(
        experiment,
        control,
        (v.config as { confidenceLevel: number }).confidenceLevel,
      );
      const artefact = v.id in ROOT_FINDER_ARTEFACTS;
      const t = (key: string) => (artefact ? UNIROOT_TOLERANCE : tolerance(v, key));
      close(interval.low, expected.ci_low, t("ci_low"));
      close(interval.high, expected.ci_high, t("ci_high"));
      close(interval.estimate, expected.estimate, Math.max(t("estimate"), tolerance(v, "estimate")));
      expectDifference(interval.low, experiment, control);
      expectDifference(interval.high, experiment, control);
      expect(interval.low).toBeLessThanOrEqual(interval.estimate);
      expect(interval.estimate).toBeLessThanOrEqual(interval.high);
    });
  }

  it("Mann-Whitney intermediate values", () => {
    const [v] = of("mann_whitney_intermediates");
    const e = v!.expected as Record<string, number>;
    const x = [...(v!.x_experiment as number[])].sort((a, b) => a - b);
    const y = [...(v!.y_control as number[])].sort((a, b) => a - b);
    const t = tolerance(v!, "x");
    const [muMin, muMax] = [x[0]! - y[y.length - 1]!, x[x.length - 1]! - y[0]!];
    const zLower = -normalQuantile(0.025);
    close(muMin, e.rMumin, t);
    close(muMax, e.rMumax, t);
    close(zLower, e.rZqLower, t);
    close(wilcoxonDiff(x, y, muMin, zLower), e.rFlower1, t);
    close(wilcoxonDiff(x, y, muMax, zLower), e.rFupper1, t);
    close(wilcoxonDiff(x, y, muMin, -zLower), e.rFlower2, t);
    close(wilcoxonDiff(x, y, muMax, -zLower), e.rFupper2, t);
    const interval = mannWhitneyInterval(v!.x_experiment as number[], v!.y_control as number[], 0.95);
    expect(v!.id in ROOT_FINDER_ARTEFACTS).toBe(true);
    close(interval.low, e.rCil, UNIROOT_TOLERANCE);
    close(interval.high, e.rCiu, UNIROOT_TOLERANCE);
    close(interval.estimate, e.rEst, UNIROOT_TOLERANCE);
    // R's interval here is upside down (3.5e-5 > 2.0e-5); the exact one is [0, 0] with 0 itself
    // rejected on the low side, as R's lower root just past 0 says.
    expect(interval).toEqual({ low: 0, high: 0, estimate: 0, lowExcluded: true });
  });

  for (const v of of("descriptive_stats")) {
    it(`descriptive statistics: ${v.id}`, () => {
      const actual = stats(v.data as number[]);
      for (const [key, value] of Object.entries(v.expected as Record<string, number>))
        close(actual[key as keyof typeof actual], value, tolerance(v, key));
    });
  }

  for (const v of of("percentile_r7")) {
    it(`R-7 percentile: ${v.id}`, () => {
      const sorted = [...(v.data as number[])].sort((a, b) => a - b);
      for (const [key, value] of Object.entries(v.expected as Record<string, number>))
        close(percentileSorted(sorted, Number(key.slice(1))), value, tolerance(v, key, 1e-6));
    });
  }

  for (const v of [...of("effect_size_mean_ratio"), ...of("effect_size_cles")]) {
    it(`effect size: ${v.id}`, () => {
      const [e, c] = [v.experiment as number[], v.control as number[]];
      const expected = v.expected as { meanRatio?: unknown; cles?: number };
      if ("meanRatio" in expected) close(meanRatio(e, c), expected.meanRatio, 1e-9);
      if (expected.cles !== undefined) close(cles(e, c), expected.cles, tolerance(v, "cles", 1e-9));
    });
  }

  for (const v of of("transform").filter((v) => /NaNs$/.test((v.config as { op: string }).op))) {
    it(`NaN handling: ${v.id}`, () => {
      const strategy = (v.config as { op: string }).op === "removeNaNs" ? "remove" : "replace";
      // The classifier's cleaning step is what these exercise: identical data classify as identical.
      const data = v.data as (number | null)[];
      const cleaned = data.flatMap((d) => (d === null ? (strategy === "replace" ? [0] : []) : [d]));
      expect(cleaned).toEqual((v.expected as { data: number[] }).data);
      const result = classifyMetric(
        data,
        cleaned.length ? cleaned : [1],
        defaultConfig({ nanStrategy: strategy }),
      );
      expect(result.classification).toBe(cleaned.length ? "Pass" : "Nodata");
    });
  }
});
