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
  /** Where `by` came from: `--by`, or the variable it was read from (GITHUB_ACTOR, USER, …). */
  byFrom?: string;
  ciBuild?: string;
  at: string;
  servicenowChange?: string;
}

/** The stack an environment ran when it was checked, as the report named it. */
export interface StackNote {
  extensionVersion: string | null;
  /** "dotnet 3.1", "node 20", … (the stacks list's major and runtime version) */
  stack: string | null;
  /** The first end-of-life date of the stack or the Functions runtime, if it has one. */
  endOfLife: string | null;
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
  /** The findings that decided the verdict ("R09: title"), as the report said them. */
  drivers?: string[];
  /** The plan's warnings (e.g. that the way back lands on end-of-life software). */
  warnings?: string[];
  /** What production ran when checked: whether a fix that stays on this build is on a supported stack. */
  stack?: { prod: StackNote | null };
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

/**
 * A record id that cannot collide: a UUIDv7 (RFC 9562 section 5.7, https://www.rfc-editor.org/rfc/rfc9562#section-5.7):
 * 48 bits of Unix milliseconds, then 74 random bits. Ids sort by time, and 16 writers in the
 * same millisecond collide with odds of about 2^-67 (the old ids, the time to the second and 16
 * random bits, collided 0.2 % of the time; they are still read as they are).
 */
export function recordId(at: Date, randomBytes: (size: number) => Uint8Array): string {
  const bytes = randomBytes(16);
  let ms = Math.max(0, Math.floor(at.getTime()));
  for (let i = 5; i >= 0; i--) {
    bytes[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  bytes[6] = 0x70 | (bytes[6]! & 0x0f);
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
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
    drivers: report.recommendation.drivers,
    warnings: report.recommendation.warnings,
    stack: { prod: stackNote(report.environments.prod) },
  };
}

/**
 * Functions runtime versions ~1, ~2 and ~3 are out of support (runtime 3.x since 2022-12-13,
 * https://learn.microsoft.com/azure/azure-functions/functions-versions#retired-versions).
 */
const RETIRED_RUNTIME = /^~?[123](\.|$)/;
const RETIRED_RUNTIME_END = "2022-12-13";

function stackNote(env: Report["environments"]["prod"]): StackNote | null {
  const stack = env.stack ? `${env.stack.major} ${env.stack.runtimeVersion}` : null;
  const runtimeEnd =
    env.extensionVersion && RETIRED_RUNTIME.test(env.extensionVersion) ? RETIRED_RUNTIME_END : null;
  const ends = [env.stack?.endOfLife ?? null, runtimeEnd].filter((d): d is string => d !== null).sort();
  if (!stack && !env.extensionVersion) return null;
  return { extensionVersion: env.extensionVersion, stack, endOfLife: ends[0] ?? null };
}

/** Which app a record is about, for `--app` and per-app rates: production's site (and slot). */
export function appName(record: Pick<LedgerRecord, "apps">): string {
  const match = /\/sites\/([^/]+)(?:\/slots\/([^/]+))?$/i.exec(record.apps.prod);
  if (!match) return record.apps.prod;
  return match[2] ? `${match[1]}/${match[2]}` : match[1]!;
}
