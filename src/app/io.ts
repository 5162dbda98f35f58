import type { AzureAccess } from "../collect/access.js";

/** What the commands may touch of the process: handed in, so tests can run them in-process. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  color: boolean;
  /** The terminal's width when stdout is one (the text report wraps at it); absent on a pipe. */
  columns?: number;
  /** Whether a person may be watching stderr (for the spinner). */
  stderrIsTTY?: boolean;
  /** When the command started, in ms since the process started: --timeout counts from here. 0 is the process start. */
  startedAt?: number;
  /** The environment (CI detection, outputs); the process's when absent. Tests pass their own. */
  env?: NodeJS.ProcessEnv;
  /**
   * The SDK's retry back-off for live checks (RETRY in collect/access.ts when absent). No flag or
   * variable sets it: tests that scale Azure's timings down (the fault runs) scale it with them.
   */
  retryOptions?: AzureAccess["retryOptions"];
}
