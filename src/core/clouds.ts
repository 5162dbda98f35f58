import { UsageError } from "./errors.js";

/**
 * Sovereign clouds: Resource Manager, Log Analytics, and the Entra authority.
 * https://learn.microsoft.com/azure/azure-government/compare-azure-government-global-azure
 * https://learn.microsoft.com/azure/china/resources-developer-guide
 */
export const CLOUDS = {
  AzureCloud: {
    arm: "https://management.azure.com",
    logs: "https://api.loganalytics.io",
    metrics: "https://management.azure.com",
    authority: "https://login.microsoftonline.com",
  },
  AzureUSGovernment: {
    arm: "https://management.usgovcloudapi.net",
    logs: "https://api.loganalytics.us",
    metrics: "https://management.usgovcloudapi.net",
    authority: "https://login.microsoftonline.us",
  },
  AzureChinaCloud: {
    arm: "https://management.chinacloudapi.cn",
    logs: "https://api.loganalytics.azure.cn",
    metrics: "https://management.chinacloudapi.cn",
    authority: "https://login.chinacloudapi.cn",
  },
} as const;

export type CloudName = keyof typeof CLOUDS;
export const CLOUD_NAMES = Object.keys(CLOUDS) as CloudName[];

export interface Endpoints {
  cloud: CloudName;
  arm: string;
  logs: string;
  metrics: string;
  authority: string;
  /** Token audiences stay the cloud's own even when an endpoint is overridden (a private endpoint or a stand-in). */
  armScope: string;
  logsScope: string;
}

export function resolveEndpoints(
  cloud: CloudName,
  overrides: { arm?: string; logs?: string; metrics?: string; authority?: string },
): Endpoints {
  const base = CLOUDS[cloud];
  const check = (flag: string, value: string | undefined) => {
    if (value === undefined) return undefined;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new UsageError(`${flag}: not a URL: ${value}`);
    }
    // Bearer tokens never travel over plain http, and the SDKs refuse to send them anyway.
    if (url.protocol !== "https:") throw new UsageError(`${flag}: must be https:// (got ${url.protocol}//)`);
    return url.origin + url.pathname.replace(/\/+$/, "");
  };
  const arm = check("--arm-endpoint", overrides.arm);
  return {
    cloud,
    arm: arm ?? base.arm,
    logs: logsRoot(check("--logs-endpoint", overrides.logs) ?? base.logs),
    // Metrics - List is served by Resource Manager: it follows --arm-endpoint unless told otherwise.
    metrics: check("--metrics-endpoint", overrides.metrics) ?? arm ?? base.metrics,
    authority: check("AZURE_AUTHORITY_HOST", overrides.authority) ?? base.authority,
    armScope: `${base.arm}/.default`,
    logsScope: `${base.logs}/.default`,
  };
}

/**
 * Log Analytics' root, whichever way it was written: Microsoft's docs show both
 * `https://api.loganalytics.io` and `https://api.loganalytics.io/v1`; the query client is given
 * `<root>/v1`, so the version segment and trailing slashes are dropped here, never doubled.
 * https://learn.microsoft.com/azure/azure-monitor/logs/api/request-format
 */
export function logsRoot(endpoint: string): string {
  return endpoint.replace(/\/+$/, "").replace(/\/v1$/i, "").replace(/\/+$/, "");
}

/** The endpoint the Log Analytics query client is given: the root plus exactly one `/v1`. */
export function logsQueryEndpoint(endpoint: string): string {
  return `${logsRoot(endpoint)}/v1`;
}

/** Known Entra hosts; for any other authority MSAL must not call login.microsoftonline.com's instance discovery. */
export function isKnownAuthority(authority: string): boolean {
  return Object.values(CLOUDS).some((c) => c.authority === authority.replace(/\/+$/, ""));
}
