import { settingValue } from "../../core/facts.js";
import { az, configFix } from "../fixes.js";
import { stackLabel, type RuntimeProfile } from "../profile.js";
import { defineRule } from "../rule.js";

/** A .NET worker (in-process or isolated) on ~4 and later running 32-bit: what R09 names. */
export function isDotnetThirtyTwoBit(self: RuntimeProfile): boolean {
  return (
    self.bitness === "32-bit" && (self.extensionMajor ?? 0) >= 4 && /^dotnet/.test(self.workerRuntime ?? "")
  );
}

/**
 * R09: the stacks matrix makes .NET in-process apps 32-bit on Windows, and an upgrade that
 * only changes FUNCTIONS_EXTENSION_VERSION and netFrameworkVersion keeps it so. A 32-bit
 * worker has ~2 GB of address space whatever the plan (durable-extension#1003).
 */
export const thirtyTwoBitWorker = defineRule({
  id: "R09",
  scope: "each",
  title: "The worker runs 64-bit on .NET 6 and later",
  severity: "high",
  docs: "https://learn.microsoft.com/azure/azure-functions/functions-app-settings#use32bitworkerprocess",
  why:
    "A 32-bit worker is capped at about 2 GB of address space: .NET 6/8 workloads run out of memory or " +
    "thrash the GC long before the plan does.",
  needs: ["config", "site", "appSettings"],
  messages: {
    drift: "production runs a 32-bit worker (use32BitWorkerProcess) while QA ran 64-bit",
    both: "{env} runs a 32-bit worker on {target}",
  },
  check({ env, self, profile }) {
    // The title's promise is .NET's: a PowerShell, Node or Java worker's bitness is not this rule's.
    if (!isDotnetThirtyTwoBit(self)) return [];
    // QA 32-bit against a 64-bit production is D07's (what QA tested differs from production), not a
    // second finding here; production 32-bit against a 64-bit QA stays this rule's (the seed story).
    if (env.role === "qa" && profile.prod.bitness === "64-bit") return [];
    const drift = env.role === "prod" && profile.qa.bitness === "64-bit";
    return [
      {
        message: drift ? "drift" : "both",
        args: { env: env.role, target: self.target ?? "unknown target" },
        environment: env.role,
        // Same bitness as QA: what QA tested, so a warning; prod alone 32-bit: a release defect.
        severity: drift ? "high" : "medium",
        evidence: {
          setting: "use32BitWorkerProcess",
          qa: String(profile.qa.bitness === "32-bit"),
          prod: String(profile.prod.bitness === "32-bit"),
          stack: `${stackLabel(self.stack)}: stack default use32BitWorkerProcess=${self.stack?.use32BitWorkerProcess ?? "unknown"}`,
        },
        fix: configFix(
          "Switch to the 64-bit worker (the app restarts).",
          az.configSet(env, "use-32bit-worker-process", "false"),
        ),
      },
    ];
  },
});

/** R10: isolated apps specialise from a placeholder only with this setting (host#9548); the 64-bit half is R09. */
export const isolatedPlaceholder = defineRule({
  id: "R10",
  scope: "each",
  title: "Isolated apps on Windows use the placeholder optimisation",
  severity: "medium",
  docs: "https://learn.microsoft.com/azure/azure-functions/functions-app-settings#website_use_placeholder_dotnetisolated",
  why: "Without WEBSITE_USE_PLACEHOLDER_DOTNETISOLATED=1 (and a 64-bit worker, R09) isolated apps skip the cold-start optimisation.",
  needs: ["appSettings", "config", "site"],
  messages: { missing: "{env} runs dotnet-isolated without WEBSITE_USE_PLACEHOLDER_DOTNETISOLATED=1" },
  check({ env, self }) {
    if (self.workerRuntime !== "dotnet-isolated" || self.os !== "windows" || self.isFlex) return [];
    const value = settingValue(env, "WEBSITE_USE_PLACEHOLDER_DOTNETISOLATED");
    if (value === "1") return [];
    return [
      {
        message: "missing",
        args: { env: env.role },
        environment: env.role,
        evidence: { setting: "WEBSITE_USE_PLACEHOLDER_DOTNETISOLATED", [env.role]: value ?? "(not set)" },
        fix: configFix(
          "Enable the isolated placeholder.",
          az.setSetting(env, "WEBSITE_USE_PLACEHOLDER_DOTNETISOLATED", "1"),
        ),
      },
    ];
  },
});
