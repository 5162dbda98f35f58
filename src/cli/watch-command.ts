import { assertUntilAfterRelease } from "../core/release.js";
import { UsageError } from "../core/errors.js";
import { parseDuration } from "../core/time.js";
import type { LoadedConfig } from "../config/load.js";
import { replayClock, wallClock } from "../app/watch-clock.js";
import type { EvidenceStatus, WatchRound } from "../core/watch-model.js";
import type { CheckArgs } from "../app/args.js";
import { deliver } from "../app/deliver.js";
import { checkRequestOf } from "../app/request.js";
import { openSession } from "../app/session.js";
import type { Io } from "../app/io.js";

function progressLine(round: WatchRound, evidence: EvidenceStatus): string {
  const traffic = round.requests === null ? "traffic unknown" : `${Math.round(round.requests)} request(s)`;
  const missing = evidence.met ? "evidence minimum met" : `evidence: ${evidence.missing.join("; ")}`;
  return (
    `azfn-health: round ${round.round} at ${round.at}: ${round.evidenceMinutes} min of evidence, ` +
    `${traffic}, verdict so far ${round.verdict}; ${missing}\n`
  );
}

/**
 * `check --watch`: rounds until the deadline, an early stop, or Ctrl-C / SIGTERM (the verdict so
 * far, through the session's one signal path); the same request and delivery as `check`.
 */
export async function runWatchCommand(
  args: CheckArgs & { watch: string },
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
  const { runWatch } = await import("../watch/watch.js");
  // --timeout bounds each round's reads; the whole watch may take its duration on top.
  const session = await openSession(args, env, io, {
    recordTo: args.record,
    ...(args.out ? { bundleTo: args.out } : {}),
    environments: loaded?.config.environments,
    extraSeconds: durationMs / 1000,
  });
  let requests = 0;
  const observe = session.access.onRequest;
  session.access.onRequest = (event) => {
    requests += 1;
    observe?.(event);
  };
  // The first Ctrl-C / SIGTERM ends the watch with the report of the verdict so far.
  const interrupt = new AbortController();
  session.onInterrupt = () => (interrupt.abort(), true);
  try {
    const request = checkRequestOf(args, session, loaded);
    const pace = Number(env.AZFN_INTERNAL_REPLAY_PACE_MS ?? 0);
    // A recording, or --until: the watch replays the window that ends then, without waiting.
    const clock =
      session.replayed || args.until
        ? replayClock(new Date(session.now.getTime() - durationMs), pace)
        : wallClock;
    const result = await runWatch({
      ...request,
      now: clock.now(),
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
    // As check says: a moment before the release has no after-window to judge, a usage error.
    assertUntilAfterRelease(result.release, args.until, session.now);
    return await deliver(result, args, { session, io, env, toolVersion, loaded, watch: result.watch });
  } finally {
    session.done();
  }
}
