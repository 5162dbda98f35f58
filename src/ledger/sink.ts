import { createHash, randomBytes } from "node:crypto";
import type { TokenCredential } from "@azure/core-auth";
import type { CheckFacts } from "../core/facts.js";
import type { Report } from "../report/model.js";
import { diffRecords, lastCleanBefore, type SnapshotDiff } from "./diff.js";
import { buildLedgerRecord, recordId, type LedgerRecord } from "./record.js";
import { openLedger } from "./store.js";

/** What `check --ledger` says about its write: in the JSON report as `ledger`, and on stderr when it failed. */
export type LedgerStatus =
  | { status: "recorded"; id: string; location: string; sinceLastClean: SnapshotDiff | null }
  | { status: "failed"; location: string; error: string };

/**
 * The bundle's digest: SHA-256 over each file's name and SHA-256, in name order, so one value
 * pins the whole evidence bundle; the per-file digests are kept too.
 */
export function bundleDigest(files: Record<string, string>): NonNullable<LedgerRecord["bundle"]> {
  const perFile = Object.fromEntries(
    Object.keys(files)
      .sort()
      .map((name) => [name, createHash("sha256").update(files[name]!).digest("hex")]),
  );
  const all = createHash("sha256");
  for (const [name, digest] of Object.entries(perFile)) all.update(`${name}\0${digest}\n`);
  return { sha256: all.digest("hex"), files: perFile };
}

export interface RecordCheckInput {
  ledger: string;
  report: Report;
  facts: CheckFacts;
  bundleFiles?: Record<string, string>;
  servicenowChange?: string;
  env: NodeJS.ProcessEnv;
  credential?: TokenCredential;
  now?: Date;
}

/** Records the check and finds the last clean deployment before it. Never throws: a failure is a status. */
export async function recordCheck(input: RecordCheckInput): Promise<LedgerStatus> {
  const location = input.ledger || "(default ledger)";
  let store: Awaited<ReturnType<typeof openLedger>> | undefined;
  try {
    store = await openLedger(input.ledger, { create: true, env: input.env, credential: input.credential });
    const now = input.now ?? new Date();
    const record = buildLedgerRecord(input.report, input.facts, {
      id: recordId(now, (size) => randomBytes(size)),
      recordedAt: now.toISOString(),
      ...(input.bundleFiles ? { bundle: bundleDigest(input.bundleFiles) } : {}),
      ...(input.servicenowChange ? { servicenowChange: input.servicenowChange } : {}),
    });
    // Read first: the new record must not be its own "last clean deployment".
    const earlier = await store.list({ prodApp: record.apps.prod });
    await store.append(record);
    const previous = lastCleanBefore(earlier, record);
    const full = previous ? await store.get(previous.id) : undefined;
    return {
      status: "recorded",
      id: record.id,
      location: store.location,
      sinceLastClean: full ? diffRecords(full, record) : null,
    };
  } catch (error) {
    return { status: "failed", location: store?.location ?? location, error: (error as Error).message };
  } finally {
    store?.close();
  }
}
