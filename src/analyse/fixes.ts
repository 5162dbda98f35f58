import type { EnvironmentFacts, Os, PlanFacts, StackRow } from "../core/facts.js";
import { rowVersion, type VersionSetting } from "./profile.js";
import { azTarget } from "../core/resource-id.js";
import { shellOption as option } from "../core/shell.js";
import type { Fix } from "./rule.js";
import { payloadWorker } from "./payload.js";

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
  /** Flex's scale limit: functionAppScaleLimit is rejected on Flex (azure-functions-host#10643). */
  flexMaximumInstances: (env: EnvironmentFacts, count: number) =>
    `az functionapp scale config set ${azTarget(env.ref)} ${option("--maximum-instance-count", String(count))}`,
  /** Consumption and Elastic Premium keep their scale limit in config/web. */
  scaleLimit: (env: EnvironmentFacts, count: number) =>
    `az resource update ${option("--ids", `${env.ref.id}/config/web`)} ` +
    option("--set", `properties.functionAppScaleLimit=${count}`),
  /** https://learn.microsoft.com/cli/azure/functionapp/plan#az-functionapp-plan-update */
  maxBurst: (plan: PlanFacts, count: number) =>
    `az functionapp plan update ${option("-g", plan.resourceGroup)} ${option("-n", plan.name)} ${option("--max-burst", String(count))}`,
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

/**
 * Commands that change what code the host loads: the worker runtime, the .NET target, the stack or
 * linuxFxVersion, the language version, the in-process .NET 8 host. Never a hotfix step on a running
 * production unless the deployed payload needs the change (property 1, README "What the gate promises").
 */
export const LOADS_OTHER_CODE = new RegExp(
  [
    "FUNCTIONS_WORKER_RUNTIME=",
    "FUNCTIONS_INPROC_NET8_ENABLED",
    "WEBSITE_NODE_DEFAULT_VERSION=",
    "--net-framework-version",
    "--linux-fx-version",
    "--java-version",
    "--powershell-version",
    "--runtime-version",
  ].join("|"),
);

/**
 * Whether the environment's host runs what is deployed: status Running with no errors (true), a host
 * that is not Running or reports errors (false), or not known (undefined: status unread, app stopped).
 */
export function hostRunsDeployed(env: EnvironmentFacts): boolean | undefined {
  if (!env.host) return undefined;
  return env.host.state === "Running" && env.host.errors.length === 0;
}

const PAYLOAD_NEEDS_IT =
  "the deployed build needs the new value: this app's host does not run as configured (not Running, or " +
  "errors) while the other environment's host runs the same build with that value";

const PAYLOAD_DECLARES =
  "the deployed build needs the new value: the deployed functions declare the worker the commands set " +
  "(the functions list's language), and any other runtime change is what the other environment's host runs " +
  "that build with";

const PAYLOAD_REFUSES =
  "never on this app: the deployed functions declare another worker than the commands set (the functions " +
  "list's language); the change goes with a build of that worker";

/** The worker runtime a command sets, if it sets one. */
const workerSetBy = (command: string) => /FUNCTIONS_WORKER_RUNTIME=([\w-]+)/.exec(command)?.[1];

/**
 * A command the deployed payload itself requires once its functions declare `worker`: the worker
 * setting to that worker, and for an isolated payload removing FUNCTIONS_INPROC_NET8_ENABLED, which
 * only the in-process host reads.
 */
function payloadRequires(command: string, worker: string): boolean {
  const set = workerSetBy(command);
  if (set !== undefined) return set === worker;
  return worker === "dotnet-isolated" && /appsettings delete .*FUNCTIONS_INPROC_NET8_ENABLED/.test(command);
}

/**
 * A change to what code the host loads. It is a configuration fix only when its precondition is known
 * to hold. When the commands set a worker runtime and the deployed functions declare one
 * (src/analyse/payload.ts), they decide: the payload needs that worker (a hotfix, any other runtime
 * change, such as the .NET version, being what `tested`'s host runs the build with) or it needs
 * another (never a hotfix). Otherwise: this app's host does not run what is deployed, and `tested`'s
 * host runs the same build with the value the commands set. When the precondition does not hold the
 * change goes with a build (`codeSummary`), the commands being what to set when that build is
 * deployed. A running app proves that its build runs as configured.
 */
export function loadChangeFix(
  env: EnvironmentFacts,
  tested: EnvironmentFacts | undefined,
  summary: string,
  codeSummary: string,
  ...commands: string[]
): Fix {
  const deployed = payloadWorker(env);
  const sets = commands.map(workerSetBy).find((worker) => worker !== undefined);
  const testedRuns = tested !== undefined && hostRunsDeployed(tested) === true;
  if (deployed !== undefined && sets !== undefined) {
    const holds =
      deployed === sets &&
      (testedRuns || commands.every((c) => !LOADS_OTHER_CODE.test(c) || payloadRequires(c, deployed)));
    return {
      kind: holds ? "config" : "code",
      summary: holds ? summary : codeSummary,
      commands,
      precondition: deployed === sets ? PAYLOAD_DECLARES : PAYLOAD_REFUSES,
    };
  }
  const holds = hostRunsDeployed(env) === false && testedRuns;
  return {
    kind: holds ? "config" : "code",
    summary: holds ? summary : codeSummary,
    commands,
    precondition: PAYLOAD_NEEDS_IT,
  };
}

/**
 * The in-process → isolated move is one build step: a new isolated build, deployed together with
 * FUNCTIONS_WORKER_RUNTIME=dotnet-isolated, the framework version (Windows `--net-framework-version`,
 * Linux `DOTNET-ISOLATED|N.0`), and FUNCTIONS_INPROC_NET8_ENABLED removed; any one alone stops the host
 * (https://learn.microsoft.com/azure/azure-functions/migrate-dotnet-to-isolated-model).
 */
export function isolatedMoveCommands(env: EnvironmentFacts, os: Os, row: StackRow | undefined): string[] {
  const version = row ? rowVersion(row) : undefined;
  return [
    az.setSetting(env, "FUNCTIONS_WORKER_RUNTIME", "dotnet-isolated"),
    ...(version
      ? [
          os === "linux"
            ? az.configSet(env, "linux-fx-version", `DOTNET-ISOLATED|${version}`)
            : az.configSet(env, "net-framework-version", `v${version}`),
        ]
      : []),
    az.deleteSetting(env, "FUNCTIONS_INPROC_NET8_ENABLED"),
  ];
}
