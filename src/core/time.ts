import { UsageError } from "./errors.js";

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** The one duration grammar: a positive number and a unit, s, m, h or d (`90s`, `30m`, `1.5h`, `7d`). */
const DURATION = /^(\d+(?:\.\d+)?)([smhd])$/;
const DURATION_EXAMPLES = "90s, 30m, 2h or 1d";

function durationMs(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  const ms = match ? Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] : NaN;
  return ms > 0 ? ms : undefined;
}

/** `--watch 30m`, `--interval 5m`: a duration in milliseconds. */
export function parseDuration(text: string, flag: string): number {
  const ms = durationMs(text);
  if (ms === undefined)
    throw new UsageError(`${flag}: expected a duration such as ${DURATION_EXAMPLES}, got "${text}"`);
  return ms;
}

/** `--since`, `--until`: an ISO 8601 timestamp, or a duration ago in the same grammar as --watch. */
export function parseSince(text: string, now: Date, flag = "--since"): Date {
  const ms = durationMs(text);
  if (ms !== undefined) return new Date(now.getTime() - ms);
  // Only accept ISO 8601 with a date part; Date.parse alone takes too much ("1", "May").
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text.trim())) {
    const parsed = new Date(text.trim());
    if (!Number.isNaN(parsed.getTime())) {
      if (parsed.getTime() > now.getTime()) throw new UsageError(`${flag}: ${text} is in the future`);
      return parsed;
    }
  }
  throw new UsageError(
    `${flag}: expected an ISO 8601 time (2026-11-20T14:00:00Z) or a duration ago (${DURATION_EXAMPLES}), got "${text}"`,
  );
}

export function daysBetween(from: Date, to: Date): number {
  return Math.floor((to.getTime() - from.getTime()) / UNIT_MS.d);
}

export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Microsoft's tools warn this long before an end-of-life date (ux ENDOFLIFEMAXSECONDS = 15,780,000 s). */
export const EOL_WARNING_MS = 15_780_000_000;
