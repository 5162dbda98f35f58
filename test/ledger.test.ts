import { describe, expect, it } from "vitest";
import { judge } from "../src/check.js";
import type { Verdict } from "../src/core/exit-codes.js";
import { diffRecords, lastCleanBefore } from "../src/ledger/diff.js";
import {
  changeFailureRate,
  cleanRate,
  deployments,
  medianRecoveryMinutes,
  percent,
  remediationMix,
  summariseLedger,
} from "../src/ledger/metrics.js";
import {
  buildLedgerRecord,
  effectiveOutcome,
  outcomeOf,
  recordId,
  type LedgerRecord,
  type Mark,
  type StackNote,
} from "../src/ledger/record.js";
import { cleanRateChart, csvCell, renderList, renderReport, renderShow } from "../src/ledger/render.js";
import { bundleDigest } from "../src/ledger/sink.js";
import { buildReport } from "../src/report/model.js";
import { reportWindow } from "../src/ledger/window.js";
import { HEALTHY, replayFacts, setSetting, STORY, variant } from "./helpers.js";
import { seeded } from "./ledger-sample.js";

const PROD =
  "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Web/sites/orders";
const SLOT = `${PROD}/slots/staging`;

/** A record as a check would leave it; only the fields the computation reads vary. */
function rec(over: {
  id: string;
  verdict: Verdict;
  release?: string;
  recordedAt?: string;
  prod?: string;
  mode?: "live" | "replay";
  marks?: Partial<Mark>[];
}): LedgerRecord {
  const prod = over.prod ?? PROD;
  return {
    version: 1,
    id: over.id,
    recordedAt: over.recordedAt ?? over.release ?? "2026-11-01T00:00:00.000Z",
    tool: "azfn-health test",
    mode: over.mode ?? "live",
    apps: { qa: `${PROD}-qa`, prod },
    production: !prod.includes("/slots/"),
    release: { ...(over.release ? { time: over.release } : {}), source: "deployment", detail: "test" },
    verdict: over.verdict,
    exitCode: 0,
    findings: [],
    outcome: outcomeOf(over.verdict),
    snapshot: { qa: { id: `${PROD}-qa`, gaps: [] }, prod: { id: prod, gaps: [] } },
    marks: (over.marks ?? []).map((m) => ({
      outcome: "unclean",
      reason: "r",
      by: "tester",
      at: "2026-11-30T00:00:00.000Z",
      ...m,
    })),
  };
}

describe("outcome", () => {
  it.each([
    ["PROCEED", "clean"],
    ["MONITOR", "clean"],
    ["HOTFIX", "unclean"],
    ["ROLLBACK", "unclean"],
    ["INCONCLUSIVE", "inconclusive"],
  ] as const)("%s is %s", (verdict, outcome) => expect(outcomeOf(verdict)).toBe(outcome));

  it("a person's latest mark overrides the automatic outcome, which is kept", () => {
    const r = rec({ id: "a", verdict: "PROCEED", marks: [{ outcome: "unclean" }] });
    expect(effectiveOutcome(r)).toBe("unclean");
    expect(r.outcome).toBe("clean");
    expect(effectiveOutcome({ ...r, marks: [...r.marks, { ...r.marks[0]!, outcome: "clean" }] })).toBe(
      "clean",
    );
  });

  it("ids are UUIDv7: the millisecond first (they sort by time), version 7, the RFC variant", () => {
    const at = new Date("2026-12-01T10:15:00.123Z");
    const id = recordId(at, (n) => new Uint8Array(n).fill(0xff));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, "").slice(0, 12), 16)).toBe(at.getTime());
    expect(recordId(new Date(at.getTime() + 1), (n) => new Uint8Array(n)) > id).toBe(true);
  });

  it("ids from one millisecond never collide (generated: 200,000 ids, seeded randomness)", () => {
    const seed = Number(process.env.LEDGER_SEED ?? 7);
    const random = seeded(seed);
    const bytes = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(random() * 256));
    const at = new Date("2026-12-01T10:15:00.123Z");
    const ids = new Set(Array.from({ length: 200_000 }, () => recordId(at, bytes)));
    expect(ids.size, `seed ${seed}`).toBe(200_000);
  });
});

describe("rates", () => {
  const day = (d: number) => `2026-11-${String(d).padStart(2, "0")}T10:00:00.000Z`;
  const cases: {
    name: string;
    records: LedgerRecord[];
    clean: string;
    cfr: string;
    deployments: number;
  }[] = [
    { name: "no data is N/A, never 0 %", records: [], clean: "N/A", cfr: "N/A", deployments: 0 },
    {
      name: "inconclusive only is N/A: never counted clean",
      records: [rec({ id: "a", verdict: "INCONCLUSIVE", release: day(1) })],
      clean: "N/A",
      cfr: "N/A",
      deployments: 1,
    },
    {
      name: "inconclusive is excluded from both rates",
      records: [
        rec({ id: "a", verdict: "PROCEED", release: day(1) }),
        rec({ id: "b", verdict: "ROLLBACK", release: day(2) }),
        rec({ id: "c", verdict: "INCONCLUSIVE", release: day(3) }),
        rec({ id: "d", verdict: "MONITOR", release: day(4) }),
      ],
      clean: "66.7 %",
      cfr: "33.3 %",
      deployments: 4,
    },
    {
      name: "re-checks of one release are one deployment, judged by the latest check",
      records: [
        rec({ id: "a", verdict: "INCONCLUSIVE", release: day(1), recordedAt: day(1) }),
        rec({ id: "b", verdict: "HOTFIX", release: day(1), recordedAt: day(2) }),
      ],
      clean: "0.0 %",
      cfr: "100.0 %",
      deployments: 1,
    },
    {
      name: "a mark on an earlier check of the release still counts",
      records: [
        rec({
          id: "a",
          verdict: "PROCEED",
          release: day(1),
          recordedAt: day(1),
          marks: [{ outcome: "unclean" }],
        }),
        rec({ id: "b", verdict: "PROCEED", release: day(1), recordedAt: day(2) }),
      ],
      clean: "0.0 %",
      cfr: "100.0 %",
      deployments: 1,
    },
    {
      name: "slots and replays are not production deployments for DORA",
      records: [
        rec({ id: "a", verdict: "ROLLBACK", release: day(1), prod: SLOT }),
        rec({ id: "b", verdict: "ROLLBACK", release: day(2), mode: "replay" }),
      ],
      clean: "0.0 %",
      cfr: "N/A",
      deployments: 2,
    },
  ];
  it.each(cases)("$name", ({ records, clean, cfr, deployments: count }) => {
    const ds = deployments(records);
    expect(ds).toHaveLength(count);
    expect(percent(cleanRate(ds))).toBe(clean);
    expect(percent(changeFailureRate(ds))).toBe(cfr);
  });

  it("median recovery: release to restored-at, over unclean deployments that have both", () => {
    const ds = deployments([
      rec({
        id: "a",
        verdict: "ROLLBACK",
        release: day(1),
        marks: [{ restoredAt: "2026-11-01T10:30:00.000Z" }],
      }),
      rec({
        id: "b",
        verdict: "HOTFIX",
        release: day(2),
        marks: [{ restoredAt: "2026-11-02T12:00:00.000Z" }],
      }),
      rec({
        id: "c",
        verdict: "HOTFIX",
        release: day(3),
        marks: [{ restoredAt: "2026-11-03T11:00:00.000Z" }],
      }),
      rec({ id: "d", verdict: "HOTFIX", release: day(4) }),
      // Clean again by a person's mark: not a failed deployment, its time is not a recovery.
      rec({ id: "e", verdict: "HOTFIX", release: day(5), marks: [{ outcome: "clean", restoredAt: day(9) }] }),
    ]);
    expect(medianRecoveryMinutes(ds)).toEqual({ median: 60, count: 3 });
    expect(medianRecoveryMinutes([])).toEqual({ median: null, count: 0 });
  });

  it("remediation mix from the latest mark; unrecorded when nobody said", () => {
    const ds = deployments([
      rec({ id: "a", verdict: "ROLLBACK", release: day(1), marks: [{ remediation: "rollback" }] }),
      rec({
        id: "b",
        verdict: "PROCEED",
        release: day(2),
        marks: [{ remediation: "hotfix" }, { remediation: "feature-on-previous-build" }],
      }),
      rec({ id: "c", verdict: "HOTFIX", release: day(3) }),
      rec({ id: "d", verdict: "PROCEED", release: day(4) }),
    ]);
    expect(remediationMix(ds)).toEqual({
      rollback: 1,
      hotfix: 0,
      "fix-forward": 0,
      "feature-on-previous-build": 1,
      unrecorded: 1,
    });
  });

  it("report filters by app and time, and buckets the clean rate by week", () => {
    const other = PROD.replace("/orders", "/billing");
    const summary = summariseLedger(
      [
        rec({ id: "a", verdict: "PROCEED", release: "2026-10-01T00:00:00.000Z" }),
        rec({ id: "b", verdict: "ROLLBACK", release: "2026-11-02T00:00:00.000Z" }),
        rec({ id: "c", verdict: "PROCEED", release: "2026-11-03T00:00:00.000Z" }),
        rec({ id: "d", verdict: "PROCEED", release: "2026-11-10T00:00:00.000Z", prod: other }),
      ],
      { app: "orders", since: new Date("2026-11-01T00:00:00Z"), until: new Date("2026-12-01T00:00:00Z") },
    );
    expect(summary.apps.map((a) => a.app)).toEqual(["orders"]);
    expect(summary.overall.deployments).toBe(2);
    expect(summary.overall.weekly).toEqual([
      { week: "2026-11-02", cleanRate: { numerator: 1, denominator: 2, rate: 0.5 } },
    ]);
    expect(renderReport(summary, "text")).toContain(
      "Change failure rate (DORA): 50.0 % (1/2 production deployments)",
    );
  });
});

describe("records and diffs from real checks", () => {
  it("a record keeps the verdict, findings, release and redacted snapshot, and no secret", async () => {
    const facts = await replayFacts(STORY);
    const result = judge(facts);
    const report = buildReport(result, { toolVersion: "t", exitCode: 5, failOn: "hotfix", mode: "replay" });
    const record = buildLedgerRecord(report, facts, {
      id: "x",
      recordedAt: "2026-12-01T00:00:00.000Z",
      bundle: bundleDigest({ "b.txt": "b", "a.txt": "a" }),
    });
    expect(record.verdict).toBe("HOTFIX");
    expect(record.outcome).toBe("unclean");
    expect(record.release.deploymentId).toBe("9b41e6d07a");
    expect(record.findings.map((f) => f.ruleId)).toContain("R09");
    expect(record.bundle?.files).toEqual({
      "a.txt": "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb",
      "b.txt": "3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d",
    });
    const text = JSON.stringify(record);
    expect(text).not.toMatch(/TEST-SECRET|AccountKey=|SharedAccessKey=|InstrumentationKey=/);
    expect(record.snapshot.prod.appSettings?.AzureWebJobsStorage?.hash).toMatch(/^[0-9a-f]{12}$/);
    expect(record.snapshot.prod).not.toHaveProperty("metrics");
  });

  it("diff: what the previous clean build ran on", async () => {
    const healthy = await replayFacts(HEALTHY);
    const changed = variant(healthy, (f) => {
      f.prod.config = { ...f.prod.config, use32BitWorkerProcess: true };
      setSetting(f.prod, "FUNCTIONS_WORKER_RUNTIME", "dotnet");
      setSetting(
        f.prod,
        "NEW_SECRET",
        "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=TEST-SECRET==",
      );
    });
    const make = (facts: typeof healthy, id: string, release: string) => {
      const report = buildReport(judge(facts), {
        toolVersion: "t",
        exitCode: 0,
        failOn: "hotfix",
        mode: "live",
      });
      return buildLedgerRecord({ ...report, release: { ...report.release, time: release } }, facts, {
        id,
        recordedAt: release,
      });
    };
    const before = make(healthy, "before", "2026-11-01T00:00:00.000Z");
    const after = make(changed, "after", "2026-11-02T00:00:00.000Z");
    expect(lastCleanBefore([before, after], after)?.id).toBe("before");
    expect(lastCleanBefore([before, after], before)).toBeUndefined();
    const diff = diffRecords(before, after);
    expect(diff.fields).toContainEqual({ field: "bitness", before: "64-bit", after: "32-bit" });
    expect(diff.settings).toContainEqual({
      kind: "app setting",
      name: "FUNCTIONS_WORKER_RUNTIME",
      change: "value changed",
      before: "dotnet-isolated",
      after: "dotnet",
    });
    expect(diff.settings).toContainEqual({ kind: "app setting", name: "NEW_SECRET", change: "added" });
    expect(JSON.stringify(diff)).not.toContain("TEST-SECRET");
  });
});

describe("rendering hostile text", () => {
  it.each([
    ['=HYPERLINK("http://x")', '"\'=HYPERLINK(""http://x"")"'],
    ["+1", `"'+1"`],
    ["-2+3", `"'-2+3"`],
    ["@SUM(A1)", `"'@SUM(A1)"`],
    ["\tcmd", `"'\tcmd"`],
    ["a,b", '"a,b"'],
    ["plain", '"plain"'],
  ])("csv cell %j", (input, expected) => expect(csvCell(input)).toBe(expected));

  it("numbers stay numbers in CSV", () => expect(csvCell(-5)).toBe("-5"));

  const hostile = rec({
    id: "<img src=x onerror=alert(1)>",
    verdict: "ROLLBACK",
    release: "2026-11-01T00:00:00.000Z",
    prod: `${PROD.replace("/orders", "/a")}`,
    marks: [{ reason: "=cmd|' /C calc'!A0\n##vso[task.setvariable]x", remediation: "rollback" }],
  });

  it("html escapes every text and has no script", () => {
    const html = renderList([hostile], "html");
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).not.toMatch(/<script/i);
    const report = renderReport(
      summariseLedger([hostile], { until: new Date("2026-12-01T00:00:00Z") }),
      "html",
    );
    expect(report).toContain("<svg");
    expect(report).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/i);
  });

  it("csv list cells are inert", () => {
    const csv = renderList([{ ...hostile, id: "=1+1", verdict: "ROLLBACK" }], "csv");
    expect(csv.split("\r\n")[1]).toMatch(/(^|,)"'=1\+1",/);
    expect(csv).not.toMatch(/(^|,)"?[=+@]/m);
  });

  it("text drops line breaks and CI commands from a person's reason", () => {
    const text = renderShow(hostile, "text");
    expect(text).not.toContain("##vso[");
    expect(text.split("\n").filter((l) => l.includes("calc"))).toHaveLength(1);
  });

  it("the chart says N/A with no judged deployment, and plots one point per week otherwise", () => {
    expect(cleanRateChart([])).toContain("N/A");
    const chart = cleanRateChart([
      { week: "2026-11-02", cleanRate: { numerator: 1, denominator: 2, rate: 0.5 } },
      { week: "2026-11-09", cleanRate: { numerator: 0, denominator: 0, rate: null } },
      { week: "2026-11-16", cleanRate: { numerator: 2, denominator: 2, rate: 1 } },
    ]);
    expect(chart.match(/<circle/g)).toHaveLength(2);
  });
});

describe("calendar windows", () => {
  const now = new Date("2026-12-06T10:00:00Z");
  it.each([
    ["quarter", undefined, "2026-10-01T00:00:00.000Z", "2027-01-01T00:00:00.000Z", "2026-Q4"],
    ["last-quarter", undefined, "2026-07-01T00:00:00.000Z", "2026-10-01T00:00:00.000Z", "2026-Q3"],
    ["2026-Q1", undefined, "2026-01-01T00:00:00.000Z", "2026-04-01T00:00:00.000Z", "2026-Q1"],
    ["2025-q4", undefined, "2025-10-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z", "2025-Q4"],
    ["2026-Q1", "2026-Q2", "2026-01-01T00:00:00.000Z", "2026-07-01T00:00:00.000Z", undefined],
    ["2026-11-01", "2026-11-30", "2026-11-01T00:00:00.000Z", "2026-12-01T00:00:00.000Z", undefined],
    ["30d", undefined, "2026-11-06T10:00:00.000Z", "2026-12-06T10:00:00.000Z", undefined],
  ])("--since %s --until %s", (since, until, from, to, quarter) => {
    const window = reportWindow(since, until, now);
    expect(window.since?.toISOString()).toBe(from);
    expect(window.until.toISOString()).toBe(to);
    expect(window.quarter).toBe(quarter);
  });

  it("last-quarter in January is the year before's Q4", () =>
    expect(reportWindow("last-quarter", undefined, new Date("2027-01-15T00:00:00Z")).quarter).toBe(
      "2026-Q4",
    ));

  it.each([
    ["soon", undefined, /--since: expected quarter, last-quarter, a quarter \(2026-Q3\)/],
    ["2026-Q5", undefined, /--since: expected/],
    [undefined, "later", /--until: expected/],
    ["2026-Q3", "2026-Q2", /is not before --until/],
  ])("--since %s --until %s is refused in one line", (since, until, message) =>
    expect(() => reportWindow(since, until, now)).toThrow(message),
  );

  it("the window holds releases at or after since and before until", () => {
    const window = reportWindow("2026-Q3", undefined, now);
    const summary = summariseLedger(
      [
        rec({ id: "before", verdict: "ROLLBACK", release: "2026-06-30T23:59:59.999Z" }),
        rec({ id: "first", verdict: "ROLLBACK", release: "2026-07-01T00:00:00.000Z" }),
        rec({ id: "last", verdict: "PROCEED", release: "2026-09-30T23:59:59.999Z" }),
        rec({ id: "after", verdict: "ROLLBACK", release: "2026-10-01T00:00:00.000Z" }),
      ],
      window,
    );
    expect(summary.uncleanDeployments.map((u) => u.id)).toEqual(["first"]);
    expect(summary.overall.deployments).toBe(2);
    expect(renderReport(summary, "text")).toMatch(/^Deployments, 2026-Q3 \(2026-07-01 to 2026-09-30\): 2 /);
  });
});

describe("which deployments were unclean, and why", () => {
  const eol = { extensionVersion: "~3", stack: "dotnetcore3 3.1", endOfLife: "2022-12-03T00:00:00.000Z" };
  const current = { extensionVersion: "~4", stack: "dotnet8 v8.0", endOfLife: "2026-11-10T00:00:00.000Z" };
  const story = (remediation: Mark["remediation"], previousStack?: StackNote) => [
    {
      ...rec({ id: "prev", verdict: "PROCEED", release: "2026-11-01T00:00:00.000Z" }),
      ...(previousStack ? { stack: { prod: previousStack } } : {}),
    },
    {
      ...rec({
        id: "hero",
        verdict: "HOTFIX",
        release: "2026-11-19T18:42:10.000Z",
        marks: [
          { reason: "timeouts after the move", by: "ana", remediation, servicenowChange: "CHG0031337" },
        ],
      }),
      drivers: ["R09 (prod): Production runs a 32-bit worker"],
      stack: { prod: current },
      warnings: [
        "If the previous build ran on runtime ~3 with .NET Core 3.1, the way back lands on end-of-life software",
      ],
    },
  ];
  const until = new Date("2026-12-01T00:00:00Z");

  it("one row per unclean deployment: reason, who, change, drivers, remediation", () => {
    const [row] = summariseLedger(story("feature-on-previous-build", eol), { until }).uncleanDeployments;
    expect(row).toMatchObject({
      id: "hero",
      reason: "timeouts after the move",
      markedBy: "ana",
      change: "CHG0031337",
      drivers: ["R09 (prod): Production runs a 32-bit worker"],
      remediation: "feature-on-previous-build",
      fix: { build: "previous", state: "end-of-life", stack: eol },
    });
  });

  it("the hero fix on the previous .NET Core 3.1 / runtime ~3 build says END OF LIFE in every format", () => {
    const summary = summariseLedger(story("feature-on-previous-build", eol), { until });
    expect(renderReport(summary, "text")).toContain(
      "feature-on-previous-build, on the previous build, dotnetcore3 3.1 on Functions runtime ~3: END OF LIFE since 2022-12-03",
    );
    expect(renderReport(summary, "html")).toMatch(
      /class="eol">on the previous build, dotnetcore3 3.1[^<]*END OF LIFE/,
    );
    const csvRows = renderReport(summary, "csv").split("\r\n\r\n")[1]!.split("\r\n");
    expect(csvRows[1]).toContain(
      ',"feature-on-previous-build","previous","dotnetcore3 3.1 on Functions runtime ~3","2022-12-03T00:00:00.000Z","end-of-life"',
    );
    expect(JSON.parse(renderReport(summary, "json")).uncleanDeployments[0].fix.state).toBe("end-of-life");
  });

  it.each([
    ["hotfix", undefined, "this", "end-of-life"],
    ["rollback", { ...eol, endOfLife: null }, "previous", "supported"],
    ["feature-on-previous-build", undefined, "previous", "warned"],
  ] as const)("%s lands on %s's stack → %s", (remediation, previous, build, state) => {
    const summary = summariseLedger(story(remediation, previous), { until });
    expect(summary.uncleanDeployments[0]!.fix).toMatchObject({ build, state });
  });

  it("an unmarked unclean deployment says the automatic verdict stands; old records' drivers come from findings", () => {
    const old = rec({ id: "old", verdict: "ROLLBACK", release: "2026-11-02T00:00:00.000Z" });
    old.findings = [{ ruleId: "M01", severity: "critical", environment: "prod", title: "5xx up" }];
    const summary = summariseLedger([old], { until });
    expect(summary.uncleanDeployments[0]).toMatchObject({
      reason: null,
      markedBy: null,
      drivers: ["M01 (prod): 5xx up"],
      fix: null,
    });
    expect(renderReport(summary, "text")).toContain("why:         not marked: the automatic verdict stands");
  });

  it("the HTML's N/A says why", () => {
    const html = renderReport(summariseLedger([], { until }), "html");
    expect(html).toMatch(/N\/A <span class="why">\(no judged production deployment in this window/);
    expect(html).toMatch(/N\/A <span class="why">\(no judged deployment in this window/);
  });
});

describe("ledger list: one deployment per release, its checks inside", () => {
  it("three checks of one release are one deployment, judged by the latest and any mark", () => {
    const release = "2026-11-19T18:42:10.000Z";
    const checks = [
      rec({ id: "c1", verdict: "PROCEED", release, recordedAt: "2026-11-19T19:00:00.000Z" }),
      rec({ id: "c2", verdict: "PROCEED", release, recordedAt: "2026-11-19T20:00:00.000Z" }),
      rec({ id: "c3", verdict: "ROLLBACK", release, recordedAt: "2026-11-19T21:00:00.000Z" }),
      rec({ id: "other", verdict: "PROCEED", release: "2026-11-24T07:15:30.000Z" }),
    ];
    const text = renderList(checks, "text");
    expect(text.split("\n").filter((l) => /^\S/.test(l))).toEqual([
      expect.stringMatching(/^release/),
      expect.stringMatching(/^2026-11-19T18:42 .* unclean \(3 checks\)$/),
      expect.stringMatching(/^2026-11-24T07:15 .* clean \(1 check\)$/),
    ]);
    const json = JSON.parse(renderList(checks, "json")) as {
      deployments: { outcome: string; checks: { id: string }[] }[];
    };
    expect(json.deployments.map((d) => [d.outcome, d.checks.map((c) => c.id)])).toEqual([
      ["unclean", ["c1", "c2", "c3"]],
      ["clean", ["other"]],
    ]);
    expect(renderList(checks, "csv").split("\r\n").filter(Boolean)).toHaveLength(5);
    expect(renderList(checks, "html").match(/rowspan="3"/g)).toHaveLength(4);
  });
});
