import { binomialUpperTail, ERROR_RATE, MIN_POINTS } from "../analyse/metrics/judge.js";
import type { CheckFacts } from "../core/facts.js";
import { grainMs } from "../core/windows.js";
import type { EvidenceStatus } from "../core/watch-model.js";

/**
 * The evidence minimum a watch needs before it may say PROCEED, kept simple and explicit:
 * 1. production has at least MIN_POINTS after-release buckets (what the rank test needs per side);
 * 2. production saw enough requests after the release that a doubling of its error rate would be
 *    detected by the error-rate test (judge.ts: conditional binomial, one-sided alpha, at least
 *    ERROR_RATE.minRate): if the after-window held twice the baseline's rate (or minRate from a
 *    zero baseline), would the test call it worse?
 */
export function evidenceMinimum(facts: Pick<CheckFacts, "prod" | "metricWindows">): EvidenceStatus {
  const missing: string[] = [];
  const series = facts.prod.metrics?.series ?? {};
  const count = (values: readonly (number | null)[] | undefined) =>
    (values ?? []).filter((v) => v !== null && Number.isFinite(v)).length;
  const sum = (values: readonly (number | null)[] | undefined) =>
    (values ?? []).reduce<number>((a, v) => a + (v !== null && Number.isFinite(v) ? v : 0), 0);
  const afterBuckets = series.Requests
    ? count(series.Requests.after)
    : Math.max(0, ...Object.values(series).map((s) => count(s.after)));
  if (!facts.metricWindows) missing.push("no metric windows (the release time is unknown or in the future)");
  else if (!facts.prod.metrics) missing.push("production's metrics could not be read");
  if (afterBuckets < MIN_POINTS)
    missing.push(`${afterBuckets} of ${MIN_POINTS} after-release buckets in production`);

  const requests = series.Requests;
  const errors = series.Http5xx;
  let afterRequests: number | null = null;
  let requestsForDoubling: number | null = null;
  let moreMinutes: number | null = null;
  if (!requests || !errors) {
    if (facts.prod.metrics)
      missing.push("production has no Requests/Http5xx metrics to size the error-rate test");
  } else {
    const before = { requests: sum(requests.baseline), errors: sum(errors.baseline) };
    afterRequests = sum(requests.after);
    if (before.requests <= 0) missing.push("no requests in production's baseline");
    else {
      requestsForDoubling = requestsToDetectDoubling(before);
      if (afterRequests < requestsForDoubling) {
        missing.push(
          `${Math.round(afterRequests)} of about ${requestsForDoubling} requests after the release needed to ` +
            `detect a doubling of the error rate`,
        );
        const grain = facts.metricWindows ? grainMs(facts.metricWindows.grain) / 60_000 : 1;
        const perMinute = afterBuckets > 0 ? afterRequests / (afterBuckets * grain) : 0;
        moreMinutes = perMinute > 0 ? Math.ceil((requestsForDoubling - afterRequests) / perMinute) : null;
      }
    }
  }
  if (moreMinutes === null && afterBuckets < MIN_POINTS && facts.metricWindows)
    moreMinutes = (MIN_POINTS - afterBuckets) * (grainMs(facts.metricWindows.grain) / 60_000);
  return {
    met: missing.length === 0,
    afterBuckets,
    minBuckets: MIN_POINTS,
    afterRequests,
    requestsForDoubling,
    moreMinutes,
    missing,
  };
}

/** Would `n` after-release requests at twice the baseline's rate judge worse? Smallest such n, by bisection. */
export function requestsToDetectDoubling(before: { requests: number; errors: number }): number {
  const rate = Math.max((2 * before.errors) / before.requests, ERROR_RATE.minRate);
  const detects = (n: number) => {
    const afterErrors = Math.round(n * rate);
    if (afterErrors === 0) return false;
    const share = n / (n + before.requests);
    return binomialUpperTail(afterErrors, Math.round(before.errors) + afterErrors, share) < ERROR_RATE.alpha;
  };
  let high = 1;
  const ceiling = 1e9;
  while (!detects(high) && high < ceiling) high *= 2;
  if (high >= ceiling) return ceiling;
  let low = high / 2;
  while (high - low > Math.max(1, high * 0.01)) {
    const mid = Math.floor((low + high) / 2);
    if (detects(mid)) high = mid;
    else low = mid;
  }
  return Math.ceil(high);
}
