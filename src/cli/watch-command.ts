import { exitCodeFor } from "../core/exit-codes.js";
import { UsageError } from "../core/errors.js";
import { parseSince } from "../core/time.js";
import type { LoadedConfig } from "../config/load.js";
import type { WatchClock } from "../watch/watch.js";
import type { EvidenceStatus, WatchRound } from "../watch/model.js";
import {
  componentId,
  openSession,
  policyOf,
  saveRecording,
  speakToCi,
  watch as progressOf,
  writeBundle,
  type CheckArgs,
} from "./check-command.js";
import type { Io } from "./io.js";

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000 } as const;

/** `--watch 30m`, `--interval 5m`: seconds, minutes or hours. */
export function parseDuration(text: string, flag: string): number {
  const match = /^(\d+(?:\.\d+)?)([smh])$/.exec(text.trim());
  const ms = match ? Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] : NaN;
  if (!(ms > 0)) throw new UsageError(`${flag}: expected a duration such as 90s, 30m or 2h, got "${text}"`);
  return ms;
}

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

function progressLine(round: WatchRound, evidence: EvidenceStatus): string {
  const traffic = round.requests === null ? "traffic unknown" : `${Math.round(round.requests)} request(s)`;
  const missing = evidence.met ? "evidence minimum met" : `evidence: ${evidence.missing.join("; ")}`;
  return (
    `azfn-health: round ${round.round} at ${round.at}: ${round.evidenceMinutes} min of evidence, ` +
    `${traffic}, verdict so far ${round.verdict}; ${missing}\n`
  );
}

/** `check --watch`: rounds until the deadline, an early stop, or Ctrl-C / SIGTERM (the verdict so far). */
export async function runWatchCommand(
  args: CheckArgs & { watch: string; interval: string; failureLimit: number },
  io: Io,
  toolVersion: string,
  env: NodeJS.ProcessEnv,
  loaded?: LoadedConfig,
): Promise<number> {
  const durationMs = parseDuration(args.watch, "--watch");
  const intervalMs = parseDuration(args.interval, "--interval");
  if (!(Number.isInteger(args.failureLimit) && args.failureLimit >= 1))
    throw new UsageError(
      `--failure-limit: expected a whole number of rounds (1 or more), got ${args.failureLimit}`,
    );
  if (!(args.settle >= 0)) throw new UsageError(`--settle: expected minutes (0 or more), got ${args.settle}`);
  const [{ runWatch }, { buildReport }, { render }] = await Promise.all([
    import("../watch/watch.js"),
    import("../report/model.js"),
    import("../report/index.js"),
  ]);
  // --timeout bounds each round's reads; the whole watch may take its duration on top.
  // Not `io`: the watch traps SIGINT/SIGTERM itself, to end with the whole report of the verdict so far.
  const session = await openSession(
    args,
    env,
    args.record,
    loaded?.config.environments,
    undefined,
    durationMs / 1000,
  );
  const progress = progressOf(session, { ...args, verbose: args.verbose }, io, env);
  let requests = 0;
  const observe = session.access.onRequest;
  session.access.onRequest = (event) => {
    requests += 1;
    observe?.(event);
  };
  const interrupt = new AbortController();
  const onSignal = () => interrupt.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  try {
    const since = args.since ? parseSince(args.since, session.now) : undefined;
    const pace = Number(env.AZFN_INTERNAL_REPLAY_PACE_MS ?? 0);
    // A recording, or --until: the watch replays the window that ends then, without waiting.
    const clock =
      session.replayed || args.until
        ? replayClock(new Date(session.now.getTime() - durationMs), pace)
        : wallClock;
    const result = await runWatch({
      ...session.apps,
      since,
      now: clock.now(),
      access: session.access,
      hashKey: session.hashKey,
      metrics: { settleMinutes: args.settle, baseline: args.baseline },
      appInsights: {
        qa: componentId("--qa-app-insights", args.qaAppInsights),
        prod: componentId("--prod-app-insights", args.prodAppInsights),
      },
      ...policyOf(loaded),
      durationMs,
      intervalMs,
      failureLimit: args.failureLimit,
      clock,
      signal: interrupt.signal,
      requestCount: () => requests,
      stopwatch: () => performance.now(),
      onRound: (round, evidence) => {
        if (!args.quiet) io.stderr(progressLine(round, evidence));
      },
    });
    progress.stop();
    if (args.record) io.stderr(`azfn-health: recorded to ${await saveRecording(session, args.record)}\n`);
    const exitCode = exitCodeFor(result.recommendation.action, args.failOn);
    const report = buildReport(result, {
      toolVersion,
      exitCode,
      failOn: args.failOn,
      mode: session.replayed ? "replay" : "live",
      watch: result.watch,
      ...(session.replayed ? { recording: session.replayed } : {}),
      ...(loaded ? { config: loaded.path } : {}),
    });
    io.stdout(await render(report, args.format, { color: io.color, width: io.columns }));
    if (args.out) {
      await writeBundle(args.out, report, result.facts);
      io.stderr(`azfn-health: evidence written to ${args.out}\n`);
    }
    await speakToCi(report, args, io, env);
    return exitCode;
  } finally {
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
    progress.stop();
    session.done();
  }
}
