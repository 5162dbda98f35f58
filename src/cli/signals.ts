import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import type { Io } from "./io.js";

/**
 * SIGINT/SIGTERM at any point of a command: the verdict so far (its exit code, when it was
 * decided) or INCONCLUSIVE (exit 3) in one line, never a stack, and the child processes the
 * credentials started (`az`, `azd`, `pwsh`) are ended too: a pipeline's SIGTERM reaches only
 * this process, and @azure/identity gives no handle on them.
 *
 * One mechanism for every command: the check session traps while it is open; `check --watch`
 * can pass its own `decided` (the last verdict) and `what` (what it waits for).
 */
export interface Trap {
  io: Pick<Io, "stderr">;
  /** Ends everything in flight (the session's deadline controller). */
  abort: (reason: string) => void;
  /** The exit code of the verdict, once it is decided. */
  decided: () => { exitCode: number; verdict: string } | undefined;
  /** What the command is waiting for, for the message. */
  what: () => string;
  /** Ends the process; tests replace it. */
  exit?: (code: number) => void;
}

export const INTERRUPTED_EXIT_CODE = 3;
const SIGNALS = ["SIGINT", "SIGTERM"] as const;

/** Installs the handlers; returns their removal. */
export function trapSignals(trap: Trap): () => void {
  const handler = (signal: NodeJS.Signals) => {
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
export function endChildProcesses(root = process.pid): number {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of processTable()) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const descendants: number[] = [];
  const walk = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      walk(child);
      descendants.push(child);
    }
  };
  walk(root);
  let ended = 0;
  for (const pid of descendants) {
    try {
      process.kill(pid, "SIGTERM");
      ended += 1;
    } catch {
      // already gone
    }
  }
  return ended;
}

/** [pid, parent pid] of every process: /proc on Linux, `ps` elsewhere. */
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
    if (process.platform === "win32") return [];
    return execFileSync("ps", ["-A", "-o", "pid=,ppid="], { encoding: "utf8", timeout: 2000 })
      .split("\n")
      .map((line) => line.trim().split(/\s+/).map(Number) as [number, number])
      .filter(([pid, ppid]) => Number.isInteger(pid) && Number.isInteger(ppid));
  } catch {
    return [];
  }
}
