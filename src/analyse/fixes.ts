import type { EnvironmentFacts, PlanFacts } from "../core/facts.js";
import { azTarget } from "../core/resource-id.js";
import type { Fix } from "./rule.js";

/** The exact `az` commands behind each fix. They only ever carry non-secret values. */
function quote(value: string): string {
  return /^[\w.~\-/=:,]+$/.test(value) ? value : `"${value.replace(/(["\\$`])/g, "\\$1")}"`;
}

export const az = {
  setSetting: (env: EnvironmentFacts, name: string, value: string) =>
    `az functionapp config appsettings set ${azTarget(env.ref)} --settings ${quote(`${name}=${value}`)}`,
  deleteSetting: (env: EnvironmentFacts, name: string) =>
    `az functionapp config appsettings delete ${azTarget(env.ref)} --setting-names ${quote(name)}`,
  configSet: (env: EnvironmentFacts, option: string, value: string) =>
    `az functionapp config set ${azTarget(env.ref)} --${option} ${quote(value)}`,
  planSku: (plan: PlanFacts, sku: string) =>
    `az functionapp plan update -g ${plan.resourceGroup} -n ${plan.name} --sku ${quote(sku)}`,
  start: (env: EnvironmentFacts) => `az functionapp start ${azTarget(env.ref)}`,
  restart: (env: EnvironmentFacts) => `az functionapp restart ${azTarget(env.ref)}`,
};

export function configFix(summary: string, ...commands: string[]): Fix {
  return { kind: "config", summary, commands };
}

export function codeFix(summary: string): Fix {
  return { kind: "code", summary, commands: [] };
}

export function rollbackFix(summary: string): Fix {
  return { kind: "rollback", summary, commands: [] };
}
