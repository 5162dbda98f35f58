import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { HEALTHY, runCli, STORY } from "./helpers.js";

const tmp = () => mkdtempSync(join(tmpdir(), "azfn-ledger-cli-"));
const ids = async (ledger: string) =>
  (
    JSON.parse((await runCli(["ledger", "list", "--ledger", ledger, "--format", "json"])).stdout) as {
      records: { id: string; verdict: string }[];
    }
  ).records;

describe("check --ledger", () => {
  it("records the check, reports it in JSON, and keeps the verdict's exit code", async () => {
    const dir = tmp();
    const ledger = join(dir, "ledger.sqlite");
    const out = join(dir, "evidence");
    const run = await runCli([
      "check",
      "--from",
      STORY,
      "--ledger",
      ledger,
      "--format",
      "json",
      "--out",
      out,
    ]);
    expect(run.code).toBe(5);
    const report = JSON.parse(run.stdout) as { verdict: string; ledger: { status: string; id: string } };
    expect(report.verdict).toBe("HOTFIX");
    expect(report.ledger).toMatchObject({ status: "recorded", location: ledger, sinceLastClean: null });
    expect(run.stderr).toContain(`recorded in the ledger as ${report.ledger.id}`);
    const show = await runCli(["ledger", "show", report.ledger.id, "--ledger", ledger, "--format", "json"]);
    expect(show.code).toBe(0);
    const record = JSON.parse(show.stdout) as {
      verdict: string;
      outcome: string;
      bundle: { files: Record<string, string> };
      snapshot: unknown;
    };
    expect(record).toMatchObject({ verdict: "HOTFIX", outcome: "unclean", exitCode: 5 });
    const html = readFileSync(join(out, "report.html"));
    expect(record.bundle.files["report.html"]).toBe(createHash("sha256").update(html).digest("hex"));
    expect(JSON.stringify(record.snapshot)).not.toMatch(
      /TEST-SECRET|AccountKey=|SharedAccessKey=|InstrumentationKey=/,
    );
  });

  it("a ledger that cannot be written is reported and changes neither the output nor the exit code", async () => {
    const dir = tmp();
    const corrupt = join(dir, "corrupt.sqlite");
    writeFileSync(corrupt, "not a database ".repeat(100));
    const before = readFileSync(corrupt, "utf8");
    const plain = await runCli(["check", "--from", STORY, "--format", "json"]);
    const run = await runCli(["check", "--from", STORY, "--ledger", corrupt, "--format", "json"]);
    expect(run.code).toBe(plain.code);
    expect(run.code).toBe(5);
    const report = JSON.parse(run.stdout) as { verdict: string; ledger: { status: string; error: string } };
    expect(report.verdict).toBe("HOTFIX");
    expect(report.ledger.status).toBe("failed");
    expect(report.ledger.error).toMatch(/not a readable azfn-health ledger/);
    expect(run.stderr).toMatch(/^azfn-health: ledger not written: --ledger .*corrupt\.sqlite/m);
    expect(readFileSync(corrupt, "utf8")).toBe(before);
  });

  it("AZFN_HEALTH_LEDGER, the configuration's ledger:, and the default path", async () => {
    const dir = tmp();
    const fromEnv = join(dir, "env.sqlite");
    expect(
      (await runCli(["check", "--from", HEALTHY, "--quiet"], { AZFN_HEALTH_LEDGER: fromEnv })).stderr,
    ).toContain(fromEnv);
    expect((await ids(fromEnv)).map((r) => r.verdict)).toEqual(["PROCEED"]);

    const project = join(dir, "project");
    mkdirSync(project);
    writeFileSync(join(project, "azfn-health.config.yaml"), "ledger: ./team.sqlite\n");
    const run = await runCli(["check", "--from", join(process.cwd(), HEALTHY)], {}, project);
    expect(run.code).toBe(0);
    expect(existsSync(join(project, "team.sqlite"))).toBe(true);
    const listed = await runCli(["ledger", "list"], {}, project);
    expect(listed.stdout).toContain("PROCEED");

    const state = join(dir, "state");
    const bare = await runCli(["check", "--from", HEALTHY, "--ledger"], { XDG_STATE_HOME: state });
    expect(bare.code).toBe(0);
    expect(existsSync(join(state, "azfn-health", "ledger.sqlite"))).toBe(true);
    expect((await runCli(["ledger", "list"], { XDG_STATE_HOME: state })).stdout).toContain("PROCEED");
  });

  it("the text report shows what changed since the last clean deployment", async () => {
    const ledger = join(tmp(), "l.sqlite");
    // The healthy recording's release (2026-11-24) is after the story's (2026-11-19): record the story
    // first as clean by a person's mark, then the healthy release diffs against it.
    const story = JSON.parse(
      (await runCli(["check", "--from", STORY, "--ledger", ledger, "--format", "json"])).stdout,
    ) as { ledger: { id: string } };
    await runCli(["ledger", "mark", story.ledger.id, "--clean", "--reason", "ran fine", "--ledger", ledger]);
    const run = await runCli(["check", "--from", HEALTHY, "--ledger", ledger]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Since the last clean deployment (${story.ledger.id}`);
    expect(run.stdout).toMatch(/bitness: 32-bit -> 64-bit/);
    const diff = await runCli([
      "ledger",
      "diff",
      (await ids(ledger))[1]!.id,
      "--ledger",
      ledger,
      "--format",
      "json",
    ]);
    expect(
      (JSON.parse(diff.stdout) as { sinceLastClean: { from: { id: string } } }).sinceLastClean.from.id,
    ).toBe(story.ledger.id);
  });
});

describe("ledger subcommands", () => {
  it("mark keeps who and when beside the automatic record; report, csv and html", async () => {
    const ledger = join(tmp(), "l.sqlite");
    await runCli(["check", "--from", STORY, "--ledger", ledger, "--quiet"]);
    await runCli(["check", "--from", HEALTHY, "--ledger", ledger, "--quiet"]);
    const [story] = await ids(ledger);
    const mark = await runCli(
      [
        "ledger",
        "mark",
        story!.id,
        "--unclean",
        "--remediation",
        "feature-on-previous-build",
        "--reason",
        '=HYPERLINK("x") timeouts',
        "--restored-at",
        "2026-11-19T20:12:10Z",
        "--ledger",
        ledger,
        "--format",
        "json",
      ],
      { USER: "ana", GITHUB_RUN_ID: "4242", GITHUB_REPOSITORY: "org/repo" },
    );
    expect(mark.code).toBe(0);
    const marked = JSON.parse(mark.stdout) as { outcome: string; marks: unknown[] };
    expect(marked.outcome).toBe("unclean");
    expect(marked.marks).toEqual([
      {
        outcome: "unclean",
        remediation: "feature-on-previous-build",
        reason: '=HYPERLINK("x") timeouts',
        restoredAt: "2026-11-19T20:12:10.000Z",
        by: "ana",
        ciBuild: "github:org/repo/4242",
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    ]);
    const text = await runCli(["ledger", "report", "--ledger", ledger]);
    expect(text.stdout).toContain("Clean-deployment rate:      50.0 % (1/2)");
    // Replayed checks are not production deployments: DORA's rate has no data, and says so.
    expect(text.stdout).toContain("Change failure rate (DORA): N/A");
    expect(text.stdout).toContain("Median recovery time:       90 min");
    expect(text.stdout).toContain("feature-on-previous-build 1");
    const csv = await runCli(["ledger", "report", "--ledger", ledger, "--format", "csv"]);
    expect(csv.stdout.split("\r\n")[1]).toBe('"orders-func-prod",2,1,1,0,1,2,50,0,0,"N/A",90,0,0,0,1,0');
    const list = await runCli(["ledger", "list", "--ledger", ledger, "--format", "csv"]);
    expect(list.stdout).toContain(',"feature-on-previous-build",');
    const html = await runCli(["ledger", "report", "--ledger", ledger, "--format", "html"]);
    expect(html.stdout).toMatch(/^<!doctype html>/);
    expect(html.stdout).toContain("<svg");
    expect(html.stdout).not.toMatch(/<script/i);
  });

  it.each([
    [["ledger"], /name an action/],
    [["ledger", "show"], /needs a record id/],
    [["ledger", "list", "extra"], /takes no record id/],
    [["ledger", "show", "x", "--format", "csv"], /--format csv is for list and report/],
    [["ledger", "mark", "x", "--reason", "r"], /exactly one of --clean or --unclean/],
    [["ledger", "mark", "x", "--unclean"], /needs --reason/],
    [
      ["ledger", "mark", "x", "--clean", "--remediation", "rollback", "--reason", "r"],
      /for an unclean deployment/,
    ],
    [["ledger", "show", "nope"], /no record nope/],
    [["ledger", "report", "--since", "soon"], /--since: expected an ISO 8601 time/],
  ])("%j exits 2 with one line", async (args, message) => {
    const ledger = join(tmp(), "l.sqlite");
    await runCli(["check", "--from", HEALTHY, "--ledger", ledger, "--quiet"]);
    const run = await runCli([...args, "--ledger", ledger]);
    expect(run.code).toBe(2);
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(run.stderr).toMatch(message);
  });

  it("reading a ledger that is not there is exit 2 and creates nothing", async () => {
    const path = join(tmp(), "missing.sqlite");
    const run = await runCli(["ledger", "list", "--ledger", path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no ledger there yet/);
    expect(existsSync(path)).toBe(false);
  });

  it("a newer ledger is exit 2 for every subcommand", async () => {
    const path = join(tmp(), "newer.sqlite");
    const { default: Database } = await import("better-sqlite3");
    const db = new Database(path);
    db.exec("CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (7);");
    db.close();
    for (const args of [["list"], ["report"], ["show", "x"], ["diff", "x"]]) {
      const run = await runCli(["ledger", ...args, "--ledger", path]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/written by a newer azfn-health/);
    }
  });
});
