import type { EnvironmentFacts } from "../../core/facts.js";
import { setting } from "../../core/facts.js";
import { isServerlessTier, skuMemoryMb } from "../../core/platform.js";
import { az, codeFix, configFix } from "../fixes.js";
import { defineRule, type Detection } from "../rule.js";

/** Settings that a dedicated rule already judges; drift on them would say the same twice. */
const JUDGED_ELSEWHERE = new Set(
  [
    "FUNCTIONS_EXTENSION_VERSION",
    "FUNCTIONS_WORKER_RUNTIME",
    "FUNCTIONS_INPROC_NET8_ENABLED",
    "WEBSITE_USE_PLACEHOLDER_DOTNETISOLATED",
    "WEBSITE_RUN_FROM_PACKAGE",
    "AzureWebJobsStorage",
    "AzureWebJobsDashboard",
    "FUNCTIONS_V2_COMPATIBILITY_MODE",
    "AzureFunctionsWebHost__hostid",
    "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
    "WEBSITE_CONTENTSHARE",
  ].map((n) => n.toLowerCase()),
);

function names(env: EnvironmentFacts): string[] {
  return Object.keys(env.appSettings ?? {}).filter((n) => !JUDGED_ELSEWHERE.has(n.toLowerCase()));
}

/** D01: a setting QA has and production lacks is the classic forgotten release step. */
export const settingDrift = defineRule({
  id: "D01",
  scope: "pair",
  title: "Production has the app settings QA has, with the same non-secret values",
  severity: "medium",
  docs: "https://learn.microsoft.com/azure/azure-functions/functions-how-to-use-azure-function-app-settings#settings",
  why: "A release tested in QA depends on QA's settings; a setting missing or different in production changes behaviour the tests never saw.",
  needs: ["appSettings", "connectionStrings"],
  messages: {
    missing: "production lacks {count} app setting(s) that QA has: {names}",
    value: "{setting} is {qa} in QA but {prod} in production",
    shared:
      "QA and production use the same secret value for {names}: production shares those resources with QA",
  },
  check({ qa, prod }) {
    const out: Detection[] = [];
    const missing = names(qa).filter((n) => !setting(prod, n));
    if (missing.length > 0) {
      out.push({
        message: "missing",
        args: { count: String(missing.length), names: missing.join(", ") },
        environment: "prod",
        evidence: { setting: missing.join(", "), qa: "present", prod: "missing" },
        fix: configFix(
          "Add the settings production needs (values from Key Vault or the release's configuration).",
        ),
      });
    }
    for (const name of names(qa)) {
      const [a, b] = [setting(qa, name), setting(prod, name)];
      if (a?.value === undefined || b?.value === undefined || a.value === b.value) continue;
      out.push({
        message: "value",
        args: { setting: name, qa: a.value, prod: b.value },
        environment: "prod",
        evidence: { setting: name, qa: a.value, prod: b.value },
        fix: configFix(
          `Use QA's value in production if the difference is not intended.`,
          az.setSetting(prod, name, a.value),
        ),
      });
    }
    // Same keyed hash, same secret: QA's load and test data reach production's resources.
    const shared = [
      ...names(qa).filter((n) => !setting(qa, n)?.value && setting(qa, n)?.hash === setting(prod, n)?.hash),
      ...Object.keys(qa.connectionStrings ?? {}).filter(
        (n) => qa.connectionStrings![n]!.hash === prod.connectionStrings?.[n]?.hash,
      ),
    ];
    if (shared.length > 0) {
      out.push({
        message: "shared",
        args: { names: shared.join(", ") },
        environment: "prod",
        evidence: { setting: shared.join(", "), qa: "same hash as production", prod: "same hash as QA" },
        fix: configFix("Point production at its own resources (values from production's Key Vault)."),
      });
    }
    return out;
  },
});

/** D02: a smaller, shared or different plan in production explains "slow since the release". */
export const planDrift = defineRule({
  id: "D02",
  scope: "pair",
  title: "Production runs on a plan at least as large as QA's, of the same OS, not more crowded",
  severity: "medium",
  docs: "https://learn.microsoft.com/azure/azure-functions/functions-scale",
  why: "Memory and CPU per instance come from the plan's SKU, and every app on a plan shares its instances.",
  needs: ["plan", "site"],
  messages: {
    smaller:
      "production's plan {prodSku} ({prodMb} MB per instance) is smaller than QA's {qaSku} ({qaMb} MB)",
    tier: "production's plan is {prodSku} ({prodTier}) but QA's is {qaSku} ({qaTier})",
    os: "production runs on {prodOs} but QA on {qaOs}",
    crowded: "production's plan {plan} hosts {prodSites} apps, QA's hosts {qaSites}",
  },
  check({ qa, prod }) {
    const [a, b] = [qa.plan!, prod.plan!];
    const out: Detection[] = [];
    const planEvidence = {
      qa: `${a.skuName} (${a.tier}), ${a.numberOfSites ?? "?"} apps`,
      prod: `${b.skuName} (${b.tier}), ${b.numberOfSites ?? "?"} apps`,
    };
    if (qa.site!.os !== prod.site!.os) {
      out.push({
        message: "os",
        args: { prodOs: prod.site!.os, qaOs: qa.site!.os },
        environment: "prod",
        severity: "high",
        evidence: { setting: "os", qa: qa.site!.os, prod: prod.site!.os },
        fix: codeFix("Run production on the OS QA tested; that means a new app, not a setting."),
      });
    }
    const [qaMb, prodMb] = [skuMemoryMb(a.skuName), skuMemoryMb(b.skuName)];
    if (qaMb && prodMb && prodMb < qaMb) {
      const inPlace =
        !isServerlessTier(a.tier) && !isServerlessTier(b.tier) && sameFamily(a.skuName, b.skuName);
      out.push({
        message: "smaller",
        args: { prodSku: b.skuName, prodMb: String(prodMb), qaSku: a.skuName, qaMb: String(qaMb) },
        environment: "prod",
        severity: "high",
        evidence: { setting: "plan SKU", ...planEvidence },
        fix: inPlace
          ? configFix(`Scale production's plan up to ${a.skuName}, as QA.`, az.planSku(b, a.skuName))
          : configFix(
              `Move production to a ${a.skuName} plan like QA's (a new plan: ${b.tier} cannot become ${a.tier} in place).`,
            ),
      });
    } else if (a.tier.toLowerCase() !== b.tier.toLowerCase()) {
      out.push({
        message: "tier",
        args: { prodSku: b.skuName, prodTier: b.tier, qaSku: a.skuName, qaTier: a.tier },
        environment: "prod",
        evidence: { setting: "plan tier", ...planEvidence },
      });
    }
    if ((b.numberOfSites ?? 1) > Math.max(1, a.numberOfSites ?? 1)) {
      out.push({
        message: "crowded",
        args: { plan: b.name, prodSites: String(b.numberOfSites), qaSites: String(a.numberOfSites ?? "?") },
        environment: "prod",
        evidence: { setting: "numberOfSites", ...planEvidence },
        fix: configFix(
          "Give production its own plan, or scale the shared plan out, if the other apps compete for it.",
        ),
      });
    }
    return out;
  },
});

function sameFamily(a: string, b: string): boolean {
  const family = (sku: string) => sku.toUpperCase().replace(/\d/, "#");
  return family(a) === family(b);
}

/** D03: site settings that decide whether functions wake and scale. */
export const siteConfigDrift = defineRule({
  id: "D03",
  scope: "pair",
  title: "Production keeps QA's Always On and scale limits",
  severity: "medium",
  docs: "https://learn.microsoft.com/azure/azure-functions/dedicated-plan#always-on",
  why: "On a Dedicated plan, triggers other than HTTP stop when Always On is off; a lower scale limit caps production below what QA used.",
  needs: ["config", "plan"],
  messages: {
    alwaysOn: "Always On is off in production but on in QA (plan {tier})",
    scaleLimit: "production's functionAppScaleLimit {prod} is below QA's {qa}",
  },
  check({ qa, prod }) {
    const out: Detection[] = [];
    const dedicated = !/^(Dynamic|ElasticPremium|FlexConsumption)$/i.test(prod.plan!.tier);
    if (dedicated && qa.config!.alwaysOn === true && prod.config!.alwaysOn === false) {
      out.push({
        message: "alwaysOn",
        args: { tier: prod.plan!.tier },
        environment: "prod",
        severity: "high",
        evidence: { setting: "alwaysOn", qa: "true", prod: "false" },
        fix: configFix("Turn Always On on.", az.configSet(prod, "always-on", "true")),
      });
    }
    const [qaLimit, prodLimit] = [
      qa.config!.functionAppScaleLimit ?? 0,
      prod.config!.functionAppScaleLimit ?? 0,
    ];
    // 0 means no limit beyond the plan's own.
    if (prodLimit > 0 && (qaLimit === 0 || prodLimit < qaLimit)) {
      out.push({
        message: "scaleLimit",
        args: { prod: String(prodLimit), qa: qaLimit === 0 ? "unlimited" : String(qaLimit) },
        environment: "prod",
        evidence: { setting: "functionAppScaleLimit", qa: String(qaLimit), prod: String(prodLimit) },
        fix: configFix(
          "Raise production's scale limit.",
          `az resource update --ids ${prod.ref.id}/config/web --set properties.functionAppScaleLimit=${qaLimit}`,
        ),
      });
    }
    return out;
  },
});
