import { mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HEALTHY, STORY, runInProcess, showLedgerRecord } from "./helpers.js";

/**
 * The application layer (src/app/): `check`, `check --watch` and `preflight` open a run and
 * deliver it the same way, so a flag works the same on each. In-process, through main().
 */
const CHANGE = "CHG0031234";
const SERVICENOW = {
  SERVICENOW_INSTANCE: "https://example.service-now.com",
  SERVICENOW_USERNAME: "release-bot",
  SERVICENOW_PASSWORD: "not-sent",
};
const ledgerPath = () => join(mkdtempSync(join(tmpdir(), "azfn-app-")), "l.sqlite");

describe("one delivery for check and check --watch", () => {
  for (const watch of [[], ["--watch", "10m"]]) {
    const name = watch.length > 0 ? "check --watch" : "check";
    it(`${name} --ledger --servicenow-change --servicenow-dry-run records and prints the request`, async () => {
      const ledger = ledgerPath();
      const args = ["--ledger", ledger, "--servicenow-change", CHANGE, "--servicenow-dry-run", "--quiet"];
      const run = await runInProcess(
        ["check", "--from", STORY, ...watch, ...args, "--format", "json"],
        SERVICENOW,
      );
      expect(run.code).toBe(5);
      const report = JSON.parse(run.stdout);
      expect(report.ledger).toMatchObject({ status: "recorded", location: ledger });
      expect(run.stderr).toContain(`recorded in the ledger as ${report.ledger.id}`);
      expect(run.stderr).toContain(`--servicenow-dry-run: the requests for ${CHANGE}, not sent`);
      expect(run.stderr).toContain(`(dry run) work note added to ${CHANGE}`);
      expect(run.stderr).not.toContain(SERVICENOW.SERVICENOW_PASSWORD);
      // The record is the one `ledger show` reads, with the change it was reported to.
      const show = await showLedgerRecord(report.ledger.id, ledger);
      expect(show.code).toBe(0);
      expect(JSON.parse(show.stdout)).toMatchObject({ id: report.ledger.id, servicenowChange: CHANGE });
    });

    it(`${name} --since 200d is a usage error (Azure Monitor keeps 93 days), never a verdict`, async () => {
      const run = await runInProcess(["check", "--from", HEALTHY, ...watch, "--since", "200d", "--quiet"]);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).toMatch(/^azfn-health: --since: 200d is more than 93 days before .*\n$/);
    });

    it(`${name} --verbose prints the full evidence`, async () => {
      const plain = await runInProcess(["check", "--from", HEALTHY, ...watch, "--quiet"]);
      const verbose = await runInProcess(["check", "--from", HEALTHY, ...watch, "--quiet", "--verbose"]);
      expect(verbose.code).toBe(plain.code);
      expect(plain.stdout).toContain("Evidence, every metric and the full comparison: --verbose");
      expect(verbose.stdout).not.toContain("Evidence, every metric and the full comparison: --verbose");
      expect(verbose.stdout.length).toBeGreaterThan(plain.stdout.length);
    });
  }

  it("a failing ledger is one line on stderr and never changes the verdict's exit code", async () => {
    const plain = await runInProcess(["check", "--from", STORY, "--quiet"]);
    // A directory where the SQLite file should be: the ledger cannot open it.
    const directory = mkdtempSync(join(tmpdir(), "azfn-app-"));
    const run = await runInProcess([
      "check",
      "--from",
      STORY,
      "--watch",
      "10m",
      "--ledger",
      directory,
      "--quiet",
    ]);
    expect(run.code).toBe(plain.code);
    expect(run.stderr).toMatch(/^azfn-health: ledger not written: /m);
  });
});

describe("--record never overwrites evidence", () => {
  const fresh = () => mkdtempSync(join(tmpdir(), "azfn-app-rec-"));

  it("records into a new directory, then refuses the same directory: it holds evidence now", async () => {
    const dir = join(fresh(), "rec");
    const first = await runInProcess(["check", "--from", STORY, "--record", dir, "--quiet"]);
    expect(first.code).toBe(5);
    const saved = readFileSync(join(dir, "recording.json"), "utf8");
    expect(statSync(join(dir, "recording.json")).mode & 0o777).toBe(0o600);
    // In ASCII (asciiJson): the story's "MB·ms" is written escaped, and the file reads one byte a character.
    expect(saved).toMatch(/^[\0-\x7f]*$/);
    expect(saved).toContain("MB\\u00b7ms");
    const again = await runInProcess(["check", "--from", STORY, "--record", dir, "--quiet"]);
    expect(again).toMatchObject({ code: 2, stdout: "" });
    expect(again.stderr).toMatch(/^azfn-health: --record: .* is not empty: .*never overwrites evidence\)\n$/);
    expect(readFileSync(join(dir, "recording.json"), "utf8")).toBe(saved);
  });

  it("refuses a symbolic link in the directory's place, before anything is read", async () => {
    const target = fresh();
    const link = join(fresh(), "link");
    symlinkSync(target, link);
    const check = await runInProcess(["check", "--from", STORY, "--record", link, "--quiet"]);
    expect(check.code).toBe(2);
    expect(check.stderr).toMatch(/^azfn-health: --record: .* is a symbolic link: give a new directory\n$/);
    expect(readdirSync(target)).toEqual([]);
  });
});
