import type { EnvironmentFacts } from "../core/facts.js";

/**
 * A release by slot swap checked as `--qa …/slots/staging --prod …`: the two environments are one
 * app's slots, so what a swap carries and what stays with each slot decide what a difference means.
 * https://learn.microsoft.com/azure/app-service/deploy-staging-slots#which-settings-are-swapped
 * (app settings and connection strings move with the code unless marked as slot settings; Always On,
 * scale, managed identities and settings ending in `_EXTENSION_VERSION` stay with their slot) and
 * https://learn.microsoft.com/azure/azure-functions/functions-deployment-slots#manage-settings
 * (settings of event sources and bindings, storage included, are slot settings by design).
 */
export function isSlotPair(qa: EnvironmentFacts, prod: EnvironmentFacts): boolean {
  const same = (a?: string, b?: string) => (a ?? "").toLowerCase() === (b ?? "").toLowerCase();
  return (
    same(qa.ref.subscriptionId, prod.ref.subscriptionId) &&
    same(qa.ref.resourceGroup, prod.ref.resourceGroup) &&
    same(qa.ref.site, prod.ref.site) &&
    !same(qa.ref.slot, prod.ref.slot)
  );
}

/**
 * The names that stay with their slot in a swap (`config/slotConfigNames`, one list for the whole
 * app, read from either side), plus the `_EXTENSION_VERSION` settings App Service never swaps.
 */
export function stickyNames(qa: EnvironmentFacts, prod: EnvironmentFacts): Set<string> {
  return new Set(
    [...(qa.slotSettingNames ?? []), ...(prod.slotSettingNames ?? [])].map((n) => n.toLowerCase()),
  );
}

export function staysWithSlot(name: string, sticky: Set<string>): boolean {
  return sticky.has(name.toLowerCase()) || /_EXTENSION_VERSION$/i.test(name);
}
