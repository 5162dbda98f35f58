import type { TokenCredential } from "@azure/core-auth";
import type { HttpClient } from "@azure/core-rest-pipeline";
import { createDefaultHttpClient, createPipelineRequest } from "@azure/core-rest-pipeline";
import type { Deployment, FunctionAppStack, Site, WebSiteManagementClient } from "@azure/arm-appservice";
import { WebSiteManagementClient as Client } from "@azure/arm-appservice";
import { CollectError } from "../core/errors.js";
import type {
  CheckFacts,
  EnvironmentFacts,
  FactSource,
  Gap,
  Role,
  StackRow,
  StacksFacts,
} from "../core/facts.js";
import type { AppRef } from "../core/resource-id.js";
import { parsePlanId } from "../core/resource-id.js";
import { resolveRelease } from "../core/release.js";
import { planWindows, type BaselineMode, type Windows } from "../core/windows.js";
import { startMetrics, type MetricsReader } from "./metrics.js";
import { collectLogs } from "./logs.js";
import { bundledStacks } from "./bundled-stacks.js";
import { isAuthError } from "./credentials.js";
import { observerPolicy, perTryTimeoutPolicy, readOnlyPolicy } from "./policies.js";
import { createRedactor, type Redactor } from "./redact.js";

export const ARM_ENDPOINT = "https://management.azure.com";
/** Not in the SDK or the REST specs: ARM's pass-through to the Functions host, as the portal uses it. */
const HOST_STATUS_API_VERSION = "2022-03-01";
const MAX_LISTED = 200;

export interface AzureAccess {
  credential: TokenCredential;
  /** Replay, recording or a test transport; the SDK's default client otherwise. */
  httpClient?: HttpClient;
  /** Resource Manager; https://management.azure.com unless a cloud or --arm-endpoint says otherwise. */
  endpoint?: string;
  /** The token scope for Resource Manager (the cloud's audience, even behind an overridden endpoint). */
  scope?: string;
  retryOptions?: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };
  /** Each attempt of each request; a slower answer is retried like a dropped connection. */
  perTryTimeoutMs?: number;
  /** Ends the whole check (--timeout). */
  abortSignal?: AbortSignal;
  /** What to tell the user when the credential fails. */
  authHint?: string;
  /** Azure Monitor metrics (Resource Manager's Microsoft.Insights/metrics); the Resource Manager endpoint unless set. */
  metricsEndpoint?: string;
  /** Told of every attempt of every request: progress and --verbose. */
  onRequest?: Parameters<typeof observerPolicy>[0];
  /** Log Analytics (Application Insights queries) and its token scope. */
  logsEndpoint?: string;
  logsScope?: string;
}

/**
 * Throttling (429 + Retry-After) and transient 5xx share one retry budget in the SDK; a
 * subscription that throttles a burst needs more than the default 3 (reference azure-sdk.md §8).
 */
const RETRY = { maxRetries: 6, retryDelayInMs: 500, maxRetryDelayInMs: 10_000 };
const PER_TRY_TIMEOUT_MS = 30_000;

export interface CollectOptions {
  now: Date;
  hashKey: Uint8Array;
  /** The release time from --since; else production's latest deployment or swap. */
  since?: Date;
  /** Metric windows (--settle, --baseline); no metrics are read without them. */
  metrics?: { settleMinutes: number; baseline: BaselineMode };
  /** Application Insights components named by the user, for apps that do not link theirs. */
  appInsights?: { qa?: string; prod?: string };
}

/** Reads both environments, and the stacks matrix, every independent call at once. */
export async function collectCheckFacts(
  access: AzureAccess,
  apps: { qa: AppRef; prod: AppRef },
  options: CollectOptions,
): Promise<CheckFacts> {
  const clients = new Map<string, WebSiteManagementClient>();
  const clientFor = (subscriptionId: string) => {
    let client = clients.get(subscriptionId);
    if (!client) {
      client = new Client(access.credential, subscriptionId, clientOptions(access));
      clients.set(subscriptionId, client);
    }
    return client;
  };
  const redact = createRedactor(options.hashKey);
  const qa = collectEnvironment(clientFor(apps.qa.subscriptionId), access, "qa", apps.qa, redact);
  const prod = collectEnvironment(clientFor(apps.prod.subscriptionId), access, "prod", apps.prod, redact);
  // Metrics start as soon as production's release time is known: the same wave as the plans.
  const windows = options.metrics
    ? prod.early.then(({ site, deployments }) => {
        const release = resolveRelease({ site, deployments }, options.since);
        return release.time ? planWindows(new Date(release.time), options.now, options.metrics!) : undefined;
      })
    : Promise.resolve(undefined);
  const metricsOf = (run: EnvironmentRun) => {
    if (!options.metrics) return Promise.resolve(undefined);
    const reader = startMetrics(access, { subscriptionId: run.ref.subscriptionId, siteId: run.ref.id });
    return Promise.all([windows, run.early]).then(([w, { site }]) =>
      w ? readMetrics(reader, w, site) : undefined,
    );
  };
  // Application Insights, where the app links its component: in the same wave as the metrics.
  const logsOf = (run: EnvironmentRun, named?: string) =>
    Promise.all([windows, run.early]).then(async ([w, { site }]) => {
      const component = named ?? site?.appInsightsId;
      if (!w || !component) return undefined;
      try {
        return await collectLogs(access, component, w);
      } catch (error) {
        return { gap: gapFrom("logs", error) };
      }
    });
  const [qaFacts, prodFacts, stacks, metricWindows, qaMetrics, prodMetrics, qaLogs, prodLogs] =
    await Promise.all([
      qa.done,
      prod.done,
      collectStacks(clientFor(apps.prod.subscriptionId), access),
      windows.catch(() => undefined),
      metricsOf(qa).catch(() => undefined),
      metricsOf(prod).catch(() => undefined),
      logsOf(qa, options.appInsights?.qa).catch(() => undefined),
      logsOf(prod, options.appInsights?.prod).catch(() => undefined),
    ]);
  for (const [facts, metrics, logs] of [
    [qaFacts, qaMetrics, qaLogs],
    [prodFacts, prodMetrics, prodLogs],
  ] as const) {
    if (metrics && "gap" in metrics) facts.gaps.push(metrics.gap);
    else if (metrics) facts.metrics = metrics;
    if (logs && "gap" in logs) facts.gaps.push(logs.gap);
    else if (logs) facts.logs = logs;
  }
  return {
    now: options.now.toISOString(),
    qa: qaFacts,
    prod: prodFacts,
    stacks,
    ...(metricWindows ? { metricWindows } : {}),
  };
}

async function readMetrics(reader: MetricsReader, windows: Windows, site: EnvironmentFacts["site"]) {
  try {
    return await reader.read(windows, { planId: site?.planId, planTier: site?.sku });
  } catch (error) {
    return { gap: gapFrom("metrics", error) };
  }
}

function clientOptions(access: AzureAccess) {
  return {
    endpoint: access.endpoint ?? ARM_ENDPOINT,
    credentials: { scopes: [access.scope ?? `${ARM_ENDPOINT}/.default`] },
    ...armClientOptions(access),
  };
}

/** Transport options every Resource Manager client shares: retries, timeouts, the read-only guard. */
export function armClientOptions(access: AzureAccess) {
  return {
    userAgentOptions: { userAgentPrefix: "azfn-health" },
    retryOptions: access.retryOptions ?? RETRY,
    additionalPolicies: [
      { policy: readOnlyPolicy, position: "perCall" as const },
      {
        policy: perTryTimeoutPolicy(access.perTryTimeoutMs ?? PER_TRY_TIMEOUT_MS),
        position: "perRetry" as const,
      },
      ...(access.onRequest
        ? [{ policy: observerPolicy(access.onRequest), position: "perRetry" as const }]
        : []),
    ],
    ...(access.httpClient ? { httpClient: access.httpClient } : {}),
  };
}

interface EnvironmentRun {
  ref: AppRef;
  /** What the release time and the metrics need, as soon as it is read. */
  early: Promise<{ site: EnvironmentFacts["site"]; deployments?: EnvironmentFacts["deployments"] }>;
  done: Promise<EnvironmentFacts>;
}

function collectEnvironment(
  client: WebSiteManagementClient,
  access: AzureAccess,
  role: Role,
  ref: AppRef,
  redact: Redactor,
): EnvironmentRun {
  const gaps: Gap[] = [];
  const slot = ref.slot;
  const deployments = readOrGap(gaps, "deployments", () =>
    take(
      slot
        ? client.webApps.listDeploymentsSlot(ref.resourceGroup, ref.site, slot, {
            abortSignal: access.abortSignal,
          })
        : client.webApps.listDeployments(ref.resourceGroup, ref.site, { abortSignal: access.abortSignal }),
    ),
  ).then((list) => list && deploymentFacts(list));
  const site = (
    slot
      ? client.webApps.getSlot(ref.resourceGroup, ref.site, slot, { abortSignal: access.abortSignal })
      : client.webApps.get(ref.resourceGroup, ref.site, { abortSignal: access.abortSignal })
  ).catch((error: unknown) => {
    throw siteError(role, ref, error, access);
  });
  const early = Promise.all([site, deployments]).then(([s, d]) => ({ site: siteFacts(s), deployments: d }));
  early.catch(() => undefined); // the same failure surfaces through `done`
  return { ref, early, done: collectRest(client, access, role, ref, redact, gaps, site, deployments) };
}

function readOrGap<T>(gaps: Gap[], source: FactSource, load: () => Promise<T>): Promise<T | undefined> {
  return load().catch((error: unknown) => {
    gaps.push(gapFrom(source, error));
    return undefined;
  });
}

function deploymentFacts(deployments: Deployment[]): EnvironmentFacts["deployments"] {
  return deployments
    .map((d) => ({
      id: (d.name ?? d.id ?? "").split("/").pop() ?? "",
      status: d.status ?? -1,
      active: d.active === true,
      startTime: d.startTime?.toISOString(),
      endTime: d.endTime?.toISOString(),
      author: d.author,
      deployer: d.deployer,
    }))
    .sort((a, b) => (b.endTime ?? b.startTime ?? "").localeCompare(a.endTime ?? a.startTime ?? ""));
}

async function collectRest(
  client: WebSiteManagementClient,
  access: AzureAccess,
  role: Role,
  ref: AppRef,
  redact: Redactor,
  gaps: Gap[],
  sitePromise: Promise<Site>,
  deploymentsPromise: Promise<EnvironmentFacts["deployments"]>,
): Promise<EnvironmentFacts> {
  const web = client.webApps;
  const { resourceGroup: rg, site: name, slot } = ref;
  const o = { abortSignal: access.abortSignal };
  const read = <T>(source: FactSource, load: () => Promise<T>) => readOrGap(gaps, source, load);
  const planPromise = sitePromise.then((site) => {
    const plan = site.serverFarmId ? parsePlanId(site.serverFarmId) : undefined;
    return plan
      ? read("plan", () => client.appServicePlans.get(plan.resourceGroup, plan.name, o))
      : undefined;
  });
  const [site, config, settings, connections, slotNames, functions, slots, deployments, host, plan] =
    await Promise.all([
      sitePromise,
      read("config", () =>
        slot ? web.getConfigurationSlot(rg, name, slot, o) : web.getConfiguration(rg, name, o),
      ),
      read("appSettings", () =>
        slot ? web.listApplicationSettingsSlot(rg, name, slot, o) : web.listApplicationSettings(rg, name, o),
      ),
      read("connectionStrings", () =>
        slot ? web.listConnectionStringsSlot(rg, name, slot, o) : web.listConnectionStrings(rg, name, o),
      ),
      // Sticky setting names live on the site, whichever slot is checked.
      read("slotConfigNames", () => web.listSlotConfigurationNames(rg, name, o)),
      read("functions", () =>
        take(slot ? web.listInstanceFunctionsSlot(rg, name, slot, o) : web.listFunctions(rg, name, o)),
      ),
      slot ? Promise.resolve(undefined) : read("slots", () => take(web.listSlots(rg, name, o))),
      deploymentsPromise,
      read("hostStatus", () => hostStatus(client, access, ref)),
      planPromise,
    ]);

  const facts: EnvironmentFacts = { role, ref, gaps, site: siteFacts(site) };
  if (config) {
    facts.config = {
      netFrameworkVersion: config.netFrameworkVersion || undefined,
      linuxFxVersion: config.linuxFxVersion || undefined,
      use32BitWorkerProcess: config.use32BitWorkerProcess,
      alwaysOn: config.alwaysOn,
      functionAppScaleLimit: config.functionAppScaleLimit,
      minimumElasticInstanceCount: config.minimumElasticInstanceCount,
      powerShellVersion: config.powerShellVersion || undefined,
      javaVersion: config.javaVersion || undefined,
    };
  }
  if (settings) {
    facts.appSettings = Object.fromEntries(
      Object.entries(settings.properties ?? {}).map(([key, value]) => [
        key,
        redact(key, String(value ?? "")),
      ]),
    );
  }
  if (connections) {
    facts.connectionStrings = Object.fromEntries(
      Object.entries(connections.properties ?? {}).map(([key, entry]) => [
        key,
        { ...redact(key, entry?.value ?? ""), type: String(entry?.type ?? "Custom") },
      ]),
    );
  }
  if (slotNames)
    facts.slotSettingNames = [
      ...(slotNames.appSettingNames ?? []),
      ...(slotNames.connectionStringNames ?? []),
    ];
  if (plan) {
    const planRef = parsePlanId(plan.id ?? "");
    facts.plan = {
      id: plan.id ?? "",
      name: plan.name ?? planRef?.name ?? "",
      resourceGroup: planRef?.resourceGroup ?? rg,
      skuName: plan.sku?.name ?? "unknown",
      tier: plan.sku?.tier ?? "unknown",
      os: plan.reserved ? "linux" : "windows",
      capacity: plan.sku?.capacity,
      numberOfSites: plan.numberOfSites,
      maximumElasticWorkerCount: plan.maximumElasticWorkerCount,
    };
  }
  if (functions)
    facts.functions = functions.map((f) => ({
      name: (f.name ?? "").split("/").pop() ?? "",
      disabled: f.isDisabled === true,
    }));
  if (slots)
    facts.slots = slots.map((s) => ({
      name: (s.name ?? "").split("/").pop() ?? "",
      state: s.state ?? "unknown",
    }));
  if (deployments) facts.deployments = deployments;
  if (host) facts.host = host;
  return facts;
}

function siteFacts(site: Site): EnvironmentFacts["site"] {
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

function appInsightsLink(tags: Record<string, string> | undefined): string | undefined {
  const id = tags?.[APP_INSIGHTS_TAG];
  return id &&
    /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/microsoft\.insights\/components\/[^/]+$/i.test(
      id,
    )
    ? id
    : undefined;
}

/** The running host, as the portal shows it: sent through the client's own authenticated pipeline. */
async function hostStatus(
  client: WebSiteManagementClient,
  access: AzureAccess,
  ref: AppRef,
): Promise<EnvironmentFacts["host"]> {
  const url = `${access.endpoint ?? ARM_ENDPOINT}${ref.id}/hostruntime/admin/host/status?api-version=${HOST_STATUS_API_VERSION}`;
  const response = await client.pipeline.sendRequest(
    access.httpClient ?? createDefaultHttpClient(),
    createPipelineRequest({ url, method: "GET", abortSignal: access.abortSignal }),
  );
  if (response.status >= 400)
    throw Object.assign(
      new Error(armErrorMessage(response.bodyAsText ?? undefined) ?? `HTTP ${response.status}`),
      { statusCode: response.status },
    );
  const body = JSON.parse(response.bodyAsText ?? "{}") as {
    state?: string;
    version?: string;
    errors?: unknown;
    extensionBundle?: { id?: string; version?: string };
  };
  return {
    state: body.state ?? "unknown",
    version: body.version,
    errors: Array.isArray(body.errors) ? body.errors.map(String) : [],
    extensionBundle: body.extensionBundle?.id
      ? { id: body.extensionBundle.id, version: body.extensionBundle.version ?? "" }
      : undefined,
  };
}

async function collectStacks(client: WebSiteManagementClient, access: AzureAccess): Promise<StacksFacts> {
  try {
    const rows = stackRows(
      await take(client.provider.listFunctionAppStacks({ abortSignal: access.abortSignal }), 1000),
    );
    if (rows.length > 0) return { source: "api", rows };
    throw new Error("the response listed no stacks");
  } catch (error) {
    const bundled = await bundledStacks();
    return {
      source: "bundled",
      note: `Function App Stacks API unavailable (${describeError(error)})`,
      snapshotDate: bundled.snapshotDate,
      rows: stackRows(bundled.stacks),
    };
  }
}

export function stackRows(stacks: FunctionAppStack[]): StackRow[] {
  const rows: StackRow[] = [];
  for (const stack of stacks) {
    for (const major of stack.majorVersions ?? []) {
      for (const minor of major.minorVersions ?? []) {
        for (const [os, settings] of [
          ["windows", minor.stackSettings?.windowsRuntimeSettings],
          ["linux", minor.stackSettings?.linuxRuntimeSettings],
        ] as const) {
          if (!settings?.runtimeVersion) continue;
          const appSettings = { ...(settings.appSettingsDictionary ?? {}) };
          rows.push({
            stack: stack.value ?? stack.name ?? "",
            major: major.value ?? "",
            minor: minor.displayText ?? minor.value ?? "",
            os,
            runtimeVersion: settings.runtimeVersion,
            workerRuntime: appSettings.FUNCTIONS_WORKER_RUNTIME,
            appSettings,
            use32BitWorkerProcess: settings.siteConfigPropertiesDictionary?.use32BitWorkerProcess,
            extensionVersions: settings.supportedFunctionsExtensionVersions ?? [],
            endOfLife:
              settings.endOfLifeDate && !Number.isNaN(settings.endOfLifeDate.getTime())
                ? settings.endOfLifeDate.toISOString()
                : undefined,
            isDeprecated: settings.isDeprecated === true,
          });
        }
      }
    }
  }
  return rows;
}

async function take<T>(items: AsyncIterable<T>, max = MAX_LISTED): Promise<T[]> {
  const result: T[] = [];
  for await (const item of items) {
    result.push(item);
    if (result.length >= max) break;
  }
  return result;
}

export function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown })?.statusCode;
  return typeof status === "number" ? status : undefined;
}

export function describeError(error: unknown): string {
  if ((error as Error)?.name === "AbortError") return "timed out: the check's --timeout ran out";
  const status = statusOf(error);
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
  return [
    status ? `HTTP ${status}` : undefined,
    typeof code === "string" && code !== message ? code : undefined,
    message,
  ]
    .filter(Boolean)
    .join(" ");
}

function armErrorMessage(body: string | undefined): string | undefined {
  try {
    const parsed = JSON.parse(body ?? "") as {
      error?: { code?: string; message?: string };
      Message?: string;
    };
    return parsed.error?.message ?? parsed.Message;
  } catch {
    return undefined;
  }
}

const REQUIRED_ROLE: Partial<Record<FactSource, string>> = {
  appSettings:
    "Microsoft.Web/sites/config/list/action (Website Contributor, or a custom role; Reader lacks it)",
  connectionStrings:
    "Microsoft.Web/sites/config/list/action (Website Contributor, or a custom role; Reader lacks it)",
};

function gapFrom(source: FactSource, error: unknown): Gap {
  const statusCode = statusOf(error);
  const needs = statusCode === 403 && REQUIRED_ROLE[source] ? `; grant ${REQUIRED_ROLE[source]}` : "";
  return { source, reason: `${describeError(error)}${needs}`, ...(statusCode ? { statusCode } : {}) };
}

function siteError(role: Role, ref: AppRef, error: unknown, access: AzureAccess): CollectError {
  if (isAuthError(error)) {
    const reason = error.message.split("\n").find((line) => line.trim()) ?? error.name;
    return new CollectError(
      `authentication failed (${error.name}): ${reason.trim().slice(0, 300)}. To fix: ${access.authHint ?? "check the credential"}`,
      ref.id,
    );
  }
  const status = statusOf(error);
  const what =
    status === 404
      ? "not found"
      : status === 403
        ? "not readable with the current identity (grant Reader on it)"
        : "could not be read";
  return new CollectError(`${role} app ${ref.id}: ${what} (${describeError(error)})`, ref.id, status);
}
