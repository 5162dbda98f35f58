import { randomBytes } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Argv } from "yargs";
import type { AzureAccess } from "../collect/access.js";
import type { BaselineMode } from "../core/windows.js";
import type { AuthMode } from "../collect/credentials.js";
import { CLOUD_NAMES, resolveEndpoints, type CloudName } from "../core/clouds.js";
import { exitCodeFor, FAIL_ON_CHOICES, type FailOn } from "../core/exit-codes.js";
import { UsageError } from "../core/errors.js";
import { parseAppId, sameApp, type AppRef } from "../core/resource-id.js";
import { closest } from "../core/suggest.js";
import { parseSince } from "../core/time.js";
import { CI_CHOICES } from "../report/ci-choices.js";
import { FORMATS, type Format } from "../report/index.js";
import type { LoadedConfig } from "../config/load.js";
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
export function recordingDir(from: string): string {
  if (existsSync(from)) return basename(from) === "recording.json" ? dirname(from) : from;
  const names = bundledRecordings();
  const name = /^(?:\.\/)?(?:fixtures\/)?([a-z0-9][a-z0-9-]*)\/?$/.exec(from)?.[1];
  if (name && names.includes(name)) return fileURLToPath(new URL(`${name}/`, BUNDLED_RECORDINGS));
  const guess = closest(name ?? basename(from), names);
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

/** Options shared by `check` and `record`: which apps, and how to reach Azure. */
export interface AccessArgs {
  qa?: string;
  prod?: string;
  from?: string;
  cloud: CloudName;
  armEndpoint?: string;
  logsEndpoint?: string;
  metricsEndpoint?: string;
  auth: AuthMode;
  tenant?: string;
  timeout: number;
  requestTimeout: number;
  until?: string;
  config?: string;
  quiet?: boolean;
  verbose?: boolean;
  qaAppInsights?: string;
  prodAppInsights?: string;
}

export interface CheckArgs extends AccessArgs {
  ci: (typeof CI_CHOICES)[number];
  since?: string;
  settle: number;
  baseline: BaselineMode;
  format: Format;
  failOn: FailOn;
  record?: string;
  out?: string;
  ledger?: string;
  servicenowChange?: string;
  servicenowClose?: boolean;
  servicenowDryRun?: boolean;
  watch?: string;
  interval: string;
  failureLimit: number;
}

const AUTH_CHOICES: readonly AuthMode[] = [
  "default",
  "cli",
  "managed-identity",
  "workload-identity",
  "environment",
];

export function accessOptions(yargs: Argv): Argv<AccessArgs> {
  return yargs
    .option("qa", { type: "string", describe: "QA Function App (or slot) resource ID" })
    .option("prod", { type: "string", describe: "Production Function App (or slot) resource ID" })
    .option("cloud", {
      choices: CLOUD_NAMES,
      default: "AzureCloud",
      describe: "Azure cloud: its Resource Manager, Log Analytics and metrics endpoints and token audiences",
    })
    .option("arm-endpoint", {
      type: "string",
      describe: "Override the Resource Manager endpoint (Azure Stack, private clouds)",
    })
    .option("logs-endpoint", { type: "string", describe: "Override the Log Analytics endpoint" })
    .option("metrics-endpoint", {
      type: "string",
      describe:
        "Override the metrics endpoint (default: the Resource Manager endpoint, which serves Microsoft.Insights/metrics)",
    })
    .option("auth", {
      choices: AUTH_CHOICES,
      default: "default",
      describe:
        "Credential: DefaultAzureCredential, Azure CLI, managed identity, workload identity, or AZURE_* environment variables",
    })
    .option("tenant", { type: "string", describe: "Entra tenant ID, for the credentials that take one" })
    .option("timeout", {
      type: "number",
      default: 120,
      describe: "Seconds the whole check may take; what is still unanswered makes it INCONCLUSIVE",
    })
    .option("request-timeout", {
      type: "number",
      default: 30,
      describe: "Seconds one attempt of one request may take before it is retried",
    })
    .option("until", {
      type: "string",
      describe:
        "Judge as of this time (ISO 8601) instead of now: the end of the metric window and the clock for end-of-life dates",
    })
    .option("quiet", { type: "boolean", describe: "No progress on stderr" })
    .option("verbose", {
      type: "boolean",
      describe: "Every call made, with its status and time, on stderr; the text report's full evidence",
    })
    .option("debug", {
      type: "boolean",
      describe: "Print the stack of an unexpected error (also AZFN_HEALTH_DEBUG=1)",
    })
    .option("config", {
      type: "string",
      describe: `Configuration file (default: ./azfn-health.config.yaml, .yml or .json). Flags and AZFN_HEALTH_* variables override it`,
    }) as unknown as Argv<AccessArgs>;
}

/** Application Insights, read by `check` and `record` only (preflight reads no logs). */
export function appInsightsOptions<T>(yargs: Argv<T>): Argv<T> {
  return yargs
    .option("qa-app-insights", {
      type: "string",
      describe: "QA's Application Insights component resource ID, when the app does not link it",
    })
    .option("prod-app-insights", {
      type: "string",
      describe: "Production's Application Insights component resource ID, when the app does not link it",
    });
}

export function checkOptions(yargs: Argv): Argv<CheckArgs> {
  return sinkOptions(appInsightsOptions(accessOptions(yargs)))
    .option("since", {
      type: "string",
      describe:
        "Release time: ISO 8601, or a duration ago (90m, 2h, 1d). Default: production's latest deployment or slot swap",
    })
    .option("settle", {
      type: "number",
      default: 5,
      describe: "Minutes after the release left out of the metrics (warm-up)",
    })
    .option("baseline", {
      choices: ["before", "last-week"] as const,
      default: "before",
      describe: "Metric baseline: the same length right before the release, or the same hours 7 days earlier",
    })
    .option("format", { choices: FORMATS, default: "text", describe: "Report format" })
    .option("fail-on", {
      choices: FAIL_ON_CHOICES,
      default: "hotfix",
      describe: "Lowest verdict that exits non-zero",
    })
    .option("from", {
      type: "string",
      describe:
        "Replay a recording directory (or a bundled one by name, e.g. story-32bit-upgrade) instead of calling Azure",
    })
    .option("ci", {
      choices: CI_CHOICES,
      default: "auto" as const,
      describe:
        "Speak a CI runner's language: annotations, the verdict as an output, a summary (auto: GITHUB_ACTIONS or TF_BUILD)",
    })
    .option("record", {
      type: "string",
      describe: "Also save what was read, redacted, as a recording in this directory",
    })
    .option("out", {
      type: "string",
      describe:
        "Write the evidence bundle to this directory: report.html/.md/.json/.junit.xml, redacted facts, metrics.csv, plan.sh",
    })
    .option("watch", {
      type: "string",
      describe:
        "Keep judging for this long (30m, 2h) as after-release data arrives; stop early on clear failure, PROCEED only on enough evidence",
    })
    .option("interval", { type: "string", default: "5m", describe: "With --watch: time between rounds" })
    .option("failure-limit", {
      type: "number",
      default: 2,
      describe: "With --watch: consecutive failing rounds (HOTFIX/ROLLBACK) that stop the watch early",
    })
    .example(
      "$0 check --qa /subscriptions/…/sites/orders-qa --prod /subscriptions/…/sites/orders",
      "Compare QA with production after a release",
    )
    .example("$0 check --qa … --prod … --watch 30m --interval 5m", "Watch the release for 30 minutes")
    .example("$0 check --from story-32bit-upgrade", "Replay a bundled recording offline")
    .example(
      "$0 check --qa … --prod … --since 2h --format json --fail-on rollback",
      "A pipeline gate that fails only on ROLLBACK",
    ) as unknown as Argv<CheckArgs>;
}

/** The ledger and the change ticket: the only writes azfn-health makes, and only when asked. */
function sinkOptions(yargs: Argv): Argv {
  return yargs
    .option("ledger", {
      type: "string",
      describe:
        "Record the check in a ledger: a SQLite file (no value: $XDG_STATE_HOME/azfn-health/ledger.sqlite) or " +
        "https://<account>.table.core.windows.net/<table>",
    })
    .option("servicenow-change", {
      type: "string",
      describe: "Add the verdict, findings and plan to this ServiceNow change request (CHG…) as a work note",
    })
    .option("servicenow-close", {
      type: "boolean",
      describe:
        "Also close the change: PROCEED/MONITOR successful, HOTFIX successful_issues, ROLLBACK unsuccessful",
    })
    .option("servicenow-dry-run", {
      type: "boolean",
      describe: "Print the ServiceNow requests instead of sending them (credentials masked)",
    });
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
  recorder?: {
    recording: (meta: {
      recordedAt: Date;
      apps: { qa: string; prod: string };
    }) => import("../collect/recording.js").Recording;
  };
  done(): void;
}

/**
 * The session, trapping SIGINT/SIGTERM while it is open (src/cli/signals.ts): the verdict so far
 * or INCONCLUSIVE, the deadline aborted, child processes ended.
 */
export async function openSession(
  args: AccessArgs,
  env: NodeJS.ProcessEnv,
  recordTo?: string,
  environments?: Record<string, string>,
  io?: Io,
  /** `check --watch`: the watch's own duration, on top of --timeout. */
  extraSeconds = 0,
): Promise<Session> {
  const deadline = new AbortController();
  let session: Session | undefined;
  const untrap = io
    ? trapSignals({
        io,
        abort: (reason) => deadline.abort(new Error(reason)),
        decided: () => session?.decided,
        what: () => session?.waitingFor?.() ?? "the check to start",
      })
    : () => undefined;
  try {
    session = await startSession(args, env, deadline, recordTo, environments, io, extraSeconds);
  } catch (error) {
    untrap();
    throw error;
  }
  const done = session.done.bind(session);
  session.done = () => (done(), untrap());
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
  for (const [flag, value] of [
    ["--timeout", args.timeout],
    ["--request-timeout", args.requestTimeout],
  ] as const) {
    if (!(value > 0)) throw new UsageError(`${flag}: expected a number of seconds above 0, got ${value}`);
  }
  const endpoints = resolveEndpoints(args.cloud, {
    arm: args.armEndpoint,
    logs: args.logsEndpoint,
    metrics: args.metricsEndpoint,
    authority: env.AZURE_AUTHORITY_HOST,
  });
  const hashKey = randomBytes(32);
  const until = args.until ? parseSince(args.until, new Date(), "--until") : undefined;
  // Never what keeps the process alive: a usage error must exit at once. The whole check is
  // bounded, start-up included (a process counts from its start).
  const elapsed = io?.startedAt === undefined ? 0 : performance.now() - io.startedAt;
  const timer = setTimeout(
    () => deadline.abort(),
    Math.max(0, (args.timeout + extraSeconds) * 1000 - elapsed),
  ).unref();
  const done = () => clearTimeout(timer);
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
      access: {
        credential: LOCAL_ONLY_CREDENTIAL,
        httpClient: replay.createReplayHttpClient(recording),
        retryOptions: { maxRetries: 0 },
        abortSignal: deadline.signal,
      },
      done,
    };
  } else {
    const apps = appsFrom(args, undefined, environments);
    const { createCredential, sharedTokenCredential, AUTH_HINTS } = await import("../collect/credentials.js");
    const bound = { signal: deadline.signal, seconds: args.timeout };
    const credential = sharedTokenCredential(
      await createCredential(args.auth, {
        tenantId: args.tenant,
        authorityHost: endpoints.authority,
        deadline: bound,
        env,
      }),
      bound,
    );
    // Sign in while the SDK loads: the token's round trips overlap the import. A failure here is
    // dropped from the cache and surfaces, explained, on the first real request.
    for (const scope of [endpoints.armScope, endpoints.logsScope])
      credential.getToken(scope, { abortSignal: deadline.signal }).catch(() => undefined);
    session = {
      apps,
      now: until ?? new Date(),
      hashKey,
      access: {
        credential,
        endpoint: endpoints.arm,
        scope: endpoints.armScope,
        abortSignal: deadline.signal,
        perTryTimeoutMs: args.requestTimeout * 1000,
        ...(io?.retryOptions ? { retryOptions: io.retryOptions } : {}),
        metricsEndpoint: endpoints.metrics,
        logsEndpoint: endpoints.logs,
        logsScope: endpoints.logsScope,
        authHint: AUTH_HINTS[args.auth],
      },
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
    }),
  );
}

export async function runCheckCommand(
  args: CheckArgs,
  io: Io,
  toolVersion: string,
  env: NodeJS.ProcessEnv,
  loaded?: LoadedConfig,
): Promise<number> {
  if (args.watch !== undefined) {
    const { runWatchCommand } = await import("./watch-command.js");
    return runWatchCommand({ ...args, watch: args.watch }, io, toolVersion, env, loaded);
  }
  const [{ runCheck }, { buildReport }, { render }] = await Promise.all([
    import("../check.js"),
    import("../report/model.js"),
    import("../report/index.js"),
  ]);
  const session = await openSession(args, env, args.record, loaded?.config.environments, io);
  const progress = watch(session, args, io, env);
  try {
    const since = args.since ? releaseTime(args.since, session.now, args.until) : undefined;
    if (!(args.settle >= 0))
      throw new UsageError(`--settle: expected minutes (0 or more), got ${args.settle}`);
    const metrics = { settleMinutes: args.settle, baseline: args.baseline };
    const appInsights = {
      qa: componentId("--qa-app-insights", args.qaAppInsights),
      prod: componentId("--prod-app-insights", args.prodAppInsights),
    };
    const result = await runCheck({
      ...session.apps,
      since,
      now: session.now,
      access: session.access,
      hashKey: session.hashKey,
      metrics,
      appInsights,
      ...policyOf(loaded),
    });
    progress.stop();
    if (args.record) io.stderr(`azfn-health: recorded to ${await saveRecording(session, args.record)}\n`);
    const exitCode = exitCodeFor(result.recommendation.action, args.failOn);
    session.decided = { exitCode, verdict: result.recommendation.action };
    const report = buildReport(result, {
      toolVersion,
      exitCode,
      failOn: args.failOn,
      mode: session.replayed ? "replay" : "live",
      ...(session.replayed ? { recording: session.replayed } : {}),
      ...(loaded ? { config: loaded.path } : {}),
    });
    const bundleFiles = args.out ? await writeBundle(args.out, report, result.facts) : undefined;
    if (args.out) io.stderr(`azfn-health: evidence written to ${args.out}\n`);
    // The ledger and the change ticket (src/ledger/check-hook.ts): sinks that never change the exit code.
    const sinks =
      args.ledger !== undefined || args.servicenowChange
        ? await import("../ledger/check-hook.js")
        : undefined;
    const sinkContext = {
      args,
      report,
      facts: result.facts,
      bundleFiles,
      env,
      config: loaded,
      stderr: io.stderr,
    };
    const shown = sinks
      ? await sinks.recordBeforeOutput({ ...sinkContext, credential: session.access.credential })
      : { report, trailer: "" };
    io.stdout(
      (await render(shown.report, args.format, { color: io.color, verbose: args.verbose === true })) +
        shown.trailer,
    );
    await sinks?.updateTicketAfterOutput(sinkContext, shown.ledger);
    await speakToCi(report, args, io, env);
    return exitCode;
  } finally {
    progress.stop();
    session.done();
  }
}

/** Azure Monitor keeps platform metrics 93 days: an older release cannot be judged from them. */
// https://learn.microsoft.com/azure/azure-monitor/essentials/data-platform-metrics#retention-of-metrics
const METRIC_RETENTION_DAYS = 93;

/** --since as a time no later than the check's clock and within the metrics' reach. */
function releaseTime(text: string, now: Date, until?: string): Date {
  let since: Date;
  try {
    since = parseSince(text, now);
  } catch (error) {
    if (until && /in the future/.test((error as Error).message))
      throw new UsageError(`--until ${until} is before the release (--since ${text}): judge a time after it`);
    throw error;
  }
  if (now.getTime() - since.getTime() > METRIC_RETENTION_DAYS * 86_400_000)
    throw new UsageError(
      `--since: ${text} is more than ${METRIC_RETENTION_DAYS} days before ${now.toISOString()}: Azure ` +
        `Monitor keeps ${METRIC_RETENTION_DAYS} days of metrics, so that release cannot be judged`,
    );
  return since;
}

export function watch(session: Session, args: AccessArgs, io: Io, env: NodeJS.ProcessEnv) {
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

export async function writeBundle(
  dir: string,
  report: import("../report/model.js").Report,
  facts: import("../core/facts.js").CheckFacts,
): Promise<Record<string, string>> {
  const [{ evidenceBundle }, fs, nodePath] = await Promise.all([
    import("../report/bundle.js"),
    import("node:fs/promises"),
    import("node:path"),
  ]);
  // A fresh directory, or an existing one without our files: each file is created, never
  // overwritten and never written through a symlink planted there (O_CREAT|O_EXCL refuses both).
  const existing = await fs.lstat(dir).catch(() => undefined);
  if (existing && !existing.isDirectory())
    throw new UsageError(`--out: ${dir} exists and is not a directory: give a new directory`);
  const files = evidenceBundle(report, facts);
  try {
    await fs.mkdir(dir, { recursive: true, mode: 0o700 });
    for (const [name, text] of Object.entries(files))
      await fs.writeFile(nodePath.join(dir, name), text, {
        flag: "wx",
        mode: name === "plan.sh" ? 0o700 : 0o600,
      });
  } catch (error) {
    const { code, path } = error as NodeJS.ErrnoException;
    throw new UsageError(
      code === "EEXIST"
        ? `--out: ${path ?? dir} already exists: give a new directory (azfn-health never overwrites evidence)`
        : `--out: cannot write to ${path ?? dir}: ${code ?? (error as Error).message}`,
    );
  }
  return files;
}

/**
 * Annotations, outputs and the summary for the runner. The command lines go to stdout, where the
 * runners read them, except when stdout carries a machine format: then to stderr, and the
 * file-based outputs (GitHub's GITHUB_OUTPUT and step summary) still work.
 */
export async function speakToCi(
  report: import("../report/model.js").Report,
  args: Pick<CheckArgs, "ci" | "format">,
  io: Io,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const { detectCi, githubOutput, azureOutput } = await import("../report/ci.js");
  const dialect = detectCi(env, args.ci);
  if (dialect === "none") return;
  const fs = await import("node:fs/promises");
  const nodePath = await import("node:path");
  const { tmpdir } = await import("node:os");
  // The summary goes into a private directory of its own (mkdtemp, mode 0700) and is created,
  // never opened: a fixed name in a shared /tmp could be a symlink planted by another user.
  const output =
    dialect === "github"
      ? githubOutput(report, env)
      : azureOutput(
          report,
          nodePath.join(
            await fs.mkdtemp(nodePath.join(env.AGENT_TEMPDIRECTORY ?? tmpdir(), "azfn-health-")),
            "summary.md",
          ),
        );
  for (const file of output.files)
    await (file.append
      ? fs.appendFile(file.path, file.text)
      : fs.writeFile(file.path, file.text, { flag: "wx", mode: 0o600 }));
  const text = `${output.lines.join("\n")}\n`;
  if (args.format === "json" || args.format === "junit" || args.format === "html") io.stderr(text);
  else io.stdout(text);
}

export function componentId(flag: string, id: string | undefined): string | undefined {
  if (id === undefined) return undefined;
  if (
    !/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/microsoft\.insights\/components\/[^/]+$/i.test(
      id,
    )
  ) {
    throw new UsageError(
      `${flag}: not an Application Insights component resource ID: expected ` +
        `/subscriptions/<guid>/resourceGroups/<rg>/providers/microsoft.insights/components/<name>`,
    );
  }
  return id;
}

/** Severities, ignores (with their reasons) and metric thresholds from the configuration. */
export function policyOf(loaded?: LoadedConfig) {
  const rules = loaded?.config.rules ?? {};
  const level = (rule: (typeof rules)[string]) => (typeof rule === "string" ? rule : rule.severity);
  const policy = {
    severities: Object.fromEntries(
      Object.entries(rules).flatMap(([id, rule]) => {
        const severity = level(rule);
        return severity && severity !== "report-only" ? [[id.toUpperCase(), severity]] : [];
      }),
    ),
    reportOnly: Object.entries(rules)
      .filter(([, rule]) => level(rule) === "report-only")
      .map(([id]) => id.toUpperCase()),
    ignores: Object.entries(rules).flatMap(([id, rule]) =>
      typeof rule !== "string" && rule.ignore
        ? [{ ruleId: id.toUpperCase(), environment: rule.environment, reason: rule.ignore }]
        : [],
    ),
  };
  return { policy, thresholds: loaded?.config.metrics?.thresholds };
}

/** The configuration's values for the options, which flags and AZFN_HEALTH_* variables override. */
export function configDefaults(loaded?: LoadedConfig): Record<string, unknown> {
  const c = loaded?.config;
  if (!c) return {};
  const entries: [string, unknown][] = [
    ["qa", c.qa ?? (c.environments?.qa ? "qa" : undefined)],
    ["prod", c.prod ?? (c.environments?.prod ? "prod" : undefined)],
    ["failOn", c.failOn],
    ["cloud", c.cloud],
    ["auth", c.auth],
    ["tenant", c.tenant],
    ["timeout", c.timeout],
    ["armEndpoint", c.endpoints?.arm],
    ["logsEndpoint", c.endpoints?.logs],
    ["metricsEndpoint", c.endpoints?.metrics],
    ["settle", c.metrics?.settle],
    ["baseline", c.metrics?.baseline],
    ["qaAppInsights", c.appInsights?.qa],
    ["ledger", c.ledger],
    ["prodAppInsights", c.appInsights?.prod],
  ];
  return Object.fromEntries(entries.filter(([, value]) => value !== undefined));
}

/** `record`: read both environments and save them, redacted, for an offline `check --from`. */
export async function runRecordCommand(
  args: AccessArgs & { out: string },
  io: Io,
  env: NodeJS.ProcessEnv,
  loaded?: LoadedConfig,
): Promise<number> {
  const { runCheck } = await import("../check.js");
  const session = await openSession(args, env, args.out, loaded?.config.environments, io);
  try {
    const result = await runCheck({
      ...session.apps,
      now: session.now,
      access: session.access,
      hashKey: session.hashKey,
    });
    const path = await saveRecording(session, args.out);
    io.stdout(
      `recorded ${path} (verdict when replayed: ${result.recommendation.action}); replay with: azfn-health check --from ${args.out}\n`,
    );
    return 0;
  } finally {
    session.done();
  }
}
