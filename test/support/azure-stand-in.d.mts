import type { Recording } from "../../src/collect/recording.js";

export interface Fault {
  match: RegExp;
  times?: number;
  status?: number;
  retryAfter?: number;
  body?: string;
  drop?: boolean;
  delayMs?: number;
}
export interface StandIn {
  url: string;
  certPath: string;
  state: {
    requests: { method: string; path: string; query: string }[];
    violations: string[];
    tokenRequests: number;
    unauthenticated: number;
    faults: Fault[];
  };
  close(): Promise<void>;
}
export const STAND_IN_TOKEN: string;
export const STAND_IN_CLIENT: { tenant: string; clientId: string; secret: string };
export function throwawayCertificate(): { certPath: string; cert: Buffer; key: Buffer };
export function startStandIn(options: {
  recording: Recording;
  latencyMs?: number;
  faults?: Fault[];
}): Promise<StandIn>;
export function standInEnv(standIn: StandIn): Record<string, string>;
