import type { Windows } from "./windows.js";
import type { AppRef } from "./resource-id.js";

/**
 * What the check knows about one environment, already redacted: no app-setting or
 * connection-string value is kept here except the allow-listed non-secret ones.
 * Everything the rules see comes from this shape, live or replayed.
 */
export type Os = "windows" | "linux";
export type Role = "qa" | "prod";

export interface SiteFacts {
  name: string;
  kind: string;
  state: string;
  enabled: boolean;
  os: Os;
  location: string;
  planId?: string;
  /** The plan's tier as the site reports it (Dynamic, ElasticPremium, PremiumV3, …). */
  sku?: string;
  lastModified?: string;
  /** Flex Consumption apps carry their runtime here, not in FUNCTIONS_* settings. */
  flexRuntime?: { name: string; version: string };
  /** Flex Consumption scale (`functionAppConfig.scaleAndConcurrency`): instance memory 512/2048/4096 MB. */
  flexScale?: { instanceMemoryMB?: number; maximumInstanceCount?: number };
  /** Set for a Function App hosted on Azure Container Apps (`kind` contains `azurecontainerapps`). */
  managedEnvironmentId?: string;
  /** The Application Insights component the portal linked (tag `hidden-link: /app-insights-resource-id`). */
  appInsightsId?: string;
  /** The site's `environment` (or `env`, `stage`) tag, lowercased: says whether it is QA or production. */
  environmentTag?: string;
  /** The last slot swap into this site: the source slot then holds the previous build. */
  lastSwap?: { time: string; sourceSlot: string; destinationSlot: string };
}

export interface ConfigFacts {
  netFrameworkVersion?: string;
  linuxFxVersion?: string;
  use32BitWorkerProcess?: boolean;
  alwaysOn?: boolean;
  functionAppScaleLimit?: number;
  minimumElasticInstanceCount?: number;
  powerShellVersion?: string;
  javaVersion?: string;
}

/**
 * One app setting or connection string as the check keeps it: the value only for
 * allow-listed non-secret settings, otherwise a keyed hash (to compare QA with prod)
 * and the few non-secret facts the rules need.
 */
export interface SettingFact {
  value?: string;
  hash: string;
  /**
   * Decided at redaction time, without keeping the value: `credential` for a value shaped like a
   * secret (a connection string with a key or password, a SAS signature, a token, a URL with
   * credentials, a long high-entropy string); `plain` otherwise (`true`, `1`, a region, a log level).
   * Only a shared `credential` can be a shared secret.
   */
  shape?: "credential" | "plain";
  storageAccount?: string;
  /** For a WEBSITE_RUN_FROM_PACKAGE URL: the SAS expiry (`se=`), never the URL itself. */
  packageUrl?: { sasExpiry?: string };
}

export interface PlanFacts {
  id: string;
  name: string;
  resourceGroup: string;
  skuName: string;
  tier: string;
  os: Os;
  capacity?: number;
  numberOfSites?: number;
  maximumElasticWorkerCount?: number;
}

export interface DeploymentFacts {
  id: string;
  /** Kudu DeployStatus: 0 pending, 1 building, 2 deploying, 3 failed, 4 success. */
  status: number;
  active: boolean;
  startTime?: string;
  endTime?: string;
  author?: string;
  deployer?: string;
}

export interface HostStatusFacts {
  state: string;
  version?: string;
  errors: string[];
  extensionBundle?: { id: string; version: string };
}

export type FactSource =
  | "site"
  | "config"
  | "appSettings"
  | "connectionStrings"
  | "slotConfigNames"
  | "plan"
  | "functions"
  | "slots"
  | "deployments"
  | "hostStatus"
  | "metrics"
  | "logs";

/** A fact that could not be read, and why. Rules that need it report "unknown". */
export interface Gap {
  source: FactSource;
  reason: string;
  statusCode?: number;
  /** Azure answered, but not with the documented shape (collect/shapes.ts): no plan is derived while any is. */
  malformed?: true;
}

export interface EnvironmentFacts {
  role: Role;
  ref: AppRef;
  site?: SiteFacts;
  config?: ConfigFacts;
  appSettings?: Record<string, SettingFact>;
  connectionStrings?: Record<string, SettingFact & { type: string }>;
  slotSettingNames?: string[];
  plan?: PlanFacts;
  functions?: { name: string; disabled: boolean }[];
  /**
   * The languages the deployed functions declare (the functions list's `language`, as Azure writes
   * it: `dotnet-isolated`, `DotNetAssembly`, `CSharp`, `node`, `python`, `java`, `powershell`, …),
   * distinct and sorted; set whenever the functions list was read (empty: no function declares one).
   * What the deployed payload needs (src/analyse/payload.ts).
   */
  deployedLanguages?: string[];
  slots?: { name: string; state: string }[];
  deployments?: DeploymentFacts[];
  host?: HostStatusFacts;
  metrics?: MetricsFacts;
  logs?: LogsFacts;
  gaps: Gap[];
}

/** Application Insights signals counted per window: exceptions by type, failed requests, host signals. */
export interface LogsFacts {
  component: string;
  rows: {
    window: "baseline" | "after";
    kind: "exception" | "failed request" | "host signal";
    name: string;
    count: number;
  }[];
}

/** Per metric, the value of each bucket in each window (null: Azure had no value for it). */
export interface MetricsFacts {
  series: Record<
    string,
    {
      baseline: (number | null)[];
      after: (number | null)[];
      /** The after-window's hours seven days earlier, for time of day (read with a `before` baseline). */
      lastWeek?: (number | null)[];
    }
  >;
  /** Metrics not judged, and why: not offered by the app or its plan, or rejected by the service. */
  unavailable: Record<string, string>;
}

/** One row of the Function App Stacks matrix, for one OS. */
export interface StackRow {
  stack: string;
  major: string;
  minor: string;
  os: Os;
  runtimeVersion: string;
  workerRuntime?: string;
  appSettings: Record<string, string>;
  use32BitWorkerProcess?: boolean;
  extensionVersions: string[];
  endOfLife?: string;
  /** Where `endOfLife` comes from: the Stacks API or bundled copy, or a vendor date that corrects it (collect/stacks.ts). */
  endOfLifeSource?: string;
  isDeprecated: boolean;
  /** Preview or hidden rows (`isPreview`, `isHidden`) are shown to no one: never a plan's target. */
  isPreview?: boolean;
  isHidden?: boolean;
}

export interface StacksFacts {
  source: "api" | "bundled";
  /** Why the bundled copy was used, when it was. */
  note?: string;
  /** The bundled snapshot's date. */
  snapshotDate?: string;
  /** Whole days from the snapshot to the check's clock (0 when the snapshot is newer than the check). */
  ageDays?: number;
  /** The snapshot is dated after the check's clock (replaying a recording older than this build's data). */
  newerThanCheck?: boolean;
  rows: StackRow[];
}

export interface CheckFacts {
  /** The check's own clock: now for a live run, the recording's time in replay. */
  now: string;
  qa: EnvironmentFacts;
  prod: EnvironmentFacts;
  stacks: StacksFacts;
  /** The windows the metrics were read for; absent when the release time is unknown or too recent. */
  metricWindows?: Windows;
}

export function setting(env: EnvironmentFacts, name: string): SettingFact | undefined {
  if (!env.appSettings) return undefined;
  // App setting names are case-insensitive on Windows and the portal treats them so.
  const exact = env.appSettings[name];
  if (exact) return exact;
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(env.appSettings)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

export function settingValue(env: EnvironmentFacts, name: string): string | undefined {
  return setting(env, name)?.value;
}
