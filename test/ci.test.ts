import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateXML } from "xmllint-wasm";
import { RULES } from "../src/analyse/rules/index.js";
import type { Recording } from "../src/collect/recording.js";
import { azureOutput, detectCi, githubOutput } from "../src/report/ci.js";
import { inert } from "../src/report/inert.js";
import { HEALTHY, ROOT, runInProcess, STORY } from "./helpers.js";
import { editBody } from "./support/recorded-body.js";

const INJECTED_SETTING = "##vso[task.setvariable variable=pwned]yes";
const INJECTED_ERRORS = [
  "::error::pwned by a host error",
  "AZFD0004: ##vso[task.complete result=Succeeded;]done",
  "::set-output name=verdict::PROCEED",
];

/** A copy of a recording whose Azure-sourced text tries to speak to the runner. */
function hostile(dir: string, edit?: (r: Recording) => void): string {
  const recording = JSON.parse(readFileSync(join(ROOT, dir, "recording.json"), "utf8")) as Recording;
  editBody(recording, /orders-func-qa\/config\/appsettings\/list/, (settings) => {
    settings.properties![INJECTED_SETTING] = "x";
  });
  editBody(recording, /orders-func-prod\/hostruntime/, (host) => {
    host.errors = INJECTED_ERRORS;
  });
  edit?.(recording);
  const out = mkdtempSync(join(tmpdir(), "azfn-ci-"));
  writeFileSync(join(out, "recording.json"), JSON.stringify(recording));
  return out;
}

const OURS =
  /^(::(error|warning|notice) title=[^:]*::|##vso\[(task\.logissue type=(error|warning);code=[\w-]+\]|task\.setvariable variable=(verdict|exitCode);isOutput=true\](PROCEED|MONITOR|HOTFIX|ROLLBACK|INCONCLUSIVE|\d)$|task\.uploadsummary\]|task\.complete result=SucceededWithIssues;\]MONITOR$))/;

/** Every line a runner would read: none may be a command but ours, and ours carry nothing injected. */
function expectInert(text: string) {
  for (const line of text.split(/\r?\n/)) {
    if (!/##(vso)?\[|^\s*::/.test(line)) continue;
    expect(line, line).toMatch(OURS);
    // Our own command lines may quote Azure text, but never a live command in it.
    expect(line.slice(line.match(OURS)![0].length)).not.toMatch(/##(vso)?\[|::/);
  }
}

describe("GitHub Actions", () => {
  it("annotates the most severe first, writes outputs and a summary, and lets no Azure text become a command", async () => {
    const dir = mkdtempSync(join(tmpdir(), "azfn-gh-"));
    const env = {
      GITHUB_ACTIONS: "true",
      GITHUB_OUTPUT: join(dir, "output"),
      GITHUB_STEP_SUMMARY: join(dir, "summary.md"),
    };
    const run = await runInProcess(["check", "--from", hostile(STORY)], env);
    expect(run.code).toBe(5);
    const annotations = run.stdout.split("\n").filter((l) => l.startsWith("::"));
    // The verdict first, in the words of the text report's headline, red because the run fails.
    expect(annotations[0]).toBe(
      "::error title=azfn-health%3A HOTFIX::Fix production: 1 command to run (the plan), then check again. Exit 5.",
    );
    expect(annotations[1]).toMatch(/^::error title=(H02|M01) prod%3A critical::/);
    const levels = annotations.map((a) => a.slice(2, a.indexOf(" ")));
    expect(levels.indexOf("warning")).toBeGreaterThan(levels.lastIndexOf("error"));
    // Errors are the verdict's drivers only: the end-of-life findings (R11, R12) and QA's are warnings.
    const errors = annotations
      .filter((a) => a.startsWith("::error "))
      .map((a) => a.slice("::error title=".length).split("%3A")[0]);
    expect(errors.sort()).toEqual([
      "H02 prod",
      "M01 prod",
      "M03 prod",
      "M10 prod",
      "R09 prod",
      "azfn-health",
    ]);
    expect(annotations.filter((a) => /title=R1[12] /.test(a)).every((a) => a.startsWith("::warning "))).toBe(
      true,
    );
    // M01's fix is the decision's account (explained by R09), not the rule's own "roll back".
    expect(annotations.find((a) => a.includes("title=M01 "))).toMatch(/Fix: Explained by M03, R09:/);
    expect(readFileSync(env.GITHUB_OUTPUT, "utf8")).toBe("verdict=HOTFIX\nexit-code=5\n");
    const summary = readFileSync(env.GITHUB_STEP_SUMMARY, "utf8");
    expect(summary).toMatch(/^## 🛠️ azfn-health: HOTFIX/);
    for (const text of [run.stdout, run.stderr, summary]) expectInert(text);
    // The injected texts still show, defused, so a reviewer sees what Azure said.
    expect(run.stdout).toContain(": :error: :pwned by a host error");
  });

  it.each(["never", "rollback"])(
    "a run that exits 0 (--fail-on %s on a HOTFIX) shows no error: the verdict a warning, every finding below it",
    async (failOn) => {
      const run = await runInProcess(["check", "--from", STORY, "--fail-on", failOn, "--ci", "github"]);
      expect(run.code).toBe(0);
      const annotations = run.stdout.split("\n").filter((l) => l.startsWith("::"));
      expect(annotations[0]).toMatch(/^::warning title=azfn-health%3A HOTFIX::.* Exit 0\.$/);
      expect(annotations.filter((a) => a.startsWith("::error"))).toEqual([]);
      // End of life is a warning on every side (the runner shows ten per level, so R11 may be cut).
      expect(annotations.some((a) => a.startsWith("::warning title=R11 prod"))).toBe(true);
      expect(annotations.filter((a) => /^::\w+ title=R1[12] /.test(a) && !a.startsWith("::warning"))).toEqual(
        [],
      );
    },
  );

  it("--ci none says nothing to the runner", async () => {
    const run = await runInProcess(["check", "--from", STORY, "--ci", "none"], { GITHUB_ACTIONS: "true" });
    expect(run.stdout).not.toMatch(/^::/m);
  });
});

describe("Azure Pipelines", () => {
  it("logs issues, sets output variables, uploads the summary, in every format", async () => {
    for (const format of ["text", "markdown", "json"]) {
      const temp = mkdtempSync(join(tmpdir(), "azfn-azp-"));
      const run = await runInProcess(["check", "--from", hostile(STORY), "--format", format], {
        TF_BUILD: "True",
        AGENT_TEMPDIRECTORY: temp,
      });
      const commands = format === "json" ? run.stderr : run.stdout;
      expect(commands).toContain("##vso[task.setvariable variable=verdict;isOutput=true]HOTFIX\n");
      expect(commands).toContain("##vso[task.setvariable variable=exitCode;isOutput=true]5\n");
      expect(commands).toMatch(
        /^##vso\[task\.logissue type=error;code=M01\]M01 prod: critical: Production 5xx rate rose/m,
      );
      expect(commands).toMatch(
        /^##vso\[task\.logissue type=error;code=H02\]H02 prod: critical: The production host reports 3 error\(s\): : :error: :pwned/m,
      );
      // A private directory of its own inside the agent's temp directory.
      const summary = /^##vso\[task\.uploadsummary\](.*)$/m.exec(commands)?.[1] ?? "";
      expect(summary).toMatch(new RegExp(`^${temp}/azfn-health-\\w{6}/summary\\.md$`));
      expect(existsSync(summary)).toBe(true);
      if (format === "json") expect(JSON.parse(run.stdout).verdict).toBe("HOTFIX");
      for (const text of [run.stdout, run.stderr, readFileSync(summary, "utf8")]) expectInert(text);
    }
  });

  it("marks MONITOR as succeeded with issues", async () => {
    const monitor = hostile(HEALTHY, (r) => {
      editBody(r, /orders-func-prod\/hostruntime/, (host) => {
        host.errors = [];
      });
    });
    const run = await runInProcess(["check", "--from", monitor], {
      TF_BUILD: "True",
      AGENT_TEMPDIRECTORY: mkdtempSync(join(tmpdir(), "azfn-azp-")),
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("##vso[task.complete result=SucceededWithIssues;]MONITOR");
    expectInert(run.stdout);
  });
});

describe("escaping", () => {
  it("defuses runner commands anywhere in a text", () => {
    expect(inert("a ##vso[task.setvariable variable=x]y and ##[error]z and ::warning::w")).toBe(
      "a ##vso [task.setvariable variable=x]y and ## [error]z and : :warning: :w",
    );
    expect(inert("https://learn.microsoft.com/a?b=c")).toBe("https://learn.microsoft.com/a?b=c");
  });

  it("escapes data and properties by each runner's rules", async () => {
    const report = JSON.parse((await runInProcess(["check", "--from", STORY, "--format", "json"])).stdout);
    report.findings = [{ ...report.findings[0], ruleId: "M01", title: "100% down;\r\nnext]line, a: b" }];
    report.unknowns = [];
    const github = githubOutput(report, {}).lines[1]!;
    expect(github).toBe(
      "::error title=M01 prod%3A critical::100%25 down;%0D%0Anext]line, a: b. Fix: Explained by M03, R09: the plan's change is the fix; if M01 persists after it, roll back (see alternatives). (azfn-health explain M01)",
    );
    const azure = azureOutput(report, "/tmp/s.md").lines[0]!;
    expect(azure).toMatch(
      /^##vso\[task\.logissue type=error;code=M01\]M01 prod: critical: 100%AZP25 down;%0D%0Anext\]line, a: b\. Fix: /,
    );
  });

  it("detects the runner, unless told", () => {
    expect(detectCi({ TF_BUILD: "True" }, "auto")).toBe("azure");
    expect(detectCi({ GITHUB_ACTIONS: "true" }, "auto")).toBe("github");
    expect(detectCi({ CI: "true" }, "auto")).toBe("none");
    expect(detectCi({ GITHUB_ACTIONS: "true" }, "none")).toBe("none");
    expect(detectCi({}, "azure")).toBe("azure");
  });
});

describe("rules and explain", () => {
  it("lists every rule and explains one, with its doc", async () => {
    const rules = await runInProcess(["rules"]);
    expect(rules.code).toBe(0);
    expect(rules.stdout.split("\n").filter(Boolean).length).toBeGreaterThan(30);
    expect(rules.stdout).toMatch(/^R09 {2}high +The worker runs 64-bit on \.NET 6 and later$/m);
    const explain = await runInProcess(["explain", "m01"]);
    expect(explain.stdout).toMatch(/^M01 {2}The 5xx rate did not rise after the release\n/);
    expect(explain.stdout).toMatch(/^Docs: https:\/\/learn\.microsoft\.com\//m);
    const unknown = await runInProcess(["explain", "Z99"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('azfn-health: explain: no rule "Z99"; `azfn-health rules` lists them\n');
  });

  it("every finding links to its rule", async () => {
    const report = JSON.parse((await runInProcess(["check", "--from", STORY, "--format", "json"])).stdout);
    for (const f of report.findings) expect(f.docs).toMatch(/^https:\/\/learn\.microsoft\.com\//);
    expect((await runInProcess(["check", "--from", STORY, "--verbose"])).stdout).toContain(
      "why: azfn-health explain R09",
    );
  });
});

describe("JUnit", () => {
  /** docs/junit.xsd checked by libxml2 compiled to WebAssembly (xmllint-wasm): no system xmllint needed. */
  const validate = (xml: string) =>
    validateXML({
      xml: { fileName: "report.xml", contents: xml },
      schema: { fileName: "junit.xsd", contents: readFileSync(join(ROOT, "docs/junit.xsd"), "utf8") },
    });

  it.each([
    // One more since M10: the story's responses ×4.7 (explained by the 32-bit worker) fail M10 too.
    [STORY, "HOTFIX", 12],
    [HEALTHY, "PROCEED", 0],
  ] as const)(
    "%s: one suite per environment, one case per rule, valid against docs/junit.xsd",
    async (dir, verdict, failures) => {
      const run = await runInProcess(["check", "--from", dir, "--format", "junit", "--fail-on", "never"]);
      const check = await validate(run.stdout);
      expect(check.errors.map((e) => e.rawMessage)).toEqual([]);
      expect(check.valid).toBe(true);
      expect(run.stdout).toContain(
        `<testsuites name="azfn-health ${verdict}" tests="${RULES.length * 2}" failures="${failures}" errors="0"`,
      );
      expect(run.stdout.match(/<testsuite /g)).toHaveLength(2);
    },
  );

  it("the validator rejects a report that breaks the schema", async () => {
    const run = await runInProcess(["check", "--from", HEALTHY, "--format", "junit", "--fail-on", "never"]);
    const broken = await validate(run.stdout.replace(/<testsuite /, '<testsuite bogus="1" '));
    expect(broken.valid).toBe(false);
    expect(broken.errors[0]?.message).toMatch(/bogus/);
  });

  it("escapes hostile Azure text and reports unknowns as errors", async () => {
    const recording = hostile(STORY, (r) => {
      const plan = r.exchanges.find((e) => /serverfarms\/plan-orders-prod\?/.test(e.request.url))!;
      plan.response = {
        status: 500,
        body: { error: { code: "InternalServerError", message: '<oops & "quotes">' } },
      };
    });
    const run = await runInProcess(["check", "--from", recording, "--format", "junit"]);
    expect((await validate(run.stdout)).valid).toBe(true);
    expect(run.stdout).toMatch(
      /<error type="unknown" message="could not judge: plan: HTTP 500 InternalServerError &lt;oops &amp; &quot;quotes&quot;&gt;"/,
    );
    expectInert(run.stdout);
  });
});
