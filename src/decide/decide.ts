import type { Analysis } from "../analyse/analyse.js";
import type { Finding, Unknown } from "../analyse/rule.js";
import type { Verdict } from "../core/exit-codes.js";
import type { CheckFacts, EnvironmentFacts } from "../core/facts.js";
import { azTarget } from "../core/resource-id.js";
import { shellOption } from "../core/shell.js";
import { isoDate } from "../core/time.js";
import { successfulDeployments, type Release } from "../core/release.js";
import { runsNow, scriptLine, step, type Moment, type PlanStep } from "./plan.js";

export interface Recommendation {
  action: Verdict;
  summary: string;
  /** The findings that decided the verdict, as `ruleId: title`. */
  drivers: string[];
  /** The plan as shell lines: commands as they are, everything else a `#` comment (`plan`'s `scriptLine`). */
  steps: string[];
  /** The same plan as data: each step's kind, the rule and fix ids it carries out, its words (decide/plan.ts). */
  plan: PlanStep[];
  alternatives: string[];
  warnings: string[];
  /**
   * Findings whose own fix the decision overrides, with the sentence every format shows as their fix:
   * a HOTFIX's broken-production finding (M01) explained by the configuration findings the plan
   * fixes (R09), not "roll back". Absent when none.
   */
  explained?: Explanation[];
}

export interface Explanation {
  ruleId: string;
  environment: Finding["environment"];
  /** The rules whose planned fix explains it. */
  by: string[];
  fix: string;
}

const affectsProd = (f: Finding) => f.environment !== "qa";
const isSevere = (f: Finding) => f.severity === "critical" || f.severity === "high";
const describe = (f: Finding) => `${f.ruleId} (${f.environment}): ${f.title}`;
/**
 * Host and metric findings (H, M) are symptoms: a configuration cause found by an R or D rule can
 * explain them, and the plan says to roll back if they persist. Everything else is a cause.
 */
const isSymptom = (f: Finding) => /^[HM]\d/.test(f.ruleId);
/** End of support (R11, R12) is no release's cause: neither a hotfix nor a rollback ends it, a planned build does. */
const isLifecycle = (f: Finding) => /^R1[12]$/.test(f.ruleId);
const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? "" : "s"}`;
const fixIdsOf = (findings: Finding[]) => [...new Set(findings.flatMap((f) => (f.fix ? [f.fix.id] : [])))];

/** A recommendation whose `steps` are its plan's lines: the one place they are written. */
export function recommend(r: Omit<Recommendation, "steps">): Recommendation {
  const { action, summary, drivers, plan, ...rest } = r;
  return { action, summary, drivers, steps: plan.map(scriptLine), plan, ...rest };
}

export type { Moment };

/**
 * The one decision over the findings, in order:
 * ROLLBACK when production is broken (critical) and no configuration fix is known;
 * HOTFIX when a severe production finding has a configuration or scale fix;
 * INCONCLUSIVE when any rule could not judge (missing data never becomes PROCEED);
 * MONITOR on any other warning; PROCEED otherwise.
 */
export function decide(
  analysis: Analysis,
  facts: CheckFacts,
  release: Release,
  moment: Moment = "check",
): Recommendation {
  return recommend(decidePlan(analysis, facts, release, moment));
}

function decidePlan(
  analysis: Analysis,
  facts: CheckFacts,
  release: Release,
  moment: Moment,
): Omit<Recommendation, "steps"> {
  const { findings, unknowns } = analysis;
  const hotfixes = findings.filter((f) => affectsProd(f) && isSevere(f) && f.fix?.kind === "config");
  // A critical production finding that only a new build fixes (dotnet-isolated on ~3, a language
  // version ~4 does not run) cannot be hotfixed: production goes back, and the rebuild is named.
  const rebuilds = findings.filter(
    (f) => affectsProd(f) && f.severity === "critical" && f.fix?.kind === "code",
  );
  const breakers = findings.filter(
    (f) =>
      affectsProd(f) && f.severity === "critical" && (f.fix?.kind === "rollback" || f.fix?.kind === "code"),
  );
  // Property 2 (README "What the gate promises"): HOTFIX only when every severe production cause is
  // addressed by a step; one that only a build, a new app or a rollback fixes forbids it.
  const unaddressed = findings.filter(
    (f) => affectsProd(f) && isSevere(f) && !isSymptom(f) && !isLifecycle(f) && f.fix?.kind !== "config",
  );
  const warnings = findings.filter((f) => f.severity !== "info");
  const back = wayBack(facts, analysis, release);
  // The configuration rules (R upgrade checks, D drift) are what name a runtime or configuration
  // change; a release that only made the metrics worse changed the code, and the sentence says no more.
  const configurationChanged = warnings.some((f) => affectsProd(f) && /^[RD]\d/.test(f.ruleId));
  const featureOnOldBuild =
    "Ship the feature on the previous known-good build: merge it onto the last release that ran cleanly " +
    `in production and deploy that${configurationChanged ? ", leaving the runtime or configuration change for a release of its own" : ""}.`;

  const malformed = malformedAnswers(facts);
  if (malformed.length > 0) {
    // Garbled data is never the ground for a fix or a rollback (issue 11): nothing is planned from it.
    return {
      action: "INCONCLUSIVE",
      summary: `Azure answered with data that is not its documented shape, so no plan is derived: ${malformed.join("; ")}.`,
      drivers: malformed,
      plan: [step.advice("malformed-answer")],
      alternatives: [],
      warnings: warnings.map(describe),
    };
  }
  const missing = [...new Set(unknowns.map((u) => `${u.environment} ${u.reason}`))];
  const backCommands = back.plan.filter(runsNow).map((s) => s.text);
  // The way back's commands, or what to do when it has none.
  const rollBack = backCommands.join(" && ") || back.plan.map((s) => s.text).join(" ");
  const hotfixAllowed = hotfixes.length > 0 && unaddressed.length === 0;
  if (breakers.length > 0 && !hotfixAllowed && unknowns.length > 0) {
    // A rule that could not judge may be the one with a configuration fix (production's config/web
    // unread hides a 32-bit worker): broken, but a rollback is not the confident answer (issue 11).
    return {
      action: "INCONCLUSIVE",
      summary:
        `Production is broken (${breakers.map((f) => f.title).join("; ")}), but the check could not judge ` +
        `${new Set(unknowns.map((u) => u.ruleId)).size} rule(s) that may hold a configuration fix, so it ` +
        `cannot choose between a hotfix and a rollback: ${missing.join("; ")}.`,
      drivers: [...breakers.map(describe), ...unknowns.map(describeUnknown)],
      plan: [step.advice("grant-access-or-roll-back")],
      alternatives: [`Roll back now: ${rollBack}`, featureOnOldBuild],
      warnings: back.warnings,
    };
  }
  if (breakers.length > 0 && !hotfixAllowed) {
    return {
      action: "ROLLBACK",
      summary: `Production is broken and no configuration fix is known: ${breakers.map((f) => f.title).join("; ")}.`,
      drivers: breakers.map(describe),
      plan: [...back.plan, ...rebuildSteps(rebuilds)],
      alternatives: [featureOnOldBuild],
      warnings: back.warnings,
    };
  }
  if (hotfixAllowed) {
    const plan = planSteps(hotfixes);
    const changes = plan.filter((s) => s.kind === "change").length;
    const apps = `--qa ${facts.qa.ref.id} --prod ${facts.prod.ref.id}`;
    plan.push(
      step.checkAgain(
        moment,
        moment === "preflight"
          ? `azfn-health preflight ${apps}`
          : `azfn-health check ${apps}${release.time ? ` --since ${release.time}` : ""}`,
      ),
    );
    const alternatives =
      moment === "preflight" ? [featureOnOldBuild] : [`Roll back instead: ${rollBack}`, featureOnOldBuild];
    // The broken-production findings are put down to the configuration the plan changes: said once
    // here, and every format shows it as their fix instead of their own "roll back".
    const by = [...new Set(hotfixes.map((f) => f.ruleId))].sort();
    const explained = breakers.map((f) => ({
      ruleId: f.ruleId,
      environment: f.environment,
      by,
      fix:
        `Explained by ${by.join(", ")}: the plan's change is the fix; if ${f.ruleId} persists after it, ` +
        `roll back (see alternatives).`,
    }));
    const fallback =
      breakers.length > 0
        ? [
            `If ${breakers.map((f) => f.ruleId).join(" or ")} persists after these changes, roll back (see alternatives).`,
          ]
        : [];
    const partial =
      unknowns.length > 0
        ? [`The plan covers what the check could read; it could not judge: ${missing.join("; ")}.`]
        : [];
    return {
      action: "HOTFIX",
      // Counted as the plan counts them: findings that share a fix are one change.
      summary:
        `${moment === "preflight" ? "Before deploying, production needs" : "Production needs"} ` +
        `${plural(changes, "configuration change")}: ${hotfixes.map((f) => f.title).join("; ")}.`,
      drivers: [
        ...hotfixes.map(describe),
        ...breakers.map((f) => `${describe(f)}, explained by ${by.join(", ")}`),
      ],
      plan,
      alternatives,
      warnings: [...fallback, ...partial, ...back.warnings],
      ...(explained.length > 0 ? { explained } : {}),
    };
  }
  if (unknowns.length > 0) {
    return {
      action: "INCONCLUSIVE",
      summary:
        `The check could not judge ${new Set(unknowns.map((u) => u.ruleId)).size} rule(s), so it cannot call ` +
        `the release clean: ${missing.join("; ")}.`,
      drivers: unknowns.map(describeUnknown),
      plan: [step.advice("grant-access")],
      alternatives: [],
      warnings: warnings.map(describe),
    };
  }
  if (warnings.length > 0) {
    return {
      action: "MONITOR",
      summary:
        hotfixes.length > 0
          ? `Production runs, but ${unaddressed.map((f) => f.ruleId).join(", ")} needs a build or a new app, ` +
            `so no configuration change alone is a hotfix: plan ${hotfixes.map((f) => f.ruleId).join(", ")} ` +
            `with that release; ${warnings.length} warning(s).`
          : `Nothing blocks the release; ${warnings.length} warning(s) to watch or plan for.`,
      drivers: warnings.map(describe),
      plan: warnings
        .filter((f) => f.fix)
        .map((f) => step.planFix({ ruleIds: [f.ruleId], fixIds: fixIdsOf([f]) }, f.fix!.summary)),
      alternatives: [],
      warnings: [],
    };
  }
  return {
    action: "PROCEED",
    summary: "QA and production agree and nothing blocks the release.",
    drivers: [],
    plan: [],
    alternatives: [],
    warnings: [],
  };
}

function describeUnknown(u: Unknown): string {
  return `${u.ruleId} (${u.environment}): unknown, ${u.reason}`;
}

function malformedAnswers(facts: CheckFacts): string[] {
  return [facts.qa, facts.prod].flatMap((env) =>
    env.gaps.filter((g) => g.malformed).map((g) => `${env.role} ${g.source}: ${g.reason}`),
  );
}

/** What to build before releasing again: the code fixes, and their commands for after the deploy. */
function rebuildSteps(findings: Finding[]): PlanStep[] {
  return findings.flatMap((f) => {
    const ids = { ruleIds: [f.ruleId], fixIds: fixIdsOf([f]) };
    return [step.rebuild(ids, f.fix!.summary), ...f.fix!.commands.map((c) => step.afterBuild(c, ids))];
  });
}

/** One step per distinct change: findings that share a fix (R09 and M03 both say 64-bit) share a step. */
function planSteps(findings: Finding[]): PlanStep[] {
  const byChange = new Map<string, { findings: Finding[]; summary: string; commands: string[] }>();
  for (const f of findings) {
    const key = f.fix!.commands.join("\n") || `${f.ruleId}:${f.fix!.summary}`;
    const change = byChange.get(key) ?? { findings: [], summary: f.fix!.summary, commands: f.fix!.commands };
    change.findings.push(f);
    byChange.set(key, change);
  }
  return [...byChange.values()].flatMap((change) => {
    const ids = {
      ruleIds: [...new Set(change.findings.map((f) => f.ruleId))],
      fixIds: fixIdsOf(change.findings),
    };
    return [step.change(ids, change.summary), ...change.commands.map((c) => step.command(c, ids))];
  });
}

/** How production gets back to the build it ran before the release. */
function wayBack(
  facts: CheckFacts,
  analysis: Analysis,
  release: Release,
): { plan: PlanStep[]; warnings: string[] } {
  const prod = facts.prod;
  const plan: PlanStep[] = [];
  const warnings: string[] = [];
  const swap = prod.site?.lastSwap;
  // Flex Consumption has no slots: a swap is never its way back (plan-safety.md).
  const swappedSlot =
    swap &&
    !prod.ref.slot &&
    analysis.profiles.prod.hosting !== "flex" &&
    prod.slots?.some((s) => s.name.toLowerCase() === swap.sourceSlot.toLowerCase())
      ? swap
      : undefined;
  const previous = successfulDeployments(prod)[1];
  if (swappedSlot && (!release.time || swappedSlot.time >= previousTime(prod))) {
    plan.push(
      step.swapBack(swappedSlot.sourceSlot, swappedSlot.time),
      step.command(
        `az functionapp deployment slot swap ${azTarget(prod.ref)} ` +
          `${shellOption("--slot", swappedSlot.sourceSlot)} --target-slot production`,
      ),
    );
    if ((analysis.profiles.prod.extensionMajor ?? 0) >= 4) {
      warnings.push(
        "In a swap FUNCTIONS_EXTENSION_VERSION stays with its slot unless " +
          "WEBSITE_OVERRIDE_STICKY_EXTENSION_VERSIONS=0 is set on both slots; set it first if the previous " +
          "build needs the previous runtime version.",
      );
    }
  } else if (previous) {
    const who = previous.author || previous.deployer;
    plan.push(
      step.redeploy(previous.id, previous.endTime ?? previous.startTime, who),
      step.command(
        `az functionapp deployment source config-zip ${azTarget(prod.ref)} ` +
          shellOption("--src", `<package of deployment ${previous.id}>`),
      ),
    );
  } else {
    plan.push(step.redeployFromPipeline());
  }
  const profile = analysis.profiles.prod;
  const dotnetCore3 = facts.stacks.rows.find((r) => r.major === "dotnetcore3" && r.endOfLife);
  // Only when the way back is a build the check cannot see: a known deployment or slot is named above.
  if (
    !plan.some(runsNow) &&
    (profile.extensionMajor ?? 0) >= 4 &&
    profile.workerRuntime === "dotnet" &&
    dotnetCore3?.endOfLife
  ) {
    warnings.push(
      `If the previous build ran on runtime ~3 with .NET Core 3.1, the way back lands on end-of-life ` +
        `software (runtime 3.x since 2022-12-13, .NET Core 3.1 since ` +
        `${isoDate(new Date(dotnetCore3.endOfLife))}; Linux Consumption stops running 3.x apps after ` +
        `2026-09-30): prefer the hotfix or shipping the feature on the previous build.`,
    );
  }
  return { plan, warnings };
}

function previousTime(env: EnvironmentFacts): string {
  return successfulDeployments(env)[1]?.endTime ?? "";
}
