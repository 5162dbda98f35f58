import { spawn } from "node:child_process";
import { join } from "node:path";
import type { HttpClient, PipelineRequest } from "@azure/core-rest-pipeline";
import { afterEach, describe, expect, it } from "vitest";
import { createReplayHttpClient, readRecording, type Recording } from "../src/collect/recording.js";
import { parseAppId } from "../src/core/resource-id.js";
import { evidenceMinimum, requestsToDetectDoubling } from "../src/watch/evidence.js";
import { runWatch, type WatchClock, type WatchRequest } from "../src/watch/watch.js";
import { replayClock } from "../src/app/watch-clock.js";
import type { StandIn } from "./support/azure-stand-in.mjs";
import { loadRecording, startLive } from "./support/live-stand-in.mjs";
import { editBody } from "./support/recorded-body.js";
import {
  HASH_KEY,
  HEALTHY,
  REGRESSION,
  replayFacts,
  ROOT,
  runCli,
  runInProcess,
  STORY,
  TEST_CREDENTIAL,
  variant,
} from "./helpers.js";

const MINUTE = 60_000;

/**
 * A replaying transport that counts requests and round trips: a request sent after an answer
 * of the same round came back is a second round trip. Answers are delivered on a later tick,
 * so requests sent "at once" are all in flight before the first answer.
 */
function countingClient(recording: Recording) {
  const inner = createReplayHttpClient(recording);
  const state = { sent: [] as PipelineRequest[], answered: 0, sentAfterAnswer: 0 };
  const client: HttpClient = {
    async sendRequest(request) {
      if (state.answered > 0) state.sentAfterAnswer += 1;
      state.sent.push(request);
      const response = await inner.sendRequest(request);
      await new Promise((resolve) => setTimeout(resolve, 1));
      state.answered += 1;
      return response;
    },
  };
  return { client, state };
}

async function watchReplay(
  dir: string,
  options: Partial<WatchRequest> & { durationMs: number; edit?: (r: Recording) => void },
) {
  const recording = await readRecording(join(ROOT, dir));
  options.edit?.(recording);
  const counting = countingClient(recording);
  const end = new Date(recording.recordedAt);
  const clock: WatchClock = options.clock ?? replayClock(new Date(end.getTime() - options.durationMs));
  const perRound: { sent: string[]; sentAfterAnswer: number }[] = [];
  let mark = 0;
  const result = await runWatch({
    qa: parseAppId(recording.apps.qa, "qa"),
    prod: parseAppId(recording.apps.prod, "prod"),
    now: clock.now(),
    access: { credential: TEST_CREDENTIAL, httpClient: counting.client, retryOptions: { maxRetries: 0 } },
    hashKey: HASH_KEY,
    metrics: { settleMinutes: 5, baseline: "before" },
    intervalMs: 5 * MINUTE,
    failureLimit: 2,
    ...options,
    clock,
    requestCount: () => counting.state.sent.length,
    onRound: (round, evidence) => {
      options.onRound?.(round, evidence);
      perRound.push({
        sent: counting.state.sent.slice(mark).map((r) => decodeURIComponent(r.url)),
        sentAfterAnswer: counting.state.sentAfterAnswer,
      });
      mark = counting.state.sent.length;
      counting.state.answered = 0;
      counting.state.sentAfterAnswer = 0;
    },
  });
  return { result, perRound, recording };
}

const timespanStart = (url: string) => Date.parse(/timespan=([^/&]+)\//.exec(url)?.[1] ?? "");
const metricReads = (urls: string[]) =>
  urls.filter((u) => u.includes("/metrics?") && u.includes("timespan="));

describe("check --watch (core, replayed)", () => {
  it("stops early with ROLLBACK once the failing evidence holds for --failure-limit rounds", async () => {
    const { result } = await watchReplay(REGRESSION, { durationMs: 60 * MINUTE, failureLimit: 3 });
    expect(result.recommendation.action).toBe("ROLLBACK");
    expect(result.watch.stoppedBy).toBe("failure limit");
    expect(result.watch.rounds.map((r) => r.verdict)).toEqual(["ROLLBACK", "ROLLBACK", "ROLLBACK"]);
    expect(result.watch.rounds[0]!.changed).toContain("+M01 (prod)");
    expect(result.recommendation.summary).toMatch(/3 consecutive round/);
  });

  it("with a failure limit it cannot reach, runs every round to the deadline and keeps the failing verdict", async () => {
    const { result } = await watchReplay(REGRESSION, { durationMs: 90 * MINUTE, failureLimit: 1000 });
    expect(result.watch.stoppedBy).toBe("deadline");
    // Rounds at 0, 5, …, 90 minutes.
    expect(result.watch.rounds).toHaveLength(19);
    expect(result.recommendation.action).toBe("ROLLBACK");
  });

  it("reads one wave per round, only the new buckets, and the baseline once", async () => {
    const { result, perRound } = await watchReplay(HEALTHY, { durationMs: 60 * MINUTE });
    expect(perRound.length).toBe(result.watch.rounds.length);
    expect(perRound.length).toBeGreaterThan(5);
    const release = Date.parse(result.release.time!);
    // Round 1 is the full check: baseline and after-window in one request per resource.
    expect(metricReads(perRound[0]!.sent).every((u) => timespanStart(u) < release)).toBe(true);
    for (const [i, round] of perRound.entries()) {
      if (i === 0) continue;
      expect(round.sentAfterAnswer, `round ${i + 1} needed a second round trip`).toBe(0);
      // Site and host status of both apps, and the app's and the plan's metrics of both: 8 requests.
      expect(round.sent).toHaveLength(8);
      const reads = metricReads(round.sent);
      expect(reads).toHaveLength(4);
      const previousEnd = Date.parse(result.watch.rounds[i - 1]!.at);
      for (const url of reads) expect(timespanStart(url)).toBeGreaterThanOrEqual(previousEnd - 5 * MINUTE);
      expect(result.watch.rounds[i]!.calls).toBe(8);
    }
    // What the rounds accumulated is what a single check at the end judges.
    const once = await replayFacts(HEALTHY);
    expect(result.facts.prod.metrics!.series.Requests!.after.length).toBe(
      once.prod.metrics!.series.Requests!.after.length,
    );
    expect(result.recommendation.action).toBe("PROCEED");
  });

  it("is INCONCLUSIVE at the deadline without the evidence minimum, saying what was missing", async () => {
    // The watch ends 12 minutes after the release: a handful of buckets, too little traffic.
    const recording = await readRecording(join(ROOT, HEALTHY));
    const release = Date.parse("2026-11-24T07:15:30Z");
    const end = new Date(release + 12 * MINUTE);
    const { result } = await watchReplay(HEALTHY, {
      durationMs: 10 * MINUTE,
      intervalMs: 2 * MINUTE,
      clock: replayClock(new Date(end.getTime() - 10 * MINUTE)),
    });
    expect(recording.recordedAt > end.toISOString()).toBe(true);
    expect(result.watch.stoppedBy).toBe("deadline");
    expect(result.recommendation.action).toBe("INCONCLUSIVE");
    expect(result.watch.evidence.met).toBe(false);
    expect(result.recommendation.summary).toMatch(/after-release buckets/);
    expect(result.recommendation.summary).toMatch(/detect a doubling of the error rate/);
    expect(result.recommendation.summary).toMatch(/more minute/);
  });

  it("says PROCEED only once the evidence minimum is met", async () => {
    const { result } = await watchReplay(HEALTHY, { durationMs: 90 * MINUTE, intervalMs: 10 * MINUTE });
    const rounds = result.watch.rounds;
    expect(rounds.some((r) => r.verdict === "PROCEED" && !r.evidenceMet)).toBe(true);
    expect(rounds.at(-1)!.evidenceMet).toBe(true);
    expect(result.recommendation.action).toBe("PROCEED");
  });

  it("stops at once on a critical configuration finding (a host in error)", async () => {
    const { result } = await watchReplay(HEALTHY, {
      durationMs: 60 * MINUTE,
      edit: (r) => {
        editBody(r, /orders-func-prod\/hostruntime\/admin\/host\/status/, (host) => ({
          ...host,
          state: "Error",
          errors: ["Microsoft.Azure.WebJobs.Host: boom"],
        }));
      },
    });
    expect(result.watch.stoppedBy).toBe("critical finding");
    expect(result.watch.rounds).toHaveLength(1);
    expect(result.analysis.findings.some((f) => f.ruleId.startsWith("H") && f.severity === "critical")).toBe(
      true,
    );
  });

  it("ends with the verdict so far when the signal aborts between rounds", async () => {
    const abort = new AbortController();
    const { result } = await watchReplay(STORY, {
      durationMs: 120 * MINUTE,
      failureLimit: 1000,
      signal: abort.signal,
      onRound: (round) => {
        if (round.round === 3) abort.abort();
      },
    });
    expect(result.watch.stoppedBy).toBe("interrupted");
    expect(result.watch.rounds).toHaveLength(3);
    expect(result.recommendation.action).toBe("HOTFIX");
    expect(result.recommendation.summary).toMatch(/interrupted after 3 round/);
  });
});

describe("the evidence minimum", () => {
  it("sizes the error-rate test: more traffic is needed from a lower baseline rate", async () => {
    const zero = requestsToDetectDoubling({ requests: 10_000, errors: 0 });
    const some = requestsToDetectDoubling({ requests: 10_000, errors: 100 });
    expect(zero).toBeGreaterThan(1000);
    expect(some).toBeLessThan(zero);
  });

  it("counts buckets and requests from production's after-window", async () => {
    const facts = await replayFacts(HEALTHY);
    expect(evidenceMinimum(facts).met).toBe(true);
    const short = variant(facts, (f) => {
      for (const s of Object.values(f.prod.metrics!.series)) s.after = s.after.slice(0, 5);
    });
    const status = evidenceMinimum(short);
    expect(status.met).toBe(false);
    expect(status.afterBuckets).toBe(5);
    expect(status.missing.join(" ")).toMatch(/5 of 10 after-release buckets/);
    expect(status.moreMinutes).toBeGreaterThan(0);
  });
});

describe("check --watch (CLI)", () => {
  let standIn: StandIn | undefined;
  afterEach(async () => {
    if (standIn) expect(standIn.state.violations).toEqual([]);
    await standIn?.close();
    standIn = undefined;
  });

  it("replays a recording round by round, with one progress line per round and rounds in the JSON", async () => {
    const run = await runInProcess(["check", "--from", REGRESSION, "--watch", "30m", "--format", "json"]);
    expect(run.code).toBe(6);
    const report = JSON.parse(run.stdout);
    expect(report.verdict).toBe("ROLLBACK");
    expect(report.watch.rounds).toHaveLength(2);
    expect(report.watch.rounds[0]).toMatchObject({ round: 1, verdict: "ROLLBACK", evidenceMet: true });
    const lines = run.stderr.trim().split("\n");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^azfn-health: round 1 at .*min of evidence, \d+ request\(s\), verdict so far ROLLBACK/,
    );
  });

  it("shows the rounds as a timeline in the text report", async () => {
    const run = await runInProcess([
      "check",
      "--from",
      HEALTHY,
      "--watch",
      "30m",
      "--interval",
      "10m",
      "--quiet",
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Watch: 4 round\(s\) every 10 min over 30 min/);
    expect(run.stdout).toMatch(/#1 +2026-11-24T08:30:00.000Z/);
  });

  it("rejects a malformed duration as a usage error", async () => {
    const run = await runInProcess(["check", "--from", HEALTHY, "--watch", "soon"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--watch: expected a duration/);
  });

  it("ends on SIGINT with the verdict so far and its exit code, never a stack", async () => {
    const child = spawn(
      process.execPath,
      [
        `${ROOT}/dist/bundle/bin.js`,
        "check",
        "--from",
        STORY,
        "--watch",
        "10h",
        "--failure-limit",
        "1000",
        "--format",
        "json",
      ],
      { cwd: ROOT, env: { PATH: process.env.PATH, NO_COLOR: "1", AZFN_INTERNAL_REPLAY_PACE_MS: "100" } },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      if (/round 2 /.test(stderr) && !child.killed) child.kill("SIGINT");
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).toBe(5);
    const report = JSON.parse(stdout);
    expect(report.verdict).toBe("HOTFIX");
    expect(report.watch.stoppedBy).toBe("interrupted");
    expect(report.watch.rounds.length).toBeGreaterThanOrEqual(2);
    expect(report.watch.rounds.length).toBeLessThan(120);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it("works live against the stand-in: each later round is one wave of 8 requests", async () => {
    const live = await startLive(loadRecording(REGRESSION));
    standIn = live.standIn;
    const run = await runCli(
      live.args("check", "--watch", "30m", "--failure-limit", "3", "--format", "json"),
      live.env,
    );
    expect(run.code).toBe(6);
    const report = JSON.parse(run.stdout);
    expect(report.watch.rounds).toHaveLength(3);
    expect(report.watch.rounds.slice(1).map((r: { calls: number }) => r.calls)).toEqual([8, 8]);
    const metricRequests = standIn.state.requests.filter((r) => /timespan=/.test(r.query));
    // Four metric reads a round (site and plan, both apps), and in the first round, the full check,
    // four more for the same hours last week (the time-of-day baseline); later rounds read neither.
    expect(metricRequests).toHaveLength(4 * 3 + 4);
  });
});

describe("the watch timeline in the other formats", () => {
  it("Markdown and HTML carry the rounds", async () => {
    const [markdown, html] = await Promise.all(
      ["markdown", "html"].map((format) =>
        runInProcess([
          "check",
          "--from",
          REGRESSION,
          "--watch",
          "30m",
          "--format",
          format,
          "--fail-on",
          "never",
          "--quiet",
        ]),
      ),
    );
    expect(markdown!.code).toBe(0);
    expect(markdown!.stdout).toMatch(/### Watch timeline/);
    expect(markdown!.stdout).toMatch(/#1 +2026-11-24T08:30:00.000Z .* ROLLBACK/);
    expect(html!.stdout).toMatch(/<h2>Watch timeline<\/h2>/);
    expect(html!.stdout).toMatch(
      /<table data-section="watch">.*<td>1<\/td><td>2026-11-24T08:30:00.000Z<\/td>/s,
    );
  });
});
