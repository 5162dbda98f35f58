import { parseLedgerLocation, type LedgerStore, type OpenOptions } from "./location.js";

export {
  defaultLedgerPath,
  parseLedgerLocation,
  type LedgerLocation,
  type LedgerStore,
  type OpenOptions,
} from "./location.js";

/** Opens the store `--ledger` names, loading its driver only now (a plain check never pays for it). */
export async function openLedger(value: string | undefined, options: OpenOptions): Promise<LedgerStore> {
  const location = parseLedgerLocation(value, options.env);
  if (location.kind === "sqlite") {
    const { openSqliteLedger } = await import("./sqlite.js");
    return openSqliteLedger(location.path, { create: options.create });
  }
  const { openTableLedger } = await import("./tables.js");
  return openTableLedger(location, options);
}
