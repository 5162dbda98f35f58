import type { AppServicePlan, Site } from "@azure/arm-appservice";
import type { TokenCredential } from "@azure/core-auth";
import { createDefaultHttpClient, createHttpHeaders, createPipelineRequest } from "@azure/core-rest-pipeline";
import { z } from "zod";
import { CollectError } from "../core/errors.js";
import type { EnvironmentFacts, FactSource, Gap } from "../core/facts.js";
import { parseAppId, type AppRef } from "../core/resource-id.js";
import { describeError, gapFrom, statusOf, type AzureAccess } from "../collect/access.js";
import { appSettingsFacts, configFacts, planFacts, webClients } from "../collect/azure.js";
import { isAuthError } from "../collect/credentials.js";
import { createRedactor } from "../collect/redact.js";
import { siteFacts } from "../collect/site.js";
import { NOT_READ } from "./not-read.js";

/**
 * The fleet's inventory: every Function App (and slot) a Resource Graph query can see, with its web
 * config and plan, in one paged query; no per-app Resource Manager crawl for what Resource Graph
 * already holds. https://learn.microsoft.com/azure/governance/resource-graph/concepts/query-language
 */

/** Resource Graph's largest page: https://learn.microsoft.com/azure/governance/resource-graph/concepts/work-with-data#paging-results */
export const PAGE_SIZE = 1000;

/**
 * Sites and slots whose kind names a Function App (Logic Apps Standard included: `functionapp,workflowapp`),
 * joined with their `config/web` (appserviceresources) and their plan. Bags keep only the fields the
 * rules read: a full site body is kilobytes, a thousand of them a page.
 */
export const FLEET_QUERY = `resources
| where type in~ ('microsoft.web/sites', 'microsoft.web/sites/slots') and kind contains 'functionapp'
| extend configKey = strcat(tolower(id), '/config/web'), planKey = tolower(tostring(properties.serverFarmId))
| project id, name, type, kind, location, resourceGroup, subscriptionId, tags, configKey, planKey,
    site = pack('state', properties.state, 'enabled', properties.enabled, 'reserved', properties.reserved,
      'serverFarmId', properties.serverFarmId, 'sku', properties.sku, 'functionAppConfig', properties.functionAppConfig,
      'managedEnvironmentId', properties.managedEnvironmentId, 'lastModifiedTimeUtc', properties.lastModifiedTimeUtc,
      'slotSwapStatus', properties.slotSwapStatus)
| join kind=leftouter (
    appserviceresources
    | where type in~ ('microsoft.web/sites/config', 'microsoft.web/sites/slots/config')
    | project configKey = tolower(id), config = pack('netFrameworkVersion', properties.netFrameworkVersion,
        'linuxFxVersion', properties.linuxFxVersion, 'use32BitWorkerProcess', properties.use32BitWorkerProcess,
        'alwaysOn', properties.alwaysOn, 'functionAppScaleLimit', properties.functionAppScaleLimit,
        'minimumElasticInstanceCount', properties.minimumElasticInstanceCount,
        'powerShellVersion', properties.powerShellVersion, 'javaVersion', properties.javaVersion)
  ) on configKey
| join kind=leftouter (
    resources
    | where type =~ 'microsoft.web/serverfarms'
    | project planKey = tolower(id), plan = pack('id', id, 'name', name, 'sku', sku,
        'reserved', properties.reserved, 'numberOfSites', properties.numberOfSites,
        'maximumElasticWorkerCount', properties.maximumElasticWorkerCount)
  ) on planKey
| project id, name, type, kind, location, resourceGroup, subscriptionId, tags, site, config, plan
| order by id asc`;

const bag = z.record(z.string(), z.unknown()).nullish();
/** One row of FLEET_QUERY's answer; anything else in a row is ignored, a row without these is malformed. */
const ROW = z.looseObject({
  id: z.string(),
  name: z.string(),
  kind: z.string().nullish(),
  location: z.string().nullish(),
  tags: z.record(z.string(), z.unknown()).nullish(),
  site: bag,
  config: bag,
  plan: bag,
});

export type FleetKind = "Function App" | "Logic App (Standard)";

export interface FleetApp {
  ref: AppRef;
  kind: string;
  label: FleetKind;
  tags: Record<string, string>;
  /** As the rules read one environment (the role is set where the app is judged). */
  facts: EnvironmentFacts;
}

export interface Inventory {
  apps: FleetApp[];
  /** Resource Graph requests sent, throttled answers included. */
  requests: number;
  pages: number;
  /** 429 answers waited out. */
  throttled: number;
  /** Rows Resource Graph returned that were not Function Apps (web apps) or not a site's shape. */
  skipped: { notFunctionApp: number; malformed: number };
  /** Why the inventory may be incomplete (Resource Graph's own truncation, a scope left out). */
  gaps: string[];
}

export interface FleetScope {
  subscriptions: string[];
  managementGroup?: string;
}

export interface InventoryOptions {
  /** When --timeout runs out (ms since the epoch): no wait for a throttled answer may pass it. */
  deadlineAt: number;
  /** Tests: a shorter wait than the one Azure asks for is never taken; a longer cap is. */
  maxAttempts?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Logic Apps Standard run on the Functions runtime and say so in their kind. */
export function fleetKind(kind: string): FleetKind | undefined {
  const parts = kind.toLowerCase().split(",");
  if (!parts.includes("functionapp")) return undefined;
  return parts.includes("workflowapp") ? "Logic App (Standard)" : "Function App";
}

const text = (value: unknown) => (typeof value === "string" && value ? value : undefined);
const date = (value: unknown) => {
  const d = typeof value === "string" ? new Date(value) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d : undefined;
};

/** One Resource Graph row as the facts one environment of `check` would hold, or why it is not an app. */
export function appFromRow(row: unknown): FleetApp | "malformed" | "not a function app" {
  const parsed = ROW.safeParse(row);
  if (!parsed.success) return "malformed";
  const r = parsed.data;
  const label = fleetKind(r.kind ?? "");
  if (!label) return "not a function app";
  let ref: AppRef;
  try {
    ref = parseAppId(r.id, "Resource Graph row");
  } catch {
    return "malformed";
  }
  const props = r.site ?? {};
  const swap = props.slotSwapStatus as Record<string, unknown> | null | undefined;
  const tags = Object.fromEntries(
    Object.entries(r.tags ?? {}).flatMap(([k, v]) => (typeof v === "string" ? [[k, v]] : [])),
  );
  // The same Site the SDK would give for a GET, so one mapping (collect/site.ts) serves both.
  const site = siteFacts({
    ...(props as unknown as Site),
    name: ref.slot ? `${ref.site}/${ref.slot}` : ref.site,
    kind: r.kind ?? "",
    location: r.location ?? "",
    tags,
    lastModifiedTimeUtc: date(props.lastModifiedTimeUtc),
    slotSwapStatus: swap
      ? {
          timestampUtc: date(swap.timestampUtc),
          sourceSlotName: text(swap.sourceSlotName),
          destinationSlotName: text(swap.destinationSlotName),
        }
      : undefined,
  });
  const gaps: Gap[] = Object.entries(NOT_READ).map(([source, reason]) => ({
    source: source as FactSource,
    reason,
  }));
  const facts: EnvironmentFacts = { role: "prod", ref, site, gaps };
  if (r.config) facts.config = configFacts(r.config);
  else gaps.push({ source: "config", reason: "Resource Graph holds no config/web for it" });
  if (r.plan) facts.plan = planFacts(r.plan as unknown as AppServicePlan, ref.resourceGroup);
  else if (site?.planId) gaps.push({ source: "plan", reason: "the plan is not visible to Resource Graph" });
  return { ref, kind: r.kind ?? "", label, tags, facts };
}

/** The parts of an ms-rest-js RestError (arm-resourcegraph 4.x) this module reads. */
interface GraphError {
  statusCode?: number;
  code?: string;
  message?: string;
  response?: { headers?: { get(name: string): string | undefined } };
}

/**
 * How long Resource Graph asks a throttled caller to wait, in ms: `Retry-After` (seconds) or
 * `x-ms-user-quota-resets-after` (hh:mm:ss), whichever is longer.
 * https://learn.microsoft.com/azure/governance/resource-graph/concepts/guidance-for-throttled-requests
 */
export function throttleWaitMs(header: (name: string) => string | undefined): number | undefined {
  const waits: number[] = [];
  const retryAfter = header("retry-after");
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) waits.push(seconds * 1000);
    else if (!Number.isNaN(Date.parse(retryAfter)))
      waits.push(Math.max(0, Date.parse(retryAfter) - Date.now()));
  }
  const resets = /^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(header("x-ms-user-quota-resets-after") ?? "");
  if (resets) waits.push((Number(resets[1]) * 3600 + Number(resets[2]) * 60 + Number(resets[3])) * 1000);
  return waits.length > 0 ? Math.max(...waits) : undefined;
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => (signal?.removeEventListener("abort", stop), resolve()), ms);
    const stop = () => (clearTimeout(timer), reject(signal!.reason as Error));
    signal?.addEventListener("abort", stop, { once: true });
  });
}

/** What a failed page says to the user; a sign-in failure keeps the credential's hint. */
function inventoryError(error: unknown, access: AzureAccess): CollectError {
  if (error instanceof CollectError) return error;
  if (isAuthError(error))
    return new CollectError(
      `authentication failed (${error.name}). To fix: ${access.authHint ?? "check the credential"}`,
      "Resource Graph",
    );
  if (access.abortSignal?.aborted)
    return new CollectError(
      "Resource Graph: --timeout ran out before the inventory was read",
      "Resource Graph",
    );
  const status = statusOf(error);
  const hint = status === 403 ? " (grant Reader on the subscriptions or the management group)" : "";
  return new CollectError(
    `Resource Graph query failed: ${describeError(error)}${hint}`,
    "Resource Graph",
    status,
  );
}

const TRANSIENT = (status: number | undefined) => status === undefined || status === 408 || status >= 500;

/**
 * Every page of FLEET_QUERY. arm-resourcegraph 4.2.1 (ms-rest-js) turns a 429 into an error before
 * its retry policy sees it, so retries are ours: a throttled page waits as long as Resource Graph
 * says, a transient failure backs off, and no wait may pass --timeout.
 */
export async function readInventory(
  access: AzureAccess,
  scope: FleetScope,
  options: InventoryOptions,
): Promise<Inventory> {
  // A CommonJS (UMD) package: Node names its exports, a bundle hands them over as the default.
  const graph = await import("@azure/arm-resourcegraph");
  const ResourceGraphClient =
    graph.ResourceGraphClient ?? (graph as unknown as { default: typeof graph }).default.ResourceGraphClient;
  const client = new ResourceGraphClient(graphCredential(access.credential, access), {
    baseUri: access.endpoint ?? "https://management.azure.com",
    // Our own retries (below): ms-rest-js would wait 30 s before its first retry of a 5xx.
    noRetryPolicy: true,
    userAgent: "azfn-health",
    httpClient: graphHttpClient(access),
  } as ConstructorParameters<typeof ResourceGraphClient>[1]);
  const sleep = options.sleep ?? abortableSleep;
  const maxAttempts = options.maxAttempts ?? 8;
  const inventory: Inventory = {
    apps: [],
    requests: 0,
    pages: 0,
    throttled: 0,
    skipped: { notFunctionApp: 0, malformed: 0 },
    gaps: [],
  };
  const seen = new Set<string>();
  let skipToken: string | undefined;
  do {
    const page = await (async () => {
      for (let attempt = 1; ; attempt++) {
        inventory.requests += 1;
        try {
          return await client.resources(
            {
              query: FLEET_QUERY,
              ...(scope.subscriptions.length > 0 ? { subscriptions: scope.subscriptions } : {}),
              ...(scope.managementGroup ? { managementGroups: [scope.managementGroup] } : {}),
              options: { top: PAGE_SIZE, resultFormat: "objectArray", ...(skipToken ? { skipToken } : {}) },
            },
            // ms-rest-js types its own AbortSignalLike; the platform's signal is one.
            { abortSignal: access.abortSignal as never, timeout: access.perTryTimeoutMs },
          );
        } catch (error) {
          const e = error as GraphError;
          const status = e.statusCode;
          const asked = status === 429 ? throttleWaitMs((n) => e.response?.headers?.get(n)) : undefined;
          if (access.abortSignal?.aborted || attempt >= maxAttempts || !(status === 429 || TRANSIENT(status)))
            throw inventoryError(error, access);
          if (status === 429) inventory.throttled += 1;
          const wait = asked ?? Math.min(500 * 2 ** (attempt - 1), 10_000);
          if (Date.now() + wait > options.deadlineAt)
            throw new CollectError(
              `Resource Graph asked to wait ${Math.ceil(wait / 1000)} s (throttled), past --timeout: ` +
                `run again later or with a longer --timeout`,
              "Resource Graph",
              status,
            );
          await sleep(wait, access.abortSignal).catch(() => {
            throw inventoryError(error, access);
          });
        }
      }
    })();
    inventory.pages += 1;
    const rows: unknown[] = Array.isArray(page.data) ? (page.data as unknown[]) : [];
    if (!Array.isArray(page.data)) inventory.gaps.push("a Resource Graph page held no rows array");
    for (const row of rows) {
      const app = appFromRow(row);
      if (app === "malformed") inventory.skipped.malformed += 1;
      else if (app === "not a function app") inventory.skipped.notFunctionApp += 1;
      else if (!seen.has(app.ref.id.toLowerCase())) {
        seen.add(app.ref.id.toLowerCase());
        inventory.apps.push(app);
      }
    }
    if (String(page.resultTruncated) === "true" && !page.skipToken)
      inventory.gaps.push("Resource Graph truncated the answer without a page token: some apps are missing");
    skipToken = page.skipToken || undefined;
  } while (skipToken);
  if (inventory.skipped.malformed > 0)
    inventory.gaps.push(`${inventory.skipped.malformed} Resource Graph row(s) were not a site's shape`);
  return inventory;
}

/** The parts of ms-rest-js's WebResource (arm-resourcegraph 4.x's request) the transport reads. */
interface GraphRequest {
  url: string;
  method: string;
  headers: { rawHeaders(): Record<string, string> };
  body?: string;
  abortSignal?: AbortSignal;
  timeout?: number;
}

const GRAPH_QUERY_PATH = /\/providers\/Microsoft\.ResourceGraph\/resources$/i;

/**
 * ms-rest-js's HttpClient over core-rest-pipeline's: one transport for every Azure call (the
 * session's own in tests and recordings, Node's https otherwise), and not ms-rest-js's node-fetch,
 * which prints Node's url.parse and punycode deprecations on every run. Resource Graph's query is
 * a read sent as a POST: nothing else leaves through here.
 */
function graphHttpClient(access: AzureAccess) {
  const inner = access.httpClient ?? createDefaultHttpClient();
  return {
    async sendRequest(request: GraphRequest) {
      const path = new URL(request.url).pathname;
      if (request.method !== "POST" || !GRAPH_QUERY_PATH.test(path))
        throw new Error(`refused ${request.method} ${path}: azfn-health is read-only`);
      const response = await inner.sendRequest(
        createPipelineRequest({
          url: request.url,
          method: "POST",
          headers: createHttpHeaders(request.headers.rawHeaders()),
          body: request.body,
          ...(request.abortSignal ? { abortSignal: request.abortSignal } : {}),
          ...(request.timeout ? { timeout: request.timeout } : {}),
        }),
      );
      const raw = response.headers.toJSON();
      return {
        request,
        status: response.status,
        bodyAsText: response.bodyAsText ?? "",
        headers: {
          get: (name: string) => response.headers.get(name),
          contains: (name: string) => response.headers.has(name),
          rawHeaders: () => raw,
          headersArray: () => Object.entries(raw).map(([name, value]) => ({ name, value })),
          toJson: () => raw,
        },
      };
    },
  };
}

/**
 * ms-rest-js signs with a fixed https://management.azure.com scope for a TokenCredential; this signer
 * asks for the cloud's own audience (a sovereign cloud's), through the session's shared credential.
 */
function graphCredential(credential: TokenCredential, access: AzureAccess) {
  const scope = access.scope ?? "https://management.azure.com/.default";
  return {
    async signRequest<R extends { headers: { set(name: string, value: string): void } }>(request: R) {
      const token = await credential.getToken(scope, { abortSignal: access.abortSignal });
      if (!token) throw new CollectError(`no token for ${scope}`, "Resource Graph");
      request.headers.set("authorization", `Bearer ${token.token}`);
      return request;
    },
  } as unknown as ConstructorParameters<typeof import("@azure/arm-resourcegraph").ResourceGraphClient>[0];
}

/**
 * With --read-settings: each app's settings (POST …/config/appsettings/list), redacted as they
 * arrive, a few at a time. Resource Manager limits reads per principal and subscription (a bucket
 * refilled each second); the SDK's retry waits out a 429's Retry-After.
 * https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling
 */
export async function readSettings(
  access: AzureAccess,
  apps: FleetApp[],
  hashKey: Uint8Array,
  concurrency = SETTINGS_CONCURRENCY,
): Promise<{ requests: number }> {
  const redact = createRedactor(hashKey);
  const clientFor = webClients(access);
  let next = 0;
  let requests = 0;
  const worker = async () => {
    while (next < apps.length && !access.abortSignal?.aborted) {
      const app = apps[next++]!;
      const { resourceGroup, site, slot, subscriptionId } = app.ref;
      const web = clientFor(subscriptionId).webApps;
      const o = { abortSignal: access.abortSignal };
      requests += 1;
      try {
        const settings = await (slot
          ? web.listApplicationSettingsSlot(resourceGroup, site, slot, o)
          : web.listApplicationSettings(resourceGroup, site, o));
        app.facts.appSettings = appSettingsFacts(settings, redact);
        app.facts.gaps = app.facts.gaps.filter((g) => g.source !== "appSettings");
      } catch (error) {
        app.facts.gaps = [
          ...app.facts.gaps.filter((g) => g.source !== "appSettings"),
          gapFrom("appSettings", error),
        ];
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, apps.length) }, worker));
  return { requests };
}

/** Eight reads in flight: well inside Resource Manager's per-subscription read bucket, and kind to it. */
export const SETTINGS_CONCURRENCY = 8;
