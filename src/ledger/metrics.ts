import type { Verdict } from "../core/exit-codes.js";
import { byCodeUnit as order } from "../core/order.js";
import { appName, effectiveOutcome, type LedgerEntry, type Remediation, type StackNote } from "./record.js";

/**
 * The ledger's numbers, pure over records. Conventions (docs in /README "Release manager"):
 * - several checks of one release (same production app, release time and deployment id) are one
 *   deployment, judged by its latest check and any mark on it (Apache DevLake merges a pipeline
 *   run's deployments the same way: https://github.com/apache/incubator-devlake-website/blob/main/docs/Metrics/CFR.md);
 * - inconclusive deployments are kept apart: never counted clean, and out of every rate;
 * - DORA's change failure rate counts production deployments only (the production app, not a
 *   slot, checked live), and is null ("N/A") when there is none, never 0 %.
 */

export interface Deployment {
  key: string;
  app: string;
  record: LedgerEntry;
  /** Every check of this release, oldest first (the last is `record`, without the merged marks). */
  checks: LedgerEntry[];
  outcome: ReturnType<typeof effectiveOutcome>;
  /** For the time axis: the release time, else when it was checked. */
  at: string;
}

export function deploymentKey(r: LedgerEntry): string {
  return [
    r.apps.prod.toLowerCase(),
    r.release.time ?? `checked ${r.recordedAt}`,
    r.release.deploymentId ?? "",
  ].join("|");
}

/** One entry per deployment: its latest check, with the marks of every check of it. */
export function deployments(records: readonly LedgerEntry[]): Deployment[] {
  const byKey = new Map<string, LedgerEntry[]>();
  for (const r of records) {
    const key = deploymentKey(r);
    const group = byKey.get(key);
    if (group) group.push(r);
    else byKey.set(key, [r]);
  }
  const result: Deployment[] = [];
  for (const [key, group] of byKey) {
    const sorted = group.length === 1 ? group : [...group].sort((a, b) => order(a.recordedAt, b.recordedAt));
    const last = sorted.at(-1)!;
    const marks =
      sorted.length === 1 ? last.marks : sorted.flatMap((r) => r.marks).sort((a, b) => order(a.at, b.at));
    const merged = { ...last, marks };
    result.push({
      key,
      app: appName(last),
      record: merged,
      checks: sorted,
      outcome: effectiveOutcome(merged),
      at: last.release.time ?? last.recordedAt,
    });
  }
  return result.sort((a, b) => order(a.at, b.at));
}

export interface Rate {
  numerator: number;
  denominator: number;
  /** null when the denominator is 0: shown "N/A", never 0 %. */
  rate: number | null;
}

const rate = (numerator: number, denominator: number): Rate => ({
  numerator,
  denominator,
  rate: denominator === 0 ? null : numerator / denominator,
});

/** Clean ÷ (clean + unclean); inconclusive deployments are neither. */
export function cleanRate(ds: readonly Deployment[]): Rate {
  const judged = ds.filter((d) => d.outcome !== "inconclusive");
  return rate(judged.filter((d) => d.outcome === "clean").length, judged.length);
}

export const isProductionDeployment = (d: Deployment) => d.record.production && d.record.mode === "live";

/** DORA change failure rate: unclean ÷ judged production deployments (inconclusive excluded). */
export function changeFailureRate(ds: readonly Deployment[]): Rate {
  const judged = ds.filter((d) => isProductionDeployment(d) && d.outcome !== "inconclusive");
  return rate(judged.filter((d) => d.outcome === "unclean").length, judged.length);
}

/** Median minutes from release to the mark's restored-at, over unclean deployments that have both; null if none. */
export function medianRecoveryMinutes(ds: readonly Deployment[]): { median: number | null; count: number } {
  const minutes = ds
    .filter((d) => d.outcome === "unclean")
    .flatMap((d) => {
      const restored = [...d.record.marks].reverse().find((m) => m.restoredAt)?.restoredAt;
      const start = d.record.release.time;
      if (!restored || !start) return [];
      const ms = Date.parse(restored) - Date.parse(start);
      return Number.isFinite(ms) && ms >= 0 ? [ms / 60_000] : [];
    })
    .sort((a, b) => a - b);
  return { median: median(minutes), count: minutes.length };
}

export function median(sorted: readonly number[]): number | null {
  if (sorted.length === 0) return null;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** How unclean deployments were remediated, from the latest mark; "unrecorded" when nobody said. */
export function remediationMix(ds: readonly Deployment[]): Record<Remediation | "unrecorded", number> {
  const mix: Record<Remediation | "unrecorded", number> = {
    rollback: 0,
    hotfix: 0,
    "fix-forward": 0,
    "feature-on-previous-build": 0,
    unrecorded: 0,
  };
  for (const d of ds) {
    if (d.outcome !== "unclean") continue;
    const remediation = [...d.record.marks].reverse().find((m) => m.remediation)?.remediation;
    mix[remediation ?? "unrecorded"]++;
  }
  return mix;
}

/** ISO week start (Monday, UTC) of a time: the clean-rate chart's buckets. */
export function weekOf(iso: string): string {
  const d = new Date(iso);
  const day = (d.getUTCDay() + 6) % 7;
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day))
    .toISOString()
    .slice(0, 10);
}

export interface AppSummary {
  app: string;
  deployments: number;
  clean: number;
  unclean: number;
  inconclusive: number;
  cleanRate: Rate;
  changeFailureRate: Rate;
  recovery: { median: number | null; count: number };
  remediation: ReturnType<typeof remediationMix>;
  weekly: { week: string; cleanRate: Rate }[];
}

/**
 * Where the fix of an unclean deployment left production, and whether that stack is past its end
 * of life: a rollback or the feature shipped on the previous build lands on the previous build's
 * stack (the hero fix of issue 20: the feature on a .NET Core 3.1 / runtime 3.x build); a hotfix or
 * a fix forward stays on this release's stack.
 */
export interface FixLanding {
  build: "previous" | "this";
  /** "end-of-life" when the stack's end of life is on or before the fix; "warned" when only the check's warning says so. */
  state: "end-of-life" | "supported" | "warned" | "unknown";
  stack: StackNote | null;
  /** For "warned": the check's own warning; for "unknown": why it is not known. */
  note?: string;
}

/** One unclean deployment, as the release manager asks about it: which, why, who said so, what fixed it. */
export interface UncleanDeployment {
  app: string;
  release: string;
  /** The latest check of the release and how many checks it had. */
  id: string;
  checks: number;
  verdict: Verdict;
  /** The latest mark's reason and who marked it; null when the automatic outcome stands unmarked. */
  reason: string | null;
  markedBy: string | null;
  markedAt: string | null;
  change: string | null;
  /** The findings that decided the verdict, as "R09 (prod): title". */
  drivers: string[];
  remediation: Remediation | null;
  fix: FixLanding | null;
}

export interface LedgerSummary {
  since?: string;
  until: string;
  /** "2026-Q3" when the window is one calendar quarter. */
  quarter?: string;
  /** Every unclean deployment in the window, oldest first. */
  uncleanDeployments: UncleanDeployment[];
  overall: Omit<AppSummary, "app">;
  apps: AppSummary[];
}

function summarise(ds: readonly Deployment[]): Omit<AppSummary, "app"> {
  const weeks = new Map<string, Deployment[]>();
  for (const d of ds) {
    const week = weekOf(d.at);
    const group = weeks.get(week);
    if (group) group.push(d);
    else weeks.set(week, [d]);
  }
  return {
    deployments: ds.length,
    clean: ds.filter((d) => d.outcome === "clean").length,
    unclean: ds.filter((d) => d.outcome === "unclean").length,
    inconclusive: ds.filter((d) => d.outcome === "inconclusive").length,
    cleanRate: cleanRate(ds),
    changeFailureRate: changeFailureRate(ds),
    recovery: medianRecoveryMinutes(ds),
    remediation: remediationMix(ds),
    weekly: [...weeks]
      .sort(([a], [b]) => order(a, b))
      .map(([week, group]) => ({ week, cleanRate: cleanRate(group) })),
  };
}

export interface SummaryFilter {
  app?: string;
  since?: Date;
  /** Exclusive: releases before this time. */
  until: Date;
  quarter?: string;
}

const latestMark = (d: Deployment) => d.record.marks.at(-1);

/** Old records carry no drivers: their severe production findings stand in, as the decision reads them. */
function driversOf(entry: LedgerEntry): string[] {
  if (entry.drivers) return entry.drivers;
  return entry.findings
    .filter((f) => f.environment !== "qa" && (f.severity === "critical" || f.severity === "high"))
    .map((f) => `${f.ruleId} (${f.environment}): ${f.title}`);
}

function stackState(stack: StackNote, at: string): FixLanding["state"] {
  if (!stack.endOfLife) return "supported";
  return Date.parse(stack.endOfLife) <= Date.parse(at) ? "end-of-life" : "supported";
}

/** The check's own warning that the way back lands on end-of-life software, if it gave one. */
const endOfLifeWarning = (entry: LedgerEntry) =>
  entry.warnings?.find((w) => /end-of-life|end of life/i.test(w));

function fixLanding(d: Deployment, previousClean: Deployment | undefined): FixLanding | null {
  const remediation = [...d.record.marks].reverse().find((m) => m.remediation)?.remediation;
  if (!remediation) return null;
  const fixedAt = [...d.record.marks].reverse().find((m) => m.restoredAt)?.restoredAt ?? d.at;
  if (remediation === "hotfix" || remediation === "fix-forward") {
    const stack = d.record.stack?.prod ?? null;
    if (!stack) return { build: "this", state: "unknown", stack, note: "the record predates stack notes" };
    return { build: "this", state: stackState(stack, fixedAt), stack };
  }
  const stack = previousClean?.record.stack?.prod ?? null;
  if (stack) return { build: "previous", state: stackState(stack, fixedAt), stack };
  const warning = endOfLifeWarning(d.record);
  if (warning) return { build: "previous", state: "warned", stack: null, note: warning };
  return {
    build: "previous",
    state: "unknown",
    stack: null,
    note: previousClean
      ? "the previous clean deployment's record predates stack notes"
      : "no earlier clean deployment of this app in the ledger",
  };
}

function uncleanRow(d: Deployment, previousClean: Deployment | undefined): UncleanDeployment {
  const mark = latestMark(d);
  const change =
    mark?.servicenowChange ?? [...d.checks].reverse().find((c) => c.servicenowChange)?.servicenowChange;
  return {
    app: d.app,
    release: d.at,
    id: d.record.id,
    checks: d.checks.length,
    verdict: d.record.verdict,
    reason: mark?.reason ?? null,
    markedBy: mark?.by ?? null,
    markedAt: mark?.at ?? null,
    change: change ?? null,
    drivers: driversOf(d.record),
    remediation: [...d.record.marks].reverse().find((m) => m.remediation)?.remediation ?? null,
    fix: fixLanding(d, previousClean),
  };
}

/** For each deployment, the latest clean deployment of the same production app released before it. */
function previousCleanOf(ds: readonly Deployment[]): Map<Deployment, Deployment | undefined> {
  const lastClean = new Map<string, Deployment>();
  const previous = new Map<Deployment, Deployment | undefined>();
  for (const d of ds) {
    const app = d.record.apps.prod.toLowerCase();
    previous.set(d, lastClean.get(app));
    if (d.outcome === "clean") lastClean.set(app, d);
  }
  return previous;
}

/** The `ledger report`: overall and per app, for deployments released in [since, until]. */
export function summariseLedger(records: readonly LedgerEntry[], filter: SummaryFilter): LedgerSummary {
  const app = filter.app?.toLowerCase();
  const every = deployments(records);
  const previousClean = previousCleanOf(every);
  const ds = every.filter(
    (d) =>
      (!app || d.app.toLowerCase() === app || d.record.apps.prod.toLowerCase() === app) &&
      (!filter.since || Date.parse(d.at) >= filter.since.getTime()) &&
      Date.parse(d.at) < filter.until.getTime(),
  );
  const byApp = new Map<string, Deployment[]>();
  for (const d of ds) {
    const group = byApp.get(d.app);
    if (group) group.push(d);
    else byApp.set(d.app, [d]);
  }
  return {
    ...(filter.since ? { since: filter.since.toISOString() } : {}),
    until: filter.until.toISOString(),
    ...(filter.quarter ? { quarter: filter.quarter } : {}),
    uncleanDeployments: ds
      .filter((d) => d.outcome === "unclean")
      .map((d) => uncleanRow(d, previousClean.get(d))),
    overall: summarise(ds),
    apps: [...byApp]
      .sort(([a], [b]) => order(a, b))
      .map(([name, group]) => ({ app: name, ...summarise(group) })),
  };
}

/** "N/A" when there is no data, never 0 %. */
export function percent(r: Rate): string {
  return r.rate === null ? "N/A" : `${(r.rate * 100).toFixed(1)} %`;
}

export function minutesText(minutes: number | null): string {
  if (minutes === null) return "N/A";
  if (minutes < 120) return `${Math.round(minutes)} min`;
  if (minutes < 48 * 60) return `${(minutes / 60).toFixed(1)} h`;
  return `${(minutes / 1440).toFixed(1)} d`;
}
