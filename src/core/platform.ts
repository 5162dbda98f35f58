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
