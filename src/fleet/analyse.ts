import { analyse } from "../analyse/analyse.js";
import { applyPolicy, NO_POLICY, type Policy } from "../analyse/policy.js";
import { languageLabel, type RuntimeProfile } from "../analyse/profile.js";
import { SEVERITIES, type Finding, type Rule, type Severity } from "../analyse/rule.js";
import { RULES } from "../analyse/rules/index.js";
import { defaultHostId, hostIdCollision, storageAccount } from "../analyse/rules/storage.js";
import type { Verdict } from "../core/exit-codes.js";
import type { CheckFacts, EnvironmentFacts, Role, StacksFacts } from "../core/facts.js";
import { settingValue } from "../core/facts.js";
import { byCodeUnitIgnoringCase } from "../core/order.js";
import { isContainerApp } from "../core/platform.js";
import { shellCommand } from "../core/shell.js";
import type { FleetApp } from "./collect.js";
import { NOT_READ } from "./not-read.js";

/**
 * The fleet judged with check's own rules (src/analyse): each app through the rules that judge one
 * environment, each QA/production pair through the drift rules. Pure: the same inventory always
 * gives the same judgment.
 */

export type Risk = Severity | "none";
export const RISKS: readonly Risk[] = [...SEVERITIES, "none"];

/** Rules that did not judge an app or a pair, grouped by why (a fact the fleet view did not read). */
export interface NotRun {
  reason: string;
  ruleIds: string[];
}

export interface JudgedApp {
  app: FleetApp;
  environment?: Role;
  profile: RuntimeProfile;
  /** What runs: `python 3.11`, `dotnet-isolated 8.0`, or "an unidentified stack". */
  stack: string;
  endOfLife?: string;
  hosting: string;
  findings: Finding[];
  notRun: NotRun[];
  risk: Risk;
}

export interface JudgedPair {
  qa: JudgedApp;
  prod: JudgedApp;
  matchedBy: "tag" | "name" | "slot";
  drift: Finding[];
  notRun: NotRun[];
  risk: Risk;
  /** The check to run for this pair, each word quoted for the shell. */
  command: string;
}

export interface FleetJudgment {
  apps: JudgedApp[];
  pairs: JudgedPair[];
  worst: Risk;
}

/**
 * The metric rules (M…) judge a release against its baseline: the fleet reads no metrics and no
 * release, so they are said not to have run, once, rather than asked for a --since.
 */
const METRIC_RULES = RULES.filter((rule) => /^M\d/.test(rule.id));
/** Rules that judge one app. */
const APP_RULES = RULES.filter((rule) => rule.scope === "each" && !METRIC_RULES.includes(rule));
/** The drift rules (D…) and the worker-runtime comparison, for a pair. */
const PAIR_RULES = RULES.filter(
  (rule) => rule.scope === "pair" && (/^D\d/.test(rule.id) || rule.id === "R07"),
);

const QA_WORDS = /^(qa|test|testing|staging|stage|uat|preprod|pre-prod)$/i;
/** An environment word in a name: `orders-qa`, `qa-orders`, `orders-prod-weu`. */
const ENV_TOKEN = /^(qa|test|staging|stage|uat|preprod|prod|production|prd)$/i;
const PROD_WORDS = /^(prod|production|prd|live)$/i;

function tag(app: FleetApp, name: string): string | undefined {
  const key = Object.keys(app.tags).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : app.tags[key];
}

function roleOf(word: string | undefined): Role | undefined {
  if (!word) return undefined;
  if (QA_WORDS.test(word)) return "qa";
  if (PROD_WORDS.test(word)) return "prod";
  return undefined;
}

/** Where an app sits: its `environment` tag, else its slot's name, else its name's suffix. */
export function environmentOf(app: FleetApp): { role?: Role; by?: "tag" | "slot" | "name" } {
  const tagged = roleOf(tag(app, "environment"));
  if (tagged) return { role: tagged, by: "tag" };
  if (app.ref.slot) return { role: roleOf(app.ref.slot) ?? "qa", by: "slot" };
  const named = roleOf(app.ref.site.split("-").find((w) => ENV_TOKEN.test(w)));
  return named ? { role: named, by: "name" } : {};
}

/**
 * What a QA and a production app have in common: an `app`, `application` or `service` tag, else
 * the name without its environment word (`orders-qa`, `qa-orders` and `orders-prod` are `orders`).
 */
export function baseName(app: FleetApp): string {
  const named = ["app", "application", "service"].map((t) => tag(app, t)).find(Boolean);
  if (named) return `tag:${named.toLowerCase()}`;
  const words = app.ref.site.toLowerCase().split("-");
  const at = words.findIndex((w) => ENV_TOKEN.test(w));
  return at >= 0 && words.length > 1 ? words.filter((_, i) => i !== at).join("-") : words.join("-");
}

function worstOf(findings: Finding[]): Risk {
  let worst = RISKS.length - 1;
  for (const f of findings)
    if (f.severity !== "info") worst = Math.min(worst, SEVERITIES.indexOf(f.severity));
  return RISKS[worst]!;
}

export const riskRank = (risk: Risk) => RISKS.indexOf(risk);

function facts(qa: EnvironmentFacts, prod: EnvironmentFacts, stacks: StacksFacts, now: Date): CheckFacts {
  return { now: now.toISOString(), qa, prod, stacks };
}

function notRunOf(unknowns: { ruleId: string; reason: string }[]): NotRun[] {
  const byReason = new Map<string, Set<string>>();
  for (const u of unknowns) byReason.set(u.reason, (byReason.get(u.reason) ?? new Set()).add(u.ruleId));
  return [...byReason].map(([reason, ids]) => ({ reason, ruleIds: [...ids] }));
}

/** What runs, as far as what was read tells: Windows apps name their language only in their settings. */
function stackName(profile: RuntimeProfile, env: EnvironmentFacts): string {
  if (profile.language) return languageLabel(profile);
  return env.appSettings ? "unidentified" : "unidentified (settings not read)";
}

function hosting(env: EnvironmentFacts): string {
  if (isContainerApp(env)) return "Container Apps";
  const tier = env.site?.sku ?? env.plan?.tier;
  const names: Record<string, string> = {
    dynamic: "Consumption",
    flexconsumption: "Flex Consumption",
    elasticpremium: "Elastic Premium",
  };
  return tier ? (names[tier.toLowerCase()] ?? `Dedicated (${tier})`) : "unknown";
}

function judgeApp(
  app: FleetApp,
  stacks: StacksFacts,
  now: Date,
  policy: Policy,
  rules: readonly Rule[],
): JudgedApp {
  const { role } = environmentOf(app);
  // The app is judged as the environment it is: wording says "QA" for a QA app, "production" otherwise.
  const own: Role = role ?? "prod";
  const env = { ...app.facts, role: own };
  const mirror = { ...app.facts, role: own === "qa" ? ("prod" as const) : ("qa" as const) };
  const { analysis } = applyPolicy(
    analyse(own === "qa" ? facts(env, mirror, stacks, now) : facts(mirror, env, stacks, now), rules),
    policy,
  );
  const findings = analysis.findings.filter((f) => f.environment === own);
  const profile = analysis.profiles[own];
  return {
    app,
    ...(role ? { environment: role } : {}),
    profile,
    stack: stackName(profile, app.facts),
    // A matrix row's date only for a stack told apart: Windows .NET without settings could be either model.
    ...(profile.language && profile.stack?.endOfLife ? { endOfLife: profile.stack.endOfLife } : {}),
    hosting: hosting(app.facts),
    findings,
    notRun: notRunOf([
      ...analysis.unknowns.filter((u) => u.environment === own),
      ...METRIC_RULES.map((rule) => ({ ruleId: rule.id, reason: `metrics: ${NOT_READ.metrics}` })),
    ]),
    risk: worstOf(findings),
  };
}

/** QA/production pairs: by `environment` tag, a slot and its site, or `-qa`/`-staging` and `-prod` names. */
export function findPairs(
  apps: JudgedApp[],
): { qa: JudgedApp; prod: JudgedApp; matchedBy: JudgedPair["matchedBy"] }[] {
  const groups = new Map<string, JudgedApp[]>();
  for (const judged of apps) {
    const key = baseName(judged.app);
    groups.set(key, [...(groups.get(key) ?? []), judged]);
  }
  const pairs: { qa: JudgedApp; prod: JudgedApp; matchedBy: JudgedPair["matchedBy"] }[] = [];
  for (const members of groups.values()) {
    if (members.length < 2) continue;
    const sorted = [...members].sort((a, b) => byCodeUnitIgnoringCase(a.app.ref.id, b.app.ref.id));
    const qa = sorted.find((m) => m.environment === "qa");
    if (!qa) continue;
    const explicit = sorted.find((m) => m.environment === "prod");
    // A slot's production is its own site; an untagged, unsuffixed app is production when it is the only one.
    const parent = qa.app.ref.slot
      ? sorted.find(
          (m) =>
            !m.app.ref.slot &&
            m.app.ref.site === qa.app.ref.site &&
            m.app.ref.subscriptionId === qa.app.ref.subscriptionId,
        )
      : undefined;
    const unlabelled = sorted.filter((m) => m.environment === undefined && !m.app.ref.slot);
    const prod = explicit ?? parent ?? (unlabelled.length === 1 ? unlabelled[0] : undefined);
    if (!prod) continue;
    const how = [environmentOf(qa.app).by, prod.environment ? environmentOf(prod.app).by : undefined];
    const matchedBy = how.includes("slot") ? "slot" : how.every((b) => b === "tag") ? "tag" : "name";
    pairs.push({ qa, prod, matchedBy });
  }
  return pairs;
}

function judgePair(
  qa: JudgedApp,
  prod: JudgedApp,
  matchedBy: JudgedPair["matchedBy"],
  stacks: StacksFacts,
  now: Date,
  policy: Policy,
): JudgedPair {
  const { analysis } = applyPolicy(
    analyse(
      facts({ ...qa.app.facts, role: "qa" }, { ...prod.app.facts, role: "prod" }, stacks, now),
      PAIR_RULES,
    ),
    policy,
  );
  return {
    qa,
    prod,
    matchedBy,
    drift: analysis.findings,
    notRun: notRunOf(analysis.unknowns),
    risk: worstOf(analysis.findings),
    command: shellCommand("azfn-health", "check", "--qa", qa.app.ref.id, "--prod", prod.app.ref.id),
  };
}

/**
 * Host-ID collisions across the whole fleet (with settings read): apps on one storage account whose
 * host IDs are equal, judged pairwise by R13 itself; each finding is kept on both apps.
 */
function hostIdCollisions(apps: JudgedApp[], stacks: StacksFacts, now: Date, policy: Policy): void {
  const groups = new Map<string, JudgedApp[]>();
  for (const judged of apps) {
    const account = storageAccount(judged.app.facts);
    if (!account) continue;
    const { site, slot } = judged.app.ref;
    const hostId =
      settingValue(judged.app.facts, "AzureFunctionsWebHost__hostid") ?? defaultHostId(site, slot);
    const key = `${account}|${hostId}`;
    groups.set(key, [...(groups.get(key) ?? []), judged]);
  }
  for (const members of groups.values())
    for (const [i, a] of members.entries())
      for (const b of members.slice(i + 1)) {
        const { analysis } = applyPolicy(
          analyse(facts({ ...a.app.facts, role: "qa" }, { ...b.app.facts, role: "prod" }, stacks, now), [
            hostIdCollision,
          ]),
          policy,
        );
        for (const finding of analysis.findings.filter((f) => f.ruleId === hostIdCollision.id))
          for (const judged of [a, b]) {
            judged.findings.push({ ...finding, environment: judged.environment ?? "prod" });
            judged.risk = worstOf(judged.findings);
          }
      }
}

/** Every app, then every pair, then the collisions between apps; worst first. */
export function judgeFleet(
  apps: FleetApp[],
  stacks: StacksFacts,
  now: Date,
  policy: Policy = NO_POLICY,
): FleetJudgment {
  const judged = apps.map((app) => judgeApp(app, stacks, now, policy, APP_RULES));
  hostIdCollisions(judged, stacks, now, policy);
  const pairs = findPairs(judged).map(({ qa, prod, matchedBy }) =>
    judgePair(qa, prod, matchedBy, stacks, now, policy),
  );
  const byRisk =
    <T extends { risk: Risk }>(name: (x: T) => string) =>
    (a: T, b: T) =>
      riskRank(a.risk) - riskRank(b.risk) || byCodeUnitIgnoringCase(name(a), name(b));
  judged.sort(byRisk((j) => j.app.ref.id));
  pairs.sort(byRisk((p) => p.prod.app.ref.id));
  const all = [...judged.map((j) => j.risk), ...pairs.map((p) => p.risk)];
  const worst = all.length > 0 ? RISKS[Math.min(...all.map(riskRank))]! : "none";
  return { apps: judged, pairs, worst };
}

/**
 * The fleet's verdict for the exit-code table (src/core/exit-codes.ts): a critical or high finding
 * is HOTFIX (a change is needed before the next release), medium or low MONITOR, none PROCEED; an
 * inventory Resource Graph could not give whole is never PROCEED.
 */
export function fleetVerdict(worst: Risk, inventoryComplete: boolean): Verdict {
  const verdict: Verdict =
    worst === "critical" || worst === "high"
      ? "HOTFIX"
      : worst === "medium" || worst === "low"
        ? "MONITOR"
        : "PROCEED";
  return !inventoryComplete && verdict !== "HOTFIX" ? "INCONCLUSIVE" : verdict;
}
