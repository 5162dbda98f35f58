import type { TableClient } from "@azure/data-tables";
import { UsageError } from "../core/errors.js";
import { byCodeUnit } from "../core/order.js";
import type { LedgerEntry, LedgerRecord, Mark } from "./record.js";
import type { LedgerLocation, LedgerStore, OpenOptions } from "./location.js";
import { checkEntry, checkMarks, type Checked } from "./shape.js";

/**
 * The team ledger: one Azure Table. Records are entities in partition "record" keyed by id; the
 * snapshot is split over properties because a string property holds at most 64 KiB
 * (https://learn.microsoft.com/rest/api/storageservices/understanding-the-table-service-data-model#property-types).
 * A mark rewrites only the entity's `marks` property, conditionally on the ETag it read, and
 * retries on 412: two people marking at once both keep their mark (optimistic concurrency,
 * https://learn.microsoft.com/azure/storage/blobs/concurrency-manage#managing-concurrency-in-table-storage).
 */
// Not AZFN_HEALTH_*: yargs reads every AZFN_HEALTH_* variable as a flag, and a connection string
// must never be a flag (it would show in process lists).
export const CONNECTION_STRING_ENV = "AZFN_LEDGER_CONNECTION_STRING";
const PARTITION = "record";
const CHUNK = 30_000; // characters: 60 KB in UTF-16, under the 64 KiB property limit
const MAX_MARK_ATTEMPTS = 8;

interface RecordEntity {
  partitionKey: string;
  rowKey: string;
  recordedAt: string;
  entryParts: number;
  snapshotParts: number;
  marks: string;
  [part: string]: unknown;
}

function split(name: string, text: string): Record<string, string> {
  const parts: Record<string, string> = {};
  for (let i = 0; i * CHUNK < text.length || i === 0; i++)
    parts[`${name}${i}`] = text.slice(i * CHUNK, (i + 1) * CHUNK);
  return parts;
}

function join(entity: Record<string, unknown>, name: string, count: unknown): string {
  let text = "";
  for (let i = 0; i < Number(count); i++) {
    const part = entity[`${name}${i}`];
    text += typeof part === "string" ? part : "";
  }
  return text;
}

function statusOf(error: unknown): number | undefined {
  return (error as { statusCode?: number }).statusCode;
}

/** One line for a table failure, without the request's headers (they carry the credential). */
function explain(error: unknown, url: string): UsageError {
  const status = statusOf(error);
  const code = (error as { code?: string }).code;
  const message = (error as Error).message?.split("\n")[0] ?? String(error);
  if (status === 401 || status === 403)
    return new UsageError(
      `--ledger ${url}: access denied (${status}${code ? ` ${code}` : ""}): the identity needs the "Storage ` +
        `Table Data Contributor" role on the table, or set ${CONNECTION_STRING_ENV}`,
    );
  return new UsageError(`--ledger ${url}: ${status ? `HTTP ${status}: ` : ""}${message}`);
}

export async function openTableLedger(
  location: Extract<LedgerLocation, { kind: "table" }>,
  options: OpenOptions,
): Promise<LedgerStore> {
  if (!location.table)
    throw new UsageError(
      `--ledger ${location.url}: expected https://<account>.table.core.windows.net/<table> (a table name of 3-63 letters and digits)`,
    );
  const insecure = location.endpoint.startsWith("http://");
  if (insecure && !/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?(\/|$)/.test(location.endpoint))
    throw new UsageError(`--ledger ${location.url}: only https:// (plain http is for a local Azurite)`);
  const { TableClient } = await import("@azure/data-tables");
  const connection = options.env[CONNECTION_STRING_ENV];
  let client: TableClient;
  if (connection) {
    client = TableClient.fromConnectionString(connection, location.table, {
      allowInsecureConnection: insecure,
    });
  } else {
    if (!options.credential)
      throw new UsageError(
        `--ledger ${location.url}: set ${CONNECTION_STRING_ENV}, or sign in (--auth) for Entra ID`,
      );
    client = new TableClient(location.endpoint, location.table, options.credential, {
      allowInsecureConnection: insecure,
    });
  }
  return tableStore(client, location.url, options);
}

function tableStore(
  client: TableClient,
  url: string,
  { create, onSkippedRow = () => undefined }: Pick<OpenOptions, "create" | "onSkippedRow">,
): LedgerStore {
  let ready: Promise<void> | undefined;
  const ensure = () => (ready ??= create ? client.createTable() : Promise.resolve());
  const call = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      await ensure();
      return await run();
    } catch (error) {
      if (error instanceof UsageError) throw error;
      if (!create && statusOf(error) === 404)
        throw new UsageError(`--ledger ${url}: no such table (a check with --ledger creates it)`);
      throw explain(error, url);
    }
  };
  /** The entity as a record, or why it is not one (named and skipped by `list`, refused by `get`). */
  const readEntry = (e: Record<string, unknown>): Checked<LedgerEntry> => {
    const key = typeof e.rowKey === "string" ? e.rowKey : "(no row key)";
    const entry = checkEntry(join(e, "entry", e.entryParts), key);
    if (!entry.ok) return entry;
    const marks = checkMarks(typeof e.marks === "string" ? e.marks : "[]", key);
    if (!marks.ok) return marks;
    return { ok: true, value: { ...entry.value, marks: marks.value } };
  };
  const readable = (e: Record<string, unknown>): LedgerEntry => {
    const entry = readEntry(e);
    if (!entry.ok)
      throw new UsageError(
        `--ledger ${url}: record ${entry.skipped.id} cannot be read: ${entry.skipped.problem}`,
      );
    return entry.value;
  };
  const getEntity = async (id: string) => {
    try {
      return await client.getEntity<RecordEntity>(PARTITION, id);
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  };
  const toRecord = (e: Record<string, unknown>): LedgerRecord => {
    const entry = readable(e);
    try {
      return {
        ...entry,
        snapshot: JSON.parse(join(e, "snapshot", e.snapshotParts)) as LedgerRecord["snapshot"],
      };
    } catch {
      throw new UsageError(`--ledger ${url}: record ${entry.id} cannot be read: its snapshot is not JSON`);
    }
  };
  return {
    location: url,
    append: (record) =>
      call(async () => {
        const { snapshot, marks: _marks, ...entry } = record;
        const entryJson = JSON.stringify({ ...entry, marks: [] });
        const snapshotJson = JSON.stringify(snapshot);
        const entryParts = split("entry", entryJson);
        const snapshotParts = split("snapshot", snapshotJson);
        await client.createEntity<RecordEntity>({
          partitionKey: PARTITION,
          rowKey: record.id,
          recordedAt: record.recordedAt,
          entryParts: Object.keys(entryParts).length,
          snapshotParts: Object.keys(snapshotParts).length,
          marks: "[]",
          ...entryParts,
          ...snapshotParts,
        });
        // Read back: only a record that is there as written was recorded.
        const back = await getEntity(record.id);
        if (
          !back ||
          join(back, "entry", back.entryParts) !== entryJson ||
          join(back, "snapshot", back.snapshotParts) !== snapshotJson
        )
          throw new UsageError(
            `--ledger ${url}: record ${record.id} was ${back ? "changed" : "gone"} when read back after ` +
              `writing it; it is not recorded`,
          );
      }),
    list: (filter) =>
      call(async () => {
        const app = filter?.prodApp?.toLowerCase();
        const entries: LedgerEntry[] = [];
        for await (const e of client.listEntities({
          queryOptions: { filter: `PartitionKey eq '${PARTITION}'` },
        })) {
          const entry = readEntry(e);
          if (!entry.ok) onSkippedRow(entry.skipped);
          else if (!app || entry.value.apps.prod.toLowerCase() === app) entries.push(entry.value);
        }
        return entries.sort((a, b) => byCodeUnit(a.recordedAt, b.recordedAt) || byCodeUnit(a.id, b.id));
      }),
    get: (id) =>
      call(async () => {
        const e = await getEntity(id);
        return e ? toRecord(e) : undefined;
      }),
    mark: (id, mark) =>
      call(async () => {
        for (let attempt = 1; ; attempt++) {
          const e = await getEntity(id);
          if (!e) return undefined;
          const marks: Mark[] = [...readable(e).marks, mark];
          try {
            await client.updateEntity(
              { partitionKey: PARTITION, rowKey: id, marks: JSON.stringify(marks) },
              "Merge",
              { etag: e.etag },
            );
            return { ...toRecord(e), marks };
          } catch (error) {
            // 412: someone else marked it since we read it; read again and add ours to theirs.
            if (statusOf(error) !== 412 || attempt >= MAX_MARK_ATTEMPTS) throw error;
          }
        }
      }),
    close: () => undefined,
  };
}
