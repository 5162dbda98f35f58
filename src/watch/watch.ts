import { judge, type CheckRequest, type CheckResult } from "../check.js";
import type { Finding } from "../analyse/rule.js";
import { isReleaseTimeRule } from "../analyse/rules/readiness.js";
import { ruleById } from "../analyse/rules/index.js";
import { CollectError } from "../core/errors.js";
import type { CheckFacts, Role } from "../core/facts.js";
import { grainMs, planWindows, type Windows } from "../core/windows.js";
import { recommend, type Recommendation } from "../decide/decide.js";
import { step } from "../decide/plan.js";
import { evidenceMinimum } from "./evidence.js";
import type { EvidenceStatus, WatchRound, WatchStop, WatchSummary } from "../core/watch-model.js";

/** The watch's time: the CLI passes the wall clock live, and a replay clock that advances through a recording. */
export interface WatchClock {
  now(): Date;
  /** Resolves after `ms` (or at once on a replay clock, which moves its `now`); rejects when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface WatchRequest extends CheckRequest {
  durationMs: number;
  intervalMs: number;
  /** Consecutive failing rounds (ROLLBACK or HOTFIX) that stop the watch early; Argo's failureLimit. */
  failureLimit: number;
  clock: WatchClock;
  /** Ctrl-C / SIGTERM from the CLI: the watch ends with the verdict so far. */
  signal?: AbortSignal;
  /** Told after every round: the CLI prints the progress line. */
  onRound?: (round: WatchRound, evidence: EvidenceStatus) => void;
  /** Counts requests, for the `calls` of each round (the CLI wires access.onRequest to it). */
  requestCount?: () => number;
  /** Milliseconds from any origin, for each round's `ms` (the CLI passes performance.now). */
  stopwatch?: () => number;
}

export interface WatchResult extends CheckResult {
  watch: WatchSummary;
}

const MINUTE = 60_000;
/** Azure Monitor's ingestion delay leaves the newest buckets empty for a few minutes: re-read at most these. */
const REREAD_BUCKETS = 5;

/**
 * `check --watch`, like an Argo analysis run: a first round reads everything (configuration,
 * the baseline once, the after-window so far); every later round reads only the buckets that are
 * new since the last (one wave of requests), re-judges, and decides whether to stop.
 * Pure apart from the injected clock, sleep, signal and Azure access: no process, no console.
 */
export async function runWatch(request: WatchRequest): Promise<WatchResult> {
  const { clock } = request;
  const start = clock.now().getTime();
  const deadline = start + request.durationMs;
  const metrics = request.metrics ?? { settleMinutes: 5, baseline: "before" as const };
  const [{ collectCheckFacts }, { createRoundReader }] = await Promise.all([
    import("../collect/azure.js"),
    import("../collect/round.js"),
  ]);
  const apps = { qa: request.qa, prod: request.prod };
  const roundReader = createRoundReader(request.access, apps);
  const rounds: WatchRound[] = [];
  const calls = () => request.requestCount?.() ?? null;
  let before = calls();
  const time = () => request.stopwatch?.() ?? null;
  let roundStart = time();

  // The windows of the whole run: the after-window grows to the deadline; the baseline is its final length, read once.
  let final: Windows | undefined;
  const windowsAt = (now: number, release: Date): Windows | undefined => {
    final ??= planWindows(release, new Date(deadline), metrics);
    if (!final) return undefined;
    const step = grainMs(final.grain);
    const end = Math.max(
      Date.parse(final.after.start),
      Math.min(Date.parse(final.after.end), Math.floor(now / step) * step),
    );
    return { ...final, after: { start: final.after.start, end: new Date(end).toISOString() } };
  };

  let facts: CheckFacts;
  try {
    const now = clock.now();
    facts = await collectCheckFacts(
      request.signal
        ? { ...request.access, abortSignal: anySignal(request.access.abortSignal, request.signal) }
        : request.access,
      apps,
      {
        now,
        hashKey: request.hashKey,
        since: request.since,
        metrics,
        appInsights: request.appInsights,
        watch: { readers: roundReader.readers, windowsFor: (release) => windowsAt(now.getTime(), release) },
      },
    );
  } catch (error) {
    if (request.signal?.aborted)
      throw new CollectError(
        "interrupted before the first round finished: no verdict so far",
        request.prod.id,
      );
    throw error;
  }
  let result = judgeRound(facts, request);
  let evidence = evidenceMinimum(facts);
  let previous: Finding[] = [];
  const record = () => {
    const after = calls();
    const round: WatchRound = {
      round: rounds.length + 1,
      at: facts.now,
      evidenceMinutes:
        evidence.afterBuckets * (facts.metricWindows ? grainMs(facts.metricWindows.grain) / MINUTE : 0),
      requests: evidence.afterRequests,
      verdict: result.recommendation.action,
      evidenceMet: evidence.met,
      changed: changedFindings(previous, result.analysis.findings),
      calls: after === null || before === null ? null : after - before,
      ms: roundStart === null ? null : Math.round(time()! - roundStart),
    };
    before = after;
    previous = result.analysis.findings;
    rounds.push(round);
    request.onRound?.(round, evidence);
  };
  record();

  let failing = isFailing(result) ? 1 : 0;
  let stoppedBy: WatchStop | undefined = !facts.metricWindows
    ? "no release time"
    : criticalConfiguration(result)
      ? "critical finding"
      : failing >= request.failureLimit
        ? "failure limit"
        : undefined;

  while (!stoppedBy) {
    const now = clock.now().getTime();
    if (now >= deadline) {
      stoppedBy = "deadline";
      break;
    }
    const next = Math.min(deadline, start + rounds.length * request.intervalMs);
    try {
      await clock.sleep(Math.max(0, next - now), request.signal);
    } catch {
      stoppedBy = "interrupted";
      break;
    }
    if (request.signal?.aborted) {
      stoppedBy = "interrupted";
      break;
    }
    const roundNow = clock.now();
    roundStart = time();
    const updated = await nextRound(facts, roundNow, roundReader, request.signal);
    if (request.signal?.aborted) {
      stoppedBy = "interrupted"; // a round cut short is dropped: the verdict so far stands
      break;
    }
    facts = updated;
    result = judgeRound(facts, request);
    evidence = evidenceMinimum(facts);
    record();
    failing = isFailing(result) ? failing + 1 : 0;
    if (criticalConfiguration(result)) stoppedBy = "critical finding";
    else if (failing >= request.failureLimit) stoppedBy = "failure limit";
  }

  const watch: WatchSummary = {
    durationMinutes: request.durationMs / MINUTE,
    intervalMinutes: request.intervalMs / MINUTE,
    failureLimit: request.failureLimit,
    stoppedBy,
    evidence,
    rounds,
  };
  return { ...result, recommendation: finalRecommendation(result.recommendation, watch), watch };
}

function judgeRound(facts: CheckFacts, request: WatchRequest): CheckResult {
  return judge(facts, request.since, request.policy, request.thresholds);
}

/** Reads one round's new buckets and state, and folds them into the facts so far. */
async function nextRound(
  facts: CheckFacts,
  now: Date,
  reader: import("../collect/round.js").RoundReader,
  signal?: AbortSignal,
): Promise<CheckFacts> {
  const next = structuredClone(facts);
  next.now = now.toISOString();
  const w = facts.metricWindows!;
  const step = grainMs(w.grain);
  // Rounds never run past the deadline, so the aligned end never passes the final after-window.
  const end = Math.floor(now.getTime() / step) * step;
  // Re-read the trailing buckets Azure had not filled yet (ingestion delay), at most REREAD_BUCKETS.
  const trailing = Math.min(REREAD_BUCKETS, maxTrailingNulls(facts));
  const from = Date.parse(w.after.end) - trailing * step;
  const windows: Windows | undefined =
    end > from
      ? { ...w, after: { start: new Date(from).toISOString(), end: new Date(end).toISOString() } }
      : undefined;
  const plans = {
    qa: { planId: facts.qa.site?.planId, planTier: facts.qa.site?.sku },
    prod: { planId: facts.prod.site?.planId, planTier: facts.prod.site?.sku },
  };
  const read = await reader.read(windows, plans, signal);
  for (const role of ["qa", "prod"] as Role[]) {
    const env = next[role];
    const got = read[role];
    if (got.site) env.site = got.site;
    if (got.host) env.host = got.host;
    // A failed re-read of the state keeps the last known state, but the gap shows in the report.
    env.gaps = [
      ...env.gaps.filter((g) => g.source !== "metrics" || !got.gaps.some((n) => n.source === "metrics")),
      ...got.gaps,
    ];
    if (!windows || !got.metrics || !env.metrics) continue;
    for (const [name, s] of Object.entries(env.metrics.series)) {
      const fresh = got.metrics.series[name];
      if (trailing > 0) s.after.splice(Math.max(0, s.after.length - trailing));
      if (fresh) s.after.push(...fresh.after);
    }
  }
  if (windows) next.metricWindows = { ...w, after: { start: w.after.start, end: windows.after.end } };
  return next;
}

function maxTrailingNulls(facts: CheckFacts): number {
  let most = 0;
  for (const env of [facts.qa, facts.prod])
    for (const s of Object.values(env.metrics?.series ?? {})) {
      let n = 0;
      for (let i = s.after.length - 1; i >= 0 && s.after[i] === null; i--) n++;
      most = Math.max(most, n);
    }
  return most;
}

const isFailing = (result: CheckResult) =>
  result.recommendation.action === "ROLLBACK" || result.recommendation.action === "HOTFIX";

/** A stopped app, a host in error: configuration facts that no amount of waiting changes. */
function criticalConfiguration(result: CheckResult): boolean {
  return result.analysis.findings.some((f) => {
    const rule = ruleById(f.ruleId);
    return (
      f.severity === "critical" && f.environment !== "qa" && rule !== undefined && !isReleaseTimeRule(rule)
    );
  });
}

const key = (f: Finding) => `${f.ruleId} (${f.environment})`;

function changedFindings(before: Finding[], after: Finding[]): string[] {
  const was = new Set(before.map(key));
  const is = new Set(after.map(key));
  return [
    ...[...is].filter((k) => !was.has(k)).map((k) => `+${k}`),
    ...[...was].filter((k) => !is.has(k)).map((k) => `-${k}`),
  ];
}

/** PROCEED (and MONITOR) only on enough evidence; a stop says why. */
function finalRecommendation(rec: Recommendation, watch: WatchSummary): Recommendation {
  const why: Record<WatchStop, string> = {
    deadline: `after ${watch.rounds.length} round(s) over ${watch.durationMinutes} minutes`,
    "failure limit": `stopped early: the failing evidence held for ${watch.failureLimit} consecutive round(s)`,
    "critical finding": "stopped at once on a critical configuration finding",
    interrupted: `interrupted after ${watch.rounds.length} round(s): the verdict so far`,
    "no release time": "stopped: without a release time there is no after-window to watch",
  };
  if (
    (rec.action === "PROCEED" || rec.action === "MONITOR" || rec.action === "INCONCLUSIVE") &&
    !watch.evidence.met
  ) {
    const more = watch.evidence.moreMinutes;
    const needs = more !== null ? ` At the current traffic that needs about ${more} more minute(s).` : "";
    const longer =
      more !== null ? ` ${Math.ceil((watch.durationMinutes + more) / 5) * 5}m` : " with a longer duration";
    return recommend({
      action: "INCONCLUSIVE",
      summary:
        `Not enough evidence to call the release clean (${why[watch.stoppedBy]}): ` +
        `${watch.evidence.missing.join("; ")}.${needs} ` +
        `So far: ${rec.action === "INCONCLUSIVE" ? rec.summary : rec.action}`,
      drivers: [
        ...watch.evidence.missing.map((m) => `evidence minimum: ${m}`),
        ...(rec.action === "INCONCLUSIVE" ? rec.drivers : []),
      ],
      plan: [step.advice("watch-longer", { longer })],
      alternatives: [],
      warnings: [...rec.drivers, ...rec.warnings],
    });
  }
  return { ...rec, summary: `${rec.summary} (watch: ${why[watch.stoppedBy]}.)` };
}

function anySignal(...signals: (AbortSignal | undefined)[]): AbortSignal {
  return AbortSignal.any(signals.filter((s): s is AbortSignal => s !== undefined));
}
