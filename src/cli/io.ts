/** What the commands may touch of the process: handed in, so tests can run them in-process. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  color: boolean;
  /** Whether a person may be watching stderr (for the spinner). */
  stderrIsTTY?: boolean;
  /** When the command started (performance.now()): --timeout counts from here. 0 is the process start. */
  startedAt?: number;
  /** The environment (CI detection, outputs); the process's when absent. Tests pass their own. */
  env?: NodeJS.ProcessEnv;
}
