import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { configJsonSchema } from "../src/config/schema.js";
import { ROOT, runCli, STORY } from "./helpers.js";

const recording = JSON.parse(readFileSync(join(ROOT, STORY, "recording.json"), "utf8")) as {
  apps: { qa: string; prod: string };
};
const STORY_DIR = join(ROOT, STORY);

function withConfig(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "azfn-config-"));
  writeFileSync(join(dir, name), text);
  return dir;
}

const YAML = `# The story's apps under names of our own
environments:
  staging: ${recording.apps.qa}
  live: ${recording.apps.prod}
qa: staging
prod: live
failOn: rollback
metrics:
  thresholds:
    HttpResponseTime: { minChange: 9 }
rules:
  R11: { ignore: "EOL migration planned for Q1 (CHG-1234)" }
  R12: low
  M08: { ignore: "QA is smaller by design", environment: prod }
`;

describe("configuration file", () => {
  it("names environments, sets fail-on, severities, ignores with reasons and thresholds", async () => {
    const cwd = withConfig("azfn-health.config.yaml", YAML);
    const run = await runCli(["check", "--from", STORY_DIR, "--format", "json"], {}, cwd);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0); // HOTFIX is below failOn: rollback
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({
      verdict: "HOTFIX",
      failOn: "rollback",
      config: join(cwd, "azfn-health.config.yaml"),
    });
    expect(
      report.findings
        .filter((f: { ruleId: string }) => f.ruleId === "R12")
        .map((f: { severity: string }) => f.severity),
    ).toEqual(["low", "low"]);
    expect(report.findings.some((f: { ruleId: string }) => f.ruleId === "R11" || f.ruleId === "M08")).toBe(
      false,
    );
    expect(report.ignored).toEqual(
      expect.arrayContaining([
        {
          ruleId: "R11",
          messageId: "past",
          environment: "prod",
          title: expect.stringContaining(".NET 6 In-process"),
          reason: "EOL migration planned for Q1 (CHG-1234)",
        },
        {
          ruleId: "M08",
          messageId: "differs",
          environment: "prod",
          title: expect.any(String),
          reason: "QA is smaller by design",
        },
      ]),
    );
    // A 900 % minimum change keeps response time out of the regressions.
    expect(report.findings.find((f: { ruleId: string }) => f.ruleId === "M07")?.title ?? "").not.toMatch(
      /response time/,
    );
    const text = await runCli(["check", "--from", STORY_DIR], {}, cwd);
    // Unwrapped: the text report wraps at 100 columns on a pipe.
    expect(text.stdout.replace(/\n +/g, " ")).toMatch(
      /IGNORED +R11 +prod .*\(reason: EOL migration planned for Q1 \(CHG-1234\)\)/,
    );
  });

  it("reads JSON too, and --config names the file", async () => {
    const cwd = withConfig(
      "team.json",
      JSON.stringify({ environments: { a: recording.apps.qa, b: recording.apps.prod }, failOn: "never" }),
    );
    const run = await runCli(
      ["check", "--from", STORY_DIR, "--config", "team.json", "--qa", "a", "--prod", "b", "--format", "json"],
      {},
      cwd,
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).failOn).toBe("never");
  });

  it("flags override AZFN_HEALTH_* variables, which override the file", async () => {
    const cwd = withConfig("azfn-health.config.yaml", YAML);
    expect((await runCli(["check", "--from", STORY_DIR], {}, cwd)).code).toBe(0);
    expect((await runCli(["check", "--from", STORY_DIR], { AZFN_HEALTH_FAIL_ON: "hotfix" }, cwd)).code).toBe(
      5,
    );
    expect(
      (
        await runCli(
          ["check", "--from", STORY_DIR, "--fail-on", "never"],
          { AZFN_HEALTH_FAIL_ON: "hotfix" },
          cwd,
        )
      ).code,
    ).toBe(0);
  });

  it("a bad file gets one line per problem, with its path, and exit 2", async () => {
    const cwd = withConfig(
      "azfn-health.config.yaml",
      'environments:\n  QA: nope\nfailOn: sometimes\nrules:\n  R99: high\n  R09: { ignore: "" }\nmetrics:\n  thresholds:\n    Nope: { bad: up }\nbogus: 1\n',
    );
    const run = await runCli(["check", "--from", STORY_DIR], {}, cwd);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr.trimEnd().split("\n")).toEqual([
      'azfn-health: azfn-health.config.yaml: environments.QA: key "QA": environment names are lowercase words',
      'azfn-health.config.yaml: failOn: Invalid option: expected one of "monitor"|"hotfix"|"rollback"|"never"',
      expect.stringMatching(
        /^azfn-health\.config\.yaml: metrics\.thresholds\.Nope: key "Nope": not a metric/,
      ),
      'azfn-health.config.yaml: rules.R99: key "R99": not a rule id (see `azfn-health rules`)',
      "azfn-health.config.yaml: rules.R09.ignore: an ignore needs a reason",
      'azfn-health.config.yaml: (top): unknown key(s) "bogus"',
    ]);
  });

  it("a flood of problems is the first ten and a count; key names are quoted, their controls visible", async () => {
    const keys = Array.from({ length: 50_000 }, (_, i) => `k${i}`);
    const unknown = withConfig(
      "azfn-health.config.json",
      JSON.stringify({ ...Object.fromEntries(keys.map((k) => [k, 1])), "\u001b[2Jevil": 1 }),
    );
    const one = await runCli(["check", "--from", STORY_DIR], {}, unknown);
    expect(one.code).toBe(2);
    // 50,001 unknown keys are one problem: one line, ten names and a count.
    expect(one.stderr).toBe(
      'azfn-health: azfn-health.config.json: (top): unknown key(s) "k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9" and 49991 more\n',
    );
    const rules = withConfig(
      "azfn-health.config.json",
      JSON.stringify({
        rules: Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`X${i}\u001b[31m`, "high"])),
      }),
    );
    const many = await runCli(["check", "--from", STORY_DIR], {}, rules);
    expect(many.code).toBe(2);
    const lines = many.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe(
      'azfn-health: azfn-health.config.json: rules.X0\\x1b[31m: key "X0\\u001b[31m": not a rule id (see `azfn-health rules`)',
    );
    expect(lines.at(-1)).toBe("… and 19990 more problems");
    expect(many.stderr).not.toContain("\u001b");
  });

  it.each([
    ["an unknown tag", "failOn: !evil never\n", /:1:9: Unresolved tag: !evil$/],
    ["a binary tag", "tenant: !!binary aGk=\n", /tenant: Invalid input: expected string, received Buffer$/],
  ])("%s is an error, not a value", async (_what, text, message) => {
    const cwd = withConfig("azfn-health.config.yaml", text);
    const run = await runCli(["check", "--from", STORY_DIR], {}, cwd);
    expect(run.code).toBe(2);
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(run.stderr.trimEnd()).toMatch(message);
  });

  it("a YAML syntax error names its line and column", async () => {
    const cwd = withConfig("azfn-health.config.yaml", "failOn: [\nqa: x\n");
    const run = await runCli(["check", "--from", STORY_DIR], {}, cwd);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^azfn-health: azfn-health\.config\.yaml:\d+:\d+: /);
  });

  it("the committed JSON Schema is the one the zod definition generates", () => {
    const committed = JSON.parse(readFileSync(join(ROOT, "schema/azfn-health.config.schema.json"), "utf8"));
    expect(committed).toEqual(JSON.parse(JSON.stringify(configJsonSchema())));
    expect(committed.properties.rules.description).toMatch(/ignore/);
  });
});
