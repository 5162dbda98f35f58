import type { Rule } from "../rule.js";
import { inProcessNet8NotEnabled, targetNotInStacks, windowsNetFrameworkTooOld } from "./dotnet-target.js";
import { isolatedPlaceholder, thirtyTwoBitWorker } from "./bitness.js";
import { bitnessDrift, osDrift, planDrift, rolesSwapped, settingDrift, siteConfigDrift } from "./drift.js";
import { appStopped, hostErrors, hostNotRunning, notApplicable } from "./host.js";
import { languageDrift, languageVersionOffered, stackIdentified } from "./language.js";
import { dashboardSetting, v2CompatibilityMode } from "./legacy-settings.js";
import {
  applicationSignals,
  cpuPressure,
  errorRateRegression,
  latencyRegression,
  memoryPressure,
  metricRegression,
  metricsJudged,
  prodDiffersFromQa,
  saturation,
  trafficCollapse,
} from "./metrics.js";
import { runFromPackage } from "./run-from-package.js";
import {
  runtimeVersionMissing,
  runtimeVersionPinnedOrDrifted,
  runtimeVersionUnsupported,
} from "./runtime-version.js";
import { hostIdCollision, storageSettings } from "./storage.js";
import { inProcessRetirement, stackEndOfLife } from "./support.js";
import { workerRuntimeMismatch, workerRuntimeMissing } from "./worker-runtime.js";

/** Every rule, in catalogue order. Ids are stable: reports, ignores and CI tools key on them. */
export const RULES: readonly Rule[] = [
  runtimeVersionMissing,
  runtimeVersionUnsupported,
  runtimeVersionPinnedOrDrifted,
  windowsNetFrameworkTooOld,
  targetNotInStacks,
  workerRuntimeMissing,
  workerRuntimeMismatch,
  inProcessNet8NotEnabled,
  thirtyTwoBitWorker,
  isolatedPlaceholder,
  stackEndOfLife,
  inProcessRetirement,
  hostIdCollision,
  storageSettings,
  dashboardSetting,
  v2CompatibilityMode,
  runFromPackage,
  languageVersionOffered,
  stackIdentified,
  settingDrift,
  planDrift,
  siteConfigDrift,
  languageDrift,
  osDrift,
  rolesSwapped,
  bitnessDrift,
  hostNotRunning,
  hostErrors,
  appStopped,
  notApplicable,
  metricsJudged,
  errorRateRegression,
  trafficCollapse,
  memoryPressure,
  cpuPressure,
  saturation,
  metricRegression,
  prodDiffersFromQa,
  applicationSignals,
  latencyRegression,
];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((rule) => rule.id.toLowerCase() === id.toLowerCase());
}
