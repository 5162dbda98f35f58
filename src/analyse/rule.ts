import type { CheckFacts, EnvironmentFacts, FactSource, Role } from "../core/facts.js";
import type { MetricJudgments } from "./metrics/judge.js";
import type { RuntimeProfile } from "./profile.js";

export type Severity = "critical" | "high" | "medium" | "low" | "info";
export const SEVERITIES: readonly Severity[] = ["critical", "high", "medium", "low", "info"];

/**
 * How a finding is fixed, which is what the verdict turns on:
 * `config`: an `az` setting or scale change (a hotfix); `code`: needs a new build or a
 * migration (not a release-day fix); `rollback`: no configuration fix is known.
 */
export type FixKind = "config" | "code" | "rollback";

export interface Fix {
  /**
   * The fix's stable id, `<ruleId>.<messageId>` unless the rule names it (one message with several
   * different fixes): what a plan step, a test or a pipeline refers to instead of the summary's words.
   * A rule leaves it out; `analyse` sets it on every finding's fix.
   */
  id?: string;
  kind: FixKind;
  summary: string;
  commands: string[];
  /**
   * What must hold for the commands to be safe on a running app (plan-safety.md). A command that
   * changes what code the host loads is a `config` fix only when its precondition is known to hold;
   * otherwise it is one step of a build (`code`).
   */
  precondition?: string;
}

export interface Evidence {
  setting?: string;
  qa?: string;
  prod?: string;
  stack?: string;
  detail?: string;
}

/** A finding's fix: always with its id. */
export type FindingFix = Fix & { id: string };

export interface Finding {
  ruleId: string;
  /**
   * Which of the rule's messages the title says (the key in the rule's `messages`, e.g. `drift`):
   * with `ruleId`, the finding's identity, stable while the wording changes.
   */
  messageId: string;
  /** The Microsoft doc or issue behind the rule; `azfn-health explain <ruleId>` says more. */
  docs: string;
  severity: Severity;
  environment: Role | "both";
  title: string;
  evidence: Evidence;
  fix?: FindingFix;
  /** Set by the configuration's `report-only`: shown, never gating; the severity it would have had. */
  reportOnly?: { severity: Severity };
}

/** A rule that could not judge because a fact it needs was not read. */
export interface Unknown {
  ruleId: string;
  environment: Role;
  missing: FactSource[];
  reason: string;
}

/** What a rule's detection returns: wording is applied afterwards from the rule's messages. */
export interface Detection<Args extends Record<string, string> = Record<string, string>> {
  /** The key of the rule's message that says it: becomes the finding's `messageId`. */
  message: string;
  /** The rule looked and could not judge (no data, an analysis error): an unknown, not a finding. */
  unknown?: true;
  args?: Args;
  environment: Role | "both";
  severity?: Severity;
  evidence: Evidence;
  fix?: Fix;
}

/** A rule left out for an environment whose kind of app it cannot apply to, and why. */
export interface NotApplicable {
  ruleId: string;
  environment: Role;
  reason: string;
}

export interface RuleContext {
  facts: CheckFacts;
  now: Date;
  qa: EnvironmentFacts;
  prod: EnvironmentFacts;
  profile: Record<Role, RuntimeProfile>;
  metrics: MetricJudgments;
  /** The rules that do not apply to an environment (see `appliesTo`), decided before any rule runs. */
  notApplicable: NotApplicable[];
}

export interface EnvironmentContext extends RuleContext {
  env: EnvironmentFacts;
  other: EnvironmentFacts;
  self: RuntimeProfile;
}

interface RuleMeta {
  id: string;
  title: string;
  severity: Severity;
  /** The Microsoft doc or issue behind the rule. */
  docs: string;
  why: string;
  /** Facts the rule reads, per environment; missing ones make it report "unknown". */
  needs: FactSource[];
  /** Facts the rule can do without when Azure says they do not exist (404); any other failure still makes it unknown. */
  optional?: FactSource[];
  /**
   * Why the rule cannot apply to this environment's kind of app (a Container Apps app has no plan,
   * a stopped site no host to ask), or undefined when it applies. A rule that does not apply is
   * neither a finding nor an unknown: H04 lists it with the reason, and it does not block PROCEED.
   */
  appliesTo?: (env: EnvironmentFacts, self: RuntimeProfile) => string | undefined;
  messages: Record<string, string>;
}

export interface EachEnvironmentRule extends RuleMeta {
  scope: "each";
  check(ctx: EnvironmentContext): Detection[];
}

export interface PairRule extends RuleMeta {
  scope: "pair";
  check(ctx: RuleContext): Detection[];
}

export type Rule = EachEnvironmentRule | PairRule;

export function defineRule<R extends Rule>(rule: R): R {
  return rule;
}

const ENV_NAMES: Record<string, string> = { qa: "QA", prod: "production" };

/**
 * Fills `{name}` placeholders; the wording lives with the rule, apart from detection.
 * `{env}` reads as "QA" or "production", and a title starts with a capital.
 */
export function format(template: string, args: Record<string, string> = {}): string {
  const text = template.replace(
    /\{(\w+)\}/g,
    (whole, key: string) => (key === "env" ? ENV_NAMES[args.env ?? ""] : undefined) ?? args[key] ?? whole,
  );
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The one place a fix gets its id: the rule's own, or `<ruleId>.<messageId>`. */
export function fixId(ruleId: string, messageId: string, fix: Fix): string {
  return fix.id ?? `${ruleId}.${messageId}`;
}

/** Says a status once: an error text that repeats its own status ("HTTP 403 HTTP 403 …") reads as one. */
export function sayOnce(reason: string): string {
  return reason.replace(/\b(HTTP \d{3})(?:\s+\1\b)+/g, "$1");
}
