import { setting } from "../../core/facts.js";
import { successfulDeployments } from "../../core/release.js";
import { EOL_WARNING_MS, isoDate } from "../../core/time.js";
import { az, codeFix, configFix } from "../fixes.js";
import { stackLabel, stackName } from "../profile.js";
import { defineRule, type Rule } from "../rule.js";
import { RULES } from "./index.js";

/**
 * Preflight-only rules (P*): judged on QA against production before the deploy, where production
 * still runs the build the release replaces. They ask what `check` cannot ask afterwards: will
 * production take the release with what QA tested, and is there a way back once it has.
 */

/**
 * P01: QA tested the release on a 64-bit worker but production runs 32-bit, on a runtime older
 * than ~4 (on ~4, R09 already says so). A deploy that changes FUNCTIONS_EXTENSION_VERSION and the
 * .NET version keeps production's bitness: the seed story (durable-extension#1003).
 */
export const bitnessBeforeRelease = defineRule({
  id: "P01",
  scope: "pair",
  title: "Production will run the release with the worker bitness QA tested",
  severity: "high",
  docs: "https://learn.microsoft.com/azure/azure-functions/functions-app-settings#use32bitworkerprocess",
  why:
    "A deploy does not change use32BitWorkerProcess: production would run QA's build in a 32-bit worker " +
    "capped at about 2 GB of address space.",
  needs: ["config", "site", "appSettings"],
  messages: {
    drift:
      "production runs a 32-bit worker while QA tested the release on 64-bit: switch production before deploying",
  },
  check({ profile, prod }) {
    if (profile.qa.bitness !== "64-bit" || profile.prod.bitness !== "32-bit") return [];
    if ((profile.prod.extensionMajor ?? 0) >= 4) return []; // R09 reports it, with the same fix
    return [
      {
        message: "drift",
        environment: "prod",
        evidence: { setting: "use32BitWorkerProcess", qa: "false", prod: "true" },
        fix: configFix(
          "Switch production to the 64-bit worker before the deploy (the app restarts).",
          az.configSet(prod, "use-32bit-worker-process", "false"),
        ),
      },
    ];
  },
});

/**
 * P02: a way back must exist before the release: a deployment slot to swap back (the slot holds
 * the previous build after a swap, slotSwapStatus), or the current build's deployment recorded so
 * its package can be redeployed (https://learn.microsoft.com/azure/azure-functions/functions-deployment-slots).
 */
export const wayBack = defineRule({
  id: "P02",
  scope: "pair",
  title: "Production has a way back to the build it runs now",
  severity: "medium",
  docs: "https://learn.microsoft.com/azure/azure-functions/functions-deployment-slots",
  why:
    "Once the release is out, a rollback needs either a slot holding the previous build (a swap back) or " +
    "the previous package still at hand; without either, the way back is a rebuild from the pipeline.",
  needs: ["site", "deployments"],
  optional: ["slots"],
  messages: {
    none: "production records no deployment and has no slot: after the release there is no recorded way back",
    unreferenced:
      "production runs from a package URL and records no deployment: the way back depends on that package being kept",
  },
  check({ prod }) {
    const slots = prod.slots ?? [];
    if (slots.length > 0 || prod.ref.slot) return [];
    if (successfulDeployments(prod).length > 0) return [];
    const pkg = setting(prod, "WEBSITE_RUN_FROM_PACKAGE");
    const byUrl = pkg?.packageUrl !== undefined;
    return [
      {
        message: byUrl ? "unreferenced" : "none",
        environment: "prod",
        evidence: {
          setting: byUrl ? "WEBSITE_RUN_FROM_PACKAGE" : "deployments",
          prod:
            `${successfulDeployments(prod).length} successful deployment(s), ${slots.length} ` +
            `slot(s)${prod.site?.lastSwap ? `, last swap from ${prod.site.lastSwap.sourceSlot}` : ""}`,
        },
        fix: codeFix(
          "Deploy through a staging slot and swap (the slot then holds the previous build), or keep the current " +
            "package in your pipeline's artifacts so it can be redeployed.",
        ),
      },
    ];
  },
});

/**
 * P03: rolling back after the release lands on what production runs now. If that stack is past
 * (or within 6 months of) its end of life, the way back is onto unsupported software
 * (https://learn.microsoft.com/azure/azure-functions/language-support-policy).
 */
export const wayBackEndOfLife = defineRule({
  id: "P03",
  scope: "pair",
  title: "A rollback would land on a supported runtime",
  severity: "medium",
  docs: "https://learn.microsoft.com/azure/azure-functions/language-support-policy",
  why:
    "A rollback restores what production runs today; when that stack is out of support, rolling back " +
    "trades a broken release for an unsupported runtime, so prefer a hotfix or shipping the feature on " +
    "the new runtime.",
  needs: ["site", "config", "appSettings"],
  messages: {
    past: "a rollback would land production back on {stack}, out of support since {date}",
    soon: "a rollback would land production back on {stack}, which reaches end-of-life on {date}",
  },
  check({ profile, now }) {
    const row = profile.prod.stack;
    if (!row?.endOfLife) return [];
    const date = new Date(row.endOfLife);
    const left = date.getTime() - now.getTime();
    if (left > EOL_WARNING_MS) return [];
    return [
      {
        message: left <= 0 ? "past" : "soon",
        args: { stack: stackName(row), date: isoDate(date) },
        environment: "prod",
        evidence: {
          stack: stackLabel(row),
          prod: profile.prod.target ?? "",
          detail: `endOfLifeDate ${isoDate(date)}`,
        },
        fix: codeFix(
          "Plan the way back as a hotfix on the new runtime rather than a rollback onto the old one.",
        ),
      },
    ];
  },
});

export const READINESS_RULES: readonly Rule[] = [bitnessBeforeRelease, wayBack, wayBackEndOfLife];

/**
 * Rules that judge a release that has happened: every metric rule (M*) reads the after-window,
 * which does not exist before the deploy. Everything else reads configuration and holds before.
 */
export function isReleaseTimeRule(rule: Rule): boolean {
  return /^M\d/.test(rule.id);
}

/** What preflight judges: every configuration rule, none of the release-time ones, and rollback readiness. */
export const PREFLIGHT_RULES: readonly Rule[] = [
  ...RULES.filter((r) => !isReleaseTimeRule(r)),
  ...READINESS_RULES,
];
