import type { Verdict } from "./exit-codes.js";

/** One round of `check --watch`, as the JSON report carries it (`rounds`). */
export interface WatchRound {
  round: number;
  /** The round's clock: the end of the evidence it judged. */
  at: string;
  /** Minutes of after-release buckets production had so far. */
  evidenceMinutes: number;
  /** Production requests in the after-window so far (null: no Requests metric). */
  requests: number | null;
  /** The round's own verdict, before the evidence minimum is applied. */
  verdict: Verdict;
  /** Whether the evidence minimum was met at this round. */
  evidenceMet: boolean;
  /** Findings that appeared (`+`) or cleared (`-`) since the previous round, as `+M01 (prod)`. */
  changed: string[];
  /** Requests this round sent (null when not counted). */
  calls: number | null;
  /** Wall time the round's reads and judgment took, in ms (null when not measured). */
  ms: number | null;
}

export type WatchStop = "deadline" | "failure limit" | "critical finding" | "interrupted" | "no release time";

/** What the evidence minimum asks for, and what is missing (src/watch/evidence.ts). */
export interface EvidenceStatus {
  met: boolean;
  afterBuckets: number;
  minBuckets: number;
  afterRequests: number | null;
  /** Requests after the release that a doubling of the error rate needs to be detected; null: unknown. */
  requestsForDoubling: number | null;
  /** At the traffic seen so far, about how many more minutes until the minimum is met. */
  moreMinutes: number | null;
  missing: string[];
}

export interface WatchSummary {
  durationMinutes: number;
  intervalMinutes: number;
  failureLimit: number;
  stoppedBy: WatchStop;
  evidence: EvidenceStatus;
  rounds: WatchRound[];
}
