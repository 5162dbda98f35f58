import { beforeAll, describe, expect, it } from "vitest";
import { judge, type CheckResult } from "../src/check.js";
import type { CheckFacts, EnvironmentFacts, MetricsFacts, Role } from "../src/core/facts.js";
import { METRICS } from "../src/core/metric-catalogue.js";
import { grainMs, planWindows, weekEarlier, type Window } from "../src/core/windows.js";
import { HEALTHY, replayFacts } from "./helpers.js";
import { rng as seededRandom } from "./support/seeded.mjs";
import { BASE_SEED } from "./support/seeded.js";
import { soakCases } from "./support/soak.js";

/**
 * The promises of issue 16 §2 (README, "What the gate promises", properties 5-7) over generated
 * metric series: a seeded generator draws an app's load and behaviour, a timeline says what each
 * minute looks like, and the series are bucketed over the windows the collector would read. The
 * configuration is the healthy upgrade's (nothing to find there), so the metrics alone decide.
 * Set AZFN_SEED to replay a failing case with the seed its message prints.
 */
const SEED = BASE_SEED;
/** Per property: 50 in `npm test`, 200 (nine properties: 1,800 cases) under AZFN_SOAK=full. */
const CASES = soakCases(200, 50);
const MINUTE = 60_000;

/** What an app does per minute, per its instances: the totals all follow from the work. */
interface Load {
  requests: number;
  executions: number;
  errorRate: number;
  responseTime: number;
  /** Per instance: working set, threads, plan CPU. */
  memory: number;
  threads: number;
  cpu: number;
  instances: number;
}

type Timeline = (role: Role, t: number) => Load;

function drawLoad(random: () => number): Record<Role, Load> {
  const between = (lo: number, hi: number) => lo + (hi - lo) * random();
  const app = (requests: number): Load => ({
    requests,
    executions: requests * between(1, 2),
    errorRate: between(0.002, 0.01),
    responseTime: between(0.05, 1.5),
    memory: between(200, 1500) * 1024 ** 2,
    threads: between(20, 120),
    cpu: between(5, 60),
    // Up to 3, so a scale-out by k ≤ 5.5 stays within the plan's maximum burst (20).
    instances: 1 + Math.floor(random() * 3),
  });
  const prod = app(between(100, 3000));
  // QA runs the same build on one instance, at a load per instance in the comparable range of
  // production's (LOAD_RATIO), and behaves the same per request.
  const requests = Math.max(20, (prod.requests / prod.instances) * between(0.15, 1));
  const qa = { ...prod, requests, executions: (requests * prod.executions) / prod.requests, instances: 1 };
  return { qa, prod };
}

/**
 * One bucket's value. Counts carry bounded noise (±10 %), gauges ±15 %: cases sit away from the
 * decision boundary on purpose, since a test's power rightly grows with traffic and a borderline
 * case may flip with k for good reasons.
 */
function bucketValue(
  metric: string,
  load: Load,
  minutes: number,
  random: () => number,
  carry: Record<string, number>,
): number {
  const noise = (spread: number) => 1 + spread * (random() * 2 - 1);
  // Whole counts whose running sum follows the expectation (the fraction carried to the next
  // bucket): no rate bias and no chance streaks at a fraction of an event a minute.
  const count = (expected: number) => {
    const due = expected + (carry[metric] ?? 0);
    carry[metric] = due - Math.floor(due);
    return Math.floor(due);
  };
  const work = (perMinute: number) => count(perMinute * minutes * noise(0.1));
  const requests = load.requests * minutes;
  switch (metric) {
    case "Requests":
      return work(load.requests);
    case "Http5xx":
      return count(requests * load.errorRate * noise(0.1));
    case "Http4xx":
      return work(load.requests * 0.01);
    case "HttpResponseTime":
      return load.responseTime * noise(0.15);
    case "MemoryWorkingSet":
    case "AverageMemoryWorkingSet":
    case "PrivateBytes":
      return load.memory * noise(0.05);
    case "Threads":
      return load.threads * noise(0.08);
    case "Handles":
      return load.threads * 15 * noise(0.05);
    case "CpuTime":
      return load.executions * 0.02 * minutes * noise(0.1);
    case "FunctionExecutionCount":
      return work(load.executions);
    case "FunctionExecutionUnits":
      return work(load.executions * 256 * 300);
    case "Gen0Collections":
      return work(load.executions * 0.25);
    case "Gen1Collections":
      return work(load.executions * 0.04);
    case "Gen2Collections":
      return work(load.executions * 0.01);
    case "AppConnections":
      return 20 * noise(0.2);
    case "CpuPercentage":
      return load.cpu * noise(0.15);
    case "MemoryPercentage":
      return 40 * noise(0.08);
    // Averages over the bucket's samples and instances: fractional, as Azure returns them.
    case "HttpQueueLength":
      return 2 * noise(0.3);
    case "DiskQueueLength":
      return 1 * noise(0.3);
    default:
      throw new Error(metric);
  }
}

interface Scenario {
  release: number;
  settleMinutes: number;
  afterMinutes: number;
  timeline: Timeline;
  /** Also read the same hours last week (the timeline's values a week earlier). */
  lastWeek?: boolean;
  /** QA got a release at this time. */
  qaRelease?: number;
}

let base: CheckFacts;
beforeAll(async () => {
  base = await replayFacts(HEALTHY);
});

/** Facts as the collector would have read them for the scenario: whole buckets over the planned windows. */
function factsFor(s: Scenario, seed: number): { facts: CheckFacts; since: Date } {
  const now = new Date(s.release + (s.settleMinutes + s.afterMinutes) * MINUTE);
  const windows = planWindows(new Date(s.release), now, {
    settleMinutes: s.settleMinutes,
    baseline: "before",
  })!;
  const step = grainMs(windows.grain);
  const env = (role: Role): EnvironmentFacts => {
    const random = seededRandom(seed * 2 + (role === "qa" ? 1 : 0));
    const read = (w: Window) => {
      const out: Record<string, number[]> = {};
      for (const spec of METRICS) out[spec.name] = [];
      const carry: Record<string, number> = {};
      for (let t = Date.parse(w.start); t < Date.parse(w.end); t += step) {
        const load = s.timeline(role, t);
        for (const spec of METRICS)
          out[spec.name]!.push(bucketValue(spec.name, load, step / MINUTE, random, carry));
      }
      return out;
    };
    const [baseline, after] = [read(windows.baseline), read(windows.after)];
    const week = s.lastWeek ? read(weekEarlier(windows.after)) : undefined;
    const series: MetricsFacts["series"] = {};
    for (const spec of METRICS)
      series[spec.name] = {
        baseline: baseline[spec.name]!,
        after: after[spec.name]!,
        ...(week ? { lastWeek: week[spec.name]! } : {}),
      };
    const original = base[role];
    return {
      ...original,
      plan: { ...original.plan!, capacity: s.timeline(role, now.getTime()).instances },
      metrics: { series, unavailable: {} },
      ...(role === "qa" && s.qaRelease
        ? {
            deployments: [
              {
                id: "generated",
                status: 4,
                active: true,
                startTime: new Date(s.qaRelease - 2 * MINUTE).toISOString(),
                endTime: new Date(s.qaRelease).toISOString(),
              },
            ],
          }
        : {}),
    };
  };
  return {
    facts: { ...base, now: now.toISOString(), qa: env("qa"), prod: env("prod"), metricWindows: windows },
    since: new Date(s.release),
  };
}

function run(s: Scenario, seed: number): CheckResult {
  const { facts, since } = factsFor(s, seed);
  return judge(facts, since);
}

/** Whether a rule raised a critical finding on production. */
const prodCritical = (r: CheckResult, ruleId: string) =>
  r.analysis.findings.some(
    (f) => f.ruleId === ruleId && f.environment === "prod" && f.severity === "critical",
  );

const summary = (r: CheckResult) =>
  `${r.recommendation.action} [${r.analysis.findings.map((f) => `${f.ruleId}:${f.severity} ${f.title}`).join(" | ")}]`;

/** Runs `CASES` generated cases; a failing one throws with its seed. */
function forCases(property: (random: () => number, seed: number) => void): void {
  for (let i = 0; i < CASES; i++) {
    const seed = SEED + i;
    try {
      property(seededRandom(seed), seed);
    } catch (error) {
      throw new Error(`case seed ${seed} (AZFN_SEED=${SEED}, case ${i}): ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
}

function check(condition: boolean, message: () => string): void {
  if (!condition) throw new Error(message());
}

const RELEASE = Date.parse("2026-11-24T07:15:30Z");

/** A release that changes nothing; afterMinutes long enough for the latest buckets to be judged. */
function steady(random: () => number): Scenario {
  const load = drawLoad(random);
  return {
    release: RELEASE + Math.floor(random() * 60) * MINUTE,
    settleMinutes: 5,
    afterMinutes: 45 + Math.floor(random() * 75),
    timeline: (role) => load[role],
  };
}

// Thousands of verdicts: minutes on a loaded machine, so no per-test limit of the default's size.
describe("what the gate promises over generated metric series (issue 16 §2)", { timeout: 900_000 }, () => {
  it("a release that changes nothing judges PROCEED (the generator's healthy cases are healthy)", () => {
    forCases((random, seed) => {
      const r = run(steady(random), seed);
      check(r.recommendation.action === "PROCEED", () => summary(r));
    });
  });

  it("property 7: multiplying traffic and instances by k after the release leaves the verdict unchanged", () => {
    forCases((random, seed) => {
      const s = steady(random);
      // Healthy, failing (5xx ×6) or far slower (response time ×3-8, at least 100 ms to start from).
      const broken = random() < 0.3 ? "errors" : random() < 0.3 ? "slower" : undefined;
      const slower = 3 + random() * 5;
      const k = 1.5 + random() * 4;
      const timeline =
        (scale: number): Timeline =>
        (role, t) => {
          const load = s.timeline(role, t);
          if (role !== "prod" || t < s.release) return load;
          const after =
            broken === "errors"
              ? { ...load, errorRate: load.errorRate * 6 }
              : broken === "slower"
                ? { ...load, responseTime: Math.max(load.responseTime, 0.1) * slower }
                : load;
          return {
            ...after,
            requests: after.requests * scale,
            executions: after.executions * scale,
            instances: Math.max(1, Math.round(after.instances * scale)),
          };
        };
      const [one, scaled] = [
        run({ ...s, timeline: timeline(1) }, seed),
        run({ ...s, timeline: timeline(k) }, seed),
      ];
      check(
        one.recommendation.action === scaled.recommendation.action,
        () => `k = ${k.toFixed(2)}: ${summary(one)} became ${summary(scaled)}`,
      );
      check(
        one.recommendation.action === (broken ? "ROLLBACK" : "PROCEED"),
        () => `${broken ?? "healthy"}: ${summary(one)}`,
      );
    });
  });

  it("property 7: a blip inside the settle window leaves a healthy release healthy", () => {
    forCases((random, seed) => {
      const s = steady(random);
      s.settleMinutes = 5 + Math.floor(random() * 20);
      const blipMinutes = 1 + Math.floor(random() * (s.settleMinutes - 1));
      const blip: Timeline = (role, t) => {
        const load = s.timeline(role, t);
        return role === "prod" && t >= s.release && t < s.release + blipMinutes * MINUTE
          ? { ...load, errorRate: 0.3, responseTime: load.responseTime * 8, requests: load.requests * 0.2 }
          : load;
      };
      const r = run({ ...s, timeline: blip }, seed);
      check(r.recommendation.action === "PROCEED", () => `blip of ${blipMinutes} min: ${summary(r)}`);
    });
  });

  it("property 6: a regression that recovered is never ROLLBACK, and the report says recovered", () => {
    forCases((random, seed) => {
      const s = steady(random);
      s.afterMinutes = 90 + Math.floor(random() * 90);
      // Past the settle time, for up to a tenth of the after-window: a restart blip.
      const blipMinutes = 2 + Math.floor(random() * (s.afterMinutes / 10 - 2));
      const start = s.release + (s.settleMinutes + 1) * MINUTE;
      const blip: Timeline = (role, t) => {
        const load = s.timeline(role, t);
        return role === "prod" && t >= start && t < start + blipMinutes * MINUTE
          ? { ...load, errorRate: 0.25 + random() * 0.5 }
          : load;
      };
      const r = run({ ...s, timeline: blip }, seed);
      check(r.recommendation.action !== "ROLLBACK", () => `blip of ${blipMinutes} min: ${summary(r)}`);
      const m01 = r.analysis.findings.find((f) => f.ruleId === "M01" && f.environment === "prod");
      check(!m01 || m01.messageId === "recovered", () => `blip of ${blipMinutes} min: ${summary(r)}`);
      // The same errors that keep coming are still a rollback.
      const kept: Timeline = (role, t) => {
        const load = s.timeline(role, t);
        return role === "prod" && t >= start ? { ...load, errorRate: 0.25 } : load;
      };
      const persisting = run({ ...s, timeline: kept }, seed);
      check(persisting.recommendation.action === "ROLLBACK", () => `persisting: ${summary(persisting)}`);
    });
  });

  it("property 5: traffic that falls far below both baselines while QA's does not is never exit 0", () => {
    forCases((random, seed) => {
      const s = steady(random);
      const kept = 0.001 + random() * 0.15;
      const lastWeek = random() < 0.5;
      const shared = random() < 0.3;
      const fall: Timeline = (role, t) => {
        const load = s.timeline(role, t);
        const falls = t >= s.release && (role === "prod" || shared);
        return falls ? { ...load, requests: load.requests * kept, executions: load.executions * kept } : load;
      };
      const r = run({ ...s, timeline: fall, lastWeek }, seed);
      if (shared) {
        // QA fell the same way: shared load or the clock, watched, not an outage of the release.
        check(!prodCritical(r, "M02"), () => `shared fall to ${kept}: ${summary(r)}`);
      } else {
        check(
          r.recommendation.action === "ROLLBACK" && prodCritical(r, "M02"),
          () => `fall to ${(kept * 100).toFixed(1)} %${lastWeek ? " (last week read)" : ""}: ${summary(r)}`,
        );
      }
    });
  });

  it("property 5: a large response-time rise that persists in the latest buckets is never exit 0", () => {
    forCases((random, seed) => {
      const s = steady(random);
      // ×3-10 from at least 100 ms: clear of LATENCY's doubling and 100 ms floor whatever the noise.
      const factor = 3 + random() * 7;
      const lastWeek = random() < 0.5;
      // QA either did not show it, or got the same release and moved with it: neither excuses it.
      const qaGotIt = random() < 0.5;
      const slower: Timeline = (role, t) => {
        const load = s.timeline(role, t);
        const from = { ...load, responseTime: Math.max(load.responseTime, 0.1) };
        const hit = t >= s.release && (role === "prod" || qaGotIt);
        return hit ? { ...from, responseTime: from.responseTime * factor } : from;
      };
      const r = run(
        {
          ...s,
          timeline: slower,
          lastWeek,
          ...(qaGotIt ? { qaRelease: s.release - 3 * MINUTE } : {}),
        },
        seed,
      );
      const said = `response time ×${factor.toFixed(1)}${qaGotIt ? ", QA released too" : ""}${lastWeek ? ", last week read" : ""}`;
      check(r.recommendation.action === "ROLLBACK" && prodCritical(r, "M10"), () => `${said}: ${summary(r)}`);
    });
  });

  it("property 5: small, recovered, spiky or thinly measured response-time rises are never ROLLBACK", () => {
    let recovered = 0;
    forCases((random, seed) => {
      const s = steady(random);
      s.afterMinutes = 60 + Math.floor(random() * 120);
      const kind = (["small", "recovered", "spikes", "few requests"] as const)[Math.floor(random() * 4)]!;
      const factor = kind === "small" ? 1 + random() * 0.8 : 3 + random() * 7;
      // Slow from the release for 40-70 % of the after-window, then back: a long warm-up, gone from
      // the latest quarter.
      const until = s.release + (s.settleMinutes + s.afterMinutes * (0.4 + random() * 0.3)) * MINUTE;
      // At most 4.5 a minute: under LATENCY.minRequests (300) over the latest buckets (at most 45 here).
      const thin = 0.5 + random() * 4;
      const timeline: Timeline = (role, t) => {
        const load = s.timeline(role, t);
        const base = kind === "few requests" ? { ...load, requests: thin, executions: thin * 1.5 } : load;
        if (role !== "prod" || t < s.release) return base;
        const slow = { ...base, responseTime: base.responseTime * factor };
        if (kind === "recovered") return t < until ? slow : base;
        // One bucket in twenty far slower (a cold start, a slow dependency call): noise, not a level.
        if (kind === "spikes") return random() < 0.05 ? slow : base;
        return slow;
      };
      const r = run({ ...s, timeline }, seed);
      const said = `${kind} ×${factor.toFixed(1)}`;
      check(r.recommendation.action !== "ROLLBACK", () => `${said}: ${summary(r)}`);
      check(!prodCritical(r, "M10"), () => `${said}: ${summary(r)}`);
      const m10 = r.analysis.findings.filter((f) => f.ruleId === "M10" && f.environment === "prod");
      if (kind === "recovered") {
        const judged = r.analysis.metrics.judgments.find(
          (j) =>
            j.environment === "prod" && j.metric === "HttpResponseTime" && j.comparison === "after-vs-before",
        )!;
        // Worse over the window and back in its latest buckets: said, as "recovered", by M10.
        if (judged.recovered) recovered++;
        check(
          judged.recovered ? m10.length === 1 && /and recovered: /.test(m10[0]!.title) : m10.length === 0,
          () => `${said}: ${summary(r)}`,
        );
      }
    });
    // Not vacuous: the generator's warm-ups do get judged worse, then recovered.
    expect(recovered).toBeGreaterThan(CASES / 20);
  });

  it("property 7: a QA baseline that moved with the same release cannot excuse production", () => {
    forCases((random, seed) => {
      const s = steady(random);
      const factor = 2 + random() * 4;
      const qaGotIt = random() < 0.5;
      const slower: Timeline = (role, t) => {
        const load = s.timeline(role, t);
        return t >= s.release ? { ...load, responseTime: load.responseTime * factor } : load;
      };
      const scenario = { ...s, timeline: slower, ...(qaGotIt ? { qaRelease: s.release - 3 * MINUTE } : {}) };
      const r = run(scenario, seed);
      const judged = r.analysis.metrics.judgments.find(
        (j) =>
          j.environment === "prod" && j.metric === "HttpResponseTime" && j.comparison === "after-vs-before",
      )!;
      if (qaGotIt)
        check(
          judged.outcome === "worse" && r.recommendation.action !== "PROCEED",
          () => `response time ×${factor.toFixed(1)}, QA released too: ${judged.outcome}, ${summary(r)}`,
        );
      // A QA with no release in the windows is a control: the same move there is the clock or shared load.
      else check(judged.baseline === "qa" && judged.outcome === "ok", () => `QA as control: ${summary(r)}`);
    });
  });

  it("property 7: production against QA only at comparable load; otherwise the report says so", () => {
    forCases((random, seed) => {
      const s = steady(random);
      const ratio = 15 + random() * 300;
      const timeline: Timeline = (role, t) => {
        const load = s.timeline(role, t);
        if (role === "prod") return { ...load, memory: load.memory * 2, responseTime: load.responseTime * 2 };
        const requests = s.timeline("prod", t).requests / s.timeline("prod", t).instances / ratio;
        return { ...load, requests, executions: requests * 1.5 };
      };
      const r = run({ ...s, timeline }, seed);
      const m08 = r.analysis.findings.filter((f) => f.ruleId === "M08");
      check(
        m08.length === 1 && m08[0]!.severity === "info" && m08[0]!.messageId === "incomparable",
        () => `QA at 1/${ratio.toFixed(0)} of production's load: ${summary(r)}`,
      );
      check(r.recommendation.action === "PROCEED", () => summary(r));
    });
  });
});

describe("what was not judged is said", () => {
  it("no Application Insights: PROCEED, with a finding that the logs were not there", () => {
    const s = steady(seededRandom(SEED));
    const { facts, since } = factsFor(s, SEED);
    for (const role of ["qa", "prod"] as const) {
      const { APPLICATIONINSIGHTS_CONNECTION_STRING: _gone, ...settings } = facts[role].appSettings ?? {};
      facts[role] = { ...facts[role], appSettings: settings, logs: undefined, gaps: [] };
      if (facts[role].site) facts[role].site = { ...facts[role].site, appInsightsId: undefined };
    }
    const r = judge(facts, since);
    expect(r.recommendation.action).toBe("PROCEED");
    expect(r.analysis.findings.filter((f) => f.ruleId === "M09").map((f) => [f.severity, f.title])).toEqual([
      ["info", "Production has no Application Insights: its logs were not there to judge"],
      ["info", "QA has no Application Insights: its logs were not there to judge"],
    ]);
  });
});
