import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { UsageError } from "../src/core/errors.js";
import { openSqliteLedger, SQLITE_SCHEMA_VERSION } from "../src/ledger/sqlite.js";
import { defaultLedgerPath, parseLedgerLocation } from "../src/ledger/store.js";
import { ROOT } from "./helpers.js";
import { PROD, sampleRecord } from "./ledger-sample.js";

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
    const db = new Database(path, { readonly: true });
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.prepare("SELECT version FROM schema_version").get()).toEqual({
      version: SQLITE_SCHEMA_VERSION,
    });
    db.close();
  });

  it("migrates a version-1 file in place and keeps its records", async () => {
    const path = join(tmp(), "v1.sqlite");
    const db = new Database(path);
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
    const check = new Database(path, { readonly: true });
    expect(check.prepare("SELECT version FROM schema_version").get()).toEqual({ version: 2 });
    expect(
      check.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name = 'records_by_app'").get(),
    ).toBeTruthy();
    check.close();
  });

  it("a newer schema is a usage error that leaves the file as it was", () => {
    const path = join(tmp(), "newer.sqlite");
    const db = new Database(path);
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
    const db = new Database(path);
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

  it("two pipelines writing at once both keep every record (WAL, busy timeout)", async () => {
    const path = join(tmp(), "shared.sqlite");
    const writer = (name: string) =>
      new Promise<number | null>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          [
            "--input-type=module",
            "-e",
            `import { openSqliteLedger } from ${JSON.stringify(`${ROOT}/dist/ledger/sqlite.js`)};
             const base = ${JSON.stringify(sampleRecord("x"))};
             for (let i = 0; i < 60; i++) {
               const store = openSqliteLedger(${JSON.stringify(path)}, { create: true });
               await store.append({ ...base, id: "${name}-" + i, recordedAt: new Date(Date.UTC(2026, 10, 1, 0, 0, i)).toISOString() });
               await store.mark("${name}-" + i, { outcome: "clean", reason: "r", by: "${name}", at: "2026-11-02T00:00:00.000Z" });
               store.close();
             }`,
          ],
          { stdio: ["ignore", "ignore", "inherit"] },
        );
        child.on("error", reject);
        child.on("close", resolve);
      });
    expect(await Promise.all([writer("one"), writer("two"), writer("three")])).toEqual([0, 0, 0]);
    const store = openSqliteLedger(path, { create: false });
    const all = await store.list();
    store.close();
    expect(all).toHaveLength(180);
    expect(all.every((r) => r.marks.length === 1)).toBe(true);
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
