import { analyse } from "./analyse/analyse.js";
import type { MetricThresholds } from "./analyse/metrics/judge.js";
import { applyPolicy, NO_POLICY, type Policy } from "./analyse/policy.js";
import { RULES } from "./analyse/rules/index.js";
import type { Rule } from "./analyse/rule.js";
import { decide } from "./decide/decide.js";
import { resolveRelease } from "./core/release.js";
import type { BaselineMode } from "./core/windows.js";
import type { AzureAccess } from "./collect/access.js";
import type { CheckFacts } from "./core/facts.js";
import type { AppRef } from "./core/resource-id.js";
import type { CheckResult } from "./decide/result.js";

export type { CheckResult } from "./decide/result.js";

export interface CheckRequest {
  qa: AppRef;
  prod: AppRef;
  /** The release time from --since, already parsed against `now`. */
  since?: Date;
  now: Date;
  access: AzureAccess;
  /** Keys the setting-value hashes; random per run unless a test fixes it. */
  hashKey: Uint8Array;
  /** Metric windows: minutes to skip after the release, and the baseline. */
  metrics?: { settleMinutes: number; baseline: BaselineMode };
  /** Application Insights components for apps that do not link theirs. */
  appInsights?: { qa?: string; prod?: string };
  /** The team's configuration: severities, ignores, metric thresholds. */
  policy?: Policy;
  thresholds?: MetricThresholds;
}

/** collect → analyse → decide. The SDKs load only here, so `--help` never pays for them. */
export async function runCheck(request: CheckRequest): Promise<CheckResult> {
  const { collectCheckFacts } = await import("./collect/azure.js");
  const facts = await collectCheckFacts(
    request.access,
    { qa: request.qa, prod: request.prod },
    {
      now: request.now,
      hashKey: request.hashKey,
      since: request.since,
      metrics: request.metrics ?? { settleMinutes: 5, baseline: "before" },
      appInsights: request.appInsights,
    },
  );
  return judge(facts, request.since, request.policy, request.thresholds);
}

/** The pure part: the same facts always give the same result. */
export function judge(
  facts: CheckFacts,
  since?: Date,
  policy: Policy = NO_POLICY,
  thresholds?: MetricThresholds,
  rules: readonly Rule[] = RULES,
): CheckResult {
  const { analysis, ignored } = applyPolicy(analyse(facts, rules, { thresholds }), policy);
  const release = resolveRelease(facts.prod, since);
  return { facts, analysis, ignored, release, recommendation: decide(analysis, facts, release) };
}
