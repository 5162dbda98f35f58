import { PREFLIGHT_RULES } from "./analyse/rules/readiness.js";
import { judge, type CheckRequest, type CheckResult } from "./check.js";
import type { Recommendation } from "./decide/decide.js";

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

export function judgePreflight(
  facts: CheckResult["facts"],
  request: Pick<PreflightRequest, "policy" | "thresholds"> = {},
): CheckResult {
  const result = judge(facts, undefined, request.policy, request.thresholds, PREFLIGHT_RULES);
  return { ...result, recommendation: beforeTheDeploy(result.recommendation, facts) };
}

/** Nothing is deployed yet: no "roll back instead", and the re-run is a preflight, not a check. */
function beforeTheDeploy(rec: Recommendation, facts: CheckResult["facts"]): Recommendation {
  const again = `# Then run the preflight again: azfn-health preflight --qa ${facts.qa.ref.id} --prod ${facts.prod.ref.id}`;
  return {
    ...rec,
    summary:
      rec.action === "HOTFIX"
        ? `Before deploying, production needs ${rec.summary.replace(/^Production needs /, "")}`
        : rec.summary,
    steps: rec.steps.map((s) => (s.startsWith("# Then check again:") ? again : s)),
    alternatives: rec.alternatives.filter((a) => !a.startsWith("Roll back instead")),
  };
}
