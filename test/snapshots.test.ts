import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { wrapCommand } from "../src/report/text.js";
import { ROOT, runInProcess, STORY } from "./helpers.js";

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
    expect(lines.filter((l) => l.length > 160)).toEqual([]);
    await expect(run.shown).toMatchFileSnapshot(`__snapshots__/text-${name}.txt`);
  });

  it("the story reads in 45 lines: verdict, why and plan in the first ten", async () => {
    const run = await textReport(["check", "--from", STORY]);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines.length).toBeLessThanOrEqual(45);
    const head = lines.slice(0, 10).join("\n");
    expect(head).toMatch(/^Verdict: HOTFIX {2}\(exit 5 with --fail-on hotfix\)/);
    expect(head).toContain("Why:");
    expect(head).toContain(
      "  az functionapp config set -g rg-orders-prod -n orders-func-prod --use-32bit-worker-process false",
    );
    // Identical in QA and production: said once, for both.
    expect(run.stdout).toMatch(/HIGH +R11 +both +QA and production run dotnet6/);
    expect(run.stdout).not.toMatch(
      /p=0\.0|p95 n\/a|Stacks API \(live\)|NotInRecording|Cannot read properties/,
    );
    expect(run.stdout.match(/PT5M|5-minute buckets/g)).toHaveLength(1);
  });

  it("--verbose adds the evidence, every metric and the full comparison", async () => {
    const run = await textReport(["check", "--from", STORY, "--verbose"]);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines.length).toBeGreaterThan(45);
    expect(lines.filter((l) => l.length > 160)).toEqual([]);
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
