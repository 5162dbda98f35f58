import { existsSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import { UsageError } from "../core/errors.js";
import type { LedgerEntry, LedgerRecord, Mark } from "./record.js";
import type { LedgerStore } from "./location.js";

/**
 * The embedded ledger: one SQLite file. WAL lets readers run beside a writer, and the busy
 * timeout makes a second pipeline writing at the same moment wait its turn instead of failing
 * (https://www.sqlite.org/wal.html, https://www.sqlite.org/c3ref/busy_timeout.html).
 * The schema version sits in its own table; each migration runs once, in order, in a transaction.
 */
export const SQLITE_SCHEMA_VERSION = 2;

const MIGRATIONS: readonly string[] = [
  // 1: records (the automatic judgment, never rewritten) and marks (people's judgments, appended).
  `CREATE TABLE records (
     id TEXT PRIMARY KEY,
     recorded_at TEXT NOT NULL,
     prod_app TEXT NOT NULL,
     verdict TEXT NOT NULL,
     outcome TEXT NOT NULL,
     entry TEXT NOT NULL,
     snapshot TEXT NOT NULL
   );
   CREATE TABLE marks (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     record_id TEXT NOT NULL REFERENCES records(id),
     at TEXT NOT NULL,
     mark TEXT NOT NULL
   );`,
  // 2: `ledger report --app` and "the last clean deployment" read by app and time.
  `CREATE INDEX records_by_app ON records (prod_app, recorded_at);
   CREATE INDEX marks_by_record ON marks (record_id, seq);`,
];

const BUSY_TIMEOUT_MS = 10_000;

type Database = BetterSqlite3.Database;

function corrupt(path: string, detail: string): UsageError {
  return new UsageError(
    `--ledger ${path}: not a readable azfn-health ledger (${detail}); it was left as it is. Point ` +
      `--ledger at another file, or move this one away`,
  );
}

/** The schema version the file says, 0 for an empty database; throws on a file that is not ours. */
function schemaVersion(db: Database, path: string): number {
  let tables: string[];
  try {
    tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]
    ).map((r) => r.name);
  } catch (error) {
    throw corrupt(path, (error as Error).message);
  }
  if (tables.length === 0) return 0;
  if (!tables.includes("schema_version")) throw corrupt(path, "a SQLite file without azfn-health's tables");
  const row = db.prepare("SELECT version FROM schema_version").get() as { version?: unknown } | undefined;
  if (typeof row?.version !== "number" || !Number.isInteger(row.version) || row.version < 1)
    throw corrupt(path, "its schema version is missing");
  return row.version;
}

function migrate(db: Database, path: string): void {
  // IMMEDIATE takes the write lock first: two pipelines creating the file at once migrate it once.
  db.transaction(() => {
    const version = schemaVersion(db, path);
    if (version === 0) db.exec("CREATE TABLE schema_version (version INTEGER NOT NULL)");
    for (let v = version; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]!);
    db.prepare("DELETE FROM schema_version").run();
    db.prepare("INSERT INTO schema_version (version) VALUES (?)").run(SQLITE_SCHEMA_VERSION);
  }).immediate();
}

function parse<T>(text: string, path: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw corrupt(path, `${what} is not JSON`);
  }
}

export function openSqliteLedger(path: string, options: { create: boolean }): LedgerStore {
  if (!options.create && !existsSync(path))
    throw new UsageError(`--ledger ${path}: no ledger there yet (a check with --ledger creates it)`);
  if (options.create) mkdirSync(dirname(path), { recursive: true });
  const Sqlite = createRequire(import.meta.url)("better-sqlite3") as typeof BetterSqlite3;
  let db: Database;
  try {
    db = new Sqlite(path, { fileMustExist: !options.create, timeout: BUSY_TIMEOUT_MS });
  } catch (error) {
    throw corrupt(path, (error as Error).message);
  }
  try {
    // Read before any write: a corrupt or newer file must be left exactly as it was.
    const version = schemaVersion(db, path);
    if (version > SQLITE_SCHEMA_VERSION)
      throw new UsageError(
        `--ledger ${path}: written by a newer azfn-health (ledger schema ${version}; this version reads up to ` +
          `${SQLITE_SCHEMA_VERSION}); it was left as it is. Upgrade azfn-health`,
      );
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma("journal_mode = WAL");
    if (version < SQLITE_SCHEMA_VERSION) migrate(db, path);
  } catch (error) {
    db.close();
    if (error instanceof UsageError) throw error;
    throw corrupt(path, (error as Error).message);
  }
  return sqliteStore(db, path);
}

function sqliteStore(db: Database, path: string): LedgerStore {
  const insert = db.prepare(
    "INSERT INTO records (id, recorded_at, prod_app, verdict, outcome, entry, snapshot) VALUES (?, ?, ?, ?, ?, ?, ?)",
  );
  const marksOf = db.prepare("SELECT mark FROM marks WHERE record_id = ? ORDER BY seq");
  const allMarks = db.prepare("SELECT record_id, mark FROM marks ORDER BY seq");
  const one = db.prepare("SELECT entry, snapshot FROM records WHERE id = ?");
  const all = db.prepare("SELECT entry FROM records ORDER BY recorded_at, id");
  const ofApp = db.prepare("SELECT entry FROM records WHERE prod_app = ? ORDER BY recorded_at, id");
  const marksOfApp = db.prepare(
    "SELECT m.record_id, m.mark FROM marks m JOIN records r ON r.id = m.record_id WHERE r.prod_app = ? ORDER BY m.seq",
  );
  const addMark = db.prepare("INSERT INTO marks (record_id, at, mark) VALUES (?, ?, ?)");
  const guard = <T>(run: () => T): T => {
    try {
      return run();
    } catch (error) {
      if (error instanceof UsageError) throw error;
      const code = (error as { code?: string }).code ?? "";
      if (/^SQLITE_(CORRUPT|NOTADB)/.test(code)) throw corrupt(path, (error as Error).message);
      throw error;
    }
  };
  const withMarks = (entry: LedgerEntry): LedgerEntry => ({
    ...entry,
    marks: (marksOf.all(entry.id) as { mark: string }[]).map((m) => parse<Mark>(m.mark, path, "a mark")),
  });
  const get = (id: string): LedgerRecord | undefined => {
    const row = one.get(id) as { entry: string; snapshot: string } | undefined;
    if (!row) return undefined;
    return {
      ...withMarks(parse<LedgerEntry>(row.entry, path, `record ${id}`)),
      snapshot: parse<LedgerRecord["snapshot"]>(row.snapshot, path, `record ${id}'s snapshot`),
    };
  };
  return {
    location: path,
    append: async (record) =>
      await Promise.resolve(
        guard(() => {
          const { snapshot, marks: _marks, ...entry } = record;
          insert.run(
            record.id,
            record.recordedAt,
            record.apps.prod.toLowerCase(),
            record.verdict,
            record.outcome,
            JSON.stringify({ ...entry, marks: [] }),
            JSON.stringify(snapshot),
          );
        }),
      ),
    list: async (filter) =>
      await Promise.resolve(
        guard(() => {
          const app = filter?.prodApp?.toLowerCase();
          const marks = new Map<string, Mark[]>();
          for (const row of (app ? marksOfApp.all(app) : allMarks.all()) as {
            record_id: string;
            mark: string;
          }[]) {
            const list = marks.get(row.record_id);
            const mark = parse<Mark>(row.mark, path, "a mark");
            if (list) list.push(mark);
            else marks.set(row.record_id, [mark]);
          }
          return ((app ? ofApp.all(app) : all.all()) as { entry: string }[]).map((row) => {
            const entry = parse<LedgerEntry>(row.entry, path, "a record");
            return { ...entry, marks: marks.get(entry.id) ?? [] };
          });
        }),
      ),
    get: async (id) => await Promise.resolve(guard(() => get(id))),
    mark: async (id, mark) =>
      await Promise.resolve(
        guard(() =>
          db
            .transaction(() => {
              if (!one.get(id)) return undefined;
              addMark.run(id, mark.at, JSON.stringify(mark));
              return get(id);
            })
            .immediate(),
        ),
      ),
    close: () => db.close(),
  };
}
