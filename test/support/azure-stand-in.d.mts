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
    /** How many requests each kind of chaos struck. */
    chaos: { throttle: number; unavailable: number; drop: number; slow: number };
  };
  close(): Promise<void>;
}
export const STAND_IN_TOKEN: string;
export const STAND_IN_CLIENT: { tenant: string; clientId: string; secret: string };
export interface Chaos {
  seed: number | string;
  /** Shares of requests (0-1): 429 with Retry-After, 503, dropped connection, slower by slowMs. */
  throttle?: number;
  retryAfter?: number;
  unavailable?: number;
  drop?: number;
  slow?: number;
  slowMs?: number;
}
export function throwawayCertificate(): { dir?: string; certPath: string; cert: Buffer; key: Buffer };
export interface Routed {
  status: number;
  body?: string;
  headers?: Record<string, string>;
}
export type Route = (request: {
  method: string;
  path: string;
  query: string;
  body: string;
  state: StandIn["state"];
}) => Routed | undefined;
export function startStandIn(options: {
  recording: Recording;
  routes?: Route;
  latencyMs?: number;
  faults?: Fault[];
  chaos?: Chaos;
}): Promise<StandIn>;
export function standInEnv(standIn: StandIn): Record<string, string>;
