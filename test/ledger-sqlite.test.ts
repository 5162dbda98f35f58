import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import { UsageError } from "../src/core/errors.js";
import { openSqliteLedger, SQLITE_SCHEMA_VERSION } from "../src/ledger/sqlite.js";
import { defaultLedgerPath, parseLedgerLocation } from "../src/ledger/store.js";
import { ROOT } from "./helpers.js";
import { PROD, runWriter, sampleRecord, seeded } from "./ledger-sample.js";

const tmp = () => mkdtempSync(join(tmpdir(), "azfn-ledger-"));

const sha = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

describe("SQLite ledger", () => {
  it("appends, lists without snapshots, gets with them, and keeps marks beside the automatic record", async () => {
    const path = join(tmp(), "nested", "ledger.sqlite");
    const store = openSqliteLedger(path, { create: true });
    await store.append(sampleRecord("b", "2026-11-02T00:00:00.000Z"));
    await store.append(sampleRecord("a", "2026-11-01T00:00:00.000Z"));
    const marked = await store.mark("a", {
      outcome: "clean",
      reason: "false alarm",
      by: "ana",
      at: "2026-11-03T00:00:00.000Z",
    });
    expect(marked?.outcome).toBe("unclean");
    expect(marked?.marks.map((m) => m.by)).toEqual(["ana"]);
    expect(await store.mark("nope", marked!.marks[0]!)).toBeUndefined();
    const list = await store.list();
    expect(list.map((r) => r.id)).toEqual(["a", "b"]);
    expect(list[0]).not.toHaveProperty("snapshot");
    expect((await store.get("a"))?.snapshot.prod.appSettings?.FUNCTIONS_WORKER_RUNTIME?.value).toBe("dotnet");
    expect(await store.get("zzz")).toBeUndefined();
    await expect(store.append(sampleRecord("a"))).rejects.toThrow(/UNIQUE/);
    store.close();
    const db = new DatabaseSync(path, { readOnly: true });
    expect(db.prepare("PRAGMA journal_mode").get()).toEqual({ journal_mode: "wal" });
    expect(db.prepare("SELECT version FROM schema_version").get()).toEqual({
      version: SQLITE_SCHEMA_VERSION,
    });
    db.close();
  });

  it("migrates a version-1 file in place and keeps its records", async () => {
    const path = join(tmp(), "v1.sqlite");
    const db = new DatabaseSync(path);
    db.exec(`CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (1);
      CREATE TABLE records (id TEXT PRIMARY KEY, recorded_at TEXT NOT NULL, prod_app TEXT NOT NULL, verdict TEXT NOT NULL,
        outcome TEXT NOT NULL, entry TEXT NOT NULL, snapshot TEXT NOT NULL);
      CREATE TABLE marks (seq INTEGER PRIMARY KEY AUTOINCREMENT, record_id TEXT NOT NULL REFERENCES records(id), at TEXT NOT NULL, mark TEXT NOT NULL);`);
    const { snapshot, ...entry } = sampleRecord("old");
    db.prepare("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?)").run(
      "old",
      entry.recordedAt,
      PROD.toLowerCase(),
      "HOTFIX",
      "unclean",
      JSON.stringify(entry),
      JSON.stringify(snapshot),
    );
    db.close();
    const store = openSqliteLedger(path, { create: false });
    expect((await store.list()).map((r) => r.id)).toEqual(["old"]);
    store.close();
    const check = new DatabaseSync(path, { readOnly: true });
    expect(check.prepare("SELECT version FROM schema_version").get()).toEqual({ version: 2 });
    expect(
      check.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'records_by_app'").get(),
    ).toBeTruthy();
    check.close();
  });

  it("a newer schema is a usage error that leaves the file as it was", () => {
    const path = join(tmp(), "newer.sqlite");
    const db = new DatabaseSync(path);
    db.exec(
      "CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (99);",
    );
    db.close();
    const before = sha(path);
    expect(() => openSqliteLedger(path, { create: true })).toThrow(UsageError);
    expect(() => openSqliteLedger(path, { create: true })).toThrow(/newer azfn-health \(ledger schema 99/);
    expect(sha(path)).toBe(before);
  });

  it.each([
    ["garbage bytes", "this is not a database at all, just text ".repeat(200)],
    ["a truncated SQLite header", "SQLite format 3\u0000" + "\u0001".repeat(90)],
  ])("a corrupt file (%s) is a usage error that changes nothing", (_name, content) => {
    const path = join(tmp(), "corrupt.sqlite");
    writeFileSync(path, content);
    const before = sha(path);
    expect(() => openSqliteLedger(path, { create: true })).toThrow(/not a readable azfn-health ledger/);
    expect(sha(path)).toBe(before);
  });

  it("another program's SQLite file is refused, not migrated", () => {
    const path = join(tmp(), "other.sqlite");
    const db = new DatabaseSync(path);
    db.exec("CREATE TABLE customers (id INTEGER)");
    db.close();
    const before = sha(path);
    expect(() => openSqliteLedger(path, { create: true })).toThrow(/without azfn-health's tables/);
    expect(sha(path)).toBe(before);
  });

  it("read-only commands never create a ledger", () => {
    expect(() => openSqliteLedger(join(tmp(), "none.sqlite"), { create: false })).toThrow(
      /no ledger there yet/,
    );
  });

  it("writers at once, ids from one millisecond: every record kept, none collides (generated)", async () => {
    // Generated: how many writers and how many records each, from a printed seed.
    const seed = Number(process.env.LEDGER_SEED ?? 20261206);
    const random = seeded(seed);
    const writers = 2 + Math.floor(random() * 3);
    const count = 20 + Math.floor(random() * 30);
    const path = join(tmp(), "shared.sqlite");
    const runs = await Promise.all(
      Array.from({ length: writers }, (_, i) => runWriter(path, {}, `w${i}`, count)),
    );
    expect(
      runs.map((r) => [r.code, r.stderr]),
      `seed ${seed}`,
    ).toEqual(runs.map(() => [0, ""]));
    const store = openSqliteLedger(path, { create: false });
    const all = await store.list();
    store.close();
    expect(new Set(all.map((r) => r.id)).size, `seed ${seed}`).toBe(writers * count);
    expect(all.every((r) => r.marks.length === 1)).toBe(true);
  });

  it("a writer killed mid-write (SIGKILL) loses nothing it reported, and the file stays usable", async () => {
    const path = join(tmp(), "killed.sqlite");
    const [killed, survivor] = await Promise.all([
      runWriter(path, {}, "killed", 10_000, 8),
      runWriter(path, {}, "survivor", 30),
    ]);
    expect(killed.signal).toBe("SIGKILL");
    expect(survivor.code).toBe(0);
    const store = openSqliteLedger(path, { create: true });
    await store.append(sampleRecord("after-the-kill"));
    const ids = new Set((await store.list()).map((r) => r.id));
    store.close();
    for (const id of [...killed.ids, ...survivor.ids, "after-the-kill"]) expect(ids).toContain(id);
  });
});

/** Rows written behind the ledger's back, straight into the file. */
function plantRow(path: string, id: string, entry: string): void {
  const db = new DatabaseSync(path);
  db.prepare("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?)").run(
    id,
    "2026-11-01T00:00:00.000Z",
    PROD.toLowerCase(),
    "HOTFIX",
    "unclean",
    entry,
    "{}",
  );
  db.close();
}

/** Ways a stored row can be valid JSON (or not) and still not be a record. */
const BREAKERS: [string, (entry: Record<string, unknown>) => unknown][] = [
  ["a required field removed", (e) => ({ ...e, apps: undefined })],
  ["a number where text belongs", (e) => ({ ...e, recordedAt: 42 })],
  ["an unknown verdict", (e) => ({ ...e, verdict: "MAYBE" })],
  ["findings not a list", (e) => ({ ...e, findings: "none" })],
  ["a mark without who", (e) => ({ ...e, marks: [{ outcome: "clean", reason: "r", at: "2026-01-01" }] })],
  ["a time that is not a time", (e) => ({ ...e, release: { ...(e.release as object), time: "soon" } })],
  ["another record's id", (e) => ({ ...e, id: "someone-else" })],
  ["an array", () => []],
  ["null", () => null],
  ["a string", () => "record"],
];

describe("SQLite ledger: what others wrote into the file", () => {
  it("a planted trigger (AFTER INSERT … DELETE FROM records) is refused on open, in one line, file untouched", async () => {
    const path = join(tmp(), "trigger.sqlite");
    const store = openSqliteLedger(path, { create: true });
    await store.append(sampleRecord("kept"));
    store.close();
    const db = new DatabaseSync(path);
    db.exec("CREATE TRIGGER wipe AFTER INSERT ON records BEGIN DELETE FROM records; END;");
    db.close();
    const before = sha(path);
    for (const create of [true, false]) {
      const error = (() => {
        try {
          openSqliteLedger(path, { create });
        } catch (e) {
          return e as Error;
        }
      })();
      expect(error).toBeInstanceOf(UsageError);
      expect(error?.message).toMatch(/holds a trigger "wipe" that azfn-health did not create/);
      expect(error?.message.split("\n")).toHaveLength(1);
    }
    expect(sha(path)).toBe(before);
  });

  it.each([
    ["a view", "CREATE VIEW everything AS SELECT * FROM records"],
    ["another table", "CREATE TABLE extra (x)"],
    ["another index", "CREATE INDEX by_verdict ON records (verdict)"],
  ])("%s the ledger did not create is refused", async (_name, sql) => {
    const path = join(tmp(), "planted.sqlite");
    openSqliteLedger(path, { create: true }).close();
    const db = new DatabaseSync(path);
    db.exec(sql);
    db.close();
    expect(() => openSqliteLedger(path, { create: false })).toThrow(/that azfn-health did not create/);
  });

  it("a trigger planted after the ledger opened is caught by the read-back: not 'recorded'", async () => {
    const path = join(tmp(), "late.sqlite");
    const store = openSqliteLedger(path, { create: true });
    const db = new DatabaseSync(path);
    db.exec("CREATE TRIGGER wipe AFTER INSERT ON records BEGIN DELETE FROM records; END;");
    db.close();
    await expect(store.append(sampleRecord("lost"))).rejects.toThrow(
      /record lost was gone when read back after writing it; it is not recorded/,
    );
    store.close();
  });

  it("rows of the wrong shape are named and skipped; the rest is read (generated)", async () => {
    const seed = Number(process.env.LEDGER_SEED ?? 17);
    const random = seeded(seed);
    const path = join(tmp(), "shapes.sqlite");
    const store = openSqliteLedger(path, { create: true });
    const good: string[] = [];
    for (let i = 0; i < 5; i++) {
      good.push(`good-${i}`);
      await store.append(sampleRecord(`good-${i}`, `2026-11-0${i + 1}T00:00:00.000Z`));
    }
    store.close();
    const { snapshot: _snapshot, ...entry } = sampleRecord("bad");
    const planted: string[] = [];
    for (let i = 0; i < 12; i++) {
      const [name, breaker] = BREAKERS[Math.floor(random() * BREAKERS.length)]!;
      const id = `bad-${i}`;
      planted.push(`${id} (${name})`);
      plantRow(path, id, JSON.stringify(breaker({ ...entry, id })));
    }
    plantRow(path, "not-json", "{ this is not json");
    const skipped: string[] = [];
    const reader = openSqliteLedger(path, { create: false, onSkippedRow: (row) => skipped.push(row.id) });
    const read = await reader.list();
    expect(
      read.map((r) => r.id),
      `seed ${seed}: ${planted.join(", ")}`,
    ).toEqual(good);
    expect(skipped.sort(), `seed ${seed}`).toEqual(
      [...planted.map((p) => p.split(" ")[0]!), "not-json"].sort(),
    );
    await expect(reader.get("bad-0")).rejects.toThrow(/record bad-0 cannot be read: the record/);
    reader.close();
  });
});

describe("node:sqlite on this Node", () => {
  it("the ledger prints no ExperimentalWarning (Node 22) and every other warning still shows", () => {
    const path = join(tmp(), "quiet.sqlite");
    const run = spawnSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `import { openSqliteLedger } from ${JSON.stringify(`${ROOT}/dist/ledger/sqlite.js`)};
         openSqliteLedger(${JSON.stringify(path)}, { create: true }).close();
         process.emitWarning("an unrelated experiment", "ExperimentalWarning");`,
      ],
      { encoding: "utf8" },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/SQLite/);
    expect(run.stderr).toMatch(/ExperimentalWarning: an unrelated experiment/);
  });
});

describe("ledger location", () => {
  it.each([
    [{ XDG_STATE_HOME: "/state" }, "linux", "/state/azfn-health/ledger.sqlite"],
    [{ HOME: "/home/ana" }, "linux", "/home/ana/.local/state/azfn-health/ledger.sqlite"],
  ] as const)("default path from %j", (env, platform, expected) =>
    expect(defaultLedgerPath(env, platform)).toBe(expected),
  );

  it("a table URL, Azurite's path style, or a file", () => {
    expect(parseLedgerLocation("https://acct.table.core.windows.net/ledger", {})).toEqual({
      kind: "table",
      url: "https://acct.table.core.windows.net/ledger",
      endpoint: "https://acct.table.core.windows.net",
      table: "ledger",
      account: "acct",
    });
    expect(parseLedgerLocation("http://127.0.0.1:10002/devstoreaccount1/ledger", {})).toMatchObject({
      endpoint: "http://127.0.0.1:10002/devstoreaccount1",
      table: "ledger",
    });
    expect(parseLedgerLocation("", { XDG_STATE_HOME: "/s" })).toEqual({
      kind: "sqlite",
      path: "/s/azfn-health/ledger.sqlite",
    });
  });
});
