import type { Site } from "@azure/arm-appservice";
import type { EnvironmentFacts } from "../core/facts.js";

export function siteFacts(site: Site): EnvironmentFacts["site"] {
  const kind = site.kind ?? "";
  const swap = site.slotSwapStatus;
  return {
    name: site.name ?? "",
    kind,
    state: site.state ?? "unknown",
    enabled: site.enabled !== false,
    os: site.reserved || /linux/i.test(kind) ? "linux" : "windows",
    location: site.location ?? "",
    planId: site.serverFarmId,
    sku: site.sku,
    appInsightsId: appInsightsLink(site.tags),
    lastModified: site.lastModifiedTimeUtc?.toISOString(),
    flexRuntime: site.functionAppConfig?.runtime?.name
      ? { name: site.functionAppConfig.runtime.name, version: site.functionAppConfig.runtime.version ?? "" }
      : undefined,
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
