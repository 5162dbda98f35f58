import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { validateXML } from "xmllint-wasm";
import { judge } from "../src/check.js";
import { buildReport, type Report } from "../src/report/model.js";
import { renderText, wrapCommand } from "../src/report/text.js";
import { ROOT, replayFacts, runInProcess, STORY } from "./helpers.js";

/**
 * Lines longer than `width`, but for the one thing that may be: a command's argument longer than a
 * line (an Azure resource ID), kept whole so the command still pastes as one.
 */
function tooWide(lines: string[], width: number): string[] {
  return lines.filter((l) => l.length > width && !/^ *#? *--[a-z-]+ \S+( \\)?$/.test(l));
}

/**
 * The whole text report of every bundled recording, exit code included, as a reviewable file under
 * test/__snapshots__/. A wording change shows as a diff; accept it with `npx vitest run -u` after
 * reading it.
 */
const FIXTURES = readdirSync(join(ROOT, "fixtures"), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

async function textReport(args: string[]): Promise<{ code: number | null; stdout: string; shown: string }> {
  const run = await runInProcess(args, { NO_COLOR: "1" });
  // --verbose also logs each call on stderr; the report itself is stdout.
  if (!args.includes("--verbose")) expect(run.stderr).toBe("");
  return { ...run, shown: `$ azfn-health ${args.join(" ")}\nexit ${run.code}\n\n${run.stdout}` };
}

describe("text report snapshots", () => {
  it("covers every bundled recording", () => {
    expect(FIXTURES).toEqual(expect.arrayContaining(["healthy-upgrade", "story-32bit-upgrade"]));
  });

  it.each(FIXTURES)("fixtures/%s", async (name) => {
    const run = await textReport(["check", "--from", `fixtures/${name}`]);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(/^Verdict: [A-Z]+ {2}\(exit \d with --fail-on hotfix\)$/);
    // Not a terminal: the default width of 100.
    expect(tooWide(lines, 100)).toEqual([]);
    if (lines[0]!.startsWith("Verdict: PROCEED"))
      expect(lines[2]).toMatch(/^ {2}Judged: \d+ of \d+ rules passed/);
    await expect(run.shown).toMatchFileSnapshot(`__snapshots__/text-${name}.txt`);
  });

  it("the story reads in 60 lines of 100 columns: verdict, why and plan in the first fifteen", async () => {
    const run = await textReport(["check", "--from", STORY]);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines.length).toBeLessThanOrEqual(60);
    const head = lines.slice(0, 15).join("\n");
    expect(head).toMatch(/^Verdict: HOTFIX {2}\(exit 5 with --fail-on hotfix\)/);
    expect(head).toContain("Why:");
    expect(head).toContain(
      "  az functionapp config set -g rg-orders-prod -n orders-func-prod --use-32bit-worker-process false",
    );
    // Identical in QA and production: said once, for both; both hosts run it, so a warning (property 1).
    expect(run.stdout).toMatch(
      /MEDIUM +R11 +both +QA and production run \.NET 6 In-process, out of support since 2024-11-12$/m,
    );
    expect(run.stdout).not.toMatch(
      /p=0\.0|p95 n\/a|Stacks API \(live\)|NotInRecording|Cannot read properties/,
    );
    expect(run.stdout.match(/PT5M|5-minute buckets/g)).toHaveLength(1);
  });

  it("--verbose adds the evidence, every metric and the full comparison", async () => {
    const run = await textReport(["check", "--from", STORY, "--verbose"]);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines.length).toBeGreaterThan(60);
    expect(tooWide(lines, 100)).toEqual([]);
    const unwrapped = run.stdout.replace(/\n +/g, " ");
    expect(unwrapped).toMatch(/shift 727 MiB \[686 MiB, 768 MiB\] at 98 %/);
    expect(run.stdout).not.toMatch(/The metric was classified as|p=0\.0|p95 n\/a/);
    await expect(run.shown).toMatchFileSnapshot("__snapshots__/text-story-32bit-upgrade.verbose.txt");
  });

  // The evidence is worded once, where it is made: every format reads the same words.
  it.each(["markdown", "html", "junit", "json"])(
    "--format %s says the numbers in words too",
    async (format) => {
      for (const fixture of ["story-32bit-upgrade", "regression-5xx"]) {
        const run = await runInProcess(["check", "--from", `fixtures/${fixture}`, "--format", format]);
        expect(run.stdout).not.toMatch(/The metric was classified as|p=\d|p95 n\/a|change n\/a/);
        expect(run.stdout).toMatch(/far beyond chance/);
      }
    },
  );

  it("a long command wraps at its options and still joins back to the same command", () => {
    const command = `azfn-health check --qa /subscriptions/${"a".repeat(120)} --prod /subscriptions/${"b".repeat(120)} --since 2h`;
    const lines = wrapCommand(command, "  ", 158);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.every((l) => l.length <= 158)).toBe(true);
    expect(lines.map((l) => l.replace(/^ {2}/, "").replace(/ \\$/, "").trim()).join(" ")).toBe(command);
  });
});

/** What a pipeline reads: the Markdown summary, the GitHub annotations and JUnit, of every recording. */
describe("CI output snapshots", () => {
  const validate = (xml: string) =>
    validateXML({
      xml: { fileName: "report.xml", contents: xml },
      schema: { fileName: "junit.xsd", contents: readFileSync(join(ROOT, "docs/junit.xsd"), "utf8") },
    });

  it.each(FIXTURES)("fixtures/%s: Markdown leads with the decision, metrics folded", async (name) => {
    const run = await runInProcess(["check", "--from", `fixtures/${name}`, "--format", "markdown"]);
    const lines = run.stdout.split("\n");
    expect(lines[0]).toMatch(/^## \S+ azfn-health: [A-Z]+$/);
    const plan = lines.indexOf("### Plan");
    const compared = lines.indexOf("### What was compared");
    const metrics = lines.indexOf("<details>");
    if (plan >= 0) expect(plan).toBeLessThan(compared);
    expect(compared).toBeLessThan(metrics);
    // The windows are said once, in "What was compared", not in every finding's evidence.
    expect(run.stdout.match(/\.\.\S+ vs (before|a week earlier)/g)).toBeNull();
    expect(run.stdout.match(/-minute buckets/g) ?? []).toHaveLength(
      run.stdout.includes("- **Metrics:**") ? 1 : 0,
    );
    await expect(
      `$ azfn-health check --from fixtures/${name} --format markdown\nexit ${run.code}\n\n${run.stdout}`,
    ).toMatchFileSnapshot(`__snapshots__/markdown-${name}.md`);
  });

  it.each(FIXTURES)("fixtures/%s: GitHub annotations, the verdict first", async (name) => {
    const run = await runInProcess([
      "check",
      "--from",
      `fixtures/${name}`,
      "--format",
      "json",
      "--ci",
      "github",
    ]);
    const annotations = run.stderr.split("\n").filter(Boolean);
    expect(annotations[0]).toMatch(/^::(error|warning|notice) title=azfn-health%3A [A-Z]+::.* Exit \d\.$/);
    // Red only on a run that fails, and then only the verdict and what drove it.
    const report = JSON.parse(run.stdout) as Report;
    const errors = annotations.slice(1).filter((a) => a.startsWith("::error "));
    expect(errors.length).toBeLessThanOrEqual(
      report.exitCode === 0 ? 0 : report.recommendation.drivers.length,
    );
    await expect(
      `$ azfn-health check --from fixtures/${name} --format json --ci github (stderr)\nexit ${run.code}\n\n${run.stderr}`,
    ).toMatchFileSnapshot(`__snapshots__/github-${name}.txt`);
  });

  it.each(FIXTURES)("fixtures/%s: JUnit, one result per case, valid against docs/junit.xsd", async (name) => {
    const run = await runInProcess(["check", "--from", `fixtures/${name}`, "--format", "junit"]);
    const check = await validate(run.stdout);
    expect(check.errors.map((e) => e.rawMessage)).toEqual([]);
    for (const testcase of run.stdout.match(/<testcase [^]*?(\/>|<\/testcase>)/g) ?? [])
      expect((testcase.match(/<(failure|error) /g) ?? []).length).toBeLessThanOrEqual(1);
    await expect(run.stdout).toMatchFileSnapshot(`__snapshots__/junit-${name}.xml`);
  });
});

/** One account of the decision: what decide says of a finding is what every format says. */
describe("the decision's account in every format", () => {
  it("the story: M01 and M10 are explained by R09 in the plan, never 'no configuration finding explains it'", async () => {
    const formats = ["text", "markdown", "junit", "html", "json"];
    const runs = await Promise.all(
      formats.map((format) => runInProcess(["check", "--from", STORY, "--format", format, "--verbose"])),
    );
    // JSON keeps each finding as its rule made it, and the decision's account beside it (explained).
    for (const [i, run] of runs.slice(0, 4).entries()) {
      expect(run.stdout, formats[i]).not.toMatch(/no configuration finding explains it/);
      expect(run.stdout, formats[i]).toMatch(/Explained by M03, R09/);
    }
    const json = JSON.parse(runs[4]!.stdout) as Report;
    expect(json.recommendation.explained).toEqual([
      expect.objectContaining({ ruleId: "M01", environment: "prod", by: ["M03", "R09"] }),
      expect.objectContaining({ ruleId: "M10", environment: "prod", by: ["M03", "R09"] }),
    ]);
    // The headline's count is the plan's: one change (M03 and R09 share it), one command.
    expect(json.recommendation.summary).toMatch(/^Production needs 1 configuration change: /);
  }, 60_000);

  it.each([[], ["--watch", "30m", "--quiet"]])(
    "--until before the release is bad input: exit 2, one line, no verdict (check %j)",
    async (...watch: string[]) => {
      const run = await runInProcess(["check", "--from", STORY, ...watch, "--until", "2026-11-19T12:00:00Z"]);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toMatch(
        /^azfn-health: --until 2026-11-19T12:00:00Z .* is before the release \(2026-11-19T18:42:10/,
      );
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
    },
  );
});

describe("the text report's width", () => {
  // Under 80 columns the verbose metrics table cannot fit: the report keeps to 80.
  it.each([
    [60, 80],
    [80, 80],
    [100, 100],
    [140, 140],
  ])("a %i-column terminal: no line over %i", async (columns, width) => {
    const result = judge(await replayFacts(STORY));
    const report = buildReport(result, { toolVersion: "0", exitCode: 5, failOn: "hotfix", mode: "replay" });
    for (const verbose of [false, true]) {
      const lines = renderText(report, { color: false, verbose, width: columns }).trimEnd().split("\n");
      expect(tooWide(lines, width)).toEqual([]);
      // Wider terminals hold more: at 140 the plan's az command is one line.
      if (width >= 140)
        expect(lines).toContain(
          "  az functionapp config set -g rg-orders-prod -n orders-func-prod --use-32bit-worker-process false",
        );
    }
  });
});
