import { describe, expect, it } from "vitest";
import {
  binomialUpperTail,
  doublingPower,
  judgeErrorRate,
  judgeMetrics,
  judgeSeries,
} from "../src/analyse/metrics/judge.js";
import { grainFor, planWindows } from "../src/core/windows.js";
import { runInProcess, STORY } from "./helpers.js";
import { bodyOf, editBody } from "./support/recorded-body.js";
import type { Recording } from "../src/collect/recording.js";

const HOUR = 3_600_000;

describe("metric windows", () => {
  it.each([
    [1, "PT1M"],
    [6, "PT1M"],
    [7, "PT5M"],
    [24, "PT5M"],
    [48, "PT15M"],
    [5 * 24, "PT30M"],
    [20 * 24, "PT1H"],
    [40 * 24, "PT6H"],
  ])("a %i-hour window uses %s buckets", (hours, grain) => expect(grainFor(hours * HOUR)).toBe(grain));

  const release = new Date("2026-11-19T18:42:10Z");
  const now = new Date("2026-11-20T09:30:00Z");

  it("after: from release + settle (next whole bucket) to now; baseline: the same length just before", () => {
    expect(planWindows(release, now, { settleMinutes: 5, baseline: "before" })).toEqual({
      after: { start: "2026-11-19T18:50:00.000Z", end: "2026-11-20T09:30:00.000Z" },
      baseline: { start: "2026-11-19T04:00:00.000Z", end: "2026-11-19T18:40:00.000Z" },
      baselineMode: "before",
      settleMinutes: 5,
      grain: "PT5M",
    });
  });

  it("last-week: the same hours seven days earlier", () => {
    const w = planWindows(release, now, { settleMinutes: 5, baseline: "last-week" })!;
    expect(w.baseline).toEqual({ start: "2026-11-12T18:50:00.000Z", end: "2026-11-13T09:30:00.000Z" });
    expect(w.after.start).toBe("2026-11-19T18:50:00.000Z");
  });

  it("a longer settle starts the after-window later", () => {
    expect(planWindows(release, now, { settleMinutes: 30, baseline: "before" })!.after.start).toBe(
      "2026-11-19T19:15:00.000Z",
    );
  });

  it("a release younger than the settle time leaves no window (judged unknown, not passed)", () => {
    expect(
      planWindows(new Date("2026-11-20T09:27:00Z"), now, { settleMinutes: 5, baseline: "before" }),
    ).toBeUndefined();
  });

  it("replays the story with a last-week baseline through the full path", async () => {
    const run = await runInProcess(["check", "--from", STORY, "--baseline", "last-week", "--format", "json"]);
    const report = JSON.parse(run.stdout);
    expect(report.metrics.windows).toMatchObject({
      baselineMode: "last-week",
      baseline: { start: "2026-11-12T18:50:00.000Z" },
    });
    expect(report.verdict).toBe("HOTFIX");
    expect(report.unknowns).toEqual([]);
  });
});

describe("judging a series", () => {
  const base = {
    environment: "prod" as const,
    metric: "X",
    label: "X",
    unit: "Count" as const,
    comparison: "after-vs-before" as const,
  };
  const flat = (n: number, v: number) => Array.from({ length: n }, (_, i) => v + (i % 5));
  it.each([
    ["more of a bad-when-more metric is worse", "increase", flat(30, 100), flat(30, 50), "worse"],
    ["less of it is better", "increase", flat(30, 50), flat(30, 100), "better"],
    ["less of a bad-when-less metric is worse", "decrease", flat(30, 50), flat(30, 100), "worse"],
    ["a shift under 10 % is within the effect-size gate", "increase", flat(30, 104), flat(30, 100), "ok"],
    ["too few points is not enough data", "increase", flat(5, 100), flat(30, 50), "not enough data"],
    ["nulls are gaps, not zeros", "increase", [...flat(30, 50), null, null], flat(30, 50), "ok"],
  ] as const)("%s", (_, bad, after, before, outcome) => {
    expect(judgeSeries(base, { bad, aggregation: "Total" }, after, before).outcome).toBe(outcome);
  });

  it("reports the numbers: medians, change, interval and classification", () => {
    const j = judgeSeries(base, { bad: "increase", aggregation: "Average" }, flat(30, 100), flat(30, 50));
    expect(j).toMatchObject({
      control: { n: 30, median: 52 },
      experiment: { n: 30, median: 102 },
      classification: "High",
    });
    expect(j.change).toBeCloseTo(50 / 52, 5);
    expect(j.interval!.low).toBeGreaterThan(45);
    expect(j.interval!.high).toBeLessThan(55);
  });
});

describe("error rates", () => {
  it("the binomial tail matches known values", () => {
    expect(binomialUpperTail(0, 10, 0.5)).toBe(1);
    expect(binomialUpperTail(10, 10, 0.5)).toBeCloseTo(1 / 1024, 12);
    expect(binomialUpperTail(8, 10, 0.5)).toBeCloseTo(56 / 1024, 12);
    expect(binomialUpperTail(5200, 10_000, 0.5)).toBeCloseTo(3.2e-5, 5);
  });

  it.each([
    [
      "a zero baseline with errors after",
      { before: 0, after: 30 },
      { before: 10_000, after: 10_000 },
      "worse",
    ],
    ["the same rate on more traffic", { before: 10, after: 20 }, { before: 10_000, after: 20_000 }, "ok"],
    [
      "significant but tiny (0.01 % → 0.03 %)",
      { before: 1, after: 30 },
      { before: 10_000, after: 100_000 },
      "ok",
    ],
    ["no requests after", { before: 5, after: 0 }, { before: 10_000, after: 0 }, "no data"],
  ] as const)("%s", (_, errors, requests, outcome) => {
    expect(judgeErrorRate("prod", errors, requests, []).outcome).toBe(outcome);
  });
});

describe("collecting metrics", () => {
  it("a metric Azure rejects is reported unavailable and the rest are still judged", async () => {
    const { collectCheckFacts } = await import("../src/collect/azure.js");
    const { createReplayHttpClient, readRecording } = await import("../src/collect/recording.js");
    const { createHttpHeaders } = await import("@azure/core-rest-pipeline");
    const { parseAppId } = await import("../src/core/resource-id.js");
    const { ROOT, HEALTHY, HASH_KEY, TEST_CREDENTIAL } = await import("./helpers.js");
    const recording = await readRecording(`${ROOT}/${HEALTHY}`);
    const replay = createReplayHttpClient(recording);
    const reply = (request: never, status: number, body: unknown) => ({
      request,
      status,
      headers: createHttpHeaders({ "content-type": "application/json" }),
      bodyAsText: JSON.stringify(body),
    });
    const rejected = {
      error: {
        code: "BadRequest",
        message:
          "Failed to find metric configuration for provider: Microsoft.Web, resource Type: sites, metric: Handles",
      },
    };
    const asked: string[] = [];
    // Azure Monitor fails a whole request over one unknown name; asked one by one, only that one fails.
    const httpClient = {
      async sendRequest(request: { url: string; method: string }) {
        const url = new URL(request.url.replace(/^(https:\/\/[^/]+)\/+/, "$1/"));
        const names = url.searchParams.get("metricnames")?.split(",") ?? [];
        if (!/\/metrics$/i.test(url.pathname) || !/sites\/orders-func-prod\//.test(url.pathname))
          return replay.sendRequest(request as never);
        asked.push(names.join(","));
        if (names.includes("Handles")) return reply(request as never, 400, rejected);
        // Answer a single name from the recorded combined answer for the same resource.
        // The recorded answer for the same window (the recording also holds last week's).
        const timespan = new URL(request.url).searchParams.get("timespan");
        const recorded = bodyOf<{ value: { name: { value: string } }[] }>(
          recording.exchanges.find(
            (e) =>
              /orders-func-prod\/providers\/Microsoft\.Insights\/metrics\?/i.test(e.request.url) &&
              new URL(e.request.url).searchParams.get("timespan") === timespan,
          )!.response,
        );
        return reply(request as never, 200, {
          ...recorded,
          value: recorded.value.filter((m) => names.includes(m.name.value)),
        });
      },
    };
    const facts = await collectCheckFacts(
      { credential: TEST_CREDENTIAL, httpClient, retryOptions: { maxRetries: 0 } },
      { qa: parseAppId(recording.apps.qa, "qa"), prod: parseAppId(recording.apps.prod, "prod") },
      {
        now: new Date(recording.recordedAt),
        hashKey: HASH_KEY,
        metrics: { settleMinutes: 5, baseline: "before" },
      },
    );
    expect(asked[0]!.split(",").length).toBeGreaterThan(10);
    expect(asked.filter((a) => !a.includes(",")).length).toBe(asked[0]!.split(",").length);
    expect(facts.prod.metrics!.unavailable.Handles).toMatch(
      /^rejected by Azure Monitor \(HTTP 400 BadRequest Failed to find metric configuration/,
    );
    expect(facts.prod.metrics!.series.Handles).toBeUndefined();
    expect(facts.prod.metrics!.series.Requests!.after.length).toBeGreaterThan(50);
  });
});

describe("precision and failures", () => {
  it("tiny values (a 0.01 % vs 0.03 % ratio) are judged exactly", async () => {
    const { classifyMetric, defaultConfig } = await import("../src/analyse/metrics/classify.js");
    const control = Array.from({ length: 40 }, (_, i) => 1e-4 * (1 + (i % 7) / 20));
    const experiment = control.map((v) => v * 3);
    expect(classifyMetric(experiment, control, defaultConfig({ method: "auto" })).classification).toBe(
      "High",
    );
    const interval = classifyMetric(experiment, control, defaultConfig({ method: "auto" })).interval!;
    expect(interval.estimate).toBeGreaterThan(1.5e-4);
    expect(interval.estimate).toBeLessThan(2.5e-4);
  });

  it("an analysis that fails is an Error with its reason, never a silent pass", async () => {
    const { classifyMetric, defaultConfig } = await import("../src/analyse/metrics/classify.js");
    const result = classifyMetric([1, 2, 3, 4, 5, 6], [2, 3, 4, 5, 6, 7], defaultConfig({ confLevel: 1.5 }));
    expect(result).toMatchObject({
      classification: "Error",
      reason: expect.stringMatching(/^Metric Classification Failed: /),
    });
  });
});

describe("Application Insights without the portal's link", () => {
  it("is said when unlinked, and read when named with --prod-app-insights", async () => {
    const { mkdtempSync, readFileSync, writeFileSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { ROOT, STORY, runInProcess } = await import("./helpers.js");
    const recording = JSON.parse(readFileSync(join(ROOT, STORY, "recording.json"), "utf8")) as Recording;
    editBody(recording, /sites\/orders-func-prod\?/, (site) => {
      site.tags = {};
    });
    const dir = mkdtempSync(join(tmpdir(), "azfn-unlinked-"));
    writeFileSync(join(dir, "recording.json"), JSON.stringify(recording));
    const unlinked = JSON.parse((await runInProcess(["check", "--from", dir, "--format", "json"])).stdout);
    expect(
      unlinked.findings.find(
        (f: { ruleId: string; environment: string }) => f.ruleId === "M09" && f.environment === "prod",
      ),
    ).toMatchObject({ severity: "info", messageId: "unlinked" });
    const component =
      "/subscriptions/8f3a2c71-5b0e-4d39-9a61-2e7c4b1d9f05/resourceGroups/rg-orders-prod/providers/microsoft.insights/components/appi-orders-prod";
    const named = JSON.parse(
      (await runInProcess(["check", "--from", dir, "--format", "json", "--prod-app-insights", component]))
        .stdout,
    );
    expect(
      named.findings
        .filter(
          (f: { ruleId: string; environment: string }) => f.ruleId === "M09" && f.environment === "prod",
        )
        .map((f: { title: string }) => f.title),
    ).toEqual(expect.arrayContaining([expect.stringMatching(/System\.OutOfMemoryException \(0 → 340\)/)]));
    const bad = await runInProcess(["check", "--from", dir, "--prod-app-insights", "appi-orders-prod"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /^azfn-health: --prod-app-insights: not an Application Insights component resource ID/,
    );
  });
});

describe("low traffic: power to detect a doubling of the error rate (issue 9 §4)", () => {
  it("a handful of requests an hour, one error before and one after, is not a regression", () => {
    const j = judgeErrorRate("prod", { before: 1, after: 1 }, { before: 6, after: 5 }, [], [], 60);
    expect(j.outcome).toBe("ok");
    expect(j.power!.doubling).toBeLessThan(0.1);
    expect(j.power!.note).toMatch(/detect a doubling of the error rate/);
  });

  it("a few errors on a few requests look worse but are too few to tell: never worse", () => {
    const j = judgeErrorRate("prod", { before: 0, after: 3 }, { before: 20, after: 3 }, [], [], 60);
    expect(j.outcome).toBe("not enough data");
    expect(j.classification).toBe("NotEnoughData");
    expect(j.reason).toMatch(/3 error\(s\) are too few to tell/);
    // The same shape with enough errors is a regression.
    expect(
      judgeErrorRate("prod", { before: 0, after: 30 }, { before: 200, after: 30 }, [], [], 60).outcome,
    ).toBe("worse");
  });

  it("says how many more minutes at the current traffic reach a power of 0.8, and that many do", () => {
    const requests = { before: 200_000, after: 4_000 };
    const j = judgeErrorRate("prod", { before: 400, after: 8 }, requests, [], [], 60);
    const { minutesNeeded, reference, note } = j.power!;
    expect(minutesNeeded).toBeGreaterThan(10);
    expect(note).toBe(
      `needs about ${minutesNeeded} more minutes at the current traffic to detect a doubling of the error rate (from ${(reference * 100).toPrecision(2)} %; power now ${j.power!.doubling.toFixed(2)})`,
    );
    const perMinute = requests.after / 60;
    const at = (minutes: number) =>
      doublingPower({ before: requests.before, after: requests.after + minutes * perMinute }, reference);
    expect(at(minutesNeeded!)).toBeGreaterThanOrEqual(0.8);
    expect(at(minutesNeeded! - 2)).toBeLessThan(0.8);
  });

  it("power grows with traffic, and a small baseline caps it however long the after-window", () => {
    const rate = 0.01;
    expect(doublingPower({ before: 10_000, after: 1_000 }, rate)).toBeLessThan(
      doublingPower({ before: 10_000, after: 10_000 }, rate),
    );
    expect(doublingPower({ before: 100_000, after: 100_000 }, rate)).toBeGreaterThan(0.99);
    const j = judgeErrorRate("prod", { before: 0, after: 0 }, { before: 500, after: 500 }, [], [], 60);
    expect(j.power!.minutesNeeded).toBeNull();
    expect(j.power!.note).toMatch(/the baseline's 500 requests are too few .* widen the windows$/);
  });

  it("through the rules: too few errors is a medium finding (MONITOR), never ROLLBACK", async () => {
    const { replayFacts, HEALTHY } = await import("./helpers.js");
    const { judge } = await import("../src/check.js");
    const facts = await replayFacts(HEALTHY);
    const series = facts.prod.metrics!.series;
    const n = series.Requests!.after.length;
    // Four requests a minute before, one after (a fall of 75 %, short of a traffic loss), and three
    // of the last hour's failed.
    series.Requests = {
      baseline: series.Requests!.baseline.map(() => 4),
      after: series.Requests!.after.map(() => 1),
    };
    series.Http5xx = {
      baseline: series.Http5xx!.baseline.map(() => 0),
      after: series.Http5xx!.after.map((_, i) => (i % 20 === 0 && i > n - 60 ? 1 : 0)),
    };
    const result = judge(facts);
    const m01 = result.analysis.findings.filter((f) => f.ruleId === "M01" && f.environment === "prod");
    expect(m01).toHaveLength(1);
    expect(m01[0]).toMatchObject({ severity: "medium", messageId: "tooFew" });
    expect(result.recommendation.action).not.toBe("ROLLBACK");
  });
});

describe("time of day: after vs before, vs the same hours last week, vs QA (issue 9 §4)", () => {
  const night = (n: number) => Array.from({ length: n }, (_, i) => 0.2 + 0.01 * (i % 7));
  const day = (n: number) => Array.from({ length: n }, (_, i) => 0.3 + 0.01 * (i % 7));
  type Series = Record<string, (number | null)[]>;
  async function facts(edit: (s: { prod: Series; qa: Series }) => void) {
    const { replayFacts, HEALTHY } = await import("./helpers.js");
    const f = await replayFacts(HEALTHY);
    const series = {
      prod: f.prod.metrics!.series as unknown as Record<string, Record<string, (number | null)[]>>,
      qa: f.qa.metrics!.series as unknown as Record<string, Record<string, (number | null)[]>>,
    };
    edit({ prod: series.prod.HttpResponseTime!, qa: series.qa.HttpResponseTime! });
    return f;
  }
  const responseTime = (f: Parameters<typeof judgeMetrics>[0]) =>
    judgeMetrics(f).judgments.find(
      (j) =>
        j.environment === "prod" && j.metric === "HttpResponseTime" && j.comparison === "after-vs-before",
    )!;

  it("the healthy fixture's same hours last week are read, and a steady release stays ok on every baseline", async () => {
    const f = await facts(() => undefined);
    expect(f.prod.metrics!.series.HttpResponseTime!.lastWeek!.length).toBeGreaterThan(50);
    expect(responseTime(f)).toMatchObject({ outcome: "ok" });
  });

  it("the story's recording holds the same hours last week: read in the same wave, and they confirm the regression", async () => {
    const { replayFacts, STORY } = await import("./helpers.js");
    const f = await replayFacts(STORY);
    expect(f.prod.metrics!.series.HttpResponseTime!.lastWeek!.length).toBeGreaterThan(50);
    const j = responseTime(f);
    expect(j).toMatchObject({ outcome: "worse", baseline: "before" });
    expect(j.reason).toMatch(/also against the same hours last week$/);
  });

  it("night before, day after, and last week's same hours as high: the clock, judged against last week", async () => {
    const f = await facts((s) => {
      s.prod.baseline = night(99);
      s.prod.after = day(99);
      s.prod.lastWeek = day(99).map((v) => v * 1.01);
    });
    const j = responseTime(f);
    expect(j).toMatchObject({ outcome: "ok", classification: "Pass", baseline: "last-week" });
    expect(j.reason).toMatch(/time of day, not the release/);
    expect(j.control.median).toBeGreaterThan(0.3);
  });

  it("without last week's series, QA shifting the same way in the same window is the clock", async () => {
    const f = await facts((s) => {
      delete s.prod.lastWeek;
      s.prod.baseline = night(99);
      s.prod.after = day(99);
      s.qa.baseline = night(99);
      s.qa.after = day(99);
    });
    expect(responseTime(f)).toMatchObject({ outcome: "ok", baseline: "qa" });
  });

  it("a shift QA does not show, and none last week, is the release", async () => {
    const flat = await facts((s) => {
      s.prod.baseline = night(99);
      s.prod.after = day(99);
      s.qa.baseline = night(99);
      s.qa.after = night(99);
    });
    expect(responseTime(flat).outcome).toBe("worse");
    const week = await facts((s) => {
      s.prod.baseline = night(99);
      s.prod.after = day(99);
      s.prod.lastWeek = night(99);
    });
    expect(responseTime(week)).toMatchObject({ outcome: "worse", baseline: "before" });
  });
});
