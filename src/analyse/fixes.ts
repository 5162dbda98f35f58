import type { EnvironmentFacts, PlanFacts, StackRow } from "../core/facts.js";
import { rowVersion, type VersionSetting } from "./profile.js";
import { azTarget } from "../core/resource-id.js";
import { shellOption as option } from "../core/shell.js";
import type { Fix } from "./rule.js";

/**
 * The exact `az` commands behind each fix. They only ever carry non-secret values, and every value
 * is one shell word (src/core/shell.ts): a setting or plan name comes from Azure.
 */

export const az = {
  setSetting: (env: EnvironmentFacts, name: string, value: string) =>
    `az functionapp config appsettings set ${azTarget(env.ref)} ${option("--settings", `${name}=${value}`)}`,
  deleteSetting: (env: EnvironmentFacts, name: string) =>
    `az functionapp config appsettings delete ${azTarget(env.ref)} ${option("--setting-names", name)}`,
  configSet: (env: EnvironmentFacts, name: string, value: string) =>
    `az functionapp config set ${azTarget(env.ref)} ${option(`--${name}`, value)}`,
  planSku: (plan: PlanFacts, sku: string) =>
    `az functionapp plan update ${option("-g", plan.resourceGroup)} ${option("-n", plan.name)} ${option("--sku", sku)}`,
  /** Flex Consumption keeps its runtime in functionAppConfig: https://learn.microsoft.com/cli/azure/functionapp/runtime/config */
  flexRuntimeVersion: (env: EnvironmentFacts, version: string) =>
    `az functionapp runtime config set ${azTarget(env.ref)} ${option("--runtime-version", version)}`,
  /** https://learn.microsoft.com/cli/azure/functionapp/scale/config */
  flexInstanceMemory: (env: EnvironmentFacts, mb: number) =>
    `az functionapp scale config set ${azTarget(env.ref)} ${option("--instance-memory", String(mb))}`,
  start: (env: EnvironmentFacts) => `az functionapp start ${azTarget(env.ref)}`,
  restart: (env: EnvironmentFacts) => `az functionapp restart ${azTarget(env.ref)}`,
};

export function configFix(summary: string, ...commands: string[]): Fix {
  return { kind: "config", summary, commands };
}

/** A new build (or a new app) is needed; the commands, if any, are what to set once it is deployed. */
export function codeFix(summary: string, ...commands: string[]): Fix {
  return { kind: "code", summary, commands };
}

/**
 * The exact command that puts an environment on a stacks row's language version, at the place
 * that language reads it from (`linuxFxVersion`, `WEBSITE_NODE_DEFAULT_VERSION`, `javaVersion`,
 * `powerShellVersion`, `netFrameworkVersion`, or Flex's runtime version).
 */
export function versionCommand(
  env: EnvironmentFacts,
  where: VersionSetting | undefined,
  row: StackRow,
): string | undefined {
  switch (where?.where) {
    case "flex":
      return az.flexRuntimeVersion(env, rowVersion(row));
    case "linuxFxVersion":
      return az.configSet(env, "linux-fx-version", row.runtimeVersion);
    case "appSetting":
      return az.setSetting(env, where.name, row.runtimeVersion);
    case "siteConfig":
      return where.name === "javaVersion"
        ? az.configSet(env, "java-version", row.runtimeVersion)
        : where.name === "powerShellVersion"
          ? az.configSet(env, "powershell-version", row.runtimeVersion)
          : az.configSet(env, "net-framework-version", row.runtimeVersion);
    default:
      return undefined;
  }
}

export function rollbackFix(summary: string): Fix {
  return { kind: "rollback", summary, commands: [] };
}
