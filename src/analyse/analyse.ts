import type { CheckFacts, EnvironmentFacts, FactSource, Role } from "../core/facts.js";
import { judgeMetrics, type MetricJudgments, type MetricThresholds } from "./metrics/judge.js";
import { runtimeProfile, type RuntimeProfile } from "./profile.js";
import {
  fixId,
  format,
  sayOnce,
  SEVERITIES,
  type Detection,
  type Finding,
  type NotApplicable,
  type Rule,
  type RuleContext,
  type Unknown,
} from "./rule.js";
import { RULES } from "./rules/index.js";
import { byCodeUnit } from "../core/order.js";

export interface Analysis {
  findings: Finding[];
  unknowns: Unknown[];
  profiles: Record<Role, RuntimeProfile>;
  metrics: MetricJudgments;
  /** Rules left out for an environment because they cannot apply to its kind of app, with why. */
  notApplicable: NotApplicable[];
}

const FACT_PRESENT: Record<FactSource, (env: EnvironmentFacts) => unknown> = {
  site: (env) => env.site,
  config: (env) => env.config,
  appSettings: (env) => env.appSettings,
  connectionStrings: (env) => env.connectionStrings,
  slotConfigNames: (env) => env.slotSettingNames,
  plan: (env) => env.plan,
  functions: (env) => env.functions,
  slots: (env) => env.slots,
  deployments: (env) => env.deployments,
  hostStatus: (env) => env.host,
  metrics: (env) => env.metrics,
  logs: (env) => env.logs,
};

function missingFacts(rule: Rule, env: EnvironmentFacts): FactSource[] {
  const absent = (source: FactSource) => FACT_PRESENT[source](env) === undefined;
  const notFound = (source: FactSource) => env.gaps.some((g) => g.source === source && g.statusCode === 404);
  return [
    ...rule.needs.filter(absent),
    ...(rule.optional ?? []).filter((source) => absent(source) && !notFound(source)),
  ];
}

function reasonFor(env: EnvironmentFacts, missing: FactSource[]): string {
  return missing
    .map((source) => `${source}: ${sayOnce(env.gaps.find((g) => g.source === source)?.reason ?? "not read")}`)
    .join("; ");
}

/** Runs every rule over both environments. Pure: the same facts always give the same analysis. */
export function analyse(
  facts: CheckFacts,
  rules: readonly Rule[] = RULES,
  options: { thresholds?: MetricThresholds } = {},
): Analysis {
  const profiles = {
    qa: runtimeProfile(facts.qa, facts.stacks.rows),
    prod: runtimeProfile(facts.prod, facts.stacks.rows),
  };
  const metrics = judgeMetrics(facts, options.thresholds);
  const notApplicable: NotApplicable[] = [];
  for (const rule of rules)
    for (const env of [facts.qa, facts.prod]) {
      const reason = rule.appliesTo?.(env, profiles[env.role]);
      if (reason) notApplicable.push({ ruleId: rule.id, environment: env.role, reason });
    }
  const skipped = (rule: Rule, env: EnvironmentFacts) =>
    notApplicable.some((n) => n.ruleId === rule.id && n.environment === env.role);
  const base: RuleContext = {
    facts,
    now: new Date(facts.now),
    qa: facts.qa,
    prod: facts.prod,
    profile: profiles,
    metrics,
    notApplicable,
  };
  const findings: Finding[] = [];
  const unknowns: Unknown[] = [];

  const run = (rule: Rule, environments: EnvironmentFacts[], detect: () => Detection[]) => {
    const gaps = environments
      .map((env) => [env, missingFacts(rule, env)] as const)
      .filter(([, missing]) => missing.length > 0);
    if (gaps.length > 0) {
      for (const [env, missing] of gaps)
        unknowns.push({ ruleId: rule.id, environment: env.role, missing, reason: reasonFor(env, missing) });
      return;
    }
    try {
      for (const d of detect()) {
        if (d.unknown) {
          const roles = d.environment === "both" ? (["qa", "prod"] as const) : [d.environment];
          for (const environment of roles)
            unknowns.push({
              ruleId: rule.id,
              environment,
              missing: [],
              reason: format(rule.messages[d.message] ?? d.message, d.args),
            });
          continue;
        }
        findings.push({
          ruleId: rule.id,
          messageId: d.message,
          docs: rule.docs,
          severity: d.severity ?? rule.severity,
          environment: d.environment,
          title: format(rule.messages[d.message] ?? d.message, d.args),
          evidence: Object.fromEntries(Object.entries(d.evidence).filter(([, v]) => v !== undefined)),
          ...(d.fix ? { fix: { ...d.fix, id: fixId(rule.id, d.message, d.fix) } } : {}),
        });
      }
    } catch (error) {
      // A rule that fails must show, never vanish: it becomes an unknown, which blocks PROCEED.
      for (const env of environments)
        unknowns.push({
          ruleId: rule.id,
          environment: env.role,
          missing: [],
          reason: `rule failed: ${(error as Error).message}`,
        });
    }
  };

  for (const rule of rules) {
    if (rule.scope === "pair") {
      // A pair rule compares both sides: it does not apply when it cannot apply to either.
      if (skipped(rule, facts.qa) || skipped(rule, facts.prod)) continue;
      run(rule, [facts.qa, facts.prod], () => rule.check(base));
    } else {
      for (const [env, other] of [
        [facts.qa, facts.prod],
        [facts.prod, facts.qa],
      ] as const) {
        if (skipped(rule, env)) continue;
        run(rule, [env], () => rule.check({ ...base, env, other, self: profiles[env.role] }));
      }
    }
  }
  return { findings: sortFindings(findings), unknowns, profiles, metrics, notApplicable };
}

const ENV_ORDER = { prod: 0, both: 1, qa: 2 } as const;

export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
      ENV_ORDER[a.environment] - ENV_ORDER[b.environment] ||
      byCodeUnit(a.ruleId, b.ruleId),
  );
}
