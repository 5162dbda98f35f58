import type { EnvironmentFacts, Os, StackRow } from "../core/facts.js";
import { settingValue } from "../core/facts.js";

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
  stack?: StackRow;
}

export function runtimeProfile(env: EnvironmentFacts, rows: StackRow[]): RuntimeProfile {
  const os = env.site?.os;
  const flex = env.site?.flexRuntime;
  const extensionVersion = settingValue(env, "FUNCTIONS_EXTENSION_VERSION");
  const workerRuntime = flex?.name ?? settingValue(env, "FUNCTIONS_WORKER_RUNTIME");
  const profile: RuntimeProfile = {
    os,
    extensionVersion,
    // Flex Consumption runs 4.x only and takes no FUNCTIONS_EXTENSION_VERSION.
    extensionMajor: flex ? 4 : extensionMajor(extensionVersion),
    workerRuntime,
    isFlex: Boolean(flex),
    target: flex
      ? `${flex.name}|${flex.version}`
      : os === "linux"
        ? env.config?.linuxFxVersion
        : windowsTarget(env),
    workerModel:
      workerRuntime === "dotnet"
        ? "in-process"
        : workerRuntime === "dotnet-isolated"
          ? "isolated"
          : undefined,
  };
  // Linux and Flex workers are always 64-bit; only Windows offers the 32-bit worker.
  if (os === "linux" || flex) profile.bitness = "64-bit";
  else if (env.config?.use32BitWorkerProcess !== undefined)
    profile.bitness = env.config.use32BitWorkerProcess ? "32-bit" : "64-bit";
  profile.stack = matchStack(profile, rows);
  return profile;
}

export function extensionMajor(version: string | undefined): number | undefined {
  const match = /^~?(\d+)/.exec(version ?? "");
  return match ? Number(match[1]) : undefined;
}

function windowsTarget(env: EnvironmentFacts): string | undefined {
  const worker = settingValue(env, "FUNCTIONS_WORKER_RUNTIME");
  if (worker === "node") return settingValue(env, "WEBSITE_NODE_DEFAULT_VERSION");
  if (worker === "java") return env.config?.javaVersion;
  if (worker === "powershell") return env.config?.powerShellVersion;
  return env.config?.netFrameworkVersion;
}

/**
 * The stacks row this environment runs. In-process and isolated share `v6.0`/`v8.0` on
 * Windows, so the worker runtime is part of the key; a 3.x .NET Core app reports
 * `netFrameworkVersion v4.0`, which the portal maps to 3.1 (azure-functions-ux
 * `FunctionsDotnetVersion`), and 2.x maps to 2.2.
 */
function matchStack(profile: RuntimeProfile, rows: StackRow[]): StackRow | undefined {
  if (!profile.os || !profile.target) return undefined;
  let target = profile.target.toLowerCase();
  if (profile.os === "windows" && profile.workerRuntime === "dotnet" && target === "v4.0") {
    if (profile.extensionMajor === 3) target = "3.1";
    else if (profile.extensionMajor === 2) target = "2.2";
  }
  const candidates = rows.filter(
    (row) =>
      row.os === (profile.isFlex ? "linux" : profile.os) &&
      (profile.isFlex
        ? row.runtimeVersion.toLowerCase().endsWith(`|${profile.target!.split("|")[1]}`.toLowerCase())
        : row.runtimeVersion.toLowerCase() === target) &&
      (!profile.workerRuntime || !row.workerRuntime || row.workerRuntime === profile.workerRuntime),
  );
  const wanted = profile.extensionVersion ? `~${profile.extensionMajor}` : undefined;
  return candidates.find((row) => wanted && row.extensionVersions.includes(wanted)) ?? candidates[0];
}

/** A short name for a stacks row, e.g. `dotnet8isolated (.NET 8 Isolated)`. */
export function stackLabel(row: StackRow | undefined): string {
  return row
    ? `${row.major} (${row.minor}, ${row.os} runtimeVersion ${row.runtimeVersion})`
    : "no matching stack";
}
