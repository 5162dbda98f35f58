export interface TenantRow {
  id: string;
  name: string;
  kind: string;
  subscriptionId: string;
  site: Record<string, unknown>;
  [key: string]: unknown;
}
export interface Tenant {
  rows: TenantRow[];
  settings: Map<string, Record<string, string>>;
  subscriptions: string[];
  truth: {
    functionApps: string[];
    logicApps: string[];
    webApps: string[];
    pairs: { qa: string; prod: string; by: "name" | "tag" | "slot" }[];
    thirtyTwoBit: string[];
    stopped: string[];
    collisions: string[][];
  };
}
export function generateTenant(options?: {
  seed?: number;
  units?: number;
  subscriptions?: number;
  webApps?: number;
}): Tenant;
export function tenantRoutes(
  tenant: Tenant,
  options?: { throttle?: { every: number; retryAfter?: number; resetsAfter?: string } },
): {
  route: import("./azure-stand-in.mjs").Route;
  counters: { queries: number; throttled: number; settings: number; bodies: unknown[] };
};

/** `azfn-health fleet`'s arguments against the stand-in at `url`, signed in from the environment (standInEnv). */
export function fleetArgs(url: string, ...extra: string[]): string[];
