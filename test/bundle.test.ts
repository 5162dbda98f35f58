import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HEALTHY, REGRESSION, runInProcess, STORY } from "./helpers.js";

const FILES = [
  "facts.json",
  "metrics.csv",
  "plan.sh",
  "report.html",
  "report.json",
  "report.junit.xml",
  "report.md",
];

describe("evidence bundle (--out)", () => {
  it.each([
    [STORY, "HOTFIX"],
    [REGRESSION, "ROLLBACK"],
    [HEALTHY, "PROCEED"],
  ] as const)("%s: every file, no secret, a plan that bash can read", async (dir, verdict) => {
    const out = join(mkdtempSync(join(tmpdir(), "azfn-bundle-")), "evidence");
    const run = await runInProcess(["check", "--from", dir, "--out", out, "--fail-on", "never"]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe(`azfn-health: evidence written to ${out}\n`);
    expect(readdirSync(out).sort()).toEqual(FILES);
    for (const file of FILES)
      expect(readFileSync(join(out, file), "utf8")).not.toMatch(
        /TEST-SECRET|AccountKey=|SharedAccessKey=|InstrumentationKey=/,
      );
    expect(JSON.parse(readFileSync(join(out, "report.json"), "utf8")).verdict).toBe(verdict);
    expect(readFileSync(join(out, "report.md"), "utf8")).toContain(`azfn-health: ${verdict}`);
    const facts = JSON.parse(readFileSync(join(out, "facts.json"), "utf8"));
    expect(facts.prod.appSettings.FUNCTIONS_EXTENSION_VERSION.value).toBe("~4");
    expect(facts.prod.appSettings.AzureWebJobsStorage).toEqual({
      hash: expect.stringMatching(/^[0-9a-f]{12}$/),
      shape: "credential",
      storageAccount: "stordersprod",
    });
    const csv = readFileSync(join(out, "metrics.csv"), "utf8").trim().split("\n");
    expect(csv[0]).toBe('"environment","metric","window","bucket_start","value"');
    expect(csv.length).toBeGreaterThan(1000);
    const plan = join(out, "plan.sh");
    expect(statSync(plan).mode & 0o111).not.toBe(0);
    expect(spawnSync("bash", ["-n", plan]).status).toBe(0);
    const script = readFileSync(plan, "utf8");
    expect(script).toMatch(/^#!\/usr\/bin\/env bash\n# azfn-health .*: (HOTFIX|ROLLBACK|PROCEED) for /);
    // Placeholders are for a person: never a live line that bash would misread.
    for (const line of script.split("\n")) if (/<[^>]+>/.test(line)) expect(line).toMatch(/^#/);
  });

  it("the hotfix plan asks before it changes production, and runs the fix", async () => {
    const out = mkdtempSync(join(tmpdir(), "azfn-bundle-"));
    await runInProcess(["check", "--from", STORY, "--out", out, "--fail-on", "never"]);
    const script = readFileSync(join(out, "plan.sh"), "utf8");
    expect(script).toContain('read -r -p "Apply these changes to production? Type yes: " answer');
    expect(script).toContain(
      "\naz functionapp config set -g rg-orders-prod -n orders-func-prod --use-32bit-worker-process false\n",
    );
    // No PATH: had the script run az before asking, it would fail differently.
    const declined = spawnSync("/bin/bash", [join(out, "plan.sh")], {
      input: "no\n",
      encoding: "utf8",
      env: { PATH: "/nonexistent" },
    });
    expect(declined.status).toBe(1);
    expect(declined.stdout).toContain("Nothing changed.");
  });
});
