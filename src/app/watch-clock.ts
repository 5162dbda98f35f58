import type { WatchClock } from "../watch/watch.js";

/** The wall clock, and a sleep that Ctrl-C ends. */
export const wallClock: WatchClock = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new Error("aborted"));
      const timer = setTimeout(resolve, ms);
      signal?.addEventListener(
        "abort",
        () => {
          clearTimeout(timer);
          reject(new Error("aborted"));
        },
        { once: true },
      );
    }),
};

/**
 * A replay clock: starts at `start` and moves forward by each sleep, at once (or after `paceMs` of
 * real time, so an interrupt can be tried on a replay), so a watch advances through a recording.
 */
export function replayClock(start: Date, paceMs = 0): WatchClock {
  let now = start.getTime();
  return {
    now: () => new Date(now),
    sleep: (ms, signal) =>
      wallClock.sleep(paceMs, signal).then(() => {
        now += ms;
      }),
  };
}
