import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openLedger } from "../src/ledger/store.js";
import { CONNECTION_STRING_ENV } from "../src/ledger/tables.js";
import { HEALTHY, runInProcess, STORY } from "./helpers.js";
import { runWriter, sampleRecord, seeded } from "./ledger-sample.js";
import { startAzurite, type Azurite } from "./support/azurite.mjs";
import { schemaProblems } from "./support/schemas.js";

let azurite: Azurite;
beforeAll(async () => {
  azurite = await startAzurite();
}, 60_000);
afterAll(() => azurite?.close());

let n = 0;
const table = () => `ledger${Date.now().toString(36)}${n++}`;

describe("Azure Table ledger (Azurite on 127.0.0.1)", () => {
  it("appends, lists, gets (a snapshot larger than one property), and marks", async () => {
    const env = { [CONNECTION_STRING_ENV]: azurite.connectionString };
    const store = await openLedger(azurite.tableUrl(table()), { create: true, env });
    const big = sampleRecord("big", "2026-11-02T00:00:00.000Z");
    big.snapshot.prod.appSettings = Object.fromEntries(
      Array.from({ length: 3000 }, (_, i) => [
        `SETTING_${i}`,
        { value: `value-${i}-${"x".repeat(20)}`, hash: "h" },
      ]),
    );
    expect(JSON.stringify(big.snapshot).length).toBeGreaterThan(100_000);
    await store.append(big);
    await store.append(sampleRecord("small", "2026-11-01T00:00:00.000Z"));
    expect((await store.list()).map((r) => r.id)).toEqual(["small", "big"]);
    const got = await store.get("big");
    expect(got?.snapshot).toEqual(big.snapshot);
    expect(await store.get("absent")).toBeUndefined();
    const marked = await store.mark("small", {
      outcome: "clean",
      reason: "fine",
      by: "ana",
      at: "2026-11-03T00:00:00Z",
    });
    expect(marked?.marks.map((m) => m.by)).toEqual(["ana"]);
    expect(marked?.outcome).toBe("unclean");
    expect(await store.mark("absent", marked!.marks[0]!)).toBeUndefined();
  });

  it("marks made at the same moment all survive (ETag, retried on 412)", async () => {
    const env = { [CONNECTION_STRING_ENV]: azurite.connectionString };
    const url = azurite.tableUrl(table());
    const store = await openLedger(url, { create: true, env });
    await store.append(sampleRecord("r"));
    const others = await Promise.all(
      Array.from({ length: 6 }, () => openLedger(url, { create: false, env })),
    );
    await Promise.all(
      others.map((s, i) =>
        s.mark("r", { outcome: "unclean", reason: `r${i}`, by: `p${i}`, at: `2026-11-0${i + 1}T00:00:00Z` }),
      ),
    );
    const marks = (await store.get("r"))!.marks.map((m) => m.by).sort();
    expect(marks).toEqual(["p0", "p1", "p2", "p3", "p4", "p5"]);
  });

  it("writers at once, ids from one millisecond: every record kept, none collides (generated, as SQLite)", async () => {
    const seed = Number(process.env.LEDGER_SEED ?? 20261206);
    const random = seeded(seed);
    const writers = 2 + Math.floor(random() * 3);
    const count = 8 + Math.floor(random() * 8);
    const url = azurite.tableUrl(table());
    const env = { [CONNECTION_STRING_ENV]: azurite.connectionString };
    const runs = await Promise.all(
      Array.from({ length: writers }, (_, i) => runWriter(url, env, `w${i}`, count)),
    );
    expect(
      runs.map((r) => [r.code, r.stderr]),
      `seed ${seed}`,
    ).toEqual(runs.map(() => [0, ""]));
    const store = await openLedger(url, { create: false, env });
    const all = await store.list();
    expect(new Set(all.map((r) => r.id)).size, `seed ${seed}`).toBe(writers * count);
    expect(all.every((r) => r.marks.length === 1)).toBe(true);
  }, 120_000);

  it("a writer killed mid-write (SIGKILL) loses nothing it reported, and the table stays usable (as SQLite)", async () => {
    const url = azurite.tableUrl(table());
    const env = { [CONNECTION_STRING_ENV]: azurite.connectionString };
    const [killed, survivor] = await Promise.all([
      runWriter(url, env, "killed", 10_000, 5),
      runWriter(url, env, "survivor", 10),
    ]);
    expect(killed.signal).toBe("SIGKILL");
    expect(survivor.code, survivor.stderr).toBe(0);
    const store = await openLedger(url, { create: true, env });
    await store.append(sampleRecord("after-the-kill"));
    const ids = new Set((await store.list()).map((r) => r.id));
    for (const id of [...killed.ids, ...survivor.ids, "after-the-kill"]) expect(ids).toContain(id);
  }, 120_000);

  it("an entity in the wrong shape is named and skipped; the rest is read", async () => {
    const env = { [CONNECTION_STRING_ENV]: azurite.connectionString };
    const url = azurite.tableUrl(table());
    const skipped: string[] = [];
    const store = await openLedger(url, {
      create: true,
      env,
      onSkippedRow: (row) => skipped.push(`${row.id}: ${row.problem}`),
    });
    await store.append(sampleRecord("good"));
    const { TableClient } = await import("@azure/data-tables");
    const client = TableClient.fromConnectionString(azurite.connectionString, url.split("/").at(-1)!, {
      allowInsecureConnection: true,
    });
    const { snapshot: _snapshot, ...entry } = sampleRecord("bad");
    await client.createEntity({
      partitionKey: "record",
      rowKey: "bad",
      entryParts: 1,
      snapshotParts: 1,
      marks: "[]",
      entry0: JSON.stringify({ ...entry, verdict: 42 }),
      snapshot0: "{}",
    });
    expect((await store.list()).map((r) => r.id)).toEqual(["good"]);
    expect(skipped).toEqual([expect.stringMatching(/^bad: the record in the wrong shape \(verdict: /)]);
    await expect(store.get("bad")).rejects.toThrow(/record bad cannot be read/);
  });

  it("reading a table that does not exist is a usage error", async () => {
    const env = { [CONNECTION_STRING_ENV]: azurite.connectionString };
    const store = await openLedger(azurite.tableUrl(table()), { create: false, env });
    await expect(store.list()).rejects.toThrow(/no such table/);
  });

  it("plain http only for a local Azurite, and a URL that names a table", async () => {
    await expect(openLedger("http://example.com/acct/ledger", { create: true, env: {} })).rejects.toThrow(
      /only https:\/\//,
    );
    await expect(
      openLedger("https://acct.table.core.windows.net/", { create: true, env: {} }),
    ).rejects.toThrow(/expected https:\/\/<account>/);
    await expect(
      openLedger("https://acct.table.core.windows.net/ledger", { create: true, env: {} }),
    ).rejects.toThrow(/set AZFN_LEDGER_CONNECTION_STRING, or sign in/);
  });

  it("the CLI records checks in the table and reports the same numbers as SQLite", async () => {
    const url = azurite.tableUrl(table());
    const env = { [CONNECTION_STRING_ENV]: azurite.connectionString };
    const first = await runInProcess(["check", "--from", STORY, "--ledger", url, "--format", "json"], env);
    expect(first.code).toBe(5);
    const id = (JSON.parse(first.stdout) as { ledger: { status: string; id: string } }).ledger;
    expect(id.status).toBe("recorded");
    expect((await runInProcess(["check", "--from", HEALTHY, "--ledger", url, "--quiet"], env)).code).toBe(0);
    const mark = await runInProcess(
      [
        "ledger",
        "mark",
        id.id,
        "--unclean",
        "--remediation",
        "rollback",
        "--reason",
        "5xx",
        "--by",
        "ana",
        "--ledger",
        url,
      ],
      env,
    );
    expect(mark.code).toBe(0);
    const report = await runInProcess(["ledger", "report", "--ledger", url, "--format", "csv"], env);
    expect(report.stdout.split("\r\n")[1]).toBe(
      '"orders-func-prod",2,1,1,0,1,2,50,0,0,"N/A","N/A",1,0,0,0,0',
    );
    expect(JSON.stringify(report)).not.toContain(azurite.connectionString.slice(-20));
    // The table gives back the documents SQLite does: each of its JSON answers is of its schema.
    for (const [args, file] of [
      [["show", id.id], "azfn-health.ledger-record.schema.json"],
      [["list"], "azfn-health.ledger-list.schema.json"],
      [["report"], "azfn-health.ledger-report.schema.json"],
    ] as const) {
      const run = await runInProcess(["ledger", ...args, "--ledger", url, "--format", "json"], env);
      expect(run.code, run.stderr).toBe(0);
      expect(schemaProblems(file, JSON.parse(run.stdout)), file).toEqual([]);
    }
  });

  it("a table that cannot be reached is reported and the check's exit code stays", async () => {
    const env = { [CONNECTION_STRING_ENV]: azurite.connectionString.replace(/:\d+\//, ":1/") };
    const run = await runInProcess(
      [
        "check",
        "--from",
        HEALTHY,
        "--ledger",
        "http://127.0.0.1:1/devstoreaccount1/ledger",
        "--format",
        "json",
      ],
      env,
    );
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as { ledger: { status: string } }).ledger.status).toBe("failed");
    expect(run.stderr).toMatch(/ledger not written/);
  }, 60_000);
});
