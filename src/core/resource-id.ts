import { UsageError } from "./errors.js";
import { shellOption } from "./shell.js";

/** A Function App, or one of its deployment slots, named by its ARM resource ID. */
export interface AppRef {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  site: string;
  slot?: string;
}

/** An app's resource ID cut into its parts, whatever they hold; each part then meets its rule below. */
const APP_ID_PARTS =
  /^\/subscriptions\/([^/]*)\/resourceGroups\/([^/]*)\/providers\/Microsoft\.Web\/sites\/([^/]*)(?:\/slots\/([^/]*))?\/?$/i;
/**
 * Each part's rule, in the order of APP_ID_PARTS, and in the words of Azure's naming rules:
 * https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftweb
 */
const APP_ID_RULES: [part: string, rule: RegExp, allowed: string][] = [
  ["subscription ID", /^[0-9a-f-]{36}$/i, "a GUID"],
  ["resource group", /^[-\w.()]{1,90}$/, "1 to 90 letters, digits, '-', '_', '.', '(' or ')'"],
  ["site name", /^[a-z0-9-]{2,60}$/i, "2 to 60 letters, digits or '-'"],
  ["slot name", /^[a-z0-9-]{1,59}$/i, "1 to 59 letters, digits or '-'"],
];

/** The app a resource ID names; a usage error saying the part that breaks its rule, else the shape expected. */
export function parseAppId(text: string, flag: string): AppRef {
  const parts = APP_ID_PARTS.exec(text.trim())?.slice(1);
  if (!parts)
    throw new UsageError(
      `${flag}: not a Function App resource ID: expected ` +
        `/subscriptions/<guid>/resourceGroups/<rg>/providers/Microsoft.Web/sites/<name>[/slots/<slot>]`,
    );
  const broken = APP_ID_RULES.findIndex(([, rule], i) => parts[i] !== undefined && !rule.test(parts[i]));
  if (broken >= 0) {
    const [part, , allowed] = APP_ID_RULES[broken]!;
    const value = JSON.stringify(parts[broken]!.slice(0, 100));
    throw new UsageError(`${flag}: the ${part} ${value} is not one Azure allows (${allowed})`);
  }
  const [subscriptionId, resourceGroup, site, slot] = parts as [string, string, string, string | undefined];
  const ref: AppRef = {
    id:
      `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}` +
      `/providers/Microsoft.Web/sites/${site}${slot ? `/slots/${slot}` : ""}`,
    subscriptionId: subscriptionId.toLowerCase(),
    resourceGroup,
    site,
  };
  if (slot && slot.toLowerCase() !== "production") ref.slot = slot;
  return ref;
}

/** ARM resource IDs compare case-insensitively. */
export function sameApp(a: AppRef, b: AppRef): boolean {
  return (
    a.subscriptionId === b.subscriptionId &&
    a.resourceGroup.toLowerCase() === b.resourceGroup.toLowerCase() &&
    a.site.toLowerCase() === b.site.toLowerCase() &&
    (a.slot ?? "").toLowerCase() === (b.slot ?? "").toLowerCase()
  );
}

/** The `az` arguments that name this app, slot included; each value one shell word. */
export function azTarget(ref: AppRef): string {
  const slot = ref.slot ? ` ${shellOption("--slot", ref.slot)}` : "";
  return `${shellOption("-g", ref.resourceGroup)} ${shellOption("-n", ref.site)}${slot}`;
}

/** Parses "…/resourceGroups/<rg>/providers/Microsoft.Web/serverfarms/<name>". */
export function parsePlanId(id: string): { resourceGroup: string; name: string } | undefined {
  const match = /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Web\/serverfarms\/([^/]+)$/i.exec(id);
  return match ? { resourceGroup: match[1]!, name: match[2]! } : undefined;
}
