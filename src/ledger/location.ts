import { homedir } from "node:os";
import { join } from "node:path";
import type { LedgerEntry, LedgerRecord, Mark } from "./record.js";

/** Where records are kept. Both stores hold the same records and answer the same reports. */
export interface LedgerStore {
  /** Where it is, for messages: a file path or a table URL (never a credential). */
  readonly location: string;
  append(record: LedgerRecord): Promise<void>;
  /** Every record without its snapshot, oldest first; only one production app's when asked. */
  list(filter?: { prodApp?: string }): Promise<LedgerEntry[]>;
  get(id: string): Promise<LedgerRecord | undefined>;
  /** Adds a person's judgment; the automatic record is kept as it was. Unknown id: undefined. */
  mark(id: string, mark: Mark): Promise<LedgerRecord | undefined>;
  close(): void;
}

/**
 * The default SQLite file when `--ledger` names none: $XDG_STATE_HOME/azfn-health/ledger.sqlite,
 * else ~/.local/state/azfn-health/ledger.sqlite (%LOCALAPPDATA%\azfn-health\ledger.sqlite on Windows).
 */
export function defaultLedgerPath(
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): string {
  if (env.XDG_STATE_HOME) return join(env.XDG_STATE_HOME, "azfn-health", "ledger.sqlite");
  if (platform === "win32" && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, "azfn-health", "ledger.sqlite");
  return join(env.HOME ?? homedir(), ".local", "state", "azfn-health", "ledger.sqlite");
}

export type LedgerLocation =
  | { kind: "sqlite"; path: string }
  | { kind: "table"; url: string; account: string; table: string; endpoint: string };

// https://<account>.table.core.windows.net/<table>, or Azurite's path style http://127.0.0.1:<port>/<account>/<table>.
const TABLE_URL = /^(https?:\/\/[^/?#]+(?:\/[^/?#]+)?)\/([A-Za-z][A-Za-z0-9]{2,62})\/?$/;

/** `--ledger`'s value: an Azure Table URL (https://<account>.table.core.windows.net/<table>), else a file. */
export function parseLedgerLocation(value: string | undefined, env: NodeJS.ProcessEnv): LedgerLocation {
  const text = value?.trim() ?? "";
  if (/^https?:\/\//i.test(text)) {
    const match = TABLE_URL.exec(text);
    if (!match) return { kind: "table", url: text, account: "", table: "", endpoint: "" };
    const endpoint = match[1]!;
    const host = new URL(endpoint).hostname;
    return {
      kind: "table",
      url: text,
      endpoint,
      table: match[2]!,
      account: host.split(".")[0] ?? "",
    };
  }
  return { kind: "sqlite", path: text === "" ? defaultLedgerPath(env) : text };
}

export interface OpenOptions {
  /** Read-only commands (list, show, report, diff) never create a ledger. */
  create: boolean;
  env: NodeJS.ProcessEnv;
  /** The check's credential, for a table store with Entra ID. */
  credential?: import("@azure/core-auth").TokenCredential;
}
