import { UsageError } from "../core/errors.js";
import { parseSince } from "../core/time.js";

/**
 * `ledger report --since/--until`: the window a release manager asks about. Calendar quarters are
 * UTC: `quarter` (this one so far), `last-quarter`, or `2026-Q3`; otherwise an ISO 8601 time or a
 * duration ago, as `check --since` takes. A bare date as `--until` means the end of that day.
 * The window holds releases at or after `since` and before `until`.
 */
export interface ReportWindow {
  since?: Date;
  until: Date;
  /** "2026-Q3" when the window is one calendar quarter: the report's heading names it. */
  quarter?: string;
}

const QUARTER = /^(\d{4})-?Q([1-4])$/i;

const quarterStart = (year: number, quarter: number) => new Date(Date.UTC(year, (quarter - 1) * 3, 1));
const quarterOf = (at: Date) => ({
  year: at.getUTCFullYear(),
  quarter: Math.floor(at.getUTCMonth() / 3) + 1,
});
const quarterName = (year: number, quarter: number) => `${year}-Q${quarter}`;

/** A named quarter as [start, end): `quarter`, `last-quarter`, `YYYY-Qn`; undefined for anything else. */
function namedQuarter(text: string, now: Date): { start: Date; end: Date; name: string } | undefined {
  const trimmed = text.trim().toLowerCase();
  let year: number;
  let quarter: number;
  if (trimmed === "quarter" || trimmed === "this-quarter") ({ year, quarter } = quarterOf(now));
  else if (trimmed === "last-quarter") {
    ({ year, quarter } = quarterOf(now));
    [year, quarter] = quarter === 1 ? [year - 1, 4] : [year, quarter - 1];
  } else {
    const match = QUARTER.exec(trimmed);
    if (!match) return undefined;
    [year, quarter] = [Number(match[1]), Number(match[2])];
  }
  const next = quarter === 4 ? quarterStart(year + 1, 1) : quarterStart(year, quarter + 1);
  return { start: quarterStart(year, quarter), end: next, name: quarterName(year, quarter) };
}

function untilTime(text: string, now: Date): Date {
  const quarter = namedQuarter(text, now);
  if (quarter) return quarter.end;
  if (/^\d{4}-\d{2}-\d{2}$/.test(text.trim())) {
    const day = new Date(`${text.trim()}T00:00:00Z`);
    if (!Number.isNaN(day.getTime())) return new Date(day.getTime() + 86_400_000);
  }
  return parseUntil(text, now);
}

function parseUntil(text: string, now: Date): Date {
  try {
    return parseSince(text, now, "--until");
  } catch (error) {
    if (error instanceof UsageError && /expected/.test(error.message))
      throw new UsageError(`--until: expected ${ACCEPTED}, got "${text}"`);
    throw error;
  }
}

const ACCEPTED =
  "quarter, last-quarter, a quarter (2026-Q3), an ISO 8601 time (2026-11-20T14:00:00Z) or a duration ago (90d)";

export function reportWindow(since: string | undefined, until: string | undefined, now: Date): ReportWindow {
  const sinceQuarter = since === undefined ? undefined : namedQuarter(since, now);
  let start: Date | undefined;
  if (sinceQuarter) start = sinceQuarter.start;
  else if (since !== undefined) {
    try {
      start = parseSince(since, now);
    } catch (error) {
      if (error instanceof UsageError && /expected/.test(error.message))
        throw new UsageError(`--since: expected ${ACCEPTED}, got "${since}"`);
      throw error;
    }
  }
  // A quarter as --since ends with that quarter unless --until says otherwise.
  const end = until !== undefined ? untilTime(until, now) : (sinceQuarter?.end ?? now);
  if (start && start.getTime() >= end.getTime())
    throw new UsageError(
      `--since ${since} (${start.toISOString()}) is not before --until ${until ?? "now"} (${end.toISOString()})`,
    );
  const oneQuarter =
    sinceQuarter && (until === undefined || end.getTime() === sinceQuarter.end.getTime())
      ? { quarter: sinceQuarter.name }
      : {};
  return { ...(start ? { since: start } : {}), until: end, ...oneQuarter };
}
