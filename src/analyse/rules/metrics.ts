import type { Role } from "../../core/facts.js";
import {
  FLEX_DEFAULT_INSTANCE_MEMORY_MB,
  FLEX_INSTANCE_MEMORY_MB,
  isContainerApp,
  isServerlessTier,
  skuMemoryMb,
} from "../../core/platform.js";
import { setting } from "../../core/facts.js";
import { MAX_BURST } from "../../core/platform.js";
import { az, codeFix, configFix, rollbackFix } from "../fixes.js";
import { metricSpec } from "../../core/metric-catalogue.js";
import { formatValue, GiB, signedPercent } from "../../core/format.js";
import { growthWithin, incomparableLoad, medianChange, type Judgment } from "../metrics/judge.js";
import { defineRule, type Detection, type EnvironmentContext, type RuleContext } from "../rule.js";

/**
 * Rules over the metric judgments (analyse/metrics/judge.ts). Every finding carries its numbers:
 * the windows, the medians before and after, the change, the interval and the classification.
 */

/** A 32-bit worker has about 2 GB of address space (durable-extension#1003); warn at 80 %. */
export const THIRTY_TWO_BIT_CEILING = 2 * GiB;

function judgment(
  ctx: RuleContext,
  role: Role,
  metric: string,
  comparison: Judgment["comparison"] = "after-vs-before",
) {
  return ctx.metrics.judgments.find(
    (j) => j.environment === role && j.metric === metric && j.comparison === comparison,
  );
}

function windowText(ctx: RuleContext): string {
  const w = ctx.metrics.windows;
  return w
    ? `after ${w.after.start}..${w.after.end} vs ` +
        `${w.baselineMode === "last-week" ? "a week earlier" : "before"} ` +
        `${w.baseline.start}..${w.baseline.end}, ${w.grain} buckets`
    : "no windows";
}

/** The numbers behind a metric finding, in one line. */
export function metricEvidence(ctx: RuleContext, j: Judgment): Detection["evidence"] {
  const change =
    j.change === null ? "change: none before, so no percentage" : `change ${signedPercent(j.change)}`;
  const p95 = j.experiment.p95 === null ? "" : `, p95 ${formatValue(j.experiment.p95, j.unit)}`;
  const interval = j.interval
    ? `, shift ${formatValue(j.interval.estimate, j.unit)} [${formatValue(j.interval.low, j.unit)}, ` +
      `${formatValue(j.interval.high, j.unit)}] at 98 %`
    : "";
  return {
    setting: j.metric,
    [j.comparison === "prod-vs-qa" ? "qa" : j.environment]:
      `median ${formatValue(j.control.median, j.unit)}${j.comparison === "prod-vs-qa" ? "" : " before"}`,
    ...(j.comparison === "prod-vs-qa" ? { prod: `median ${formatValue(j.experiment.median, j.unit)}` } : {}),
    detail:
      `after median ${formatValue(j.experiment.median, j.unit)}${p95}; ${change}${interval}; ` +
      `${j.classification}${j.reason ? ` (${j.reason})` : ""}; ${windowText(ctx)}`,
  };
}

/** The numbers behind several metric judgments of one finding, one detail each. */
function metricsEvidence(ctx: RuleContext, js: readonly Judgment[]): Detection["evidence"] {
  return {
    setting: js.map((j) => j.metric).join(", "),
    detail: js
      .map(
        (j) =>
          `${j.metric}: median ${formatValue(j.control.median, j.unit)} before, ${metricEvidence(ctx, j).detail}`,
      )
      .join(" | "),
  };
}

/**
 * The one wording of a metric judgment that recovered (issue 16 property 6): worse over the
 * after-window, back to its baseline in the latest buckets. Every rule that judges a metric says
 * it with this message, under the key `recovered`.
 */
const RECOVERED =
  "{env} {metric} {moved} after the release ({before} → {after}) and recovered: {latest} in the latest {buckets} buckets";

/** A recovered judgment as a finding: low (watched, MONITOR), never a rollback that restarts production again. */
function recoveredDetection(
  ctx: EnvironmentContext,
  j: Judgment & { recovered: NonNullable<Judgment["recovered"]> },
  fix = "Look at what happened around the release (a restart or warm-up); run the check again later to see " +
    "that it stays recovered.",
): Detection {
  const per = j.per ? ` per ${j.per}` : "";
  return {
    message: "recovered",
    args: {
      env: ctx.env.role,
      metric: `${j.label.toLowerCase()}${per}`,
      moved: j.recovered.classification === "Low" ? "fell" : "rose",
      before: formatValue(j.control.median, j.unit),
      after: formatValue(j.experiment.median, j.unit),
      latest: formatValue(j.recovered.latest, j.unit),
      buckets: String(j.recovered.buckets),
    },
    environment: ctx.env.role,
    severity: "low",
    evidence: metricEvidence(ctx, j),
    fix: codeFix(fix),
  };
}

const isRecovered = (j: Judgment): j is Judgment & { recovered: NonNullable<Judgment["recovered"]> } =>
  j.recovered !== undefined;

const METRIC_DOCS = "https://learn.microsoft.com/azure/azure-functions/monitor-functions-reference#metrics";

/** M00: metrics that could not be judged make the check unknown, never a pass. */
export const metricsJudged = defineRule({
  id: "M00",
  scope: "each",
  title: "The metrics could be read and judged",
  severity: "info",
  docs: METRIC_DOCS,
  why: "A release cannot be called clean on metrics nobody could read: no data, too few points, or a failed analysis is INCONCLUSIVE.",
  needs: [],
  messages: {
    windows: "{env} metrics were not judged: {reason}",
    missing: "{env} metrics could not be read: {reason}",
    essential: "{env} {metric} could not be judged: {reason}",
    failed: "{env} {metric}: the analysis failed ({reason})",
  },
  check(ctx: EnvironmentContext) {
    const { env } = ctx;
    if (!ctx.facts.metricWindows) {
      return [
        {
          message: "windows",
          unknown: true,
          args: {
            env: env.role,
            reason: "the release time is unknown (give --since) or too recent for an after-window",
          },
          environment: env.role,
          evidence: {},
        },
      ];
    }
    if (!env.metrics) {
      const gap = env.gaps.find((g) => g.source === "metrics");
      return [
        {
          message: "missing",
          unknown: true,
          args: { env: env.role, reason: gap?.reason ?? "not read" },
          environment: env.role,
          evidence: {},
        },
      ];
    }
    const out: Detection[] = [];
    for (const j of ctx.metrics.judgments.filter(
      (x) => x.environment === env.role && x.comparison === "after-vs-before",
    )) {
      if (j.outcome === "error")
        out.push({
          message: "failed",
          unknown: true,
          args: { env: env.role, metric: j.metric, reason: j.reason ?? "" },
          environment: env.role,
          evidence: {},
        });
      else if (
        (j.outcome === "no data" || j.outcome === "not enough data" || j.outcome === "unavailable") &&
        metricSpec(j.metric)?.essential
      ) {
        out.push({
          message: "essential",
          unknown: true,
          args: { env: env.role, metric: j.metric, reason: j.reason ?? j.outcome },
          environment: env.role,
          evidence: {},
        });
      }
    }
    return out;
  },
});

/** M01: more server errors per request after the release: the release broke something. */
export const errorRateRegression = defineRule({
  id: "M01",
  scope: "each",
  title: "The 5xx rate did not rise after the release",
  severity: "critical",
  docs: "https://learn.microsoft.com/azure/azure-functions/functions-monitoring",
  why:
    "Server errors per request are what users feel; judged from counts with a binomial test, so a zero " +
    "baseline cannot hide them (spinnaker/spinnaker#5622). A rise that is gone from the latest buckets " +
    "recovered (a deploy-time blip): said, never a rollback.",
  needs: [],
  messages: {
    worse: "{env} 5xx rate rose from {before} to {after} of requests after the release",
    tooFew:
      "{env} 5xx rate looks higher ({before} → {after} of requests), but {errors} error(s) are too few to tell",
    recovered: RECOVERED,
  },
  check(ctx) {
    const j = judgment(ctx, ctx.env.role, "Http5xxRate");
    if (!j) return [];
    if (j.outcome === "not enough data" && j.classification === "NotEnoughData") {
      // Never a rollback on counts this small: watched, with how long until they can tell.
      return [
        {
          message: "tooFew",
          args: {
            env: ctx.env.role,
            before: formatValue(j.control.median, "Ratio"),
            after: formatValue(j.experiment.median, "Ratio"),
            errors: String(Math.round((j.experiment.median ?? 0) * j.experiment.n)),
          },
          environment: ctx.env.role,
          severity: "medium",
          evidence: metricEvidence(ctx, j),
          fix: codeFix(
            `Run the check again later (${j.power?.note ?? "more traffic is needed"}), or look at the few failed ` +
              `requests in Application Insights.`,
          ),
        },
      ];
    }
    if (isRecovered(j)) {
      // Worse over the window, back to the baseline in its latest buckets: a deploy-time blip.
      // Said, and watched; a rollback would restart production for errors that already stopped.
      return [
        recoveredDetection(
          ctx,
          j,
          "Look at the failed requests around the release in Application Insights (a restart or warm-up " +
            "blip); run the check again later to see that it stays recovered.",
        ),
      ];
    }
    // A weak pass (little traffic) is not a finding: the judgment's power note says it, and
    // `check --watch` reads j.power before it passes.
    if (j.outcome !== "worse") return [];
    return [
      {
        message: "worse",
        args: {
          env: ctx.env.role,
          before: formatValue(j.control.median, "Ratio"),
          after: formatValue(j.experiment.median, "Ratio"),
        },
        environment: ctx.env.role,
        severity: ctx.env.role === "prod" ? "critical" : "high",
        evidence: metricEvidence(ctx, j),
        fix: rollbackFix(
          "The error rate rose with the release and no configuration finding explains it: roll back, then " +
            "look at the failed requests and exceptions in Application Insights.",
        ),
      },
    ];
  },
});

/** M02: requests or executions that stop are an outage; a large drop is worth a look. */
export const trafficCollapse = defineRule({
  id: "M02",
  scope: "each",
  title: "Requests and executions did not collapse after the release",
  severity: "critical",
  docs: METRIC_DOCS,
  why:
    "Fewer executions after a release can mean triggers that no longer fire (a binding, a worker " +
    "mismatch, a disabled function): zero is an outage, and so is traffic far below every baseline " +
    "while QA's holds, whatever the error rate. Executions and requests are one traffic: one finding names both.",
  needs: [],
  messages: {
    zero: "{env} {metric} fell to zero after the release (median {before} before)",
    loss: "{env} {metric} fell by {change} after the release, below every baseline{control}",
    drop: "{env} {metric} fell by {change} after the release",
    recovered: RECOVERED,
  },
  check(ctx) {
    // Executions and requests are two counts of one traffic: one finding per kind of fall names
    // both, so one outage is one driver and one plan line, not one per count.
    const byKind = new Map<"zero" | "loss" | "drop", Judgment[]>();
    const recovered: Detection[] = [];
    for (const metric of ["FunctionExecutionCount", "Requests"]) {
      const j = judgment(ctx, ctx.env.role, metric);
      if (!j || j.experiment.n < 10 || j.control.n < 10) continue;
      if (isRecovered(j)) recovered.push(recoveredDetection(ctx, j));
      const kind =
        (j.experiment.total ?? 0) === 0 && (j.control.total ?? 0) > 0
          ? "zero"
          : j.outcome !== "worse" || j.change === null
            ? undefined
            : trafficLost(ctx, j)
              ? "loss"
              : j.change <= -0.5
                ? "drop"
                : undefined;
      if (kind) byKind.set(kind, [...(byKind.get(kind) ?? []), j]);
    }
    const out: Detection[] = [];
    for (const [kind, js] of byKind) {
      const metric = js.map((j, i) => (i === 0 ? j.label : j.label.toLowerCase())).join(" and ");
      const changes = [...new Set(js.map((j) => `${Math.abs(j.change! * 100).toFixed(0)} %`))].join(" and ");
      const evidence = js.length === 1 ? metricEvidence(ctx, js[0]!) : metricsEvidence(ctx, js);
      const base = { environment: ctx.env.role, evidence };
      const severe = ctx.env.role === "prod" ? "critical" : "high";
      if (kind === "zero")
        out.push({
          ...base,
          message: "zero",
          args: {
            env: ctx.env.role,
            metric,
            before: js.map((j) => formatValue(j.control.median, j.unit)).join(" and "),
          },
          severity: severe,
          fix: rollbackFix("Nothing runs any more: roll back to the build that ran."),
        });
      // Traffic that no longer reaches the functions (a binding, route, trigger or host failure)
      // is an outage whatever the error rate (issue 16 property 5): exit 0 is never this.
      else if (kind === "loss")
        out.push({
          ...base,
          message: "loss",
          args: {
            env: ctx.env.role,
            metric,
            change: changes,
            control: ctx.env.role === "prod" ? ", while QA's did not" : "",
          },
          severity: severe,
          fix: rollbackFix(
            "Requests no longer reach the functions as they did: roll back, then look for a binding, route, " +
              "trigger or host error in the release.",
          ),
        });
      else
        out.push({
          ...base,
          message: "drop",
          args: { env: ctx.env.role, metric, change: changes },
          severity: "medium",
          fix: codeFix(
            "Check whether traffic moved (time of day: try --baseline last-week) or triggers stopped firing.",
          ),
        });
    }
    return [...out, ...recovered];
  },
});

/** "Far below": the after-window's median at most a fifth of the baseline's. */
export const TRAFFIC_LOSS = 0.8;

/**
 * Traffic fell far below both baselines (the hours before, and the same hours last week when
 * read) while QA's did not fall even half as far: not time of day, not shared load.
 */
function trafficLost(ctx: EnvironmentContext, j: Judgment): boolean {
  if (j.change === null || j.change > -TRAFFIC_LOSS) return false;
  const series = ctx.env.metrics?.series[j.metric];
  const week = series?.lastWeek && medianChange(series.after, series.lastWeek);
  if (week !== undefined && week !== null && week > -TRAFFIC_LOSS) return false;
  if (ctx.env.role !== "prod") return true;
  const qa = judgment(ctx, "qa", j.metric);
  return !(qa?.change !== null && qa?.change !== undefined && qa.change <= j.change / 2);
}

const NEXT_SKU: Record<string, string> = {
  EP1: "EP2",
  EP2: "EP3",
  B1: "B2",
  B2: "B3",
  S1: "S2",
  S2: "S3",
  P1V2: "P2V2",
  P2V2: "P3V2",
  P0V3: "P1V3",
  P1V3: "P2V3",
  P2V3: "P3V3",
  P1MV3: "P2MV3",
  P2MV3: "P3MV3",
};

function scaleUp(ctx: EnvironmentContext) {
  const plan = ctx.env.plan;
  const next = plan && NEXT_SKU[plan.skuName.toUpperCase()];
  if (plan && next && !isServerlessTier(plan.tier))
    return configFix(`Scale the plan up to ${next}.`, az.planSku(plan, next));
  return configFix("Scale up or out: a larger plan, or Flex Consumption with a larger instanceMemoryMB.");
}

/** M03: memory close to what the worker can address (32-bit) or the plan has. */
export const memoryPressure = defineRule({
  id: "M03",
  scope: "each",
  title: "Memory stays clear of the 32-bit ceiling and the plan's memory",
  severity: "high",
  docs: "https://learn.microsoft.com/azure/azure-functions/functions-scale#service-limits",
  why:
    "A 32-bit worker runs out of address space near 2 GB whatever the plan; any worker near the plan's " +
    "memory is recycled. Both look like a slow, erroring app.",
  needs: ["config", "site"],
  messages: {
    bitness: "{env} 32-bit worker peaks at {peak} of its ~2 GB address space ({metric})",
    plan: "{env} peaks at {peak} of the {sku} plan's {planMemory} per instance",
    flex: "{env} peaks at {peak} of its Flex Consumption instance memory ({planMemory}, instanceMemoryMB)",
    planPercent: "{env} plan memory peaks at {peak}",
  },
  check(ctx) {
    const { env, self } = ctx;
    const out: Detection[] = [];
    const worst = ["PrivateBytes", "MemoryWorkingSet"]
      .map((m) => judgment(ctx, env.role, m))
      .filter((j): j is Judgment => Boolean(j && j.experiment.p95 !== null));
    const peak = worst.sort((a, b) => (b.experiment.p95 ?? 0) - (a.experiment.p95 ?? 0))[0];
    if (peak && self.bitness === "32-bit" && peak.experiment.p95! >= 0.8 * THIRTY_TWO_BIT_CEILING) {
      out.push({
        message: "bitness",
        args: { env: env.role, peak: formatValue(peak.experiment.p95, "Bytes"), metric: peak.metric },
        environment: env.role,
        evidence: { ...metricEvidence(ctx, peak), stack: "use32BitWorkerProcess=true" },
        fix: configFix(
          "Switch to the 64-bit worker (the app restarts).",
          az.configSet(env, "use-32bit-worker-process", "false"),
        ),
      });
    }
    // Flex Consumption sizes memory per instance (instanceMemoryMB 512/2048/4096), not per plan SKU.
    const flexMb = self.isFlex
      ? (env.site?.flexScale?.instanceMemoryMB ?? FLEX_DEFAULT_INSTANCE_MEMORY_MB)
      : undefined;
    const planMb = flexMb ?? skuMemoryMb(env.plan?.skuName);
    const workingSet = judgment(ctx, env.role, "MemoryWorkingSet");
    if (planMb && workingSet?.experiment.p95 && workingSet.experiment.p95 >= 0.9 * planMb * 1024 ** 2) {
      const larger = flexMb ? FLEX_INSTANCE_MEMORY_MB.find((mb) => mb > flexMb) : undefined;
      out.push({
        message: flexMb ? "flex" : "plan",
        args: {
          env: env.role,
          peak: formatValue(workingSet.experiment.p95, "Bytes"),
          sku: env.plan?.skuName ?? "FC1",
          planMemory: `${planMb} MB`,
        },
        environment: env.role,
        evidence: {
          ...metricEvidence(ctx, workingSet),
          ...(flexMb ? { setting: "functionAppConfig.scaleAndConcurrency.instanceMemoryMB" } : {}),
        },
        fix: !flexMb
          ? scaleUp(ctx)
          : larger
            ? configFix(`Give each Flex instance ${larger} MB.`, az.flexInstanceMemory(env, larger))
            : codeFix(
                `Flex's largest instance is ${flexMb} MB: reduce the memory per execution (or lower per-instance concurrency).`,
              ),
      });
    }
    const percent = judgment(ctx, env.role, "MemoryPercentage");
    if (percent?.experiment.p95 && percent.experiment.p95 >= 90) {
      out.push({
        message: "planPercent",
        args: { env: env.role, peak: formatValue(percent.experiment.p95, "Percent") },
        environment: env.role,
        evidence: metricEvidence(ctx, percent),
        fix: scaleUp(ctx),
      });
    }
    return out;
  },
});

/** M04: sustained CPU above 80 % and instances at the scale-out limit. */
export const cpuPressure = defineRule({
  id: "M04",
  scope: "each",
  title: "CPU is not saturated and the plan can still scale out",
  severity: "high",
  docs: "https://learn.microsoft.com/azure/azure-functions/functions-premium-plan#plan-and-sku-settings",
  appliesTo: (env) =>
    isContainerApp(env) ? "hosted on Azure Container Apps: no App Service plan to scale" : undefined,
  why: "Above 80 % CPU for most of the window requests queue and time out; at the scale-out limit the platform cannot add instances.",
  needs: ["plan"],
  messages: {
    cpu: "{env} plan CPU stays at {median} (median) after the release",
    limit: "{env} runs {capacity} instances, the plan's maximum of {max}",
  },
  check(ctx) {
    const { env } = ctx;
    const out: Detection[] = [];
    const cpu = judgment(ctx, env.role, "CpuPercentage");
    if (cpu?.experiment.median && cpu.experiment.median >= 80) {
      out.push({
        message: "cpu",
        args: { env: env.role, median: formatValue(cpu.experiment.median, "Percent") },
        environment: env.role,
        evidence: metricEvidence(ctx, cpu),
        fix: scaleUp(ctx),
      });
    }
    const plan = env.plan!;
    if (
      plan.maximumElasticWorkerCount &&
      plan.capacity &&
      plan.capacity >= plan.maximumElasticWorkerCount &&
      /ElasticPremium/i.test(plan.tier)
    ) {
      // Double the burst, never past the platform's ceiling (core/platform.ts MAX_BURST); at the
      // ceiling the way out is a larger SKU, not a setting.
      const ceiling = MAX_BURST[plan.os];
      const burst = Math.min(plan.maximumElasticWorkerCount * 2, ceiling);
      out.push({
        message: "limit",
        args: { env: env.role, capacity: String(plan.capacity), max: String(plan.maximumElasticWorkerCount) },
        environment: env.role,
        severity: "medium",
        evidence: {
          setting: "maximumElasticWorkerCount",
          [env.role]: `${plan.capacity} of ${plan.maximumElasticWorkerCount}`,
          detail: `the platform's maximum burst on ${plan.os} is ${ceiling}`,
        },
        fix:
          burst > plan.maximumElasticWorkerCount
            ? configFix(`Raise the plan's maximum burst to ${burst}.`, az.maxBurst(plan, burst))
            : codeFix(
                `The plan is at the platform's maximum burst (${ceiling} on ${plan.os}): ` +
                  "move to a larger Elastic Premium SKU or spread the load.",
              ),
      });
    }
    return out;
  },
});

/** M05/M06: queues that grow and threads or handles that climb: starvation or leaks. */
export const saturation = defineRule({
  id: "M05",
  scope: "each",
  title: "No growing HTTP queue, and threads and handles do not climb",
  severity: "medium",
  docs:
    "https://learn.microsoft.com/troubleshoot/azure/azure-functions/monitoring/" +
    "functions-monitoring-appinsightslogs#thread-pool-starvation",
  why:
    "A growing HTTP queue means requests wait; threads or handles that keep climbing are thread-pool " +
    'starvation or a leak ("Possible thread pool starvation detected", Azure-Functions#2054).',
  needs: [],
  messages: {
    queue: "{env} HTTP queue grew after the release (p95 {p95})",
    climb: "{env} {metric} climbed {growth} within the after-window",
  },
  check(ctx) {
    const { env } = ctx;
    const out: Detection[] = [];
    const queue = judgment(ctx, env.role, "HttpQueueLength");
    if (queue?.outcome === "worse" && (queue.experiment.p95 ?? 0) >= 10) {
      out.push({
        message: "queue",
        args: { env: env.role, p95: formatValue(queue.experiment.p95, "Count") },
        environment: env.role,
        evidence: metricEvidence(ctx, queue),
        fix: scaleUp(ctx),
      });
    }
    for (const metric of ["Threads", "Handles"]) {
      const j = judgment(ctx, env.role, metric);
      const climb = growthWithin(env.metrics?.series[metric]?.after ?? []);
      if (j?.outcome === "worse" && climb !== null && climb.growth >= 0.5) {
        // The claim is the climb inside the after-window; its evidence is that climb's own numbers,
        // not the change against the hours before (a second percentage for the same metric).
        out.push({
          message: "climb",
          args: {
            env: env.role,
            metric: j.label.toLowerCase(),
            growth: `${(climb.growth * 100).toFixed(0)} %`,
          },
          environment: env.role,
          evidence: {
            setting: j.metric,
            [env.role]:
              `median ${formatValue(climb.first, j.unit)} in the first quarter of the after-window, ` +
              `${formatValue(climb.last, j.unit)} in the last`,
            detail: windowText(ctx),
          },
          fix: codeFix(
            "Look for blocking calls (sync-over-async) or undisposed clients in the release; a restart only buys time.",
          ),
        });
      }
    }
    return out;
  },
});

/**
 * When a response-time rise is an outage of its own (issue 16 property 5), not a metric to watch.
 * Kayenta marks a metric critical past its `criticalIncrease` effect size, Flagger and Argo fail a
 * canary on an absolute latency (`request-duration`, P99 ≤ 500 ms) after failing measurements that
 * keep coming (`failureLimit`, consecutive failures: shared reference canary-analysis.md §2.3, §3-4).
 * Ours takes all three, so neither a relative nor an absolute change alone is an alarm:
 * - a ratio: the latest buckets' median at least twice the baseline's. A healthy app's per-minute
 *   averages spread by ±15-30 %, and time of day is weighed by the last-week and QA baselines
 *   first; a doubling is what users feel and no noise makes;
 * - an absolute floor: at least 100 ms slower (the delay a user starts to notice), so 8 → 20 ms
 *   on a fast API stays a medium M07 finding;
 * - enough requests: at least 300 in the latest buckets and in the baseline, since Azure's
 *   response time is an average over the bucket's requests and a few cold starts among a handful
 *   move it by seconds; fewer is said as too few to tell, never a rollback;
 * - persistence: the latest buckets judged alone are worse (the rank test's interval clears the
 *   noise), and the newest 3 buckets in a row lie beyond the baseline's 95th percentile. A rise gone
 *   from the latest buckets recovered and says so.
 * Every number is per request, so multiplying traffic and instances by k moves none but the
 * request count, and that only upwards past the floor.
 */
export const LATENCY = { minRatio: 2, minIncrease: 0.1, minRequests: 300, consecutive: 3 };

/** Requests summed over a window's last `buckets` buckets that hold a value (all of it without). */
function requestsIn(values: readonly (number | null)[] | undefined, buckets?: number): number | null {
  if (!values) return null;
  const kept = values.filter((v): v is number => v !== null && Number.isFinite(v));
  return (buckets === undefined ? kept : kept.slice(-buckets)).reduce((a, v) => a + v, 0);
}

/** A persistent response-time rise past every LATENCY gate but the request count: `tooFew` then. */
function slowerCall(
  ctx: EnvironmentContext,
): { kind: "slower" | "tooFew"; j: Judgment; ratio: number; requests: number } | undefined {
  const j = judgment(ctx, ctx.env.role, "HttpResponseTime");
  const before = j?.control.median;
  const latest = j?.persists?.latest;
  if (
    !j?.persists ||
    j.outcome !== "worse" ||
    !before ||
    before <= 0 ||
    latest === null ||
    latest === undefined
  )
    return undefined;
  const ratio = latest / before;
  if (ratio < LATENCY.minRatio || latest - before < LATENCY.minIncrease) return undefined;
  if (j.persists.consecutive < LATENCY.consecutive) return undefined;
  const series = ctx.env.metrics?.series.Requests;
  const control = j.baseline === "last-week" ? series?.lastWeek : series?.baseline;
  const requests = Math.min(requestsIn(series?.after, j.persists.buckets) ?? 0, requestsIn(control) ?? 0);
  return { kind: requests >= LATENCY.minRequests ? "slower" : "tooFew", j, ratio, requests };
}

/** M10: responses far slower after the release, still in the latest buckets: production serves worse. */
export const latencyRegression = defineRule({
  id: "M10",
  scope: "each",
  title: "Response time did not rise far after the release",
  severity: "critical",
  docs: "https://learn.microsoft.com/azure/azure-functions/monitor-functions-reference#metrics",
  why:
    "Exit 0 means production serves at least as well as before: responses at least twice as slow and " +
    `at least ${LATENCY.minIncrease * 1000} ms slower in the latest buckets, over at least ` +
    `${LATENCY.minRequests} requests, with the newest ${LATENCY.consecutive} buckets in a row past the ` +
    "baseline's 95th percentile, are an outage of their own (as Kayenta's critical metrics and Argo's " +
    "failureLimit). A QA that moved with the same release excuses nothing; a smaller rise is M07's, and " +
    "a rise that is gone from the latest buckets recovered.",
  needs: [],
  messages: {
    slower:
      "{env} responds {ratio}× slower after the release: {before} before, {latest} in the latest {buckets} buckets",
    tooFew:
      "{env} looks {ratio}× slower after the release ({before} → {latest}), but {requests} request(s) are too few to tell",
    recovered: RECOVERED,
  },
  check(ctx) {
    const j = judgment(ctx, ctx.env.role, "HttpResponseTime");
    if (j && isRecovered(j)) return [recoveredDetection(ctx, j)];
    const call = slowerCall(ctx);
    if (!call) return [];
    const args = {
      env: ctx.env.role,
      ratio: call.ratio.toFixed(1),
      before: formatValue(call.j.control.median, "Seconds"),
      latest: formatValue(call.j.persists!.latest, "Seconds"),
      buckets: String(call.j.persists!.buckets),
      requests: String(Math.round(call.requests)),
    };
    const evidence = metricEvidence(ctx, call.j);
    const persisted =
      `; latest ${call.j.persists!.buckets} buckets: median ${args.latest}, the newest ` +
      `${call.j.persists!.consecutive} in a row past the baseline's 95th percentile; ${args.requests} requests`;
    if (call.kind === "tooFew")
      return [
        {
          message: "tooFew",
          args,
          environment: ctx.env.role,
          severity: "medium",
          evidence: { ...evidence, detail: `${evidence.detail ?? ""}${persisted}` },
          fix: codeFix(
            `Run the check again with more traffic (at least ${LATENCY.minRequests} requests in the latest ` +
              "buckets), or look at the slow requests in Application Insights.",
          ),
        },
      ];
    return [
      {
        message: "slower",
        args,
        environment: ctx.env.role,
        severity: ctx.env.role === "prod" ? "critical" : "high",
        evidence: { ...evidence, detail: `${evidence.detail ?? ""}${persisted}` },
        fix: rollbackFix(
          "Responses are far slower with the release and no configuration finding explains it: roll back, " +
            "then look at the slow requests and their dependency calls in Application Insights.",
        ),
      },
    ];
  },
});

const JUDGED_ELSEWHERE = new Set([
  "Http5xx",
  "Requests",
  "FunctionExecutionCount",
  "HttpQueueLength",
  "Threads",
  "Handles",
  "Http5xxRate",
]);
const MEMORY = new Set(["MemoryWorkingSet", "AverageMemoryWorkingSet", "PrivateBytes"]);
/** Metrics whose recovery their own rule says (M01 the 5xx rate and count, M02 traffic, M10 response time). */
const RECOVERY_SAID_ELSEWHERE = new Set([
  "Http5xx",
  "Http5xxRate",
  "Requests",
  "FunctionExecutionCount",
  "HttpResponseTime",
]);

/** M07: every other metric that got worse in its bad direction, in one finding per environment. */
export const metricRegression = defineRule({
  id: "M07",
  scope: "each",
  title: "No other metric got worse after the release",
  severity: "medium",
  docs: METRIC_DOCS,
  why:
    "Slower responses (short of M10's doubling), more memory or more garbage collections after a release are " +
    "worth watching even when nothing breaks yet; one that is gone from the latest buckets is said as recovered.",
  needs: [],
  messages: { worse: "{env} got worse after the release in {list}", recovered: RECOVERED },
  check(ctx) {
    const { env } = ctx;
    // Memory that M03 already explains as pressure is not said twice, nor a rise M10 judges severe.
    const pressured = memoryPressure.check(ctx).length > 0;
    const slower = slowerCall(ctx) !== undefined;
    const own = ctx.metrics.judgments.filter(
      (j) => j.environment === env.role && j.comparison === "after-vs-before",
    );
    const worse = own.filter(
      (j) =>
        j.outcome === "worse" &&
        !JUDGED_ELSEWHERE.has(j.metric) &&
        !(pressured && MEMORY.has(j.metric)) &&
        !(slower && j.metric === "HttpResponseTime"),
    );
    const recovered = own
      .filter(isRecovered)
      .filter((j) => !RECOVERY_SAID_ELSEWHERE.has(j.metric))
      .map((j) => recoveredDetection(ctx, j));
    if (worse.length === 0) return recovered;
    const change = (j: Judgment) => (j.change === null ? "" : ` ${signedPercent(j.change)}`);
    const per = (j: Judgment) => (j.per ? ` per ${j.per}` : "");
    return [
      {
        message: "worse",
        args: {
          env: env.role,
          list: worse.map((j) => `${j.label.toLowerCase()}${per(j)}${change(j)}`).join(", "),
        },
        environment: env.role,
        severity: env.role === "prod" ? "medium" : "low",
        evidence: metricsEvidence(ctx, worse),
      },
      ...recovered,
    ];
  },
});

/** M08: production behaves differently from QA over the same window, per request or execution. */
export const prodDiffersFromQa = defineRule({
  id: "M08",
  scope: "pair",
  title: "Production behaves like QA, per request and per execution",
  severity: "low",
  docs: METRIC_DOCS,
  why:
    "What QA showed is only evidence if production behaves the same; a difference per request or per " +
    "execution points at configuration or load, not traffic volume. Only at comparable load per instance " +
    "(within 10×): otherwise the report says QA's load does not compare.",
  needs: [],
  messages: {
    differs: "production's {metric} is {change} QA's over the same window",
    incomparable: "{reason}: production was not judged against QA",
  },
  check(ctx) {
    const incomparable = incomparableLoad(ctx.prod, ctx.qa);
    if (incomparable)
      return [
        {
          message: "incomparable",
          args: { reason: incomparable },
          environment: "prod" as const,
          severity: "info" as const,
          evidence: { setting: "Requests", detail: windowText(ctx) },
        },
      ];
    return ctx.metrics.judgments
      .filter(
        (j) => j.comparison === "prod-vs-qa" && j.outcome === "worse" && j.change !== null && j.change >= 0.5,
      )
      .map((j) => ({
        message: "differs",
        args: { metric: j.label.toLowerCase(), change: `${(j.change! * 100).toFixed(0)} % above` },
        environment: "prod" as const,
        evidence: metricEvidence(ctx, j),
      }));
  },
});

/** M09: what Application Insights saw change with the release (exceptions, failures, host signals). */
/** What to do about each kind of log signal that grew with the release. */
const LOG_FIX = {
  exception:
    "Look at these exceptions in Application Insights (Failures, Exceptions): their stack traces show " +
    "which code in the release throws them.",
  "failed request":
    "Look at these operations in Application Insights (Failures, Operations): the response codes and " +
    "the failing dependency calls that came with the release.",
  "host signal":
    "The host is under strain: see the memory, CPU and thread findings; a configuration cause among " +
    "them is the fix.",
} as const;

/** An info finding that an environment's logs were not read, keyed on its connection string. */
function logsNotRead(role: Role, message: string, state: string, detail: string): Detection {
  return {
    message,
    args: { env: role },
    environment: role,
    severity: "info",
    evidence: { setting: "APPLICATIONINSIGHTS_CONNECTION_STRING", [role]: state, detail },
  };
}

export const applicationSignals = defineRule({
  id: "M09",
  scope: "each",
  title: "Application Insights shows no new exceptions, failures or host distress after the release",
  severity: "medium",
  docs: "https://learn.microsoft.com/azure/azure-functions/analyze-telemetry-data",
  why:
    'New exception types, more failed requests, "Host thresholds exceeded", thread-pool starvation, AZFD ' +
    "events or host restarts after a release name what the metrics only show.",
  needs: [],
  messages: {
    exceptions: "{env} raises {list} after the release",
    failures: "{env} requests fail more after the release: {list}",
    host: "{env} host reports {list} after the release",
    unavailable: "{env} Application Insights could not be queried: {reason}",
    unlinked:
      "{env} sends to Application Insights but does not link its component, so its logs were not read",
    none: "{env} has no Application Insights: its logs were not there to judge",
  },
  check(ctx) {
    const { env } = ctx;
    const gap = env.gaps.find((g) => g.source === "logs");
    if (gap) {
      // Logs add detail to the metrics, which already judge the release: a gap is said, not blocking.
      return [
        {
          message: "unavailable",
          args: { env: env.role, reason: gap.reason },
          environment: env.role,
          severity: "info",
          evidence: { setting: "Application Insights", detail: gap.reason },
        },
      ];
    }
    if (!env.logs) {
      // Connected by connection string only: say so rather than stay silent.
      if (
        setting(env, "APPLICATIONINSIGHTS_CONNECTION_STRING") &&
        !env.site?.appInsightsId &&
        ctx.metrics.windows
      ) {
        return [
          {
            ...logsNotRead(
              env.role,
              "unlinked",
              "(set)",
              `no tag "hidden-link: /app-insights-resource-id" on the app`,
            ),
            fix: configFix(
              `Link the component to the app (the portal's Application Insights blade does), or name it with ` +
                `--${env.role}-app-insights <componentId>.`,
            ),
          },
        ];
      }
      // No Application Insights at all: what was not judged is said (issue 16 property 7), as a
      // gap, not a warning: the metrics still judge the release (README, "What the gate promises").
      // (Unread settings are not "none": they are an unknown of other rules.)
      const connected =
        !env.appSettings ||
        setting(env, "APPLICATIONINSIGHTS_CONNECTION_STRING") ||
        setting(env, "APPINSIGHTS_INSTRUMENTATIONKEY") ||
        env.site?.appInsightsId;
      return ctx.metrics.windows && !connected
        ? [
            logsNotRead(
              env.role,
              "none",
              "(not set)",
              "exceptions, failed requests and host signals were not judged; the metrics were",
            ),
          ]
        : [];
    }
    const out: Detection[] = [];
    const window = ctx.metrics.windows ? `; ${windowText(ctx)}` : "";
    for (const [kind, message, minimum] of [
      ["exception", "exceptions", 10],
      ["failed request", "failures", 10],
      ["host signal", "host", 1],
    ] as const) {
      const names = [...new Set(env.logs.rows.filter((r) => r.kind === kind).map((r) => r.name))];
      const grew = names
        .map((name) => {
          const count = (w: "baseline" | "after") =>
            env
              .logs!.rows.filter((r) => r.kind === kind && r.name === name && r.window === w)
              .reduce((a, r) => a + r.count, 0);
          return { name, before: count("baseline"), after: count("after") };
        })
        .filter((r) => r.after >= minimum && (r.before === 0 || r.after >= 2 * r.before))
        .sort((a, b) => b.after - a.after);
      if (grew.length === 0) continue;
      const list = grew
        .slice(0, 5)
        .map((r) => `${r.name} (${r.before} → ${r.after})`)
        .join(", ");
      out.push({
        message,
        args: { env: env.role, list },
        environment: env.role,
        severity:
          kind === "host signal" || grew.some((r) => r.before === 0 && r.after >= 100) ? "high" : "medium",
        evidence: {
          setting: `Application Insights ${kind}s`,
          detail:
            `counts before → after: ${grew.map((r) => `${r.name} ${r.before} → ${r.after}`).join("; ")}; ` +
            `component ${env.logs.component}${window}`,
        },
        fix: codeFix(LOG_FIX[kind]),
      });
    }
    return out;
  },
});
