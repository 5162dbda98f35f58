import { PREFLIGHT_RULES } from "./analyse/rules/readiness.js";
import { judge, type CheckRequest, type CheckResult } from "./check.js";

export { PREFLIGHT_RULES };

export type PreflightRequest = Omit<CheckRequest, "since" | "metrics">;

/**
 * Before the deploy: QA (which runs the release) against production (which runs the build it
 * replaces), configuration only. No metric windows means the collector reads no metrics and no
 * Application Insights: one wave of reads.
 */
export async function runPreflight(request: PreflightRequest): Promise<CheckResult> {
  const { collectCheckFacts } = await import("./collect/azure.js");
  const facts = await collectCheckFacts(
    request.access,
    { qa: request.qa, prod: request.prod },
    { now: request.now, hashKey: request.hashKey, appInsights: request.appInsights },
  );
  return judgePreflight(facts, request);
}

/** The configuration rules, decided with the preflight's own wording (src/decide/decide.ts). */
export function judgePreflight(
  facts: CheckResult["facts"],
  request: Pick<PreflightRequest, "policy" | "thresholds"> = {},
): CheckResult {
  return judge(facts, undefined, request.policy, request.thresholds, PREFLIGHT_RULES, "preflight");
}
