import type { AzureResponse } from "./response.js";
import { appSettings } from "./app-settings.js";
import { config } from "./config.js";
import { connectionStrings } from "./connection-strings.js";
import { deployments } from "./deployments.js";
import { functions } from "./functions.js";
import { hostStatus } from "./host-status.js";
import { logs } from "./logs.js";
import { metricDefinitions } from "./metric-definitions.js";
import { metrics } from "./metrics.js";
import { plan } from "./plan.js";
import { site } from "./site.js";
import { slotConfigNames } from "./slot-config-names.js";
import { slots } from "./slots.js";
import { stacks } from "./stacks.js";

/**
 * Every Azure response the check reads, in the order URLs are classified: Azure Monitor's first, as
 * a plan's metrics live under …/serverfarms/{name}/providers/…. A new Azure read is one new module
 * (./response.ts says what it holds) and one line here.
 */
export const RESPONSES = [
  metricDefinitions,
  metrics,
  logs,
  stacks,
  plan,
  site,
  config,
  appSettings,
  connectionStrings,
  slotConfigNames,
  functions,
  slots,
  deployments,
  hostStatus,
] as const;

export type ResponseSource = (typeof RESPONSES)[number]["source"];

/** A URL's path as routes match it: lower-cased (ARM paths are case-insensitive), `//` collapsed, no trailing slash. */
export function routePath(url: string): string | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  return routeOfPathname(path);
}

/** The same, from a parsed URL's pathname (no second parse). */
export const routeOfPathname = (pathname: string): string =>
  pathname
    .replace(/\/{2,}/g, "/")
    .replace(/\/$/, "")
    .toLowerCase();

/** The one classifier of URLs: which response a request reads, or undefined for one the check does not know. */
export function classify(url: string): AzureResponse<ResponseSource> | undefined {
  const path = routePath(url);
  return path === undefined ? undefined : RESPONSES.find((response) => response.route.test(path));
}
