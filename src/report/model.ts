import type { MetricJudgments } from "../analyse/metrics/judge.js";
import type { Ignored } from "../analyse/policy.js";
import type { Finding, Unknown } from "../analyse/rule.js";
import { stackName, type RuntimeProfile } from "../analyse/profile.js";
import type { CheckResult } from "../decide/result.js";
import type { FailOn, Verdict } from "../core/exit-codes.js";
import type { EnvironmentFacts, Gap } from "../core/facts.js";
import { daysBetween } from "../core/time.js";
import { inertDeep } from "./inert.js";
import type { Recommendation } from "../decide/decide.js";
import type { Release } from "../core/release.js";
import type { WatchSummary } from "../core/watch-model.js";

/**
 * The report every format renders: `--format json` prints it as it is, so its shape is a
 * contract (docs/report-schema.md, and the JSON Schema generated from these types:
 * schema/azfn-health.report.schema.json). Bump SCHEMA_VERSION on any breaking change.
 */
export const SCHEMA_VERSION = 1;

export interface EnvironmentSummary {
  id: string;
  name: string;
  extensionVersion: string | null;
  hostVersion: string | null;
  hostState: string | null;
  siteState: string | null;
  os: string | null;
  /** The plan tier as the site reports it (`sku`: Dynamic, FlexConsumption, …), read even when the plan is not. */
  siteTier: string | null;
  target: string | null;
  workerRuntime: string | null;
  workerModel: string | null;
  bitness: string | null;
  /** `name` as the portal shows it (`PowerShell 7.4`); `major` is the stacks row's value (`7`). */
  stack: { major: string; name: string; runtimeVersion: string; endOfLife: string | null } | null;
  plan: {
    name: string;
    sku: string;
    tier: string;
    instances: number | null;
    appsOnPlan: number | null;
  } | null;
  functions: { total: number; disabled: number } | null;
  gaps: Gap[];
}

export interface Report {
  schemaVersion: typeof SCHEMA_VERSION;
  tool: { name: "azfn-health"; version: string };
  checkedAt: string;
  mode: "live" | "replay";
  recording?: { path: string; constructed: boolean; description?: string };
  verdict: Verdict;
  exitCode: number;
  failOn: FailOn;
  release: Release;
  stacks: {
    source: "api" | "bundled";
    note?: string;
    snapshotDate?: string;
    ageDays?: number;
    newerThanCheck?: boolean;
  };
  environments: { qa: EnvironmentSummary; prod: EnvironmentSummary };
  findings: Finding[];
  unknowns: Unknown[];
  /** Findings and unknowns the configuration set aside, each with its reason. */
  ignored: Ignored[];
  /** The configuration file used, if any. */
  config?: string;
  /** Every metric judgment: after against before per environment, and production against QA. */
  metrics: MetricJudgments;
  recommendation: Recommendation;
  /** Which moment of the release this report judges; absent means `check`. */
  moment?: "preflight" | "check";
  /** `check --watch`: every round of the analysis run (src/watch/model.ts). */
  watch?: WatchSummary;
}

export interface ReportContext {
  toolVersion: string;
  exitCode: number;
  failOn: FailOn;
  mode: "live" | "replay";
  recording?: Report["recording"];
  config?: string;
  moment?: Report["moment"];
  watch?: WatchSummary;
}

function summarise(env: EnvironmentFacts, profile: RuntimeProfile): EnvironmentSummary {
  return {
    id: env.ref.id,
    name: env.ref.slot ? `${env.ref.site}/${env.ref.slot}` : env.ref.site,
    extensionVersion: profile.isFlex ? "4.x (Flex)" : (profile.extensionVersion ?? null),
    hostVersion: env.host?.version ?? null,
    hostState: env.host?.state ?? null,
    siteState: env.site?.state ?? null,
    os: env.site?.os ?? null,
    siteTier: env.site?.sku ?? null,
    target: profile.target ?? null,
    workerRuntime: profile.workerRuntime ?? null,
    workerModel: profile.workerModel ?? null,
    bitness: profile.bitness ?? null,
    stack: profile.stack
      ? {
          major: profile.stack.major,
          name: stackName(profile.stack),
          runtimeVersion: profile.stack.runtimeVersion,
          endOfLife: profile.stack.endOfLife ?? null,
        }
      : null,
    plan: env.plan
      ? {
          name: env.plan.name,
          sku: env.plan.skuName,
          tier: env.plan.tier,
          instances: env.plan.capacity ?? null,
          appsOnPlan: env.plan.numberOfSites ?? null,
        }
      : null,
    functions: env.functions
      ? { total: env.functions.length, disabled: env.functions.filter((f) => f.disabled).length }
      : null,
    gaps: env.gaps,
  };
}

export function buildReport(result: CheckResult, context: ReportContext): Report {
  const { facts, analysis } = result;
  const stacks = facts.stacks;
  return inertDeep({
    schemaVersion: SCHEMA_VERSION,
    tool: { name: "azfn-health", version: context.toolVersion },
    checkedAt: facts.now,
    mode: context.mode,
    ...(context.recording ? { recording: context.recording } : {}),
    verdict: result.recommendation.action,
    exitCode: context.exitCode,
    failOn: context.failOn,
    release: result.release,
    stacks: {
      source: stacks.source,
      ...(stacks.note ? { note: stacks.note } : {}),
      ...(stacks.snapshotDate
        ? {
            snapshotDate: stacks.snapshotDate,
            // Measured by the collector on the check's clock (never negative).
            ageDays:
              stacks.ageDays ?? Math.max(0, daysBetween(new Date(stacks.snapshotDate), new Date(facts.now))),
            ...(stacks.newerThanCheck ? { newerThanCheck: true } : {}),
          }
        : {}),
    },
    environments: {
      qa: summarise(facts.qa, analysis.profiles.qa),
      prod: summarise(facts.prod, analysis.profiles.prod),
    },
    findings: analysis.findings,
    unknowns: analysis.unknowns,
    ignored: result.ignored,
    ...(context.config ? { config: context.config } : {}),
    metrics: analysis.metrics,
    recommendation: result.recommendation,
    ...(context.moment ? { moment: context.moment } : {}),
    ...(context.watch ? { watch: context.watch } : {}),
  } satisfies Report);
}
