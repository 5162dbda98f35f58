import { settingValue } from "../../core/facts.js";
import { az, codeFix, loadChangeFix } from "../fixes.js";
import { rowVersion, stackLabel } from "../profile.js";
import { defineRule } from "../rule.js";
import { imageReason, isTargetable } from "./language.js";

const MIGRATE_INCLUDE =
  "https://learn.microsoft.com/azure/azure-functions/migrate-version-3-version-4#upgrade-your-function-app-in-azure";

function netVersion(value: string | undefined): number | undefined {
  const match = /^v(\d+)\.(\d+)$/i.exec(value ?? "");
  return match ? Number(match[1]) + Number(match[2]) / 10 : undefined;
}

/** R04: ".NET 6 is required for function apps in any language running on Windows" on 4.x. */
export const windowsNetFrameworkTooOld = defineRule({
  id: "R04",
  scope: "each",
  title: "Windows apps on runtime 4.x target .NET 6 or later",
  severity: "critical",
  docs: MIGRATE_INCLUDE,
  why: "A 3.x .NET Core 3.1 app reports netFrameworkVersion v4.0; on ~4 that leaves the host on the wrong .NET and it fails to start.",
  needs: ["appSettings", "config", "site"],
  messages: {
    old: "{env} runs ~4 on Windows with netFrameworkVersion {value}: runtime 4.x needs v6.0 or later",
  },
  check({ env, other, self, profile, qa }) {
    if (self.os !== "windows" || self.isFlex || (self.extensionMajor ?? 0) < 4) return [];
    const value = env.config?.netFrameworkVersion ?? "(not set)";
    const version = netVersion(value);
    if (version !== undefined && version >= 6) return [];
    // .NET Framework 4.8 isolated legitimately reports v4.0.
    if (self.workerRuntime === "dotnet-isolated" && self.stack) return [];
    const qaValue =
      env.role === "prod" && profile.qa.os === "windows" ? qa.config?.netFrameworkVersion : undefined;
    const target = qaValue && (netVersion(qaValue) ?? 0) >= 6 ? qaValue : "v8.0";
    return [
      {
        message: "old",
        args: { env: env.role, value },
        environment: env.role,
        evidence: {
          setting: "netFrameworkVersion",
          qa: qa.config?.netFrameworkVersion ?? "(not set)",
          prod: env.role === "prod" ? value : undefined,
        },
        // Only QA's value, on a build QA runs with it, is known to fit the deployed payload.
        fix: loadChangeFix(
          env,
          target === qaValue ? other : undefined,
          `Target ${target}, as QA does.`,
          `Target the .NET version the deployed build was compiled for (${target} if it is that build; see R08 for .NET 8 in-process).`,
          az.configSet(env, "net-framework-version", target),
        ),
      },
    ];
  },
});

/** R05: the site's .NET target must be a row of the stacks matrix for its worker and runtime version. */
export const targetNotInStacks = defineRule({
  id: "R05",
  scope: "each",
  title: "The .NET target matches a supported stack for the worker and runtime version",
  severity: "critical",
  docs: "https://learn.microsoft.com/azure/azure-functions/functions-reference?tabs=blob#runtime-versions",
  why:
    "A target that no stack row lists (dotnet|3.1 on ~4, DOTNET|6.0 with dotnet-isolated) puts the app on " +
    "the wrong host or worker image.",
  needs: ["appSettings", "config", "site"],
  appliesTo: imageReason,
  messages: {
    none: "{env} targets {target} with worker {worker} on {version}: no Function App stack matches",
    version: "{env} targets {stack}, which supports runtime {supported}, not {version}",
  },
  check({ env, other, self, profile }) {
    if (!self.target || !self.workerRuntime || !self.extensionMajor || !/^dotnet/.test(self.workerRuntime))
      return [];
    // R04 already covers a Windows 4.x app left on v4.0/v5.0.
    if (
      self.os === "windows" &&
      self.extensionMajor >= 4 &&
      (netVersion(self.target) ?? 0) < 6 &&
      !(self.workerRuntime === "dotnet-isolated" && self.stack)
    )
      return [];
    const wanted = `~${self.extensionMajor}`;
    if (self.stack?.extensionVersions.includes(wanted) || (self.isFlex && self.stack)) return [];
    const qaProfile = profile.qa;
    const qaFits =
      env.role === "prod" &&
      isTargetable(qaProfile.stack, self.hosting) &&
      qaProfile.workerRuntime === self.workerRuntime &&
      qaProfile.os === self.os &&
      qaProfile.target;
    const option = self.os === "linux" ? "linux-fx-version" : "net-framework-version";
    return [
      {
        message: self.stack ? "version" : "none",
        args: {
          env: env.role,
          target: self.target,
          worker: self.workerRuntime,
          version: wanted,
          stack: stackLabel(self.stack),
          supported: self.stack?.extensionVersions.join(", ") ?? "",
        },
        environment: env.role,
        evidence: {
          setting: self.os === "linux" ? "linuxFxVersion" : "netFrameworkVersion",
          [env.role]: self.target,
          stack: stackLabel(self.stack),
          ...(env.role === "prod" ? { qa: qaProfile.target ?? "(not set)" } : {}),
        },
        fix: qaFits
          ? loadChangeFix(
              env,
              other,
              `Target ${qaProfile.target}, the stack QA runs.`,
              `Deploy the build QA tested with ${option} ${qaProfile.target}.`,
              self.isFlex
                ? az.flexRuntimeVersion(env, rowVersion(qaProfile.stack!))
                : az.configSet(env, option, qaProfile.target!),
            )
          : codeFix(
              `Choose a ${self.workerRuntime} stack that supports ${wanted} and set ${option} to its runtimeVersion.`,
            ),
      },
    ];
  },
});

/** R08: .NET 8 in-process lands on the .NET 6 host unless FUNCTIONS_INPROC_NET8_ENABLED=1. */
export const inProcessNet8NotEnabled = defineRule({
  id: "R08",
  scope: "each",
  title: ".NET 8 in-process apps set FUNCTIONS_INPROC_NET8_ENABLED=1",
  severity: "critical",
  docs: "https://learn.microsoft.com/azure/azure-functions/functions-dotnet-class-library#updating-to-target-net-8",
  why:
    'Without it the app runs on the .NET 6 in-process host and fails with "Could not load file or ' +
    "assembly 'System.ComponentModel, Version=8.0.0.0'\" (Azure/Azure-Functions#2476).",
  needs: ["appSettings", "config", "site"],
  messages: { missing: "{env} runs .NET 8 in-process ({target}) without FUNCTIONS_INPROC_NET8_ENABLED=1" },
  check({ env, other, self }) {
    if (self.workerRuntime !== "dotnet" || !/^(v8\.0|dotnet\|8\.0)$/i.test(self.target ?? "")) return [];
    const value = settingValue(env, "FUNCTIONS_INPROC_NET8_ENABLED");
    if (value === "1" || value?.toLowerCase() === "true") return [];
    return [
      {
        message: "missing",
        args: { env: env.role, target: self.target ?? "" },
        environment: env.role,
        evidence: {
          setting: "FUNCTIONS_INPROC_NET8_ENABLED",
          [env.role]: value ?? "(not set)",
          stack: stackLabel(self.stack),
        },
        // The other environment running the same build with the setting is what shows the build needs it.
        fix: loadChangeFix(
          env,
          /^(1|true)$/i.test(settingValue(other, "FUNCTIONS_INPROC_NET8_ENABLED") ?? "") ? other : undefined,
          "Enable the .NET 8 in-process host.",
          "If the deployed build targets .NET 8 in-process, enable the .NET 8 in-process host with it.",
          az.setSetting(env, "FUNCTIONS_INPROC_NET8_ENABLED", "1"),
        ),
      },
    ];
  },
});
