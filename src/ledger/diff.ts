import type { SettingFact } from "../core/facts.js";
import { byCodeUnit } from "../core/order.js";
import { effectiveOutcome, type EnvironmentSnapshot, type LedgerEntry, type LedgerRecord } from "./record.js";

/**
 * What changed in production since the last clean deployment of the same app: what the previous
 * build ran on, for a team choosing between a rollback and shipping the feature on that build.
 *
 * Setting values: allow-listed non-secret values compare as values. Secret values are kept only as
 * hashes keyed per check (src/collect/redact.ts), so two checks' hashes never match even for the
 * same value: a secret is reported "present in both (value not comparable across checks)" unless
 * its shape (credential/plain) changed. Keeping a long-lived hash key beside the hashes would let
 * anyone holding the ledger test guesses against them.
 */
export interface FieldChange {
  field: string;
  before: string | null;
  after: string | null;
}

export interface SettingChange {
  kind: "app setting" | "connection string";
  name: string;
  change: "added" | "removed" | "value changed" | "shape changed" | "not comparable";
  before?: string;
  after?: string;
}

export interface SnapshotDiff {
  from: { id: string; recordedAt: string; verdict: string; release?: string };
  to: { id: string; recordedAt: string; verdict: string; release?: string };
  fields: FieldChange[];
  settings: SettingChange[];
  /** Secret-valued settings present in both: their values cannot be compared across checks. */
  notComparable: number;
}

/**
 * The most recent clean deployment of the same production app released before this one (by
 * release time, else check time): the previous known-good build. A re-check of the same release
 * is not "the previous build".
 */
export function lastCleanBefore(
  records: readonly LedgerEntry[],
  record: LedgerEntry,
): LedgerEntry | undefined {
  const prod = record.apps.prod.toLowerCase();
  const released = (r: LedgerEntry) => r.release.time ?? r.recordedAt;
  return records
    .filter(
      (r) =>
        r.id !== record.id &&
        r.apps.prod.toLowerCase() === prod &&
        released(r) < released(record) &&
        effectiveOutcome(r) === "clean",
    )
    .sort((a, b) => byCodeUnit(released(a), released(b)) || byCodeUnit(a.recordedAt, b.recordedAt))
    .at(-1);
}

const text = (v: string | number | boolean | undefined | null): string | null =>
  v === undefined || v === null ? null : String(v);

/** The fields a build runs on, by name, from a production snapshot. */
export function runsOn(s: EnvironmentSnapshot): Record<string, string | null> {
  const setting = (name: string) => {
    const entry = Object.entries(s.appSettings ?? {}).find(([k]) => k.toLowerCase() === name.toLowerCase());
    return entry ? (entry[1].value ?? "(redacted)") : null;
  };
  return {
    "runtime (FUNCTIONS_WORKER_RUNTIME)":
      setting("FUNCTIONS_WORKER_RUNTIME") ?? text(s.site?.flexRuntime?.name),
    "host (FUNCTIONS_EXTENSION_VERSION)": setting("FUNCTIONS_EXTENSION_VERSION"),
    "host version": text(s.host?.version),
    "target (linuxFxVersion)": text(s.config?.linuxFxVersion),
    "target (netFrameworkVersion)": text(s.config?.netFrameworkVersion),
    "target (Flex runtime version)": text(s.site?.flexRuntime?.version),
    "target (powerShellVersion)": text(s.config?.powerShellVersion),
    "target (javaVersion)": text(s.config?.javaVersion),
    bitness:
      s.config?.use32BitWorkerProcess === undefined
        ? null
        : s.config.use32BitWorkerProcess
          ? "32-bit"
          : "64-bit",
    "in-process / isolated (FUNCTIONS_INPROC_NET8_ENABLED)": setting("FUNCTIONS_INPROC_NET8_ENABLED"),
    plan: s.plan ? `${s.plan.name} (${s.plan.skuName}, ${s.plan.tier})` : null,
    "plan instances": text(s.plan?.capacity),
    "always on": text(s.config?.alwaysOn),
    "site state": text(s.site?.state),
    deployment: s.deployment
      ? `${s.deployment.id}${s.deployment.endTime ? ` at ${s.deployment.endTime}` : ""}`
      : null,
    functions: s.functions ? String(s.functions.length) : null,
  };
}

function settingChanges(
  kind: SettingChange["kind"],
  before: Record<string, SettingFact> | undefined,
  after: Record<string, SettingFact> | undefined,
): { changes: SettingChange[]; notComparable: number } {
  const changes: SettingChange[] = [];
  let notComparable = 0;
  const a = before ?? {};
  const b = after ?? {};
  for (const name of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    const x = a[name];
    const y = b[name];
    if (!x)
      changes.push({ kind, name, change: "added", ...(y?.value !== undefined ? { after: y.value } : {}) });
    else if (!y)
      changes.push({ kind, name, change: "removed", ...(x.value !== undefined ? { before: x.value } : {}) });
    else if (x.value !== undefined && y.value !== undefined) {
      if (x.value !== y.value)
        changes.push({ kind, name, change: "value changed", before: x.value, after: y.value });
    } else if ((x.shape ?? "plain") !== (y.shape ?? "plain")) {
      changes.push({
        kind,
        name,
        change: "shape changed",
        before: x.shape ?? "plain",
        after: y.shape ?? "plain",
      });
    } else if (x.value !== undefined || y.value !== undefined) {
      // One side allow-listed and the other not: the value is not comparable.
      changes.push({ kind, name, change: "not comparable" });
    } else notComparable++;
  }
  return { changes, notComparable };
}

export function diffRecords(from: LedgerRecord, to: LedgerRecord): SnapshotDiff {
  const before = runsOn(from.snapshot.prod);
  const after = runsOn(to.snapshot.prod);
  const fields: FieldChange[] = Object.keys(after)
    .filter((k) => before[k] !== after[k])
    .map((field) => ({ field, before: before[field] ?? null, after: after[field] ?? null }));
  const app = settingChanges("app setting", from.snapshot.prod.appSettings, to.snapshot.prod.appSettings);
  const cs = settingChanges(
    "connection string",
    from.snapshot.prod.connectionStrings,
    to.snapshot.prod.connectionStrings,
  );
  const side = (r: LedgerRecord) => ({
    id: r.id,
    recordedAt: r.recordedAt,
    verdict: r.verdict,
    ...(r.release.time ? { release: r.release.time } : {}),
  });
  return {
    from: side(from),
    to: side(to),
    fields,
    settings: [...app.changes, ...cs.changes],
    notComparable: app.notComparable + cs.notComparable,
  };
}
