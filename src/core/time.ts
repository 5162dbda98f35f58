import { UsageError } from "./errors.js";

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `--since`, `--until`: an ISO 8601 timestamp, or a duration ago such as `90m`, `2h`, `1d`. */
export function parseSince(text: string, now: Date, flag = "--since"): Date {
  const duration = /^(\d+(?:\.\d+)?)([mhd])$/.exec(text.trim());
  if (duration) {
    const amount = Number(duration[1]);
    return new Date(now.getTime() - amount * UNIT_MS[duration[2] as keyof typeof UNIT_MS]);
  }
  // Only accept ISO 8601 with a date part; Date.parse alone takes too much ("1", "May").
  if (/^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(text.trim())) {
    const parsed = new Date(text.trim());
    if (!Number.isNaN(parsed.getTime())) {
      if (parsed.getTime() > now.getTime()) throw new UsageError(`${flag}: ${text} is in the future`);
      return parsed;
    }
  }
  throw new UsageError(
    `${flag}: expected an ISO 8601 time (2026-11-20T14:00:00Z) or a duration ago (90m, 2h, 1d), got "${text}"`,
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
