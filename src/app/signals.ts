import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { EXIT_CODES } from "../core/exit-codes.js";
import type { Io } from "./io.js";

/**
 * SIGINT/SIGTERM at any point of a command: the verdict so far (its exit code, when it was
 * decided) or INCONCLUSIVE (exit 3) in one line, never a stack, and the child processes the
 * credentials started (`az`, `azd`, `pwsh`) are ended too: a pipeline's SIGTERM reaches only
 * this process, and @azure/identity gives no handle on them.
 *
 * One mechanism for every command: the session (src/app/session.ts) traps while it is open;
 * `check --watch` takes the first signal through `interrupt` and ends with the verdict so far.
 */
export interface Trap {
  io: Pick<Io, "stderr">;
  /**
   * Offered the signal first: true when the command ends itself with its own report (`check
   * --watch`); then nothing else happens. A second signal is not offered.
   */
  interrupt?: () => boolean;
  /** Ends everything in flight (the session's deadline controller). */
  abort: (reason: string) => void;
  /** The exit code of the verdict, once it is decided. */
  decided: () => { exitCode: number; verdict: string } | undefined;
  /** What the command is waiting for, for the message. */
  what: () => string;
  /** Ends the process; tests replace it. */
  exit?: (code: number) => void;
}

export const INTERRUPTED_EXIT_CODE = EXIT_CODES.INCONCLUSIVE.code;
const SIGNALS = ["SIGINT", "SIGTERM"] as const;

/** Installs the handlers; returns their removal. */
export function trapSignals(trap: Trap): () => void {
  let offered = false;
  const handler = (signal: NodeJS.Signals) => {
    if (!offered && trap.interrupt) {
      offered = true;
      if (trap.interrupt()) return;
    }
    trap.abort(`interrupted by ${signal}`);
    const ended = endChildProcesses();
    const decided = trap.decided();
    const children = ended > 0 ? `; ended ${ended} child process${ended === 1 ? "" : "es"}` : "";
    trap.io.stderr(
      decided
        ? `azfn-health: interrupted by ${signal} after the verdict (${decided.verdict})${children}\n`
        : `azfn-health: interrupted by ${signal} while waiting for ${trap.what()}: INCONCLUSIVE, nothing was judged${children}\n`,
    );
    (trap.exit ?? ((code) => process.exit(code)))(decided?.exitCode ?? INTERRUPTED_EXIT_CODE);
  };
  for (const signal of SIGNALS) process.on(signal, handler);
  return () => {
    for (const signal of SIGNALS) process.off(signal, handler);
  };
}

/** Sends SIGTERM to every descendant of this process (deepest first); returns how many. */
export function endChildProcesses(root = process.pid, table = processTable()): number {
  let ended = 0;
  for (const pid of descendantsOf(root, table)) {
    try {
      // On Windows this is TerminateProcess: there is no SIGTERM to catch, the process just ends.
      process.kill(pid, "SIGTERM");
      ended += 1;
    } catch {
      // already gone
    }
  }
  return ended;
}

/** Every process below `root` in a [pid, parent pid] table, deepest first (a child before its parent). */
export function descendantsOf(root: number, table: [number, number][]): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of table) if (pid !== ppid) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const descendants: number[] = [];
  const seen = new Set<number>([root]);
  const walk = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      // Windows reuses process ids and keeps a dead parent's id: never walk a cycle.
      if (seen.has(child)) continue;
      seen.add(child);
      walk(child);
      descendants.push(child);
    }
  };
  walk(root);
  return descendants;
}

/**
 * How to list [pid, parent pid] where there is no /proc: `ps` on macOS and the BSDs; on Windows,
 * CIM's Win32_Process through Windows PowerShell (present on every supported Windows; `wmic` is
 * gone from Windows 11 24H2). Both print "pid ppid" lines.
 * https://learn.microsoft.com/windows/win32/cimwin32prov/win32-process
 */
export function processListCommand(platform: NodeJS.Platform): [string, string[]] {
  return platform === "win32"
    ? [
        "powershell.exe",
        [
          "-NoProfile",
          "-NonInteractive",
          "-Command",
          "Get-CimInstance Win32_Process | ForEach-Object { '{0} {1}' -f $_.ProcessId, $_.ParentProcessId }",
        ],
      ]
    : ["ps", ["-A", "-o", "pid=,ppid="]];
}

/** "pid ppid" lines, as `ps` and the PowerShell query print them. */
export function parseProcessList(text: string): [number, number][] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim().split(/\s+/).map(Number))
    .filter((row): row is [number, number] => row.length === 2 && row.every(Number.isInteger));
}

/** [pid, parent pid] of every process: /proc on Linux, else the platform's process list. */
function processTable(): [number, number][] {
  try {
    if (process.platform === "linux") {
      return readdirSync("/proc")
        .filter((name) => /^\d+$/.test(name))
        .flatMap((name): [number, number][] => {
          try {
            // "pid (comm) state ppid …": comm may hold spaces and parentheses.
            const stat = readFileSync(`/proc/${name}/stat`, "utf8");
            const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
            return Number.isInteger(ppid) ? [[Number(name), ppid]] : [];
          } catch {
            return [];
          }
        });
    }
    const [command, args] = processListCommand(process.platform);
    return parseProcessList(
      execFileSync(command, args, { encoding: "utf8", timeout: 5000, windowsHide: true }),
    );
  } catch {
    return [];
  }
}
