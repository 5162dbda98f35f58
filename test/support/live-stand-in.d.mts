import type { Recording } from "../../src/collect/recording.js";
import type { Chaos, Fault, StandIn } from "./azure-stand-in.mjs";

export function loadRecording(dir: string): Recording;
export function standInArgs(recording: Recording, standIn: Pick<StandIn, "url">): string[];
export interface Live {
  recording: Recording;
  standIn: StandIn;
  /** `command`, the flags that point it at the stand-in, then `extra`. */
  args(command: string, ...extra: string[]): string[];
  /** What the CLI process needs to sign in to the stand-in (standInEnv). */
  env: Record<string, string>;
}
export function startLive(
  recording: Recording,
  options?: { latencyMs?: number; faults?: Fault[]; chaos?: Chaos },
): Promise<Live>;
