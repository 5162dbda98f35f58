import type { TokenCredential } from "@azure/core-auth";
import type { LedgerEntry, LedgerRecord, Mark } from "./record.js";

/**
 * What every ledger driver implements and every caller uses. It sits apart from store.ts (which
 * chooses and loads a driver) so that the drivers never import the module that imports them.
 */
export interface LedgerStore {
  /** Where it is, for messages: a file path or a table URL (never a credential). */
  readonly location: string;
  /** Writes the record, then reads it back: it resolves only when the record is there as written. */
  append(record: LedgerRecord): Promise<void>;
  /**
   * Every readable record without its snapshot, oldest first; only one production app's when asked.
   * A row in the wrong shape is skipped and named through OpenOptions.onSkippedRow.
   */
  list(filter?: { prodApp?: string }): Promise<LedgerEntry[]>;
  get(id: string): Promise<LedgerRecord | undefined>;
  /** Adds a person's judgment; the automatic record is kept as it was. Unknown id: undefined. */
  mark(id: string, mark: Mark): Promise<LedgerRecord | undefined>;
  close(): void;
}

/** A stored row that is not a record this version can read: skipped, and said so. */
export interface SkippedRow {
  /** The record id (or the row's key) as stored, already made printable. */
  id: string;
  problem: string;
}

export type LedgerLocation =
  | { kind: "sqlite"; path: string }
  | { kind: "table"; url: string; account: string; table: string; endpoint: string };

export interface OpenOptions {
  /** Read-only commands (list, show, report, diff) never create a ledger. */
  create: boolean;
  env: NodeJS.ProcessEnv;
  /** The check's credential, for a table store with Entra ID. */
  credential?: TokenCredential;
  /** Told about each row `list` skips; without it the row is skipped silently. */
  onSkippedRow?: (row: SkippedRow) => void;
}
