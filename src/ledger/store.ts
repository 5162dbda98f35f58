import { homedir } from "node:os";
import { join } from "node:path";
import type { LedgerLocation, LedgerStore, OpenOptions } from "./port.js";

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

/** Opens the store `--ledger` names, loading its driver only now (a plain check never pays for it). */
export async function openLedger(value: string | undefined, options: OpenOptions): Promise<LedgerStore> {
  const location = parseLedgerLocation(value, options.env);
  if (location.kind === "sqlite") {
    const { openSqliteLedger } = await import("./sqlite.js");
    return openSqliteLedger(location.path, options);
  }
  const { openTableLedger } = await import("./tables.js");
  return openTableLedger(location, options);
}
