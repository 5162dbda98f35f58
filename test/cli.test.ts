import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isNonSecretSetting } from "../src/collect/redact.js";
import type { Recording } from "../src/collect/recording.js";
import { HEALTHY, ROOT, runCli, runInProcess, STORY } from "./helpers.js";
import { bodyOf } from "./support/recorded-body.js";

// In-process through main() (runInProcess); spawned (runCli) only where bin.ts is what is tested: its
// help and version fast path, colour from the process's environment, the completion script.
const story = JSON.parse(readFileSync(join(ROOT, STORY, "recording.json"), "utf8")) as Recording;

function recordingCopy(edit: (r: Recording) => void): string {
  const dir = mkdtempSync(join(tmpdir(), "azfn-health-"));
  const copy = structuredClone(story);
  edit(copy);
  writeFileSync(join(dir, "recording.json"), JSON.stringify(copy));
  return dir;
}

/** One clear line on stderr, nothing on stdout, no stack trace. */
function expectOneLineError(run: { stdout: string; stderr: string }, message: RegExp) {
  expect(run.stdout).toBe("");
  expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
  expect(run.stderr).toMatch(/^azfn-health: /);
  expect(run.stderr).toMatch(message);
  expect(run.stderr).not.toMatch(/\n\s+at |Error:/);
}

describe("check on the bundled recordings", () => {
  it("the story: HOTFIX, exit 5, with the one fix", async () => {
    const run = await runInProcess(["check", "--from", STORY]);
    expect(run.code).toBe(5);
    expect(run.stderr).toBe("");
    expect(run.stdout).toMatch(/Bitness +64-bit +32-bit +≠/);
    expect(run.stdout).toMatch(
      /HIGH +R09 +prod +Production runs a 32-bit worker \(use32BitWorkerProcess\) while QA ran 64-bit/,
    );
    expect(run.stdout).toMatch(/Verdict: HOTFIX +\(exit 5 with --fail-on hotfix\)/);
    expect(run.stdout).toContain(
      "az functionapp config set -g rg-orders-prod -n orders-func-prod --use-32bit-worker-process false",
    );
    expect(run.stdout).toMatch(
      /Release +2026-11-19 18:42:10 UTC \(from the end of deployment 9b41e6d07a by release-pipeline\)/,
    );
    expect(run.stdout).not.toMatch(/\u001b\[/);
  });

  it("the healthy upgrade: PROCEED, exit 0, naming the bundled stacks", async () => {
    const run = await runInProcess(["check", "--from", HEALTHY]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Verdict: PROCEED/);
    // 214 days is not stale (STACKS_STALE_DAYS): the date says it, the age adds nothing.
    expect(run.stdout).toMatch(/Stacks +bundled Core Tools snapshot of 2026-04-24: the recording holds no/);
    expect(run.stdout).toMatch(/Judged: \d+ of \d+ rules passed; \d+ of \d+ metric judgments/);
  });

  it.each([
    ["never", 0],
    ["rollback", 0],
    ["hotfix", 5],
    ["monitor", 5],
  ])("--fail-on %s exits %i on a HOTFIX", async (failOn, code) => {
    const run = await runInProcess([
      "check",
      "--from",
      STORY,
      "--fail-on",
      String(failOn),
      "--format",
      "json",
    ]);
    expect(run.code).toBe(code);
    expect(JSON.parse(run.stdout)).toMatchObject({ verdict: "HOTFIX", exitCode: code, failOn });
  });

  it("json is the documented, stable shape", async () => {
    const report = JSON.parse((await runInProcess(["check", "--from", STORY, "--format", "json"])).stdout);
    expect(Object.keys(report)).toEqual([
      "schemaVersion",
      "tool",
      "checkedAt",
      "mode",
      "recording",
      "verdict",
      "exitCode",
      "failOn",
      "release",
      "stacks",
      "environments",
      "findings",
      "unknowns",
      "ignored",
      "metrics",
      "recommendation",
    ]);
    expect(report).toMatchObject({
      schemaVersion: 1,
      tool: { name: "azfn-health", version: expect.stringMatching(/^\d+\.\d+\.\d+/) },
      checkedAt: "2026-11-20T09:30:00.000Z",
      mode: "replay",
      recording: { path: STORY, constructed: true },
      release: { time: "2026-11-19T18:42:10.000Z", source: "deployment" },
      stacks: { source: "api" },
      environments: {
        qa: { bitness: "64-bit", target: "v6.0", extensionVersion: "~4" },
        prod: { bitness: "32-bit", hostState: "Running", plan: { sku: "EP1" } },
      },
      recommendation: { action: "HOTFIX", steps: expect.any(Array), alternatives: expect.any(Array) },
    });
    for (const f of report.findings)
      expect(Object.keys(f)).toEqual(
        expect.arrayContaining(["ruleId", "messageId", "severity", "environment", "title", "evidence"]),
      );
    expect(report.findings.find((f: { ruleId: string }) => f.ruleId === "R09")).toMatchObject({
      messageId: "drift",
      severity: "high",
      environment: "prod",
      evidence: { setting: "use32BitWorkerProcess", qa: "false", prod: "true" },
      fix: { id: "R09.drift", kind: "config" },
    });
    expect(report.findings[0]).toMatchObject({
      ruleId: "M01",
      messageId: "worse",
      severity: "critical",
      environment: "prod",
      fix: { id: "M01.worse", kind: "rollback" },
    });
    // The plan as data beside its lines: a pipeline matches kinds and fix ids, not sentences.
    expect(report.recommendation.plan).toMatchObject([
      { kind: "change", ruleIds: ["M03", "R09"], fixIds: ["M03.bitness", "R09.drift"] },
      { kind: "command", fixIds: ["M03.bitness", "R09.drift"] },
      { kind: "check-again" },
    ]);
    expect(report.recommendation.steps).toHaveLength(report.recommendation.plan.length);
    expect(report.metrics.windows).toEqual({
      after: { start: "2026-11-19T18:50:00.000Z", end: "2026-11-20T09:30:00.000Z" },
      baseline: { start: "2026-11-19T04:00:00.000Z", end: "2026-11-19T18:40:00.000Z" },
      baselineMode: "before",
      settleMinutes: 5,
      grain: "PT5M",
    });
    expect(
      report.metrics.judgments.find(
        (j: { environment: string; metric: string }) =>
          j.environment === "prod" && j.metric === "PrivateBytes",
      ),
    ).toMatchObject({
      comparison: "after-vs-before",
      classification: "High",
      outcome: "worse",
      control: { n: 176 },
      experiment: { n: 175 },
      interval: { low: expect.any(Number), high: expect.any(Number), estimate: expect.any(Number) },
    });
  });

  it("markdown carries the same report for a ticket", async () => {
    const run = await runInProcess(["check", "--from", STORY, "--format", "markdown"]);
    expect(run.stdout).toMatch(/^## 🛠️ azfn-health: HOTFIX\n/);
    expect(run.stdout).toContain("| Bitness | 64-bit | **32-bit** ≠ |");
    expect(run.stdout).toMatch(
      /\| high \| \[R09\]\(https:\/\/learn\.microsoft\.com\/[^)]+\) \| prod \| Production runs a 32-bit worker/,
    );
    expect(run.stdout).toContain(
      "```sh\n# M03, R09: Switch to the 64-bit worker (the app restarts).\naz functionapp config set",
    );
    expect(run.stdout).toMatch(
      /\| prod \| Private bytes \| 968 MiB \| 1\.65 GiB \| \+75 % \| \*\*worse\*\* \| [▁▂▃▄▅▆▇█]+ \|/,
    );
  });

  it("colours only when asked", async () => {
    const run = await runCli(["check", "--from", HEALTHY], { FORCE_COLOR: "1", NO_COLOR: "" });
    expect(run.stdout).toMatch(/\u001b\[32mPROCEED/);
  });

  it("--since overrides the release time", async () => {
    const report = JSON.parse(
      (await runInProcess(["check", "--from", STORY, "--since", "2h", "--format", "json"])).stdout,
    );
    expect(report.release).toEqual({
      time: "2026-11-20T07:30:00.000Z",
      source: "--since",
      detail: "given with --since",
    });
  });
});

describe("bad input", () => {
  const site = (name: string) =>
    `/subscriptions/8f3a2c71-5b0e-4d39-9a61-2e7c4b1d9f05/resourceGroups/rg/providers/Microsoft.Web/sites/${name}`;
  it.each([
    [["check", "--qa", "orders-qa", "--prod", site("orders-b")], /--qa: not a Function App resource ID/],
    // The shape is right and one part breaks Azure's naming rules: the line says which, and why.
    [
      ["check", "--qa", site("orders-a"), "--prod", site("b")],
      /--prod: the site name "b" is not one Azure allows \(2 to 60 letters, digits or '-'\)\n$/,
    ],
    [
      ["check", "--qa", `${site("orders-a")}/slots/stg_1`, "--prod", site("orders-b")],
      /--qa: the slot name "stg_1" is not one Azure allows/,
    ],
    [
      ["check", "--qa", site("orders-a").replace("/rg/", "/rg a/"), "--prod", site("orders-b")],
      /--qa: the resource group "rg a" is not one Azure allows/,
    ],
    [
      [
        "check",
        "--qa",
        site("orders-a").replace("8f3a2c71-5b0e-4d39-9a61-2e7c4b1d9f05", "my-sub"),
        "--prod",
        site("orders-b"),
      ],
      /--qa: the subscription ID "my-sub" is not one Azure allows \(a GUID\)/,
    ],
    [["check", "--qa", site("orders-a"), "--prod", site("Orders-A")], /--qa and --prod name the same app/],
    [["check"], /needs --qa and --prod \(or --from <recording>\)/],
    [
      ["check", "--from", "fixtures/nope"],
      /--from "fixtures\/nope": no such recording\. Give a directory holding recording\.json, or a bundled recording: /,
    ],
    [["check", "--from", STORY, "--bogus"], /unknown option --bogus\n$/],
    [["check", "--from", STORY, "--format", "yaml"], /Invalid values:.*format/],
    [["check", "--from", STORY, "--since", "yesterday"], /--since: expected an ISO 8601 time/],
    [["check", "--from", STORY, "--qa", site("other")], /--qa: the recording was made for .*orders-func-qa/],
    [["chek"], /unknown command or argument chek \(did you mean check\?\)/],
    [[], /name a command: preflight, check, demo, record, rules or explain/],
  ])("%j exits 2 with one line", async (args, message) => {
    const run = await runInProcess(args);
    expect(run.code).toBe(2);
    expectOneLineError(run, message);
  });

  it("a corrupt recording exits 2", async () => {
    const dir = mkdtempSync(join(tmpdir(), "azfn-health-"));
    writeFileSync(join(dir, "recording.json"), '{"format": "azfn-health-recording", "version": 1,');
    const run = await runInProcess(["check", "--from", dir]);
    expect(run.code).toBe(2);
    expectOneLineError(run, /is not valid JSON/);
  });

  it("a recording of something else exits 2", async () => {
    const dir = recordingCopy((r) => {
      (r as { format: string }).format = "har";
    });
    const run = await runInProcess(["check", "--from", dir]);
    expect(run.code).toBe(2);
    expectOneLineError(run, /is not an azfn-health recording: "format" must be "azfn-health-recording"/);
  });

  it("a site that does not exist exits 3 naming it and why", async () => {
    const dir = recordingCopy((r) => {
      r.exchanges = r.exchanges.map((e) =>
        /sites\/orders-func-prod\?/.test(e.request.url)
          ? {
              ...e,
              response: {
                status: 404,
                body: {
                  error: {
                    code: "ResourceNotFound",
                    message: "The Resource 'Microsoft.Web/sites/orders-func-prod' was not found.",
                  },
                },
              },
            }
          : e,
      );
    });
    const run = await runInProcess(["check", "--from", dir]);
    expect(run.code).toBe(3);
    expectOneLineError(
      run,
      /prod app \/subscriptions\/.*\/sites\/orders-func-prod: not found \(HTTP 404 ResourceNotFound/,
    );
  });

  it.each([[["--help"]], [["check", "--help"]], [["--version"]]])(
    "%j answers from the fast path exactly as yargs does",
    async (args) => {
      const [fast, slow] = await Promise.all([
        runCli(args, { COLUMNS: "100" }),
        runCli(args, { COLUMNS: "100", AZFN_INTERNAL_NO_FAST_PATH: "1" }),
      ]);
      expect(fast.code).toBe(0);
      expect(fast.stdout.length).toBeGreaterThan(5);
      expect(fast.stdout).toBe(slow.stdout);
    },
  );

  it("help lists the exit codes", async () => {
    const run = await runCli(["check", "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /--fail-on.*\[choices: "monitor", "hotfix", "rollback", "never"\] \[default: "hotfix"\]/s,
    );
    expect(run.stdout).toMatch(/6 {2}ROLLBACK/);
  });
});

describe("secrets", () => {
  /** Every app-setting and connection-string value in the recordings that is not allow-listed. */
  function secretValues(dir: string): string[] {
    const recording = JSON.parse(readFileSync(join(ROOT, dir, "recording.json"), "utf8")) as Recording;
    const values: string[] = [];
    for (const { request, response } of recording.exchanges) {
      const props = bodyOf<{ properties?: Record<string, unknown> } | undefined>(response)?.properties ?? {};
      if (/appsettings\/list/.test(request.url)) {
        for (const [name, value] of Object.entries(props))
          if (!isNonSecretSetting(name) || !/^[\w~.-]{1,20}$/.test(String(value))) values.push(String(value));
      }
      if (/connectionstrings\/list/.test(request.url))
        for (const entry of Object.values(props)) values.push((entry as { value: string }).value);
    }
    return values;
  }

  it.each([[STORY], [HEALTHY]])("no secret value from %s reaches any output", async (dir) => {
    const secrets = secretValues(dir);
    expect(secrets.length).toBeGreaterThan(10);
    expect(secrets.filter((s) => s.includes("TEST-SECRET")).length).toBeGreaterThan(10);
    for (const format of ["text", "json", "markdown"]) {
      const run = await runInProcess(["check", "--from", dir, "--format", format]);
      const output = run.stdout + run.stderr;
      expect(output.length).toBeGreaterThan(500);
      expect(output).not.toContain("TEST-SECRET");
      for (const secret of secrets) expect(output).not.toContain(secret);
    }
  });
});

describe("for a person", () => {
  it("--verbose lists every call with its status and time on stderr; stdout stays the report", async () => {
    const [plain, verbose] = await Promise.all([
      runInProcess(["check", "--from", STORY, "--format", "json"]),
      runInProcess(["check", "--from", STORY, "--format", "json", "--verbose"]),
    ]);
    expect(plain.stderr).toBe("");
    expect(JSON.parse(verbose.stdout).verdict).toBe(JSON.parse(plain.stdout).verdict);
    const lines = verbose.stderr.trimEnd().split("\n");
    expect(
      lines.filter((l) =>
        /^azfn-health: GET 200 \d+ ms \/subscriptions\/.*\/sites\/orders-func-prod\/config\/web$/.test(l),
      ),
    ).toHaveLength(1);
    expect(
      lines.some((l) =>
        /^azfn-health: POST 200 \d+ ms \/subscriptions\/.*\/config\/appsettings\/list$/.test(l),
      ),
    ).toBe(true);
    expect(
      lines.some((l) =>
        /^azfn-health: GET 200 \d+ ms \/subscriptions\/.*\/providers\/Microsoft\.Insights\/metrics metrics=Requests,Http5xx,/.test(
          l,
        ),
      ),
    ).toBe(true);
    expect(lines.at(-1)).toMatch(/^azfn-health: \d+ request\(s\) in \d+\.\d\d s$/);
    expect(verbose.stderr).not.toContain("TEST-SECRET");
  });

  it("the spinner draws only for a person and clears itself", async () => {
    const { createProgress, isInteractive } = await import("../src/app/progress.js");
    let out = "";
    const progress = createProgress({
      write: (t) => (out += t),
      interactive: true,
      verbose: false,
      label: "reading",
    });
    await new Promise((r) => setTimeout(r, 200));
    progress.onRequest({ method: "GET", url: "https://management.azure.com/x", status: 200, ms: 3 });
    progress.stop();
    expect(out).toMatch(/\r[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] reading: \d request\(s\), \d\.\d s\x1b\[K/);
    expect(out.endsWith("\r\x1b[K")).toBe(true);
    expect(isInteractive({ isTTY: true }, {})).toBe(true);
    expect(isInteractive({ isTTY: true }, { CI: "true" })).toBe(false);
    expect(isInteractive({ isTTY: true }, { TERM: "dumb" })).toBe(false);
    expect(isInteractive({ isTTY: false }, {})).toBe(false);
  });

  it("prints a shell completion script", async () => {
    const run = await runCli(["completion"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/azfn-health/);
    expect(run.stdout).toMatch(/--get-yargs-completions/);
  });
});
