import type { EnvironmentFacts, Os, StackRow } from "../core/facts.js";
import { settingValue } from "../core/facts.js";
import {
  FLEX_DEFAULT_INSTANCE_MEMORY_MB,
  hostingModelOf,
  isContainerApp,
  skuMemoryMb,
  type HostingModel,
} from "../core/platform.js";

/**
 * Where an app's language version lives, which is also where a fix changes it:
 * `linuxFxVersion` (Linux), an app setting (`WEBSITE_NODE_DEFAULT_VERSION`, Windows Node), a site
 * config property (`netFrameworkVersion`, `javaVersion`, `powerShellVersion`, Windows), or Flex
 * Consumption's `functionAppConfig.runtime`.
 */
export interface VersionSetting {
  name: string;
  where: "linuxFxVersion" | "appSetting" | "siteConfig" | "flex";
}

/** What runs in one environment, resolved against the Function App Stacks matrix. */
export interface RuntimeProfile {
  os?: Os;
  extensionVersion?: string;
  /** 4 for `~4`, `4.*` or a 4.x pin. */
  extensionMajor?: number;
  workerRuntime?: string;
  /** netFrameworkVersion on Windows, linuxFxVersion on Linux, Flex's runtime otherwise. */
  target?: string;
  workerModel?: "in-process" | "isolated";
  bitness?: "32-bit" | "64-bit";
  isFlex: boolean;
  /** The language worker (dotnet, dotnet-isolated, node, python, java, powershell, custom). */
  language?: string;
  /** The language's version as the platform runs it: `3.11`, `20`, `17`, `7.4`, `8.0`. */
  languageVersion?: string;
  versionSetting?: VersionSetting;
  /** The app runs a container image (`DOCKER|…`): the language stack is inside the image. */
  containerImage?: boolean;
  /**
   * Where the app runs and its tier, from the best source that answered (the plan's `sku.tier`, else
   * the site's own `sku`: real Azure answers 404 for some Consumption plans it lists), and which it was.
   */
  hosting?: HostingModel;
  tier?: string;
  tierSource?: "plan" | "site";
  /** Memory one instance gets: Flex's `instanceMemoryMB`, else the plan SKU's. */
  instanceMemoryMb?: number;
  /** What was read to identify the stack, said when it cannot be identified. */
  read: string[];
  stack?: StackRow;
}

const FX_LANGUAGE: Record<string, string> = {
  "dotnet-isolated": "dotnet-isolated",
  dotnet: "dotnet",
  node: "node",
  python: "python",
  java: "java",
  powershell: "powershell",
};

const show = (value: string | undefined) => (value === undefined ? "(not set)" : `"${value}"`);

export function runtimeProfile(env: EnvironmentFacts, rows: StackRow[]): RuntimeProfile {
  const os = env.site?.os;
  const flex = env.site?.flexRuntime;
  const extensionVersion = settingValue(env, "FUNCTIONS_EXTENSION_VERSION");
  const workerSetting = settingValue(env, "FUNCTIONS_WORKER_RUNTIME")?.toLowerCase() || undefined;
  const workerRuntime = flex?.name.toLowerCase() ?? workerSetting;
  const profile: RuntimeProfile = {
    os,
    extensionVersion,
    // Flex Consumption runs 4.x only and takes no FUNCTIONS_EXTENSION_VERSION.
    extensionMajor: flex ? 4 : extensionMajor(extensionVersion),
    workerRuntime,
    isFlex: Boolean(flex),
    workerModel:
      workerRuntime === "dotnet"
        ? "in-process"
        : workerRuntime === "dotnet-isolated"
          ? "isolated"
          : undefined,
    read: [],
  };
  identifyLanguage(profile, env);
  onlyOffered(profile, rows);
  // Linux and Flex workers are always 64-bit; only Windows offers the 32-bit worker.
  if (os === "linux" || flex) profile.bitness = "64-bit";
  else if (env.config?.use32BitWorkerProcess !== undefined)
    profile.bitness = env.config.use32BitWorkerProcess ? "32-bit" : "64-bit";
  profile.stack = matchStack(profile, rows);
  Object.assign(profile, hostingFacts(env));
  return profile;
}

/** The hosting model, tier and instance memory, each from the best source that answered. */
function hostingFacts(
  env: EnvironmentFacts,
): Pick<RuntimeProfile, "hosting" | "tier" | "tierSource" | "instanceMemoryMb"> {
  if (isContainerApp(env)) return { hosting: "container-apps" };
  const flex =
    env.site?.flexRuntime !== undefined || /^FlexConsumption$/i.test(env.plan?.tier ?? env.site?.sku ?? "");
  const planTier = env.plan && env.plan.tier !== "unknown" ? env.plan.tier : undefined;
  const tier = planTier ?? env.site?.sku ?? (flex ? "FlexConsumption" : undefined);
  const tierSource = planTier ? "plan" : env.site?.sku ? "site" : undefined;
  const instanceMemoryMb = flex
    ? (env.site?.flexScale?.instanceMemoryMB ?? FLEX_DEFAULT_INSTANCE_MEMORY_MB)
    : skuMemoryMb(env.plan?.skuName);
  return {
    hosting: flex ? "flex" : hostingModelOf(tier),
    ...(tier ? { tier } : {}),
    ...(tierSource ? { tierSource } : {}),
    ...(instanceMemoryMb ? { instanceMemoryMb } : {}),
  };
}

/**
 * The language and its version, from the best source for the hosting model: Flex's
 * `functionAppConfig.runtime`; on Linux `linuxFxVersion`, or, when it is empty (real Linux
 * Consumption apps report `""`), FUNCTIONS_WORKER_RUNTIME with FUNCTIONS_WORKER_RUNTIME_VERSION;
 * on Windows FUNCTIONS_WORKER_RUNTIME with the setting that language reads its version from.
 */
function identifyLanguage(profile: RuntimeProfile, env: EnvironmentFacts): void {
  const flex = env.site?.flexRuntime;
  const worker = profile.workerRuntime;
  const runtimeVersionSetting = settingValue(env, "FUNCTIONS_WORKER_RUNTIME_VERSION") || undefined;
  if (flex) {
    profile.language = worker;
    profile.languageVersion = flex.version || undefined;
    profile.versionSetting = { name: "functionAppConfig.runtime.version", where: "flex" };
    profile.target = `${flex.name}|${flex.version}`;
    profile.read.push(`functionAppConfig.runtime ${flex.name} ${show(flex.version)}`);
    return;
  }
  const fx = env.config?.linuxFxVersion?.trim() || undefined;
  if (profile.os === "linux") {
    profile.versionSetting = { name: "linuxFxVersion", where: "linuxFxVersion" };
    if (!env.config) {
      // config/web was not read: linuxFxVersion is unknown, not "". It is what a Linux host runs when
      // set, so no setting stands in for it (WEBSITE_NODE_DEFAULT_VERSION is Windows Node's): the
      // language is the worker's, its version unknown.
      profile.read.push("linuxFxVersion (not read)", `FUNCTIONS_WORKER_RUNTIME ${show(worker)}`);
      profile.language = worker;
      return;
    }
    profile.read.push(`linuxFxVersion ${show(env.config.linuxFxVersion ?? "")}`);
    const parsed = fx ? /^([\w-]+)\|(.*)$/.exec(fx) : null;
    if (parsed) {
      const prefix = parsed[1]!.toLowerCase();
      profile.target = fx;
      if (prefix === "docker" || prefix === "compose") {
        profile.containerImage = true;
        profile.language = worker;
        return;
      }
      profile.language = FX_LANGUAGE[prefix] ?? prefix;
      profile.languageVersion = parsed[2] || undefined;
      return;
    }
    // linuxFxVersion "" (Linux Consumption): the worker settings say what runs.
    profile.read.push(
      `FUNCTIONS_WORKER_RUNTIME ${show(worker)}`,
      `FUNCTIONS_WORKER_RUNTIME_VERSION ${show(runtimeVersionSetting)}`,
    );
    profile.language = worker;
    const node = worker === "node" ? settingValue(env, "WEBSITE_NODE_DEFAULT_VERSION") : undefined;
    if (node) profile.read.push(`WEBSITE_NODE_DEFAULT_VERSION ${show(node)}`);
    profile.languageVersion =
      runtimeVersionSetting ?? /^~?(\d+)/.exec(node ?? "")?.[1] ?? inProcessDefault(profile, env);
    return;
  }
  profile.read.push(`FUNCTIONS_WORKER_RUNTIME ${show(worker)}`);
  profile.language = worker;
  const config = env.config;
  if (worker === "node") {
    const node = settingValue(env, "WEBSITE_NODE_DEFAULT_VERSION");
    profile.versionSetting = { name: "WEBSITE_NODE_DEFAULT_VERSION", where: "appSetting" };
    profile.read.push(`WEBSITE_NODE_DEFAULT_VERSION ${show(node)}`);
    profile.target = node;
    profile.languageVersion = /^~?(\d+)/.exec(node ?? "")?.[1];
  } else if (worker === "java") {
    profile.versionSetting = { name: "javaVersion", where: "siteConfig" };
    profile.read.push(`javaVersion ${show(config?.javaVersion)}`);
    profile.target = config?.javaVersion;
    profile.languageVersion = javaMajor(config?.javaVersion);
  } else if (worker === "powershell") {
    profile.versionSetting = { name: "powerShellVersion", where: "siteConfig" };
    profile.read.push(`powerShellVersion ${show(config?.powerShellVersion)}`);
    profile.target = config?.powerShellVersion;
    profile.languageVersion = /^~?\d+(\.\d+)?/.exec(config?.powerShellVersion ?? "")?.[0];
  } else if (worker === "custom") {
    // A custom handler brings its own executable: there is no language version to read.
    profile.target = "custom";
  } else {
    profile.versionSetting = { name: "netFrameworkVersion", where: "siteConfig" };
    profile.read.push(`netFrameworkVersion ${show(config?.netFrameworkVersion)}`);
    profile.target = config?.netFrameworkVersion;
    profile.languageVersion = /^v?(\d+\.\d+)$/i.exec(config?.netFrameworkVersion ?? "")?.[1];
  }
}

/**
 * A language whose version was not read, on a runtime version that offers exactly one version of
 * it, runs that one: dotnet-isolated on ~3 is .NET 5 (the stacks list no other isolated .NET on ~3).
 */
function onlyOffered(profile: RuntimeProfile, rows: StackRow[]): void {
  if (!profile.language || profile.languageVersion || profile.containerImage || profile.os !== "linux")
    return;
  if (profile.target || profile.extensionMajor === undefined) return;
  const wanted = `~${profile.extensionMajor}`;
  const versions = new Set(
    rows
      .filter(
        (r) =>
          r.os === "linux" && r.workerRuntime === profile.language && r.extensionVersions.includes(wanted),
      )
      .map(rowVersion),
  );
  if (versions.size !== 1) return;
  profile.languageVersion = [...versions][0];
  profile.read.push(`the only ${profile.language} stack on ${wanted}: ${profile.languageVersion}`);
}

/** In-process on ~4 runs the .NET 6 host, or .NET 8 with FUNCTIONS_INPROC_NET8_ENABLED=1. */
function inProcessDefault(profile: RuntimeProfile, env: EnvironmentFacts): string | undefined {
  if (profile.workerRuntime !== "dotnet" || profile.extensionMajor !== 4) return undefined;
  const net8 = settingValue(env, "FUNCTIONS_INPROC_NET8_ENABLED");
  profile.read.push(`FUNCTIONS_INPROC_NET8_ENABLED ${show(net8)}`);
  return net8 === "1" || net8?.toLowerCase() === "true" ? "8.0" : "6.0";
}

/** Java 8 is `1.8` in the stacks and on Windows; `17.0.2` is 17. */
function javaMajor(value: string | undefined): string | undefined {
  const match = /^(1\.8|\d+)/.exec(value ?? "");
  if (!match) return undefined;
  return match[1] === "8" ? "1.8" : match[1];
}

export function extensionMajor(version: string | undefined): number | undefined {
  const match = /^~?(\d+)/.exec(version ?? "");
  return match ? Number(match[1]) : undefined;
}

/** The version part of a stacks row as the languages name it: `Python|3.11` → 3.11, `~20` → 20, `1.8` → 1.8. */
export function rowVersion(row: StackRow): string {
  const version = row.runtimeVersion.includes("|") ? row.runtimeVersion.split("|")[1]! : row.runtimeVersion;
  return version.replace(/^~/, "").replace(/^v/i, "");
}

/**
 * The stacks row this environment runs. In-process and isolated share `v6.0`/`v8.0` on
 * Windows, so the worker runtime is part of the key; a 3.x .NET Core app reports
 * `netFrameworkVersion v4.0`, which the portal maps to 3.1 (azure-functions-ux
 * `FunctionsDotnetVersion`), and 2.x maps to 2.2. Flex and Linux apps without a linuxFxVersion
 * match on the worker and version; other Windows languages on the version setting's value.
 */
function matchStack(profile: RuntimeProfile, rows: StackRow[]): StackRow | undefined {
  if (!profile.os || profile.containerImage) return undefined;
  const os = profile.isFlex ? "linux" : profile.os;
  const sameWorker = (row: StackRow) =>
    !profile.workerRuntime || !row.workerRuntime || row.workerRuntime === profile.workerRuntime;
  let candidates: StackRow[];
  const byVersion = os === "linux" && (profile.isFlex || !profile.target);
  if (byVersion || (profile.os === "windows" && /^(node|java|powershell)$/.test(profile.language ?? ""))) {
    if (!profile.language || !profile.languageVersion) return undefined;
    const version = profile.languageVersion.toLowerCase();
    candidates = rows.filter(
      (row) =>
        row.os === os &&
        row.workerRuntime === profile.language &&
        rowVersion(row).toLowerCase() === version.replace(/^~/, ""),
    );
  } else {
    if (!profile.target) return undefined;
    let target = profile.target.toLowerCase();
    if (profile.os === "windows" && profile.workerRuntime === "dotnet" && target === "v4.0") {
      if (profile.extensionMajor === 3) target = "3.1";
      else if (profile.extensionMajor === 2) target = "2.2";
    }
    candidates = rows.filter(
      (row) => row.os === os && row.runtimeVersion.toLowerCase() === target && sameWorker(row),
    );
  }
  const wanted = profile.extensionVersion || profile.isFlex ? `~${profile.extensionMajor}` : undefined;
  return candidates.find((row) => wanted && row.extensionVersions.includes(wanted)) ?? candidates[0];
}

/** A short name for a stacks row, e.g. `dotnet8isolated (.NET 8 Isolated)`. */
export function stackLabel(row: StackRow | undefined): string {
  return row
    ? `${row.major} (${row.minor}, ${row.os} runtimeVersion ${row.runtimeVersion})`
    : "no matching stack";
}

/**
 * A stacks row's human name, as the portal shows it: `PowerShell 7.4`, `Python 3.12`, `Node.js 20 LTS`,
 * `.NET 8 Isolated`, `.NET 6 In-process`, `Java 17` (the minor version's displayText, without a
 * support label such as `(LTS)`: the finding gives the date). The major's `value` is no name: it is
 * `7` for PowerShell, `3` for Python, `dotnet8isolated` for .NET.
 */
export function stackName(row: StackRow): string {
  return (row.minor || row.major).replace(/\s*\((?:LTS|STS|non-LTS)\)/gi, "");
}

/** A human name for what the profile runs: `python 3.11`, `node 20`, `dotnet-isolated 10.0`. */
export function languageLabel(profile: RuntimeProfile): string {
  if (!profile.language) return "an unidentified stack";
  return profile.languageVersion ? `${profile.language} ${profile.languageVersion}` : profile.language;
}
