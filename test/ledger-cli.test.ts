import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { unsupportedNode } from "../src/cli/node-version.js";
import { HEALTHY, ROOT, runCli, runInProcess, showLedgerRecord, STORY } from "./helpers.js";

// In-process through main() (runInProcess), but for the environment and working-directory test, which
// spawns the CLI (runCli) several times in a row: on a loaded 2-core machine that takes longer than the
// default bound. Nothing here asserts speed.
vi.setConfig({ testTimeout: 90_000 });

const tmp = () => mkdtempSync(join(tmpdir(), "azfn-ledger-cli-"));
const ids = async (ledger: string) =>
  (
    JSON.parse((await runInProcess(["ledger", "list", "--ledger", ledger, "--format", "json"])).stdout) as {
      deployments: { checks: { id: string; verdict: string }[] }[];
    }
  ).deployments.flatMap((d) => d.checks);

describe("check --ledger", () => {
  it("records the check, reports it in JSON, and keeps the verdict's exit code", async () => {
    const dir = tmp();
    const ledger = join(dir, "ledger.sqlite");
    const out = join(dir, "evidence");
    const run = await runInProcess([
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
    const show = await showLedgerRecord(report.ledger.id, ledger);
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
    const plain = await runInProcess(["check", "--from", STORY, "--format", "json"]);
    const run = await runInProcess(["check", "--from", STORY, "--ledger", corrupt, "--format", "json"]);
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
      (await runInProcess(["check", "--from", STORY, "--ledger", ledger, "--format", "json"])).stdout,
    ) as { ledger: { id: string } };
    await runInProcess(
      ["ledger", "mark", story.ledger.id, "--clean", "--reason", "ran fine", "--ledger", ledger],
      {
        USER: "ana",
      },
    );
    const run = await runInProcess(["check", "--from", HEALTHY, "--ledger", ledger]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Since the last clean deployment (${story.ledger.id}`);
    expect(run.stdout).toMatch(/bitness: 32-bit -> 64-bit/);
    const diff = await runInProcess([
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
    await runInProcess(["check", "--from", STORY, "--ledger", ledger, "--quiet"]);
    await runInProcess(["check", "--from", HEALTHY, "--ledger", ledger, "--quiet"]);
    const [story] = await ids(ledger);
    const mark = await runInProcess(
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
        byFrom: "USER",
        ciBuild: "github:org/repo/4242",
        at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    ]);
    const text = await runInProcess(["ledger", "report", "--ledger", ledger]);
    expect(text.stdout).toContain("Clean-deployment rate:      50.0 % (1/2)");
    // Replayed checks are not production deployments: DORA's rate has no data, and says so.
    expect(text.stdout).toContain("Change failure rate (DORA): N/A");
    expect(text.stdout).toContain("Median recovery time:       90 min");
    expect(text.stdout).toContain("feature-on-previous-build 1");
    const csv = await runInProcess(["ledger", "report", "--ledger", ledger, "--format", "csv"]);
    expect(csv.stdout.split("\r\n")[1]).toBe('"orders-func-prod",2,1,1,0,1,2,50,0,0,"N/A",90,0,0,0,1,0');
    const list = await runInProcess(["ledger", "list", "--ledger", ledger, "--format", "csv"]);
    expect(list.stdout).toContain(',"feature-on-previous-build",');
    const html = await runInProcess(["ledger", "report", "--ledger", ledger, "--format", "html"]);
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
    [["ledger", "report", "--since", "soon"], /--since: expected quarter, last-quarter/],
    [["ledger", "report", "--since", "2026-Q4", "--until", "2026-Q3"], /is not before --until/],
    [["ledger", "list", "--since", "quarter"], /--since and --until are for report/],
  ])("%j exits 2 with one line", async (args, message) => {
    const ledger = join(tmp(), "l.sqlite");
    await runInProcess(["check", "--from", HEALTHY, "--ledger", ledger, "--quiet"]);
    const run = await runInProcess([...args, "--ledger", ledger]);
    expect(run.code).toBe(2);
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(run.stderr).toMatch(message);
  });

  it("reading a ledger that is not there is exit 2 and creates nothing", async () => {
    const path = join(tmp(), "missing.sqlite");
    const run = await runInProcess(["ledger", "list", "--ledger", path]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no ledger there yet/);
    expect(existsSync(path)).toBe(false);
  });

  it("a newer ledger is exit 2 for every subcommand", async () => {
    const path = join(tmp(), "newer.sqlite");
    const { DatabaseSync } = await import("node:sqlite");
    const db = new DatabaseSync(path);
    db.exec("CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (7);");
    db.close();
    for (const args of [["list"], ["report"], ["show", "x"], ["diff", "x"]]) {
      const run = await runInProcess(["ledger", ...args, "--ledger", path]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/written by a newer azfn-health/);
    }
  });
});

describe("ledger: who marks, which record, what others wrote", () => {
  const recorded = async () => {
    const ledger = join(tmp(), "l.sqlite");
    await runInProcess(["check", "--from", STORY, "--ledger", ledger, "--quiet"]);
    const [record] = await ids(ledger);
    return { ledger, id: record!.id };
  };
  const markBy = async (env: NodeJS.ProcessEnv, extra: string[] = []) => {
    const { ledger, id } = await recorded();
    const run = await runInProcess(
      ["ledger", "mark", id, "--unclean", "--reason", "r", "--ledger", ledger, "--format", "json", ...extra],
      env,
    );
    return {
      run,
      mark:
        run.code === 0
          ? (JSON.parse(run.stdout) as { marks: { by: string; byFrom: string }[] }).marks[0]
          : undefined,
    };
  };

  it.each([
    [{ USER: "runner", GITHUB_ACTOR: "octocat" }, [], "octocat", "GITHUB_ACTOR"],
    [
      { USER: "vsts", BUILD_REQUESTEDFOR: "Ana Lima", BUILD_REQUESTEDFOREMAIL: "ana@example.com" },
      [],
      "Ana Lima <ana@example.com>",
      "BUILD_REQUESTEDFOR",
    ],
    [{ BUILD_REQUESTEDFOREMAIL: "ana@example.com" }, [], "ana@example.com", "BUILD_REQUESTEDFOREMAIL"],
    [{ GITLAB_USER_LOGIN: "ana" }, [], "ana", "GITLAB_USER_LOGIN"],
    [{ USER: "ana" }, [], "ana", "USER"],
    [{ USER: "runner", GITHUB_ACTOR: "octocat" }, ["--by", "Release Manager"], "Release Manager", "--by"],
  ])("mark with %j %j is by %s (from %s)", async (env, extra, by, byFrom) => {
    const { run, mark } = await markBy(env, extra);
    expect(run.code, run.stderr).toBe(0);
    expect(mark).toMatchObject({ by, byFrom });
  });

  it("mark with no --by and no identity in the environment is refused, never 'unknown'", async () => {
    const { run } = await markBy({});
    expect(run.code).toBe(2);
    expect(run.stderr.trimEnd().split("\n")).toEqual([
      expect.stringMatching(/who is judging\? Give --by NAME/),
    ]);
  });

  it("a unique prefix names a record; an ambiguous one lists the candidates in one line", async () => {
    const { ledger, id } = await recorded();
    await runInProcess(["check", "--from", STORY, "--ledger", ledger, "--quiet"]);
    const all = (await ids(ledger)).map((r) => r.id);
    // Both ids come from the same minute: their first 8 characters (the time) are the same.
    const common = id.slice(0, 6);
    expect(all.every((other) => other.startsWith(common))).toBe(true);
    const ambiguous = await runInProcess(["ledger", "show", common, "--ledger", ledger]);
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.stderr.trimEnd().split("\n")).toHaveLength(1);
    for (const other of all) expect(ambiguous.stderr).toContain(other);
    const unique = all.map((other) => {
      let n = 1;
      while (all.filter((x) => x.startsWith(other.slice(0, n))).length > 1) n++;
      return other.slice(0, n);
    });
    for (const [i, prefix] of unique.entries()) {
      const show = await showLedgerRecord(prefix.toUpperCase(), ledger);
      expect(show.code, show.stderr).toBe(0);
      expect((JSON.parse(show.stdout) as { id: string }).id).toBe(all[i]!);
    }
  });

  it("a planted trigger: the check says the ledger was not written (one line), the verdict's exit code stays", async () => {
    const { ledger } = await recorded();
    const { DatabaseSync } = await import("node:sqlite");
    const db = new DatabaseSync(ledger);
    db.exec("CREATE TRIGGER wipe AFTER INSERT ON records BEGIN DELETE FROM records; END;");
    db.close();
    const run = await runInProcess(["check", "--from", STORY, "--ledger", ledger, "--quiet"]);
    expect(run.code).toBe(5);
    expect(run.stderr).not.toMatch(/recorded in the ledger/);
    expect(run.stderr.split("\n").filter((l) => l.includes("ledger"))).toEqual([
      expect.stringMatching(/ledger not written: .*holds a trigger "wipe" that azfn-health did not create/),
    ]);
    const list = await runInProcess(["ledger", "list", "--ledger", ledger]);
    expect(list.code).toBe(2);
    expect(list.stderr).toMatch(/holds a trigger "wipe"/);
  });

  it("a row in the wrong shape: list and report name it on stderr and go on with the rest (exit 0)", async () => {
    const { ledger, id } = await recorded();
    const { DatabaseSync } = await import("node:sqlite");
    const db = new DatabaseSync(ledger);
    const row = db.prepare("SELECT * FROM records WHERE id = ?").get(id) as Record<string, string>;
    const entry = JSON.parse(row.entry!) as Record<string, unknown>;
    db.prepare("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?)").run(
      "planted",
      row.recorded_at!,
      row.prod_app!,
      "HOTFIX",
      "unclean",
      JSON.stringify({ ...entry, id: "planted", apps: "not an object" }),
      "{}",
    );
    db.close();
    for (const action of ["list", "report"]) {
      const run = await runInProcess(["ledger", action, "--ledger", ledger, "--format", "json"]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr.trimEnd().split("\n")).toEqual([
        expect.stringMatching(
          /record planted skipped: the record in the wrong shape \(apps: .*\(the other records were read\)/,
        ),
      ]);
      expect(run.stdout).toContain(action === "list" ? id : '"unclean": 1');
    }
  });
});

describe("Node.js version", () => {
  it.each([
    ["20.19.0", true],
    ["22.12.0", true],
    ["v22.13.0", false],
    ["22.23.5", false],
    ["24.0.0", false],
    ["25.1.0", false],
  ])("%s is refused: %s", (version, refused) => {
    const line = unsupportedNode(version);
    expect(line !== undefined).toBe(refused);
    if (line)
      expect(line.trimEnd().split("\n")).toEqual([expect.stringMatching(/needs Node\.js 22\.13 or later/)]);
  });

  it.skipIf(!existsSync("/usr/bin/node") || Number(process.versions.node.split(".")[0]) < 22)(
    "the machine's older Node gets one line and exit 2, for --version and a check alike",
    async () => {
      const { spawnSync } = await import("node:child_process");
      const old = spawnSync("/usr/bin/node", ["--version"], { encoding: "utf8" }).stdout.trim();
      if (!unsupportedNode(old)) return;
      for (const args of [["--version"], ["check", "--from", STORY]]) {
        const run = spawnSync("/usr/bin/node", [join(ROOT, "dist/bundle/bin.js"), ...args], {
          encoding: "utf8",
        });
        expect(run.status).toBe(2);
        expect(run.stderr.trimEnd().split("\n")).toEqual([
          expect.stringMatching(/needs Node\.js 22\.13 or later/),
        ]);
      }
    },
  );
});
