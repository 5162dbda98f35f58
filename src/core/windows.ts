/**
 * The two windows a metric is judged over: after the release (from release + settle to now)
 * and a baseline of the same length, either right before the release or the same hours seven
 * days earlier (for daily traffic patterns).
 */
export type BaselineMode = "before" | "last-week";

export interface Window {
  start: string;
  end: string;
}

export interface Windows {
  after: Window;
  baseline: Window;
  baselineMode: BaselineMode;
  settleMinutes: number;
  /** ISO 8601 duration of one bucket. */
  grain: string;
}

const MINUTE = 60_000;
const WEEK = 7 * 24 * 60 * MINUTE;

/** Azure Monitor's grains; 1 minute up to a 6-hour window, coarser beyond, ~100-400 points a window. */
const GRAINS: [maxWindowMs: number, grain: string][] = [
  [6 * 60 * MINUTE, "PT1M"],
  [24 * 60 * MINUTE, "PT5M"],
  [3 * 24 * 60 * MINUTE, "PT15M"],
  [7 * 24 * 60 * MINUTE, "PT30M"],
  [31 * 24 * 60 * MINUTE, "PT1H"],
];

export function grainFor(windowMs: number): string {
  return GRAINS.find(([max]) => windowMs <= max)?.[1] ?? "PT6H";
}

export function grainMs(grain: string): number {
  const match = /^PT(\d+)([MH])$/.exec(grain);
  if (!match) throw new Error(`unsupported grain ${grain}`);
  return Number(match[1]) * (match[2] === "H" ? 60 : 1) * MINUTE;
}

/** Returns undefined when the release is too recent to leave any after-window. */
export function planWindows(
  release: Date,
  now: Date,
  options: { settleMinutes: number; baseline: BaselineMode },
): Windows | undefined {
  const afterStart = release.getTime() + options.settleMinutes * MINUTE;
  const length = now.getTime() - afterStart;
  if (length <= 0) return undefined;
  const grain = grainFor(length);
  const step = grainMs(grain);
  // Align to the grain, as Azure buckets are, so both windows hold whole buckets.
  const align = (ms: number) => Math.floor(ms / step) * step;
  // The after-window starts at the first whole bucket past the settle time.
  const after = { start: Math.ceil(afterStart / step) * step, end: align(now.getTime()) };
  const span = after.end - after.start;
  if (span <= 0) return undefined;
  const baseline =
    options.baseline === "last-week"
      ? { start: after.start - WEEK, end: after.end - WEEK }
      : { start: align(release.getTime()) - span, end: align(release.getTime()) };
  const iso = (w: { start: number; end: number }) => ({
    start: new Date(w.start).toISOString(),
    end: new Date(w.end).toISOString(),
  });
  return {
    after: iso(after),
    baseline: iso(baseline),
    baselineMode: options.baseline,
    settleMinutes: options.settleMinutes,
    grain,
  };
}

/** The same hours seven days earlier: what time of day alone does to a window. */
export function weekEarlier(window: Window): Window {
  const shift = (iso: string) => new Date(Date.parse(iso) - WEEK).toISOString();
  return { start: shift(window.start), end: shift(window.end) };
}
