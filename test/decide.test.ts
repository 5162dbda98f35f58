import { beforeAll, describe, expect, it } from "vitest";
import type { Analysis } from "../src/analyse/analyse.js";
import { analyse } from "../src/analyse/analyse.js";
import { fixId, type Finding, type Fix, type Unknown } from "../src/analyse/rule.js";
import { judge } from "../src/check.js";
import type { CheckFacts } from "../src/core/facts.js";
import { decide, type Recommendation } from "../src/decide/decide.js";
import { resolveRelease } from "../src/core/release.js";
import { HEALTHY, REGRESSION, replayFacts, STORY, variant } from "./helpers.js";
import { buildFacts } from "./support/facts.js";

let healthy: CheckFacts;
let story: CheckFacts;
beforeAll(async () => {
  [healthy, story] = await Promise.all([replayFacts(HEALTHY), replayFacts(STORY)]);
});

/** A finding as `analyse` makes one: its message id, and its fix's id derived from them. */
function finding(over: Partial<Omit<Finding, "fix">> & { fix?: Fix }): Finding {
  const { fix, ...rest } = over;
  const made = {
    ruleId: "T01",
    messageId: "test",
    docs: "https://learn.microsoft.com/azure/azure-functions/",
    severity: "high" as const,
    environment: "prod" as const,
    title: "a test finding",
    evidence: { setting: "X" },
    ...rest,
  };
  return { ...made, ...(fix ? { fix: { ...fix, id: fixId(made.ruleId, made.messageId, fix) } } : {}) };
}
/** A plan as its steps' kinds and ids: what a test checks instead of the sentences. */
const planShape = (plan: Recommendation) =>
  plan.plan.map((s) => [s.kind, s.id ?? s.fixIds?.join(",") ?? (s.command ? "command" : "")]);
const config = {
  kind: "config" as const,
  summary: "set X",
  commands: ["az functionapp config set -g rg -n app --x y"],
};
const rollback = { kind: "rollback" as const, summary: "roll back", commands: [] };
const code = { kind: "code" as const, summary: "migrate", commands: [] };
const unknown: Unknown = {
  ruleId: "R09",
  environment: "prod",
  missing: ["config"],
  reason: "config: HTTP 503",
};

function verdictOf(facts: CheckFacts, findings: Finding[], unknowns: Unknown[] = []) {
  const analysis: Analysis = { ...analyse(facts), findings, unknowns };
  return decide(analysis, facts, resolveRelease(facts.prod));
}

describe("decision table", () => {
  const rows: [string, Finding[], Unknown[], string][] = [
    ["nothing found", [], [], "PROCEED"],
    ["info only", [finding({ severity: "info" })], [], "PROCEED"],
    ["a low warning", [finding({ severity: "low", fix: config })], [], "MONITOR"],
    [
      "a critical config problem in QA only",
      [finding({ severity: "critical", environment: "qa", fix: config })],
      [],
      "MONITOR",
    ],
    ["a high production finding that needs code", [finding({ fix: code })], [], "MONITOR"],
    [
      "a critical production finding only a rebuild fixes",
      [finding({ severity: "critical", fix: code })],
      [],
      "ROLLBACK",
    ],
    [
      // Property 2: a critical cause only a build fixes forbids HOTFIX, whatever else is configurable.
      "a critical rebuild, and a config fix for something else",
      [finding({ severity: "critical", fix: code }), finding({ fix: config })],
      [],
      "ROLLBACK",
    ],
    [
      "a high cause only a new app fixes, and a config fix: no hotfix, production runs",
      [finding({ ruleId: "D05", fix: code }), finding({ fix: config })],
      [],
      "MONITOR",
    ],
    [
      "a critical rebuild in QA only",
      [finding({ severity: "critical", environment: "qa", fix: code })],
      [],
      "MONITOR",
    ],
    ["a high production finding fixed by config", [finding({ fix: config })], [], "HOTFIX"],
    [
      "a critical finding on both, fixed by config",
      [finding({ severity: "critical", environment: "both", fix: config })],
      [],
      "HOTFIX",
    ],
    ["production broken, no config fix", [finding({ severity: "critical", fix: rollback })], [], "ROLLBACK"],
    [
      // A symptom (host or metric) that a configuration cause explains: the hotfix, with rollback as fallback.
      "production broken (a symptom), and a config fix for it",
      [finding({ ruleId: "M01", severity: "critical", fix: rollback }), finding({ fix: config })],
      [],
      "HOTFIX",
    ],
    [
      "a critical cause only a rollback fixes, and a config fix for something else",
      [finding({ severity: "critical", fix: rollback }), finding({ ruleId: "T02", fix: config })],
      [],
      "ROLLBACK",
    ],
    [
      "a medium rollback-kind finding is a warning",
      [finding({ severity: "medium", fix: rollback })],
      [],
      "MONITOR",
    ],
    ["missing facts", [], [unknown], "INCONCLUSIVE"],
    ["missing facts beat a warning", [finding({ severity: "low" })], [unknown], "INCONCLUSIVE"],
    ["a hotfix is still a hotfix with facts missing", [finding({ fix: config })], [unknown], "HOTFIX"],
    // The unread fact may hold the configuration fix: broken, but not a confident rollback (issue 11).
    [
      "a rollback with facts missing is inconclusive",
      [finding({ severity: "critical", fix: rollback })],
      [unknown],
      "INCONCLUSIVE",
    ],
  ];
  for (const [name, findings, unknowns, verdict] of rows) {
    it(`${name} → ${verdict}`, () => expect(verdictOf(healthy, findings, unknowns).action).toBe(verdict));
  }
});

describe("plans", () => {
  it("a rollback for a rebuild names the rebuild, and the command for after it as a comment", () => {
    const rebuild = {
      kind: "code" as const,
      summary: "Rebuild for python 3.14",
      commands: ["az functionapp config set -g rg -n app --linux-fx-version 'Python|3.14'"],
    };
    const plan = verdictOf(healthy, [finding({ severity: "critical", fix: rebuild })]);
    expect(plan.action).toBe("ROLLBACK");
    expect(planShape(plan)).toEqual([
      ["way-back", "swap-back"],
      ["command", "command"],
      ["rebuild", "T01.test"],
      ["after-build", "T01.test"],
    ]);
    expect(plan.plan.at(-1)!.command).toBe(rebuild.commands[0]);
    // After the build, not now: a comment in any script.
    expect(plan.steps.at(-1)).toBe(`#   after deploying the new build: ${rebuild.commands[0]}`);
  });

  it("a hotfix lists each change once, with the ids of the findings and fixes it carries out", () => {
    const other = { ...config, summary: "set Z", commands: ["az functionapp config set -g rg -n app --z 1"] };
    const plan = verdictOf(healthy, [
      finding({ fix: config }),
      finding({ ruleId: "T02", messageId: "drift", fix: config }),
      finding({ ruleId: "T03", fix: other }),
    ]);
    expect(plan.plan.map(({ kind, ruleIds, fixIds }) => ({ kind, ruleIds, fixIds }))).toEqual([
      { kind: "change", ruleIds: ["T01", "T02"], fixIds: ["T01.test", "T02.drift"] },
      { kind: "command", ruleIds: ["T01", "T02"], fixIds: ["T01.test", "T02.drift"] },
      { kind: "change", ruleIds: ["T03"], fixIds: ["T03.test"] },
      { kind: "command", ruleIds: ["T03"], fixIds: ["T03.test"] },
      { kind: "check-again" },
    ]);
    expect(plan.plan.filter((s) => s.kind === "command").map((s) => s.command)).toEqual([
      config.commands[0],
      other.commands[0],
    ]);
  });

  // The wording of the plan's lines, said once in decide/plan.ts: the one test of the sentences.
  it("a hotfix's lines: each change once as an az command, then a re-check", () => {
    const other = { ...config, summary: "set Z", commands: ["az functionapp config set -g rg -n app --z 1"] };
    const plan = verdictOf(healthy, [
      finding({ fix: config }),
      finding({ ruleId: "T02", fix: config }),
      finding({ ruleId: "T03", fix: other }),
    ]);
    expect(plan.steps).toEqual([
      "# T01, T02: set X",
      "az functionapp config set -g rg -n app --x y",
      "# T03: set Z",
      "az functionapp config set -g rg -n app --z 1",
      expect.stringMatching(
        /^# Then check again: azfn-health check --qa \/subscriptions\/.* --prod .* --since 2026-11-24T07:15:30\.000Z$/,
      ),
    ]);
    expect(plan.drivers).toEqual([
      "T01 (prod): a test finding",
      "T02 (prod): a test finding",
      "T03 (prod): a test finding",
    ]);
    expect(plan.alternatives[0]).toMatch(/^Roll back instead: az functionapp deployment slot swap/);
  });

  it("rolls back by swapping the slot that holds the previous build", () => {
    const plan = verdictOf(healthy, [finding({ severity: "critical", fix: rollback })]);
    expect(planShape(plan)).toEqual([
      ["way-back", "swap-back"],
      ["command", "command"],
    ]);
    expect(plan.plan[1]!.command).toBe(
      "az functionapp deployment slot swap -g rg-orders-prod -n orders-func-prod --slot staging --target-slot production",
    );
    expect(plan.warnings.join(" ")).toMatch(/WEBSITE_OVERRIDE_STICKY_EXTENSION_VERSIONS=0/);
    expect(plan.alternatives.join(" ")).toMatch(/previous known-good build/);
  });

  it("without a slot, redeploys the last good deployment, named: no guess at the runtime it ran", () => {
    const plan = verdictOf(story, [finding({ severity: "critical", fix: rollback })]);
    expect(planShape(plan)[0]).toEqual(["way-back", "redeploy"]);
    expect(plan.plan[1]!.command).toBe(
      "az functionapp deployment source config-zip -g rg-orders-prod -n orders-func-prod --src '<package of deployment 4c0d2a9e11>'",
    );
    expect(plan.warnings.join(" ")).not.toMatch(/If the previous build ran on runtime ~3/);
  });

  it("with no earlier deployment, says to redeploy from the pipeline and warns that it may be end-of-life", () => {
    const facts = variant(story, (f) => {
      f.prod.deployments = f.prod.deployments!.slice(0, 1);
    });
    const plan = verdictOf(facts, [finding({ severity: "critical", fix: rollback })]);
    expect(planShape(plan)).toEqual([["way-back", "pipeline"]]);
    expect(plan.warnings.join(" ")).toMatch(
      /end-of-life .*runtime 3\.x since 2022-12-13, \.NET Core 3\.1 since 2022-12-13/,
    );
  });

  it("a hotfix with no earlier deployment offers the way back in words, with no plan comment's #", () => {
    const facts = variant(story, (f) => {
      f.prod.deployments = f.prod.deployments!.slice(0, 1);
    });
    const plan = judge(facts).recommendation;
    expect(plan.action).toBe("HOTFIX");
    expect(plan.alternatives[0]).toBe(
      "Roll back instead: No earlier deployment is recorded on the app: redeploy the last known-good build " +
        "from your pipeline.",
    );
    expect(plan.alternatives.join(" ")).not.toContain("#");
  });

  it.each([
    ["a configuration finding (R09) names the change to leave for later", "R09", true],
    ["a drift finding (D01) names it too", "D01", true],
    ["a metric finding alone (a code regression) does not", "M01", false],
  ])("shipping the feature on the old build: %s", (_, ruleId, named) => {
    const plan = verdictOf(healthy, [finding({ ruleId, severity: "critical", fix: rollback })]);
    expect(plan.alternatives.at(-1)).toMatch(/^Ship the feature on the previous known-good build: /);
    expect(plan.alternatives.at(-1)!.includes("runtime or configuration change")).toBe(named);
  });

  it("broken production with a fact unread: INCONCLUSIVE naming both, the way back as the alternative", () => {
    const plan = verdictOf(healthy, [finding({ severity: "critical", fix: rollback })], [unknown]);
    expect(plan.action).toBe("INCONCLUSIVE");
    expect(plan.summary).toMatch(
      /^Production is broken \(a test finding\), but the check could not judge 1 rule/,
    );
    expect(plan.summary).toContain("prod config: HTTP 503");
    expect(plan.drivers).toEqual(["T01 (prod): a test finding", "R09 (prod): unknown, config: HTTP 503"]);
    expect(planShape(plan)).toEqual([["advice", "grant-access-or-roll-back"]]);
    expect(plan.alternatives[0]).toBe(
      "Roll back now: az functionapp deployment slot swap -g rg-orders-prod -n orders-func-prod --slot staging " +
        "--target-slot production",
    );
  });

  it("a hotfix with a fact unread says its plan covers only what was read", () => {
    const plan = verdictOf(healthy, [finding({ fix: config })], [unknown]);
    expect(plan.action).toBe("HOTFIX");
    expect(plan.warnings).toContain(
      "The plan covers what the check could read; it could not judge: prod config: HTTP 503.",
    );
  });

  it("the story is a HOTFIX: production's 32-bit worker, fixed by one command, with the 5xx rise as the fallback trigger", () => {
    const { recommendation } = judge(story);
    expect(recommendation.action).toBe("HOTFIX");
    expect(recommendation.drivers).toEqual([
      "M03 (prod): Production 32-bit worker peaks at 1.92 GiB of its ~2 GB address space (PrivateBytes)",
      "R09 (prod): Production runs a 32-bit worker (use32BitWorkerProcess) while QA ran 64-bit",
      "M01 (prod): Production 5xx rate rose from 0.33 % to 4.03 % of requests after the release, explained by M03, R09",
      // Far slower too (M10, critical), and the same 32-bit worker explains it: a hotfix, not a rollback.
      "M10 (prod): Production responds 4.7× slower after the release: 297 ms before, 1.39 s in the latest 44 buckets, explained by M03, R09",
    ]);
    // Said once, here: every format shows it as M01's fix.
    expect(recommendation.explained).toEqual([
      {
        ruleId: "M01",
        environment: "prod",
        by: ["M03", "R09"],
        fix: "Explained by M03, R09: the plan's change is the fix; if M01 persists after it, roll back (see alternatives).",
      },
      {
        ruleId: "M10",
        environment: "prod",
        by: ["M03", "R09"],
        fix: "Explained by M03, R09: the plan's change is the fix; if M10 persists after it, roll back (see alternatives).",
      },
    ]);
    expect(recommendation.summary).toMatch(/^Production needs 1 configuration change: /);
    expect(planShape({ ...recommendation, plan: recommendation.plan.slice(0, 2) })).toEqual([
      ["change", "M03.bitness,R09.drift"],
      ["command", "M03.bitness,R09.drift"],
    ]);
    expect(recommendation.plan[1]!.command).toBe(
      "az functionapp config set -g rg-orders-prod -n orders-func-prod --use-32bit-worker-process false",
    );
    expect(recommendation.warnings[0]).toBe(
      "If M01 or M10 persists after these changes, roll back (see alternatives).",
    );
  });

  it("a code regression with identical configuration is a ROLLBACK by slot swap", async () => {
    const { recommendation } = judge(await replayFacts(REGRESSION));
    expect(recommendation.action).toBe("ROLLBACK");
    expect(recommendation.drivers).toEqual([
      "M01 (prod): Production 5xx rate rose from 0.00 % to 5.24 % of requests after the release",
    ]);
    expect(recommendation.plan[1]!.command).toBe(
      "az functionapp deployment slot swap -g rg-orders-prod -n orders-func-prod --slot staging --target-slot production",
    );
  });

  it("the healthy upgrade is PROCEED", () => {
    expect(judge(healthy).recommendation.action).toBe("PROCEED");
  });

  // test/support/facts.ts builds the rule tests' facts in code: it must say what the recording says.
  it("the facts builder's healthy pair has the recording's facts and its PROCEED", async () => {
    const built = await buildFacts();
    for (const role of ["qa", "prod"] as const) {
      expect(Object.keys(built[role]).sort()).toEqual(Object.keys(healthy[role]).sort());
      expect(Object.keys(built[role].appSettings!).sort()).toEqual(
        Object.keys(healthy[role].appSettings!).sort(),
      );
      expect(Object.keys(built[role].metrics!.series).sort()).toEqual(
        Object.keys(healthy[role].metrics!.series).sort(),
      );
      const { metrics: _m, logs: _l, appSettings: _a, connectionStrings: _c, ...rest } = built[role];
      const {
        metrics: _rm,
        logs: _rl,
        appSettings: _ra,
        connectionStrings: _rc,
        ...recorded
      } = healthy[role];
      expect(rest).toEqual(recorded);
    }
    expect(built.metricWindows).toEqual(healthy.metricWindows);
    const judged = judge(built);
    expect([judged.recommendation.action, judged.analysis.findings, judged.analysis.unknowns]).toEqual([
      "PROCEED",
      [],
      [],
    ]);
  });
});

describe("release time", () => {
  it("prefers --since, then the later of deployment and swap, then last modified", () => {
    const since = new Date("2026-11-24T08:00:00Z");
    expect(resolveRelease(healthy.prod, since)).toMatchObject({
      time: since.toISOString(),
      source: "--since",
    });
    expect(resolveRelease(healthy.prod)).toMatchObject({
      time: "2026-11-24T07:15:30.000Z",
      source: "slot swap",
    });
    expect(resolveRelease(story.prod)).toMatchObject({
      time: "2026-11-19T18:42:10.000Z",
      source: "deployment",
      detail: "end of deployment 9b41e6d07a by release-pipeline",
    });
    const noDeployments = variant(story, (f) => {
      f.prod.deployments = [{ id: "x", status: 3, active: false, endTime: "2026-11-19T19:00:00Z" }];
    });
    expect(resolveRelease(noDeployments.prod)).toMatchObject({
      time: "2026-11-19T18:44:02.000Z",
      source: "site last modified",
    });
    const nothing = variant(story, (f) => {
      delete f.prod.deployments;
      delete f.prod.site!.lastModified;
    });
    expect(resolveRelease(nothing.prod)).toMatchObject({ source: "unknown" });
  });
});

describe("the preflight's wording comes from decide, not from editing its sentences", () => {
  it("before the deploy: the same verdict, drivers and fixes; a preflight re-run; no way back yet", () => {
    const analysis: Analysis = { ...analyse(story), findings: [finding({ fix: config })], unknowns: [] };
    const release = resolveRelease(story.prod);
    const after = decide(analysis, story, release, "check");
    const before = decide(analysis, story, release, "preflight");
    expect(before.action).toBe(after.action);
    expect(before.drivers).toEqual(after.drivers);
    // Every step but the re-run is the same fix; the re-run names the moment's own command.
    expect(before.plan.slice(0, -1)).toEqual(after.plan.slice(0, -1));
    expect([before.plan.at(-1)!.kind, after.plan.at(-1)!.kind]).toEqual(["check-again", "check-again"]);
    expect(before.plan.at(-1)!.command).toMatch(/^azfn-health preflight --qa /);
    expect(after.plan.at(-1)!.command).toMatch(/^azfn-health check --qa /);
    // Nothing is deployed yet: the alternatives lose the roll-back, and keep the rest.
    expect(before.alternatives).toEqual(after.alternatives.slice(1));
    expect(before.summary).not.toBe(after.summary);
  });
});
