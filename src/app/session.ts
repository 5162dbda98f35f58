import { randomBytes } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { AzureAccess } from "../collect/access.js";
import type { RecordedRequest } from "../collect/recording.js";
import { resolveEndpoints } from "../core/clouds.js";
import { UsageError } from "../core/errors.js";
import { parseAppId, sameApp, type AppRef } from "../core/resource-id.js";
import { closest, onlyCompletion } from "../core/suggest.js";
import { parseSince } from "../core/time.js";
import type { AccessArgs } from "./args.js";
import type { Io } from "./io.js";
import { createProgress, isInteractive } from "./progress.js";
import { trapSignals } from "./signals.js";

/** The recordings shipped in the package (fixtures/), beside dist/ in a checkout and in a global install. */
const BUNDLED_RECORDINGS = new URL("../../fixtures/", import.meta.url);
export const DEMO_RECORDING = "story-32bit-upgrade";

/**
 * What `--from` names: a directory holding recording.json, that recording.json itself, or a bundled
 * recording by name, also written as the help's examples write it (`fixtures/story-32bit-upgrade`),
 * so the examples work from any directory once installed. Anything else is one line naming the
 * closest bundled recording and all of them.
 */
function recordingDir(from: string): string {
  if (existsSync(from)) return basename(from) === "recording.json" ? dirname(from) : from;
  const name = /^(?:\.\/)?(?:fixtures\/)?([a-z0-9][a-z0-9-]*)\/?$/.exec(from)?.[1];
  // A bundled name is one file to look for, not a directory to list.
  const bundled = name && fileURLToPath(new URL(`${name}/`, BUNDLED_RECORDINGS));
  if (bundled && existsSync(join(bundled, "recording.json"))) return bundled;
  const names = bundledRecordings();
  const typed = name ?? basename(from);
  const guess = closest(typed, names) ?? onlyCompletion(typed, names);
  throw new UsageError(
    `--from ${JSON.stringify(from)}: no such recording${guess ? ` (did you mean ${guess}?)` : ""}. ` +
      `Give a directory holding recording.json, or a bundled recording: ${names.join(", ")}`,
  );
}

function bundledRecordings(): string[] {
  const root = fileURLToPath(BUNDLED_RECORDINGS);
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, "recording.json")))
    .map((entry) => entry.name)
    .sort();
}

function appsFrom(
  args: AccessArgs,
  recorded?: { qa: string; prod: string },
  environments: Record<string, string> = {},
): { qa: AppRef; prod: AppRef } {
  // A name from the configuration's environments, or a resource ID.
  const named = (text: string | undefined) =>
    text && !text.startsWith("/") && environments[text] ? environments[text] : text;
  const qaText = named(args.qa) ?? recorded?.qa;
  const prodText = named(args.prod) ?? recorded?.prod;
  if (!qaText || !prodText) throw new UsageError("needs --qa and --prod (or --from <recording>)");
  const qa = parseAppId(qaText, "--qa");
  const prod = parseAppId(prodText, "--prod");
  if (sameApp(qa, prod)) throw new UsageError("--qa and --prod name the same app: compare two environments");
  if (recorded) {
    for (const [flag, ref, text] of [
      ["--qa", qa, recorded.qa],
      ["--prod", prod, recorded.prod],
    ] as const) {
      if (!sameApp(ref, parseAppId(text, `recording ${flag}`)))
        throw new UsageError(`${flag}: the recording was made for ${text}, not ${ref.id}`);
    }
  }
  return { qa, prod };
}

export interface Session {
  apps: { qa: AppRef; prod: AppRef };
  now: Date;
  access: AzureAccess;
  replayed?: { path: string; constructed: boolean; description?: string };
  hashKey: Uint8Array;
  /** Set once the verdict is known: what an interrupted run still exits with. */
  decided?: { exitCode: number; verdict: string };
  /** What the check is waiting for (a token, Azure's answers), for an interruption's message. */
  waitingFor?: () => string;
  /**
   * A command that ends itself on a signal (`check --watch`: the report of the verdict so far)
   * sets this; it returns true when it took the signal. A second signal ends the process.
   */
  onInterrupt?: () => boolean;
  /** On a replay: the request the recording was made with (its release time and windows). */
  recordedRequest?: RecordedRequest;
  /** The request this run judged, kept in the recording it writes (set by app/request.ts). */
  request?: RecordedRequest;
  recorder?: {
    recording: (meta: {
      recordedAt: Date;
      apps: { qa: string; prod: string };
      request?: RecordedRequest;
    }) => import("../collect/recording.js").Recording;
  };
  /** The flag that named the recording's directory, for messages. */
  recordFlag?: string;
  /** Ends the progress on stderr (the spinner, or nothing): before the report is printed. */
  stopProgress(): void;
  done(): void;
}

export interface SessionOptions {
  /** --record: wrap the access in the recorder. */
  recordTo?: string;
  /** The flag that named it, for messages (`record` calls it --out). */
  recordFlag?: string;
  /** --out of check, watch and preflight: the evidence bundle's directory. */
  bundleTo?: string;
  /** The configuration's named environments, for --qa/--prod given by name. */
  environments?: Record<string, string>;
  /** `check --watch`: the watch's own duration, on top of --timeout. */
  extraSeconds?: number;
}

/**
 * Opens a run, for every command that reads Azure (check, watch, preflight, record): live or
 * replay access, the credential and its early token, the recorder, the deadline (--timeout), the
 * progress on stderr, and the one signal path (src/app/signals.ts) while it is open: the verdict
 * so far or INCONCLUSIVE, the deadline aborted, child processes ended.
 */
export async function openSession(
  args: AccessArgs,
  env: NodeJS.ProcessEnv,
  io: Io,
  options: SessionOptions = {},
): Promise<Session> {
  const deadline = new AbortController();
  const recordFlag = options.recordFlag ?? "--record";
  let session: Session | undefined;
  const untrap = trapSignals({
    io,
    interrupt: () => session?.onInterrupt?.() ?? false,
    abort: (reason) => deadline.abort(new Error(reason)),
    decided: () => session?.decided,
    what: () => session?.waitingFor?.() ?? "the check to start",
  });
  try {
    // Before anything is read: a target that holds evidence is refused, never overwritten, so no
    // check (or watch) runs for nothing (src/files/write-new.ts).
    if (options.recordTo)
      await (await import("../collect/recorder.js")).refuseRecordingTarget(options.recordTo, recordFlag);
    if (options.bundleTo) {
      const [{ BUNDLE_FILES }, { checkNewFilesTarget }] = await Promise.all([
        import("../report/bundle.js"),
        import("../files/write-new.js"),
      ]);
      await checkNewFilesTarget("--out", options.bundleTo, BUNDLE_FILES);
    }
    session = await startSession(
      args,
      env,
      deadline,
      options.recordTo,
      options.environments,
      io,
      options.extraSeconds ?? 0,
    );
  } catch (error) {
    untrap();
    throw error;
  }
  const progress = showProgress(session, args, io, env);
  const done = session.done.bind(session);
  session.stopProgress = progress.stop;
  session.recordFlag = recordFlag;
  session.done = () => (progress.stop(), done(), untrap());
  return session;
}

/** Replay or live access, the clock, the whole-check timeout, and the recorder when asked for. */
async function startSession(
  args: AccessArgs,
  env: NodeJS.ProcessEnv,
  deadline: AbortController,
  recordTo?: string,
  environments?: Record<string, string>,
  io?: Pick<Io, "startedAt" | "retryOptions">,
  extraSeconds = 0,
): Promise<Session> {
  const endpoints = endpointsOf(args, env);
  const hashKey = randomBytes(32);
  const until = args.until ? parseSince(args.until, new Date(), "--until") : undefined;
  const { clear: done } = startDeadline(deadline, args.timeout + extraSeconds, io);
  let session: Session;
  if (args.from) {
    const [replay, { LOCAL_ONLY_CREDENTIAL }] = await Promise.all([
      import("../collect/recording.js"),
      import("../collect/credentials.js"),
    ]);
    const recording = await replay.readRecording(recordingDir(args.from));
    session = {
      apps: appsFrom(args, recording.apps, environments),
      now: until ?? new Date(recording.recordedAt),
      hashKey,
      replayed: {
        path: args.from,
        constructed: recording.constructed === true,
        description: recording.description,
      },
      ...(recording.request ? { recordedRequest: recording.request } : {}),
      access: {
        credential: LOCAL_ONLY_CREDENTIAL,
        httpClient: replay.createReplayHttpClient(recording),
        retryOptions: { maxRetries: 0 },
        abortSignal: deadline.signal,
      },
      stopProgress: () => undefined,
      done,
    };
  } else {
    const apps = appsFrom(args, undefined, environments);
    const { credential, authHint } = await signIn(args, endpoints.authority, deadline.signal, env);
    // Sign in while the SDK loads: the token's round trips overlap the import. A failure here is
    // dropped from the cache and surfaces, explained, on the first real request.
    for (const scope of [endpoints.armScope, endpoints.logsScope])
      credential.getToken(scope, { abortSignal: deadline.signal }).catch(() => undefined);
    session = {
      apps,
      now: until ?? new Date(),
      hashKey,
      access: {
        ...armAccess(args, endpoints, deadline.signal, io, { credential, authHint }),
        metricsEndpoint: endpoints.metrics,
        logsEndpoint: endpoints.logs,
        logsScope: endpoints.logsScope,
      },
      stopProgress: () => undefined,
      done,
      waitingFor: () => {
        const scopes = credential.waitingFor();
        return scopes.length > 0 ? `sign-in (token for ${scopes.join(", ")})` : "Azure's answers";
      },
    };
  }
  if (recordTo) {
    const [{ createRecorder }, { createRedactor }, { createDefaultHttpClient }] = await Promise.all([
      import("../collect/recorder.js"),
      import("../collect/redact.js"),
      import("@azure/core-rest-pipeline"),
    ]);
    const recorder = createRecorder(
      session.access.httpClient ?? createDefaultHttpClient(),
      createRedactor(hashKey),
    );
    session.access.httpClient = recorder.httpClient;
    session.recorder = recorder;
  }
  return session;
}

export async function saveRecording(session: Session, dir: string): Promise<string> {
  const { writeRecording } = await import("../collect/recorder.js");
  return writeRecording(
    dir,
    session.recorder!.recording({
      recordedAt: session.now,
      apps: { qa: session.apps.qa.id, prod: session.apps.prod.id },
      ...(session.request ? { request: session.request } : {}),
    }),
    session.recordFlag,
  );
}

/** The spinner on a terminal, every call with --verbose, nothing with --quiet. */
function showProgress(session: Session, args: AccessArgs, io: Io, env: NodeJS.ProcessEnv) {
  const progress = createProgress({
    write: io.stderr,
    interactive:
      !args.quiet && !args.verbose && io.stderrIsTTY === true && isInteractive({ isTTY: true }, env),
    verbose: args.verbose === true,
    label: session.replayed ? "replaying" : "reading QA and production",
  });
  session.access.onRequest = progress.onRequest;
  let stopped = false;
  return { stop: () => (stopped ? undefined : ((stopped = true), progress.stop())) };
}

/** The flags every run checks before it reads anything, and the chosen cloud's endpoints. */
export function endpointsOf(args: AccessArgs, env: NodeJS.ProcessEnv) {
  for (const [flag, value] of [
    ["--timeout", args.timeout],
    ["--request-timeout", args.requestTimeout],
  ] as const) {
    if (!(value > 0)) throw new UsageError(`${flag}: expected a number of seconds above 0, got ${value}`);
  }
  return resolveEndpoints(args.cloud, {
    arm: args.armEndpoint,
    logs: args.logsEndpoint,
    metrics: args.metricsEndpoint,
    authority: env.AZURE_AUTHORITY_HOST,
  });
}

/**
 * Aborts `deadline` when the run's time is up. The whole run is bounded, start-up included (a
 * process counts from its start); the timer never keeps the process alive, so a usage error exits
 * at once.
 */
export function startDeadline(
  deadline: AbortController,
  seconds: number,
  io?: Pick<Io, "startedAt">,
): { at: number; clear: () => void } {
  // process.uptime() counts from the process's start as performance.now() does, without loading
  // the performance timeline's dozen modules into a run that reads nothing else of it (issue #19).
  const elapsed = io?.startedAt === undefined ? 0 : process.uptime() * 1000 - io.startedAt;
  const at = Date.now() + seconds * 1000 - elapsed;
  const timer = setTimeout(() => deadline.abort(), Math.max(0, at - Date.now())).unref();
  return { at, clear: () => clearTimeout(timer) };
}

/** Resource Manager access for a live run, bounded by the run's deadline and --request-timeout. */
export function armAccess(
  args: Pick<AccessArgs, "requestTimeout">,
  endpoints: ReturnType<typeof resolveEndpoints>,
  abortSignal: AbortSignal,
  io: Pick<Io, "retryOptions"> | undefined,
  signedIn: Awaited<ReturnType<typeof signIn>>,
) {
  return {
    credential: signedIn.credential,
    endpoint: endpoints.arm,
    scope: endpoints.armScope,
    abortSignal,
    perTryTimeoutMs: args.requestTimeout * 1000,
    ...(io?.retryOptions ? { retryOptions: io.retryOptions } : {}),
    authHint: signedIn.authHint,
  };
}

/**
 * The credential of a live run (check, preflight, watch, record and fleet): one token cache, every
 * sign-in bounded by the run's deadline, and the hint that goes with the chosen --auth.
 */
export async function signIn(
  args: Pick<AccessArgs, "auth" | "tenant" | "timeout">,
  authorityHost: string,
  deadline: AbortSignal,
  env: NodeJS.ProcessEnv,
) {
  const { createCredential, sharedTokenCredential, AUTH_HINTS } = await import("../collect/credentials.js");
  const bound = { signal: deadline, seconds: args.timeout };
  const credential = sharedTokenCredential(
    await createCredential(args.auth, { tenantId: args.tenant, authorityHost, deadline: bound, env }),
    bound,
  );
  return { credential, authHint: AUTH_HINTS[args.auth] };
}
