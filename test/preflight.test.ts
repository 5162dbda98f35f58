import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HttpClient, PipelineRequest } from "@azure/core-rest-pipeline";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { analyse } from "../src/analyse/analyse.js";
import type { Finding } from "../src/analyse/rule.js";
import { READINESS_RULES } from "../src/analyse/rules/readiness.js";
import { collectCheckFacts } from "../src/collect/azure.js";
import { createReplayHttpClient, readRecording } from "../src/collect/recording.js";
import type { CheckFacts } from "../src/core/facts.js";
import { parseAppId } from "../src/core/resource-id.js";
import { judgePreflight, PREFLIGHT_RULES } from "../src/preflight.js";
import type { StandIn } from "./support/azure-stand-in.mjs";
import { loadRecording, startLive } from "./support/live-stand-in.mjs";
import {
  HASH_KEY,
  HEALTHY,
  ROOT,
  runCli,
  runInProcess,
  setSetting,
  STORY,
  TEST_CREDENTIAL,
  variant,
} from "./helpers.js";

/** Facts as preflight collects them (no metric windows), and every request it sent. */
async function preflightFacts(dir: string): Promise<{ facts: CheckFacts; sent: PipelineRequest[] }> {
  const recording = await readRecording(join(ROOT, dir));
  const inner = createReplayHttpClient(recording);
  const sent: PipelineRequest[] = [];
  const httpClient: HttpClient = { sendRequest: (r) => (sent.push(r), inner.sendRequest(r)) };
  const facts = await collectCheckFacts(
    { credential: TEST_CREDENTIAL, httpClient, retryOptions: { maxRetries: 0 } },
    { qa: parseAppId(recording.apps.qa, "qa"), prod: parseAppId(recording.apps.prod, "prod") },
    { now: new Date(recording.recordedAt), hashKey: HASH_KEY },
  );
  return { facts, sent };
}

let healthy: CheckFacts;
let story: { facts: CheckFacts; sent: PipelineRequest[] };
beforeAll(async () => {
  healthy = (await preflightFacts(HEALTHY)).facts;
  story = await preflightFacts(STORY);
});

interface Case {
  name: string;
  edit: (f: CheckFacts) => void;
  expect: {
    ruleId: string;
    /** The rule's message (`Finding.messageId`). */
    message: string;
    severity: Finding["severity"];
    /** The title's values, where the rule computes them (a date). */
    title?: RegExp;
    command?: RegExp;
  }[];
}

const CASES: Case[] = [
  {
    name: "the healthy upgrade is ready: same bitness, a staging slot, a supported stack",
    edit: () => {},
    expect: [],
  },
  {
    name: "P01: production 32-bit on ~3 while QA tested 64-bit on ~4",
    edit: (f) => {
      setSetting(f.prod, "FUNCTIONS_EXTENSION_VERSION", "~3");
      f.prod.config!.use32BitWorkerProcess = true;
    },
    expect: [
      {
        ruleId: "P01",
        message: "drift",
        severity: "high",
        command: /--use-32bit-worker-process false$/,
      },
    ],
  },
  {
    name: "P01 leaves production on ~4 to R09 (one finding, one fix)",
    edit: (f) => (f.prod.config!.use32BitWorkerProcess = true),
    expect: [],
  },
  {
    name: "P01: both 32-bit is what QA tested",
    edit: (f) => {
      f.qa.config!.use32BitWorkerProcess = true;
      f.prod.config!.use32BitWorkerProcess = true;
      setSetting(f.prod, "FUNCTIONS_EXTENSION_VERSION", "~3");
    },
    expect: [],
  },
  {
    name: "P02: no slot and no recorded deployment leaves no way back",
    edit: (f) => {
      f.prod.slots = [];
      f.prod.deployments = [];
    },
    expect: [{ ruleId: "P02", message: "none", severity: "medium" }],
  },
  {
    name: "P02: a recorded successful deployment is a way back",
    edit: (f) => {
      f.prod.slots = [];
      f.prod.deployments = [{ id: "abc", status: 4, active: true, endTime: "2026-11-01T00:00:00Z" }];
    },
    expect: [],
  },
  {
    name: "P02: a failed deployment is not",
    edit: (f) => {
      f.prod.slots = [];
      f.prod.deployments = [{ id: "abc", status: 3, active: false, endTime: "2026-11-01T00:00:00Z" }];
    },
    expect: [{ ruleId: "P02", message: "none", severity: "medium" }],
  },
  {
    name: "P03: the way back is a stack past its end of life",
    edit: (f) => {
      const row = f.stacks.rows.find((r) => r === analyse(f, []).profiles.prod.stack)!;
      row.endOfLife = "2026-01-01T00:00:00.000Z";
    },
    expect: [{ ruleId: "P03", severity: "medium", message: "past", title: /since 2026-01-01/ }],
  },
  {
    name: "P03: within six months of its end of life",
    edit: (f) => {
      const row = f.stacks.rows.find((r) => r === analyse(f, []).profiles.prod.stack)!;
      row.endOfLife = "2027-02-01T00:00:00.000Z";
    },
    expect: [{ ruleId: "P03", severity: "medium", message: "soon", title: /on 2027-02-01/ }],
  },
];

describe("rollback readiness rules", () => {
  it("every readiness rule has a stable P id, wording, a doc link and a case below", () => {
    for (const rule of READINESS_RULES) {
      expect(rule.id).toMatch(/^P\d\d$/);
      expect(rule.docs).toMatch(/^https:\/\/learn\.microsoft\.com\//);
      expect(Object.keys(rule.messages).length).toBeGreaterThan(0);
      expect(CASES.some((c) => c.name.startsWith(rule.id))).toBe(true);
    }
  });

  for (const c of CASES) {
    it(c.name, () => {
      const { findings, unknowns } = analyse(variant(healthy, c.edit), READINESS_RULES);
      expect(unknowns).toEqual([]);
      expect(findings.map((f) => f.ruleId)).toEqual(c.expect.map((e) => e.ruleId));
      for (const [i, e] of c.expect.entries()) {
        const f = findings[i]!;
        expect(f.severity).toBe(e.severity);
        expect(f.environment).toBe("prod");
        expect(f.messageId).toBe(e.message);
        if (e.title) expect(f.title).toMatch(e.title);
        if (e.command) expect(f.fix?.commands.join("\n")).toMatch(e.command);
      }
    });
  }
});

describe("preflight (core)", () => {
  it("reads no metrics and no Application Insights: one wave of configuration reads", () => {
    expect(story.sent.length).toBeGreaterThan(10);
    expect(
      story.sent.filter((r) => /\/metrics|metricDefinitions|\/query$/i.test(new URL(r.url).pathname)),
    ).toEqual([]);
    expect(story.facts.metricWindows).toBeUndefined();
    expect(story.facts.prod.metrics).toBeUndefined();
    expect(story.facts.prod.logs).toBeUndefined();
  });

  it("fails the story before the release on the 32-bit worker, with the fix", () => {
    const result = judgePreflight(story.facts);
    expect(result.recommendation.action).toBe("HOTFIX");
    const bitness = result.analysis.findings.find((f) => f.evidence.setting === "use32BitWorkerProcess")!;
    expect(bitness.environment).toBe("prod");
    expect(bitness.fix!.commands).toEqual([
      "az functionapp config set -g rg-orders-prod -n orders-func-prod --use-32bit-worker-process false",
    ]);
    const { plan } = result.recommendation;
    expect(plan.map((s) => s.kind)).toEqual(["change", "command", "check-again"]);
    expect(plan[1]).toMatchObject({ command: bitness.fix!.commands[0], fixIds: [bitness.fix!.id] });
    expect(plan[2]!.command).toMatch(/^azfn-health preflight --qa /);
    expect(result.recommendation.alternatives.join("\n")).not.toMatch(/Roll back instead/);
  });

  it("never runs the release-time (metric) rules, so the healthy upgrade is PROCEED, not INCONCLUSIVE", () => {
    expect(PREFLIGHT_RULES.some((r) => r.id.startsWith("M"))).toBe(false);
    const result = judgePreflight(healthy);
    expect(result.analysis.unknowns).toEqual([]);
    expect(result.analysis.findings).toEqual([]);
    expect(result.recommendation.action).toBe("PROCEED");
  });
});

describe("preflight (CLI)", () => {
  let standIn: StandIn | undefined;
  afterEach(async () => {
    if (standIn) expect(standIn.state.violations).toEqual([]);
    await standIn?.close();
    standIn = undefined;
  });

  it("replays the story: exit 5, naming use32BitWorkerProcess and the az fix", async () => {
    const run = await runInProcess(["preflight", "--from", STORY]);
    expect(run.code).toBe(5);
    expect(run.stdout).toMatch(/^azfn-health preflight/m);
    expect(run.stdout).toMatch(/use32BitWorkerProcess/);
    expect(run.stdout).toMatch(
      /az functionapp config set -g rg-orders-prod -n orders-func-prod --use-32bit-worker-process false/,
    );
    expect(run.stdout).not.toMatch(/M0\d/);
  });

  it("speaks JSON, CI and the evidence bundle like check", async () => {
    const out = mkdtempSync(join(tmpdir(), "azfn-preflight-"));
    const ghOutput = join(out, "github-output");
    const run = await runInProcess(
      ["preflight", "--from", STORY, "--format", "json", "--out", join(out, "bundle"), "--ci", "github"],
      { GITHUB_OUTPUT: ghOutput },
    );
    expect(run.code).toBe(5);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ moment: "preflight", verdict: "HOTFIX", exitCode: 5 });
    expect(readdirSync(join(out, "bundle"))).toEqual(
      expect.arrayContaining(["report.json", "plan.sh", "report.html"]),
    );
    expect(readFileSync(ghOutput, "utf8")).toMatch(/verdict=HOTFIX/);
    expect(run.stderr).toMatch(/::error/);
  });

  it("lists and explains the readiness rules, as the report's `why:` lines promise", async () => {
    const [rules, explain] = await Promise.all([runInProcess(["rules"]), runInProcess(["explain", "p02"])]);
    expect(rules.stdout).toMatch(
      /^P01 {2}high +Production will run the release with the worker bitness QA tested$/m,
    );
    expect(explain.code).toBe(0);
    expect(explain.stdout).toMatch(/^P02 {2}Production has a way back/);
    expect(explain.stdout).toMatch(/^Docs: https:\/\/learn\.microsoft\.com\//m);
  });

  it("JUnit lists preflight's own rules: P cases, no metric case passing by not running", async () => {
    const run = await runInProcess(["preflight", "--from", STORY, "--format", "junit"]);
    expect(run.stdout).toMatch(
      /<testcase classname="azfn-health.prod" name="P03 A rollback would land on a supported runtime" time="0">\s*<failure type="medium"/,
    );
    expect(run.stdout).not.toMatch(/name="M0\d/);
  });

  it("a healthy pair passes: exit 0", async () => {
    const run = await runInProcess(["preflight", "--from", HEALTHY, "--format", "json"]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).verdict).toBe("PROCEED");
  });

  it("works live against the stand-in, with no metric or log request", async () => {
    const live = await startLive(loadRecording(STORY));
    standIn = live.standIn;
    const run = await runCli(live.args("preflight", "--format", "json"), live.env);
    expect(run.code).toBe(5);
    expect(JSON.parse(run.stdout).verdict).toBe("HOTFIX");
    const arm = standIn.state.requests.filter(
      (r) => r.path.startsWith("/subscriptions") || r.path.startsWith("/providers"),
    );
    expect(arm.length).toBe(22);
    expect(arm.filter((r) => /metric|\/query$/i.test(r.path))).toEqual([]);
  });
});

describe("report-only rules (configuration)", () => {
  it("are reported with their would-be severity but never fail the gate", async () => {
    const dir = mkdtempSync(join(tmpdir(), "azfn-report-only-"));
    const config = join(dir, "azfn-health.config.yaml");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(config, "rules:\n  R09: report-only\n  P03: report-only\n");
    const gated = await runInProcess(["preflight", "--from", STORY, "--format", "json"]);
    const trial = await runInProcess(["preflight", "--from", STORY, "--format", "json", "--config", config]);
    expect(gated.code).toBe(5);
    // R09 no longer asks for a hotfix; the remaining warnings (end of life) make it MONITOR, below --fail-on hotfix.
    expect(trial.code).toBe(0);
    const report = JSON.parse(trial.stdout);
    expect(report.verdict).toBe("MONITOR");
    const r09 = report.findings.find((f: Finding) => f.ruleId === "R09");
    expect(r09).toMatchObject({ severity: "info", reportOnly: { severity: "high" } });
    expect(r09.title).toMatch(/report only: would be high/);
    expect(report.recommendation.drivers.join("\n")).not.toMatch(/R09/);
  });

  it("a report-only rule that cannot judge is set aside, not INCONCLUSIVE", async () => {
    const { applyPolicy } = await import("../src/analyse/policy.js");
    const facts = variant(healthy, (f) => {
      delete f.prod.deployments;
      f.prod.gaps.push({ source: "deployments", reason: "HTTP 403", statusCode: 403 });
    });
    const analysis = analyse(facts, READINESS_RULES);
    expect(analysis.unknowns.map((u) => u.ruleId)).toEqual(["P02"]);
    const applied = applyPolicy(analysis, { severities: {}, ignores: [], reportOnly: ["P02"] });
    expect(applied.analysis.unknowns).toEqual([]);
    expect(applied.ignored).toMatchObject([{ ruleId: "P02", reason: "report only: never gates" }]);
  });
});
