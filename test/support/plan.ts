import type { PlanStep } from "../../src/decide/plan.js";

/** What a plan runs now: the commands of its `command` steps, never a comment's words. */
export function commandsOf(recommendation: { plan: readonly PlanStep[] }): string[] {
  return recommendation.plan.filter((s) => s.kind === "command").map((s) => s.command!);
}

/** A plan as its steps' kinds: what a test checks instead of reading `#` off the lines. */
export function kindsOf(recommendation: { plan: readonly PlanStep[] }): PlanStep["kind"][] {
  return recommendation.plan.map((s) => s.kind);
}
