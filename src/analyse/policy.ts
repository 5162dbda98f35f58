import type { Role } from "../core/facts.js";
import type { Analysis } from "./analyse.js";
import type { Severity } from "./rule.js";

/**
 * The team's policy, applied after detection (as ESLint applies rule levels): severity overrides,
 * and ignores that keep their reason so every report says what was set aside and why.
 */
export interface Policy {
  severities: Record<string, Severity>;
  ignores: { ruleId: string; environment?: Role; reason: string }[];
  /**
   * Rules reported but never gating, like Argo's dry-run metrics and Kayenta's `muted`: for a team
   * trying a new rule. Their findings become `info` (which no verdict turns on) and keep their
   * would-be severity in `reportOnly`; what they could not judge is set aside, not INCONCLUSIVE.
   */
  reportOnly?: string[];
}

export interface Ignored {
  ruleId: string;
  /** The ignored finding's message id; absent for a rule that could not judge. */
  messageId?: string;
  environment: string;
  title: string;
  reason: string;
}

export const NO_POLICY: Policy = { severities: {}, ignores: [], reportOnly: [] };

export function applyPolicy(analysis: Analysis, policy: Policy): { analysis: Analysis; ignored: Ignored[] } {
  const ignoreOf = (ruleId: string, environment: string) =>
    policy.ignores.find(
      (i) =>
        i.ruleId === ruleId && (!i.environment || i.environment === environment || environment === "both"),
    );
  const ignored: Ignored[] = [];
  const findings = analysis.findings.flatMap((f) => {
    const ignore = ignoreOf(f.ruleId, f.environment);
    if (ignore) {
      ignored.push({
        ruleId: f.ruleId,
        messageId: f.messageId,
        environment: f.environment,
        title: f.title,
        reason: ignore.reason,
      });
      return [];
    }
    const severity = policy.severities[f.ruleId] ?? f.severity;
    if (policy.reportOnly?.includes(f.ruleId))
      return [
        {
          ...f,
          severity: "info" as const,
          title: `${f.title} (report only: would be ${severity})`,
          reportOnly: { severity },
        },
      ];
    return [severity !== f.severity ? { ...f, severity } : f];
  });
  const unknowns = analysis.unknowns.filter((u) => {
    const ignore =
      ignoreOf(u.ruleId, u.environment) ??
      (policy.reportOnly?.includes(u.ruleId) ? { reason: "report only: never gates" } : undefined);
    if (ignore)
      ignored.push({
        ruleId: u.ruleId,
        environment: u.environment,
        title: `could not judge: ${u.reason}`,
        reason: ignore.reason,
      });
    return !ignore;
  });
  return { analysis: { ...analysis, findings, unknowns }, ignored };
}
