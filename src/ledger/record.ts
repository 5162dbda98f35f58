import type { Severity } from "../analyse/rule.js";
import type { Verdict } from "../core/exit-codes.js";
import type { CheckFacts, EnvironmentFacts } from "../core/facts.js";
import { successfulDeployments, type Release } from "../core/release.js";
import type { Report } from "../report/model.js";

/**
 * One check as the ledger keeps it. Everything here is already redacted: the facts snapshot is
 * taken from the check's facts, where secret values were replaced by keyed hashes at collection.
 * LEDGER_RECORD_VERSION is bumped when this shape changes; stores migrate older rows.
 */
export const LEDGER_RECORD_VERSION = 1;

export type Outcome = "clean" | "unclean" | "inconclusive";
export const REMEDIATIONS = ["rollback", "hotfix", "fix-forward", "feature-on-previous-build"] as const;
export type Remediation = (typeof REMEDIATIONS)[number];

/** The environment as the ledger keeps it: what `ledger diff` compares, without metrics or logs. */
export interface EnvironmentSnapshot {
  id: string;
  site?: EnvironmentFacts["site"];
  config?: EnvironmentFacts["config"];
  appSettings?: EnvironmentFacts["appSettings"];
  connectionStrings?: EnvironmentFacts["connectionStrings"];
  slotSettingNames?: string[];
  plan?: EnvironmentFacts["plan"];
  functions?: EnvironmentFacts["functions"];
  host?: EnvironmentFacts["host"];
  /** The latest successful deployment only: the build production ran. */
  deployment?: NonNullable<EnvironmentFacts["deployments"]>[number];
  gaps: EnvironmentFacts["gaps"];
}

/** A person's judgment over the automatic outcome, kept beside it (never replacing it). */
export interface Mark {
  outcome: "clean" | "unclean";
  remediation?: Remediation;
  reason: string;
  restoredAt?: string;
  by: string;
  ciBuild?: string;
  at: string;
  servicenowChange?: string;
}

export interface LedgerRecord {
  version: typeof LEDGER_RECORD_VERSION;
  id: string;
  recordedAt: string;
  tool: string;
  mode: "live" | "replay";
  apps: { qa: string; prod: string };
  /** A production deployment: the checked production app is not a deployment slot. */
  production: boolean;
  release: { time?: string; source: Release["source"]; detail: string; deploymentId?: string };
  verdict: Verdict;
  exitCode: number;
  findings: { ruleId: string; severity: Severity; environment: string; title: string }[];
  /** SHA-256 over the evidence bundle's files, when `--out` wrote one (see bundleDigest). */
  bundle?: { sha256: string; files: Record<string, string> };
  outcome: Outcome;
  snapshot: { qa: EnvironmentSnapshot; prod: EnvironmentSnapshot };
  marks: Mark[];
  servicenowChange?: string;
}

/** A record without its facts snapshot: what lists and reports read (the snapshot is the bulk). */
export type LedgerEntry = Omit<LedgerRecord, "snapshot">;

/** PROCEED and MONITOR are clean; INCONCLUSIVE stays apart (never counted clean); anything else is unclean. */
export function outcomeOf(verdict: Verdict): Outcome {
  if (verdict === "PROCEED" || verdict === "MONITOR") return "clean";
  if (verdict === "INCONCLUSIVE") return "inconclusive";
  return "unclean";
}

/** The person's latest mark wins over the automatic outcome. */
export function effectiveOutcome(record: Pick<LedgerRecord, "outcome" | "marks">): Outcome {
  return record.marks.at(-1)?.outcome ?? record.outcome;
}

export function snapshotOf(env: EnvironmentFacts): EnvironmentSnapshot {
  const deployment = successfulDeployments(env)[0];
  const snapshot: EnvironmentSnapshot = { id: env.ref.id, gaps: env.gaps };
  if (env.site) snapshot.site = env.site;
  if (env.config) snapshot.config = env.config;
  if (env.appSettings) snapshot.appSettings = env.appSettings;
  if (env.connectionStrings) snapshot.connectionStrings = env.connectionStrings;
  if (env.slotSettingNames) snapshot.slotSettingNames = env.slotSettingNames;
  if (env.plan) snapshot.plan = env.plan;
  if (env.functions) snapshot.functions = env.functions;
  if (env.host) snapshot.host = env.host;
  if (deployment) snapshot.deployment = deployment;
  return structuredClone(snapshot);
}

/** A sortable, readable id: the check's time to the second and 4 random hex digits. */
export function recordId(at: Date, random: () => number): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  const suffix = Math.floor(random() * 0x10000)
    .toString(16)
    .padStart(4, "0");
  return `${stamp}-${suffix}`;
}

export interface RecordContext {
  id: string;
  recordedAt: string;
  bundle?: LedgerRecord["bundle"];
  servicenowChange?: string;
}

/** The ledger's record of one check: pure, from the report the user saw and the facts behind it. */
export function buildLedgerRecord(report: Report, facts: CheckFacts, context: RecordContext): LedgerRecord {
  const deployment =
    report.release.source === "deployment" ? successfulDeployments(facts.prod)[0] : undefined;
  return {
    version: LEDGER_RECORD_VERSION,
    id: context.id,
    recordedAt: context.recordedAt,
    tool: `${report.tool.name} ${report.tool.version}`,
    mode: report.mode,
    apps: { qa: facts.qa.ref.id, prod: facts.prod.ref.id },
    production: facts.prod.ref.slot === undefined,
    release: {
      ...(report.release.time ? { time: report.release.time } : {}),
      source: report.release.source,
      detail: report.release.detail,
      ...(deployment ? { deploymentId: deployment.id } : {}),
    },
    verdict: report.verdict,
    exitCode: report.exitCode,
    findings: report.findings.map((f) => ({
      ruleId: f.ruleId,
      severity: f.severity,
      environment: f.environment,
      title: f.title,
    })),
    ...(context.bundle ? { bundle: context.bundle } : {}),
    outcome: outcomeOf(report.verdict),
    snapshot: { qa: snapshotOf(facts.qa), prod: snapshotOf(facts.prod) },
    marks: [],
    ...(context.servicenowChange ? { servicenowChange: context.servicenowChange } : {}),
  };
}

/** Which app a record is about, for `--app` and per-app rates: production's site (and slot). */
export function appName(record: Pick<LedgerRecord, "apps">): string {
  const match = /\/sites\/([^/]+)(?:\/slots\/([^/]+))?$/i.exec(record.apps.prod);
  if (!match) return record.apps.prod;
  return match[2] ? `${match[1]}/${match[2]}` : match[1]!;
}
