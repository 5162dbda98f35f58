import { execFileSync, spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  descendantsOf,
  endChildProcesses,
  parseProcessList,
  processListCommand,
} from "../src/app/signals.js";
import type { Recording } from "../src/collect/recording.js";
import { startStandIn, standInEnv, type StandIn } from "./support/azure-stand-in.mjs";
import { HEALTHY, ROOT } from "./helpers.js";

const recording = JSON.parse(readFileSync(join(ROOT, HEALTHY, "recording.json"), "utf8")) as Recording;

/** Whether a process still runs (a zombie waiting to be reaped has ended). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

const until = async (what: string, condition: () => boolean, tries = 600) => {
  for (let i = 0; i < tries && !condition(); i++) await new Promise((r) => setTimeout(r, 50));
  expect(condition(), what).toBe(true);
};

/** The built CLI, started so a test can signal it mid-run. */
function start(args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [`${ROOT}/dist/bundle/bin.js`, ...args], {
    cwd: ROOT,
    env: { HOME: process.env.HOME, NO_COLOR: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal })),
  );
  return { child, ended, out: () => ({ stdout, stderr }) };
}

const checkArgs = (endpoint: string, extra: string[] = []) => [
  "check",
  "--qa",
  recording.apps.qa,
  "--prod",
  recording.apps.prod,
  "--arm-endpoint",
  endpoint,
  "--logs-endpoint",
  endpoint,
  "--until",
  recording.recordedAt,
  "--format",
  "json",
  ...extra,
];

let standIn: StandIn | undefined;
afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

describe("SIGINT and SIGTERM", () => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`${signal} while \`az\` signs in: INCONCLUSIVE (exit 3) in one line, and az is ended too`, async () => {
      // A fake `az` on PATH that records its pid and then hangs, as a wedged Azure CLI would.
      const dir = mkdtempSync(join(tmpdir(), "azfn-fake-az-"));
      const pids = join(dir, "pids");
      mkdirSync(pids);
      writeFileSync(join(dir, "az"), `#!/bin/sh\necho "$@" > "${pids}/$$"\nexec sleep 300\n`);
      chmodSync(join(dir, "az"), 0o755);
      const run = start(checkArgs("https://127.0.0.1:9", ["--auth", "cli", "--timeout", "120"]), {
        PATH: `${dir}:${process.env.PATH}`,
      });
      // The shell creates the file before echo writes to it: wait for its line, not its name.
      const written = () => readdirSync(pids).filter((pid) => readFileSync(join(pids, pid), "utf8") !== "");
      await until("the fake az was started", () => written().length > 0);
      const azPids = written().map(Number);
      expect(readFileSync(join(pids, String(azPids[0])), "utf8")).toMatch(/^account get-access-token/);
      expect(azPids.every(running)).toBe(true);
      run.child.kill(signal);
      const { code } = await run.ended;
      const { stdout, stderr } = run.out();
      expect(code).toBe(3);
      expect(stdout).toBe("");
      expect(stderr).toMatch(
        new RegExp(
          `^azfn-health: interrupted by ${signal} while waiting for sign-in \\(token for https://management\\.azure\\.com/\\.default.*\\): INCONCLUSIVE, nothing was judged; ended \\d+ child process(es)?\\n$`,
        ),
      );
      await until("every fake az process is gone", () =>
        readdirSync(pids)
          .map(Number)
          .every((pid) => !running(pid)),
      );
    });
  }

  it("SIGTERM while Azure is slow to answer: INCONCLUSIVE, one line, no stack", async () => {
    standIn = await startStandIn({
      recording,
      faults: [{ match: /sites\/orders-func-prod$/, delayMs: 60_000 }],
    });
    const run = start(checkArgs(standIn.url, ["--auth", "environment"]), {
      PATH: process.env.PATH,
      ...standInEnv(standIn),
    });
    await until("the site was asked for", () =>
      standIn!.state.requests.some((r) => r.path.endsWith("/sites/orders-func-prod")),
    );
    run.child.kill("SIGTERM");
    const { code } = await run.ended;
    const { stdout, stderr } = run.out();
    expect(code).toBe(3);
    expect(stdout).toBe("");
    expect(stderr).toBe(
      "azfn-health: interrupted by SIGTERM while waiting for Azure's answers: INCONCLUSIVE, nothing was judged\n",
    );
  });
});

describe("the child processes a signal ends", () => {
  it("are found deepest first, and a cycle of reused Windows ids is never walked", () => {
    // 10 → 11 → 12, 10 → 13; 1 is unrelated; 0 is Windows' idle process, its own parent; 14 and 15
    // name each other (a dead parent's id reused).
    const table: [number, number][] = [
      [1, 0],
      [0, 0],
      [11, 10],
      [12, 11],
      [13, 10],
      [14, 15],
      [15, 14],
    ];
    expect(descendantsOf(10, table)).toEqual([12, 11, 13]);
    expect(descendantsOf(14, table)).toEqual([15]);
    expect(descendantsOf(0, table)).toEqual([1]);
  });

  it.each([
    ["linux", "ps"],
    ["darwin", "ps"],
    ["freebsd", "ps"],
    ["win32", "powershell.exe"],
  ] as const)("are listed on %s with %s", (platform, command) => {
    const [cmd, args] = processListCommand(platform);
    expect(cmd).toBe(command);
    if (platform === "win32") expect(args.join(" ")).toMatch(/Get-CimInstance Win32_Process/);
  });

  it("are read from ps's and PowerShell's lines alike (CRLF, padding, a stray line)", () => {
    expect(parseProcessList("  101     1\n 202   101\n\n")).toEqual([
      [101, 1],
      [202, 101],
    ]);
    expect(parseProcessList("4 0\r\n5232 4\r\nWARNING: x\r\n")).toEqual([
      [4, 0],
      [5232, 4],
    ]);
  });

  // `ps` (Debian's procps) is on CI's machine and most others; a bare container may lack it.
  const hasPs = spawnSync("ps", ["-A", "-o", "pid="]).status === 0;
  it.skipIf(!hasPs)("are ended through the ps listing too (macOS's path)", async () => {
    const [cmd, args] = processListCommand("darwin");
    // A shell with a sleeping grandchild, as a credential's `az` (a script running python) would be.
    const shell = spawn("sh", ["-c", "sleep 60 & wait"], { stdio: "ignore" });
    const ended = new Promise((resolve) => shell.on("close", resolve));
    let table: [number, number][] = [];
    await until("the grandchild runs", () => {
      table = parseProcessList(execFileSync(cmd, args, { encoding: "utf8" }));
      return descendantsOf(shell.pid!, table).length >= 1;
    });
    const below = descendantsOf(shell.pid!, table);
    expect(below).toHaveLength(1);
    expect(endChildProcesses(shell.pid, table)).toBe(1);
    await until("the grandchild ended", () => !running(below[0]!));
    shell.kill("SIGTERM");
    await ended;
  });
});
