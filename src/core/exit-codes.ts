/**
 * The one table of exit codes. README "Exit codes" is generated from the same words.
 * Verdict codes are ordered by how bad the verdict is, so a pipeline can compare them,
 * but pipelines should branch on the verdict output, not on `$?`.
 */
export const EXIT_CODES = {
  PROCEED: { code: 0, meaning: "PROCEED, or a verdict below --fail-on" },
  CRASH: { code: 1, meaning: "unexpected crash (a bug: please report it)" },
  USAGE: { code: 2, meaning: "usage, configuration or recording error" },
  INCONCLUSIVE: {
    code: 3,
    meaning: "INCONCLUSIVE: facts could not be gathered (a resource missing or unreadable)",
  },
  MONITOR: { code: 4, meaning: "MONITOR: warnings only" },
  HOTFIX: { code: 5, meaning: "HOTFIX: a configuration or scale change fixes production" },
  ROLLBACK: { code: 6, meaning: "ROLLBACK: the release broke production and no configuration fix is known" },
} as const;

/** What a command that judges nothing (ledger, rules, explain, record) returns when it did its work. */
export const SUCCESS = EXIT_CODES.PROCEED.code;

export type Verdict = "PROCEED" | "MONITOR" | "HOTFIX" | "ROLLBACK" | "INCONCLUSIVE";
export type FailOn = "monitor" | "hotfix" | "rollback" | "never";
export const FAIL_ON_CHOICES: readonly FailOn[] = ["monitor", "hotfix", "rollback", "never"];

/** Where each verdict sits for --fail-on; INCONCLUSIVE fails any gate but `never`. */
const VERDICT_RANK: Record<Verdict, number> = {
  PROCEED: 0,
  MONITOR: 1,
  HOTFIX: 2,
  ROLLBACK: 3,
  INCONCLUSIVE: 1,
};
const FAIL_ON_RANK: Record<FailOn, number> = {
  monitor: 1,
  hotfix: 2,
  rollback: 3,
  never: Number.POSITIVE_INFINITY,
};

export function exitCodeFor(verdict: Verdict, failOn: FailOn): number {
  if (verdict === "PROCEED") return EXIT_CODES.PROCEED.code;
  if (failOn === "never") return EXIT_CODES.PROCEED.code;
  // A gate must never pass on missing data, whatever the threshold.
  if (verdict === "INCONCLUSIVE") return EXIT_CODES.INCONCLUSIVE.code;
  return VERDICT_RANK[verdict] >= FAIL_ON_RANK[failOn] ? EXIT_CODES[verdict].code : EXIT_CODES.PROCEED.code;
}
