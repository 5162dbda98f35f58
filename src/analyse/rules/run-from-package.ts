import type { EnvironmentFacts } from "../../core/facts.js";
import { setting } from "../../core/facts.js";
import { isoDate } from "../../core/time.js";
import { isContainerApp } from "../../core/platform.js";
import { az, configFix } from "../fixes.js";
import { defineRule, type Detection } from "../rule.js";

const SAS_WARNING_MS = 30 * 86_400_000;

function packageMode(env: EnvironmentFacts): string {
  const fact = setting(env, "WEBSITE_RUN_FROM_PACKAGE");
  if (!fact) return "(not set)";
  if (fact.packageUrl) return "URL";
  return fact.value ?? "(set)";
}

/** R20: how the code is mounted must match QA; an expiring SAS URL stops the app (AZFD0006). */
export const runFromPackage = defineRule({
  id: "R20",
  scope: "pair",
  title: "WEBSITE_RUN_FROM_PACKAGE is the same kind in QA and production, and usable",
  severity: "medium",
  docs: "https://learn.microsoft.com/azure/azure-functions/run-functions-from-deployment-package",
  why:
    "1 versus a URL changes how code is loaded; a SAS URL stops working when it expires (AZFD0006), and " +
    "Flex Consumption rejects the setting.",
  needs: ["appSettings", "site"],
  appliesTo: (env) =>
    isContainerApp(env) ? "hosted on Azure Container Apps: the code ships as an image" : undefined,
  messages: {
    drift: "WEBSITE_RUN_FROM_PACKAGE is {qa} in QA but {prod} in production",
    expired: "{env} loads its package from a URL whose SAS expired on {date}",
    expiring: "{env} loads its package from a URL whose SAS expires on {date}",
    flex: "{env} is a Flex Consumption app and sets WEBSITE_RUN_FROM_PACKAGE, which Flex rejects",
  },
  check({ qa, prod, profile, now }) {
    const out: Detection[] = [];
    const [qaMode, prodMode] = [packageMode(qa), packageMode(prod)];
    if (qaMode !== prodMode) {
      out.push({
        message: "drift",
        args: { qa: qaMode, prod: prodMode },
        environment: "prod",
        evidence: { setting: "WEBSITE_RUN_FROM_PACKAGE", qa: qaMode, prod: prodMode },
        fix: configFix(
          "Deploy production the way QA is deployed (prefer 1: zip deploy into the app's own storage).",
        ),
      });
    }
    for (const env of [qa, prod]) {
      const fact = setting(env, "WEBSITE_RUN_FROM_PACKAGE");
      if (fact && profile[env.role].isFlex) {
        out.push({
          message: "flex",
          args: { env: env.role },
          environment: env.role,
          severity: "high",
          evidence: { setting: "WEBSITE_RUN_FROM_PACKAGE", [env.role]: packageMode(env) },
          fix: configFix(
            "Remove it; Flex deploys with `az functionapp deployment source config-zip`.",
            az.deleteSetting(env, "WEBSITE_RUN_FROM_PACKAGE"),
          ),
        });
      }
      const expiry = fact?.packageUrl?.sasExpiry ? new Date(fact.packageUrl.sasExpiry) : undefined;
      if (!expiry) continue;
      const left = expiry.getTime() - now.getTime();
      if (left > SAS_WARNING_MS) continue;
      out.push({
        message: left <= 0 ? "expired" : "expiring",
        args: { env: env.role, date: isoDate(expiry) },
        environment: env.role,
        severity: left <= 0 ? "critical" : "medium",
        evidence: { setting: "WEBSITE_RUN_FROM_PACKAGE", [env.role]: `URL, SAS se=${expiry.toISOString()}` },
        fix: configFix(
          "Issue a new SAS URL, or use a managed-identity package URL (WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID).",
        ),
      });
    }
    return out;
  },
});
