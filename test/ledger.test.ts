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
} from "../src/ledger/record.js";
import { cleanRateChart, csvCell, renderList, renderReport, renderShow } from "../src/ledger/render.js";
import { bundleDigest } from "../src/ledger/sink.js";
import { buildReport } from "../src/report/model.js";
import { HEALTHY, replayFacts, setSetting, STORY, variant } from "./helpers.js";

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

  it("ids sort by time and carry 4 hex digits", () => {
    expect(recordId(new Date("2026-12-01T10:15:00.123Z"), () => 0.5)).toBe("20261201T101500Z-8000");
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
    expect(csv.split("\r\n")[1]).toMatch(/^"'=1\+1",/);
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
