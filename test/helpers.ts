import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { collectCheckFacts } from "../src/collect/azure.js";
import { createReplayHttpClient, readRecording, type Recording } from "../src/collect/recording.js";
import { createRedactor } from "../src/collect/redact.js";
import { main } from "../src/cli/main.js";
import type { CheckFacts, EnvironmentFacts } from "../src/core/facts.js";
import { parseAppId } from "../src/core/resource-id.js";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const STORY = "fixtures/story-32bit-upgrade";
export const HEALTHY = "fixtures/healthy-upgrade";
export const REGRESSION = "fixtures/regression-5xx";
export const HASH_KEY = new Uint8Array(32).fill(7);
/**
 * A new working directory holding someone else's package.json (version 6.6.6-decoy): a run must
 * read nothing there. A `prefix` with a dot makes a name yargs once took for a file's.
 */
export function decoyWorkingDirectory(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "decoy", version: "6.6.6-decoy" }));
  return dir;
}

export const TEST_CREDENTIAL = {
  getToken: () => Promise.resolve({ token: "test-token", expiresOnTimestamp: Date.now() + 3_600_000 }),
};

/** Facts as a replayed check collects them: through the SDK clients and the replaying transport. */
export async function replayFacts(dir: string, edit?: (recording: Recording) => void): Promise<CheckFacts> {
  const recording = await readRecording(`${ROOT}/${dir}`);
  edit?.(recording);
  return collectCheckFacts(
    {
      credential: TEST_CREDENTIAL,
      httpClient: createReplayHttpClient(recording),
      retryOptions: { maxRetries: 0 },
    },
    { qa: parseAppId(recording.apps.qa, "qa"), prod: parseAppId(recording.apps.prod, "prod") },
    {
      now: new Date(recording.recordedAt),
      hashKey: HASH_KEY,
      metrics: { settleMinutes: 5, baseline: "before" },
    },
  );
}

export function variant(base: CheckFacts, edit: (facts: CheckFacts) => void): CheckFacts {
  const copy = structuredClone(base);
  edit(copy);
  return copy;
}

const redact = createRedactor(HASH_KEY);

/** Sets an app setting the way the collector would have kept it. */
export function setSetting(env: EnvironmentFacts, name: string, value: string): void {
  env.appSettings = { ...env.appSettings, [name]: redact(name, value) };
}

export function deleteSetting(env: EnvironmentFacts, name: string): void {
  const { [name]: _removed, ...rest } = env.appSettings ?? {};
  env.appSettings = rest;
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI as a user would, with no Azure credentials in reach. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [`${ROOT}/dist/bundle/bin.js`, ...args], {
      cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** What the product reads from the environment: cleared for an in-process run, as runCli's child has none. */
const PRODUCT_VARIABLES =
  /^(AZFN_|AZURE_|SERVICENOW_|GITHUB_|SYSTEM_|BUILD_|TF_BUILD$|CI$|XDG_|FORCE_COLOR$|NO_COLOR$)/;
let inProcessQueue: Promise<unknown> = Promise.resolve();

/**
 * The CLI in-process, through `main(argv, io)`, as `runCli` would run it but without a fresh Node
 * (issue 18: most CLI behaviour is main's; bin.ts's own — exit through the process, EPIPE, signals,
 * the Node version — stays tested through `runCli`). `env` is the whole environment the run sees:
 * the product's variables of the test process are set aside meanwhile, and runs take turns, since
 * main reads some of them from `process.env`.
 */
export function runInProcess(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const turn = inProcessQueue.then(async () => {
    const saved = Object.entries(process.env).filter(([name]) => PRODUCT_VARIABLES.test(name) || name in env);
    for (const [name] of saved) delete process.env[name];
    Object.assign(process.env, env);
    let stdout = "";
    let stderr = "";
    try {
      const code = await main(argv, {
        stdout: (text) => void (stdout += text),
        stderr: (text) => void (stderr += text),
        color: false,
        env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1", ...env },
      });
      return { code, stdout, stderr };
    } finally {
      for (const name of Object.keys(env)) delete process.env[name];
      Object.assign(process.env, Object.fromEntries(saved));
    }
  });
  inProcessQueue = turn.catch(() => undefined);
  return turn;
}

/** `ledger show <id> --format json` in-process: the record a run wrote, as the release manager reads it. */
export function showLedgerRecord(id: string, ledger: string): Promise<CliRun> {
  return runInProcess(["ledger", "show", id, "--ledger", ledger, "--format", "json"]);
}
