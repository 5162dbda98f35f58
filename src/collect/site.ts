import type { Site } from "@azure/arm-appservice";
import { UsageError } from "../core/errors.js";
import type { EnvironmentFacts, Os } from "../core/facts.js";
import { isFunctionAppKind } from "../core/platform.js";

/**
 * The site (or slot) GET as facts: one function per source, so a shape check can sit where the
 * body enters. Real bodies leave many fields `null` (a Container Apps app has no `enabled`,
 * `reserved`, `sku` or `serverFarmId`; a Flex Consumption app has no `kind` in the documented
 * example), and the SDK hands `null` through: every field is read as "absent unless a value".
 */
export function siteFacts(site: Site): EnvironmentFacts["site"] {
  const kind = site.kind ?? "";
  functionAppOnly(site);
  const swap = site.slotSwapStatus;
  const flex = site.functionAppConfig;
  const scale = flex?.scaleAndConcurrency;
  const flexScale = {
    ...(typeof scale?.instanceMemoryMB === "number" ? { instanceMemoryMB: scale.instanceMemoryMB } : {}),
    ...(typeof scale?.maximumInstanceCount === "number"
      ? { maximumInstanceCount: scale.maximumInstanceCount }
      : {}),
  };
  return {
    name: site.name ?? "",
    kind,
    state: site.state ?? "unknown",
    enabled: site.enabled !== false,
    os: siteOs(site),
    location: site.location ?? "",
    // Container Apps hosting has no server farm (so no plan metrics either).
    planId: isContainerAppsHosted(site) ? undefined : site.serverFarmId || undefined,
    sku: site.sku || undefined,
    appInsightsId: appInsightsLink(site.tags ?? undefined),
    environmentTag: environmentTag(site.tags ?? undefined),
    lastModified: site.lastModifiedTimeUtc?.toISOString(),
    flexRuntime: flex?.runtime?.name
      ? { name: flex.runtime.name, version: flex.runtime.version ?? "" }
      : undefined,
    flexScale: Object.keys(flexScale).length > 0 ? flexScale : undefined,
    managedEnvironmentId: site.managedEnvironmentId || undefined,
    lastSwap:
      swap?.timestampUtc && swap.sourceSlotName
        ? {
            time: swap.timestampUtc.toISOString(),
            sourceSlot: swap.sourceSlotName,
            destinationSlot: swap.destinationSlotName ?? "production",
          }
        : undefined,
  };
}

/**
 * The OS is the site's own: `reserved: true` or a `kind` naming linux. Flex Consumption and
 * Container Apps hosting run only on Linux, and their bodies may leave both unset
 * (https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan,
 * https://learn.microsoft.com/azure/azure-functions/functions-container-apps-hosting).
 */
export function siteOs(site: Site): Os {
  if (site.reserved === true || /linux/i.test(site.kind ?? "")) return "linux";
  if (site.functionAppConfig || site.managedEnvironmentId) return "linux";
  return "windows";
}

/** A Function App hosted on Azure Container Apps: no server farm, no plan, no slots. */
export function isContainerAppsHosted(site: Pick<Site, "kind" | "managedEnvironmentId">): boolean {
  return /azurecontainerapps/i.test(site.kind ?? "") || !!site.managedEnvironmentId;
}

/** The portal links a function app to its Application Insights component with this tag. */
export const APP_INSIGHTS_TAG = "hidden-link: /app-insights-resource-id";

export function appInsightsLink(tags: Record<string, string> | undefined): string | undefined {
  const id = tags?.[APP_INSIGHTS_TAG];
  return id &&
    /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/microsoft\.insights\/components\/[^/]+$/i.test(
      id,
    )
    ? id
    : undefined;
}

/**
 * Only a Function App is checked: a web app (`kind: app`), an API app or a Logic App given as --qa or
 * --prod would get `az functionapp` commands it has no use for. A body with no `kind` at all is
 * accepted when it has Flex's `functionAppConfig` (the documented Flex example leaves `kind` out).
 */
export function functionAppOnly(site: Pick<Site, "id" | "name" | "kind" | "functionAppConfig">): void {
  const kind = site.kind?.trim() ?? "";
  if (isFunctionAppKind(kind) || (!kind && site.functionAppConfig)) return;
  if (!kind) return;
  throw new UsageError(
    `${site.id ?? site.name ?? "the app"} is not a Function App (kind "${kind}"): only a site whose kind ` +
      `contains "functionapp" is checked`,
  );
}

/** The tag teams use to say which stage a resource is (`environment`, `env`, `stage`), lowercased. */
function environmentTag(tags: Record<string, string> | undefined): string | undefined {
  const entry = Object.entries(tags ?? {}).find(([name]) => /^(environment|env|stage)$/i.test(name));
  return entry?.[1]?.trim().toLowerCase() || undefined;
}
