import { existsSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { UsageError } from "../core/errors.js";
import type { LedgerStore, OpenOptions } from "./location.js";
import type { LedgerEntry, LedgerRecord, Mark } from "./record.js";
import { checkEntry, checkMark, type Checked } from "./shape.js";

/**
 * The embedded ledger: one SQLite file through Node's built-in node:sqlite (Node 22.13+ and 24; no
 * native addon to compile, https://nodejs.org/api/sqlite.html). WAL lets readers run beside a
 * writer, and the busy timeout makes a second pipeline writing at the same moment wait its turn
 * instead of failing (https://www.sqlite.org/wal.html, https://www.sqlite.org/c3ref/busy_timeout.html).
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
const VERSION_TABLE = "CREATE TABLE schema_version (version INTEGER NOT NULL)";

const BUSY_TIMEOUT_MS = 10_000;

type Sqlite = typeof import("node:sqlite");
let sqlite: Sqlite | undefined;

/**
 * node:sqlite, loaded once, here and nowhere else. Node 22 announces "ExperimentalWarning: SQLite is
 * an experimental feature" on stderr when the module is first loaded (Node 24 does not): that one
 * warning, and only it, is dropped, so a pipeline log does not show it on every check. Every other
 * warning, and this one from any other load, goes through untouched.
 */
function loadSqlite(): Sqlite {
  if (sqlite) return sqlite;
  const original = Object.getOwnPropertyDescriptor(process, "emitWarning");
  const emit = process.emitWarning.bind(process) as (...args: unknown[]) => void;
  process.emitWarning = (warning: string | Error, ...rest: unknown[]) => {
    const type = typeof rest[0] === "string" ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    const message = typeof warning === "string" ? warning : warning.message;
    if (type === "ExperimentalWarning" && message.startsWith("SQLite is an experimental feature")) return;
    emit(warning, ...rest);
  };
  try {
    sqlite = createRequire(import.meta.url)("node:sqlite") as Sqlite;
  } catch {
    throw new UsageError(
      `the SQLite ledger needs Node.js 22.13 or later (node:sqlite); this is ${process.version}`,
    );
  } finally {
    if (original) Object.defineProperty(process, "emitWarning", original);
  }
  return sqlite;
}

function corrupt(path: string, detail: string): UsageError {
  return new UsageError(
    `--ledger ${path}: not a readable azfn-health ledger (${detail}); it was left as it is. Point ` +
      `--ledger at another file, or move this one away`,
  );
}

interface SchemaObject {
  type: string;
  name: string;
  sql: string | null;
}

const objectsOf = (db: DatabaseSync): SchemaObject[] =>
  db
    .prepare("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
    .all() as unknown as SchemaObject[];

/** Whitespace may differ between how a statement was written by one version and another; nothing else may. */
const normalised = (sql: string | null) =>
  (sql ?? "")
    .replace(/\s+/g, " ")
    .replace(/ ?([(),]) ?/g, "$1")
    .trim();

const expectedSchemas = new Map<number, Map<string, string>>();

/** The objects (tables, indexes, autoindexes) that migrations 1..version create, by "type name". */
function expectedSchema(version: number): Map<string, string> {
  let expected = expectedSchemas.get(version);
  if (expected) return expected;
  const reference = new (loadSqlite().DatabaseSync)(":memory:");
  reference.exec(VERSION_TABLE);
  for (let v = 0; v < version; v++) reference.exec(MIGRATIONS[v]!);
  expected = new Map(objectsOf(reference).map((o) => [`${o.type} ${o.name}`, normalised(o.sql)]));
  reference.close();
  expectedSchemas.set(version, expected);
  return expected;
}

/**
 * The file holds exactly what the ledger's migrations create, nothing more and nothing changed: a
 * trigger, view or altered table planted in the file could delete or rewrite records behind the
 * ledger's back (issue 17: an `AFTER INSERT … DELETE FROM records` trigger wiped every record
 * while the check said "recorded").
 */
function checkSchema(db: DatabaseSync, path: string, version: number): void {
  const expected = expectedSchema(version);
  for (const object of objectsOf(db)) {
    const sql = expected.get(`${object.type} ${object.name}`);
    const name = JSON.stringify(object.name).slice(0, 80);
    if (sql === undefined)
      throw new UsageError(
        `--ledger ${path}: holds a ${object.type} ${name} that azfn-health did not create (it could change ` +
          `or delete records); it was left as it is. Remove it, or point --ledger at another file`,
      );
    if (sql !== normalised(object.sql))
      throw new UsageError(
        `--ledger ${path}: its ${object.type} ${name} is not the one azfn-health created; it was left ` +
          `as it is. Point --ledger at another file`,
      );
  }
}

/** The schema version the file says, 0 for an empty database; throws on a file that is not ours. */
function schemaVersion(db: DatabaseSync, path: string): number {
  let tables: string[];
  try {
    tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as unknown as { name: string }[]
    ).map((r) => r.name);
  } catch (error) {
    throw corrupt(path, (error as Error).message);
  }
  if (tables.length === 0) return 0;
  if (!tables.includes("schema_version")) throw corrupt(path, "a SQLite file without azfn-health's tables");
  const rows = db.prepare("SELECT version FROM schema_version").all() as { version?: unknown }[];
  const version = rows.length === 1 ? rows[0]!.version : undefined;
  if (typeof version !== "number" || !Number.isInteger(version) || version < 1)
    throw corrupt(path, "its schema version is missing");
  return version;
}

/** BEGIN IMMEDIATE takes the write lock first, so a reader-turned-writer never deadlocks on upgrade. */
function immediate<T>(db: DatabaseSync, run: () => T): T {
  db.exec("BEGIN IMMEDIATE");
  try {
    const result = run();
    db.exec("COMMIT");
    return result;
  } catch (error) {
    try {
      db.exec("ROLLBACK");
    } catch {
      // SQLite already rolled back (e.g. on SQLITE_FULL); the first error is the one to tell.
    }
    throw error;
  }
}

function migrate(db: DatabaseSync, path: string): void {
  // Two pipelines creating the file at once migrate it once: the second sees the new version.
  immediate(db, () => {
    const version = schemaVersion(db, path);
    if (version > 0) checkSchema(db, path, version);
    if (version === 0) db.exec(VERSION_TABLE);
    for (let v = version; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]!);
    db.prepare("DELETE FROM schema_version").run();
    db.prepare("INSERT INTO schema_version (version) VALUES (?)").run(SQLITE_SCHEMA_VERSION);
  });
}

export function openSqliteLedger(
  path: string,
  options: Pick<OpenOptions, "create" | "onSkippedRow">,
): LedgerStore {
  if (!options.create && !existsSync(path))
    throw new UsageError(`--ledger ${path}: no ledger there yet (a check with --ledger creates it)`);
  if (options.create) mkdirSync(dirname(path), { recursive: true });
  const { DatabaseSync } = loadSqlite();
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(path);
  } catch (error) {
    throw corrupt(path, (error as Error).message);
  }
  try {
    // Read before any write: a corrupt, newer or tampered file must be left exactly as it was.
    db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    const version = schemaVersion(db, path);
    if (version > SQLITE_SCHEMA_VERSION)
      throw new UsageError(
        `--ledger ${path}: written by a newer azfn-health (ledger schema ${version}; this version reads up to ` +
          `${SQLITE_SCHEMA_VERSION}); it was left as it is. Upgrade azfn-health`,
      );
    if (version > 0) checkSchema(db, path, version);
    db.exec("PRAGMA journal_mode = WAL");
    if (version < SQLITE_SCHEMA_VERSION) migrate(db, path);
  } catch (error) {
    db.close();
    if (error instanceof UsageError) throw error;
    throw corrupt(path, (error as Error).message);
  }
  return sqliteStore(db, path, options.onSkippedRow);
}

/** SQLITE_CORRUPT (11) and SQLITE_NOTADB (26), as node:sqlite reports them in `errcode`. */
const CORRUPTION = new Set([11, 26]);

function sqliteStore(
  db: DatabaseSync,
  path: string,
  onSkippedRow: OpenOptions["onSkippedRow"] = () => undefined,
): LedgerStore {
  const insert = db.prepare(
    "INSERT INTO records (id, recorded_at, prod_app, verdict, outcome, entry, snapshot) VALUES (?, ?, ?, ?, ?, ?, ?)",
  );
  const marksOf = db.prepare("SELECT mark FROM marks WHERE record_id = ? ORDER BY seq");
  const allMarks = db.prepare("SELECT record_id, mark FROM marks ORDER BY seq");
  const one = db.prepare("SELECT entry, snapshot FROM records WHERE id = ?");
  const all = db.prepare("SELECT id, entry FROM records ORDER BY recorded_at, id");
  const ofApp = db.prepare("SELECT id, entry FROM records WHERE prod_app = ? ORDER BY recorded_at, id");
  const marksOfApp = db.prepare(
    "SELECT m.record_id, m.mark FROM marks m JOIN records r ON r.id = m.record_id WHERE r.prod_app = ? ORDER BY m.seq",
  );
  const addMark = db.prepare("INSERT INTO marks (record_id, at, mark) VALUES (?, ?, ?)");
  const guard = <T>(run: () => T): T => {
    try {
      return run();
    } catch (error) {
      if (error instanceof UsageError) throw error;
      if (CORRUPTION.has((error as { errcode?: number }).errcode ?? 0))
        throw corrupt(path, (error as Error).message);
      throw error;
    }
  };
  const unreadable = (checked: Extract<Checked<unknown>, { ok: false }>) =>
    new UsageError(
      `--ledger ${path}: record ${checked.skipped.id} cannot be read: ${checked.skipped.problem}`,
    );
  /** Marks in the wrong shape are named and left out; the record keeps the readable ones. */
  const readMarks = (rows: { mark: string }[], id: string): Mark[] =>
    rows.flatMap((row) => {
      const checked = checkMark(row.mark, id);
      if (checked.ok) return [checked.value];
      onSkippedRow(checked.skipped);
      return [];
    });
  const get = (id: string): LedgerRecord | undefined => {
    const row = one.get(id) as { entry: string; snapshot: string } | undefined;
    if (!row) return undefined;
    const entry = checkEntry(row.entry, id);
    if (!entry.ok) throw unreadable(entry);
    let snapshot: LedgerRecord["snapshot"];
    try {
      snapshot = JSON.parse(row.snapshot) as LedgerRecord["snapshot"];
    } catch {
      throw new UsageError(`--ledger ${path}: record ${id} cannot be read: its snapshot is not JSON`);
    }
    return {
      ...entry.value,
      marks: readMarks(marksOf.all(id) as unknown as { mark: string }[], id),
      snapshot,
    };
  };
  return {
    location: path,
    append: async (record) =>
      await Promise.resolve(
        guard(() => {
          const { snapshot, marks: _marks, ...fields } = record;
          const entry = JSON.stringify({ ...fields, marks: [] });
          const snapshotJson = JSON.stringify(snapshot);
          immediate(db, () =>
            insert.run(
              record.id,
              record.recordedAt,
              record.apps.prod.toLowerCase(),
              record.verdict,
              record.outcome,
              entry,
              snapshotJson,
            ),
          );
          // Read back after the commit: only a record that is there as written was recorded.
          const back = one.get(record.id) as { entry: string; snapshot: string } | undefined;
          if (back?.entry !== entry || back.snapshot !== snapshotJson)
            throw new UsageError(
              `--ledger ${path}: record ${record.id} was ${back ? "changed" : "gone"} when read back after ` +
                `writing it; it is not recorded`,
            );
        }),
      ),
    list: async (filter) =>
      await Promise.resolve(
        guard(() => {
          const app = filter?.prodApp?.toLowerCase();
          const markRows = (app ? marksOfApp.all(app) : allMarks.all()) as unknown as {
            record_id: string;
            mark: string;
          }[];
          const marks = new Map<string, { mark: string }[]>();
          for (const row of markRows) {
            const list = marks.get(row.record_id);
            if (list) list.push(row);
            else marks.set(row.record_id, [row]);
          }
          const rows = (app ? ofApp.all(app) : all.all()) as unknown as { id: string; entry: string }[];
          return rows.flatMap((row): LedgerEntry[] => {
            const entry = checkEntry(row.entry, row.id);
            if (!entry.ok) {
              onSkippedRow(entry.skipped);
              return [];
            }
            return [{ ...entry.value, marks: readMarks(marks.get(row.id) ?? [], row.id) }];
          });
        }),
      ),
    get: async (id) => await Promise.resolve(guard(() => get(id))),
    mark: async (id, mark) =>
      await Promise.resolve(
        guard(() =>
          immediate(db, () => {
            if (!one.get(id)) return undefined;
            addMark.run(id, mark.at, JSON.stringify(mark));
            return get(id);
          }),
        ),
      ),
    close: () => db.close(),
  };
}
