import type { EnvironmentFacts } from "./facts.js";

/**
 * Memory per instance of each App Service / Functions SKU, in MB
 * (https://learn.microsoft.com/azure/azure-functions/functions-scale#service-limits,
 * https://azure.microsoft.com/pricing/details/app-service/windows/). Flex's is per app.
 */
export const SKU_MEMORY_MB: Record<string, number> = {
  Y1: 1536,
  FC1: 2048,
  EP1: 3584,
  EP2: 7168,
  EP3: 14336,
  F1: 1024,
  D1: 1024,
  B1: 1792,
  B2: 3584,
  B3: 7168,
  S1: 1792,
  S2: 3584,
  S3: 7168,
  P1: 1792,
  P2: 3584,
  P3: 7168,
  P1V2: 3584,
  P2V2: 7168,
  P3V2: 14336,
  P0V3: 4096,
  P1V3: 8192,
  P2V3: 16384,
  P3V3: 32768,
  P1MV3: 16384,
  P2MV3: 32768,
  P3MV3: 65536,
  I1V2: 8192,
  I2V2: 16384,
  I3V2: 32768,
};

export function skuMemoryMb(sku: string | undefined): number | undefined {
  return sku ? SKU_MEMORY_MB[sku.toUpperCase()] : undefined;
}

/** Consumption (Dynamic) and Flex plans cannot be scaled up in place. */
export function isServerlessTier(tier: string | undefined): boolean {
  return /^(Dynamic|FlexConsumption)$/i.test(tier ?? "");
}

/**
 * A Function App hosted on Azure Container Apps: `kind` contains `azurecontainerapps` and the site
 * names a managed environment instead of a plan (`serverFarmId`). Plan-based checks do not apply.
 * https://learn.microsoft.com/azure/azure-functions/functions-container-apps-hosting
 */
export function isContainerApp(env: Pick<EnvironmentFacts, "site">): boolean {
  return Boolean(env.site?.managedEnvironmentId) || /azurecontainerapps/i.test(env.site?.kind ?? "");
}

/** Flex Consumption instance memory sizes (`functionAppConfig.scaleAndConcurrency.instanceMemoryMB`); 2048 is the default. */
export const FLEX_INSTANCE_MEMORY_MB = [512, 2048, 4096] as const;
export const FLEX_DEFAULT_INSTANCE_MEMORY_MB = 2048;

/**
 * Where an app runs, which decides which commands and stack rows apply to it. Decided once, in the
 * runtime profile (analyse/profile.ts), from the best source that answered: the site's
 * `functionAppConfig` (Flex), `managedEnvironmentId`/`kind` (Container Apps), then the plan's tier,
 * or the site's own `sku` when the plan GET failed (real Azure answers 404 for some Y1 plans it lists).
 */
export type HostingModel = "flex" | "consumption" | "elastic-premium" | "dedicated" | "container-apps";

export function hostingModelOf(tier: string | undefined): HostingModel | undefined {
  if (!tier) return undefined;
  if (/^FlexConsumption$/i.test(tier)) return "flex";
  if (/^Dynamic$/i.test(tier)) return "consumption";
  // Workflow Standard (WS1-WS3, Logic Apps Standard) is an elastic plan (`kind: elastic`, elastic scale,
  // always-ready instances) on the Elastic Premium infrastructure, not a dedicated one:
  // https://learn.microsoft.com/azure/logic-apps/logic-apps-pricing#standard-pricing
  if (/^(ElasticPremium|WorkflowStandard)$/i.test(tier)) return "elastic-premium";
  return "dedicated";
}

/**
 * The language versions a plan may target on Flex Consumption (its own runtime list,
 * `az functionapp list-flexconsumption-runtimes`; the `FC1` Sku rows of the Core Tools stacks copy of
 * 2026-04-24, GA rows only), by worker runtime.
 */
export const FLEX_RUNTIMES: Record<string, readonly string[]> = {
  "dotnet-isolated": ["8.0", "9.0", "10.0"],
  node: ["20", "22", "24"],
  python: ["3.10", "3.11", "3.12", "3.13"],
  java: ["11", "17", "21"],
  powershell: ["7.4"],
};

/**
 * Linux Consumption gets no new language versions (it retires on 2028-09-30): its last ones
 * (https://learn.microsoft.com/azure/azure-functions/consumption-plan). A target above the cap is not offered there.
 */
export const LINUX_CONSUMPTION_LAST: Record<string, string> = {
  "dotnet-isolated": "9.0",
  dotnet: "8.0",
  python: "3.12",
  node: "22",
  powershell: "7.4",
  java: "21",
};

/** `3.12` > `3.9`, `10.0` > `9.0`, `1.8` < `11`: versions compare part by part as numbers. */
export function compareVersions(a: string, b: string): number {
  const [x, y] = [a.split("."), b.split(".")];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = Number(x[i] ?? 0) - Number(y[i] ?? 0);
    if (d !== 0 && !Number.isNaN(d)) return d;
  }
  return 0;
}

/**
 * The most an Elastic Premium plan may burst to (`az functionapp plan update --max-burst`): 100 on
 * Windows; on Linux 20 to 100 depending on the region, so the plan never proposes more than the lowest
 * (https://learn.microsoft.com/azure/azure-functions/functions-premium-plan#region-max-scale-out;
 * azure-cli#24064, #31314).
 */
export const MAX_BURST: Record<"windows" | "linux", number> = { windows: 100, linux: 20 };

/** A Function App is a site whose `kind` names `functionapp`; a web app (`kind: app`) is not one. */
export function isFunctionAppKind(kind: string | undefined): boolean {
  return /(^|,)\s*functionapp\s*(,|$)/i.test(kind ?? "");
}
