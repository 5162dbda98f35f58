import type {
  AppServicePlan,
  ConnectionStringDictionary,
  Deployment,
  FunctionEnvelope,
  Site,
  SiteConfigResource,
  SlotConfigNamesResource,
  StringDictionary,
} from "@azure/arm-appservice";
import { CollectError } from "../core/errors.js";
import type {
  CheckFacts,
  ConfigFacts,
  EnvironmentFacts,
  FactSource,
  Gap,
  PlanFacts,
  Role,
} from "../core/facts.js";
import type { AppRef } from "../core/resource-id.js";
import { parsePlanId } from "../core/resource-id.js";
import { byCodeUnit } from "../core/order.js";
import { resolveRelease } from "../core/release.js";
import { planWindows, type BaselineMode, type Windows } from "../core/windows.js";
import {
  clientOptions,
  describeError,
  gapFrom,
  readOrGap,
  statusOf,
  take,
  type AzureAccess,
} from "./access.js";
import { startMetrics, type MetricsReader } from "./metrics.js";
import { collectLogs } from "./logs.js";
import { isAuthError, signInFailure } from "./credentials.js";
import { hostStatus } from "./host-status.js";
import { isContainerAppsHosted, siteFacts } from "./site.js";
import { collectStacks } from "./stacks.js";
import { createRedactor, type Redactor } from "./redact.js";
import { createWebApi, type WebApi } from "./web-api.js";

export interface CollectOptions {
  now: Date;
  hashKey: Uint8Array;
  /** The release time from --since; else production's latest deployment or swap. */
  since?: Date;
  /** Metric windows (--settle, --baseline); no metrics are read without them. */
  metrics?: { settleMinutes: number; baseline: BaselineMode };
  /** Application Insights components named by the user, for apps that do not link theirs. */
  appInsights?: { qa?: string; prod?: string };
  /** `check --watch`: metric readers kept across rounds, and the windows of the run (a baseline read once). */
  watch?: { readers: Record<Role, MetricsReader>; windowsFor: (release: Date) => Windows | undefined };
}

/** Reads both environments, and the stacks matrix, every independent call at once. */
export async function collectCheckFacts(
  access: AzureAccess,
  apps: { qa: AppRef; prod: AppRef },
  options: CollectOptions,
): Promise<CheckFacts> {
  const clientFor = webClients(access);
  const redact = createRedactor(options.hashKey);
  const qa = collectEnvironment(clientFor(apps.qa.subscriptionId), access, "qa", apps.qa, redact);
  const prod = collectEnvironment(clientFor(apps.prod.subscriptionId), access, "prod", apps.prod, redact);
  // Metrics start as soon as production's release time is known: the same wave as the plans.
  const windows = options.metrics
    ? prod.early.then(({ site, deployments }) => {
        const release = resolveRelease({ site, deployments }, options.since);
        if (!release.time) return undefined;
        return options.watch
          ? options.watch.windowsFor(new Date(release.time))
          : planWindows(new Date(release.time), options.now, options.metrics!);
      })
    : Promise.resolve(undefined);
  const metricsOf = (run: EnvironmentRun) => {
    if (!options.metrics) return Promise.resolve(undefined);
    const reader =
      options.watch?.readers[run.role] ??
      startMetrics(access, {
        subscriptionId: run.ref.subscriptionId,
        siteId: run.ref.id,
        isSlot: run.ref.slot !== undefined,
      });
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
      collectStacks(clientFor(apps.prod.subscriptionId), access, options.now),
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

/** One App Service client per subscription, made when first needed. */
export function webClients(access: AzureAccess): (subscriptionId: string) => WebApi {
  const clients = new Map<string, WebApi>();
  return (subscriptionId) => {
    let client = clients.get(subscriptionId);
    if (!client) {
      client = createWebApi(access.credential, subscriptionId, clientOptions(access));
      clients.set(subscriptionId, client);
    }
    return client;
  };
}

async function readMetrics(reader: MetricsReader, windows: Windows, site: EnvironmentFacts["site"]) {
  try {
    return await reader.read(windows, { planId: site?.planId, planTier: site?.sku });
  } catch (error) {
    return { gap: gapFrom("metrics", error) };
  }
}

interface EnvironmentRun {
  role: Role;
  ref: AppRef;
  /** What the release time and the metrics need, as soon as it is read. */
  early: Promise<{ site: EnvironmentFacts["site"]; deployments?: EnvironmentFacts["deployments"] }>;
  done: Promise<EnvironmentFacts>;
}

function collectEnvironment(
  client: WebApi,
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
  return { role, ref, early, done: collectRest(client, access, role, ref, redact, gaps, site, deployments) };
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
    .sort((a, b) => byCodeUnit(b.endTime ?? b.startTime ?? "", a.endTime ?? a.startTime ?? ""));
}

async function collectRest(
  client: WebApi,
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
    // Container Apps hosting has no server farm: no plan is read for it, whatever the body says.
    const plan =
      site.serverFarmId && !isContainerAppsHosted(site) ? parsePlanId(site.serverFarmId) : undefined;
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
  if (config) facts.config = configFacts(config);
  if (settings) facts.appSettings = appSettingsFacts(settings, redact);
  if (connections) facts.connectionStrings = connectionStringsFacts(connections, redact);
  if (slotNames) facts.slotSettingNames = slotSettingNamesFacts(slotNames);
  if (plan) facts.plan = planFacts(plan, rg);
  if (functions) {
    facts.functions = functionsFacts(functions);
    facts.deployedLanguages = deployedLanguages(functions);
  }
  if (slots) facts.slots = slotsFacts(slots);
  if (deployments) facts.deployments = deployments;
  if (host) facts.host = host;
  return facts;
}

// One function per source: each turns the SDK's model of one response into facts.

export function configFacts(config: SiteConfigResource): ConfigFacts {
  return {
    netFrameworkVersion: config.netFrameworkVersion || undefined,
    linuxFxVersion: config.linuxFxVersion || undefined,
    use32BitWorkerProcess: config.use32BitWorkerProcess ?? undefined,
    alwaysOn: config.alwaysOn ?? undefined,
    functionAppScaleLimit: config.functionAppScaleLimit ?? undefined,
    minimumElasticInstanceCount: config.minimumElasticInstanceCount ?? undefined,
    powerShellVersion: config.powerShellVersion || undefined,
    javaVersion: config.javaVersion || undefined,
  };
}

export function appSettingsFacts(
  settings: StringDictionary,
  redact: Redactor,
): EnvironmentFacts["appSettings"] {
  return Object.fromEntries(
    Object.entries(settings.properties ?? {}).map(([key, value]) => [key, redact(key, String(value ?? ""))]),
  );
}

export function connectionStringsFacts(
  connections: ConnectionStringDictionary,
  redact: Redactor,
): EnvironmentFacts["connectionStrings"] {
  return Object.fromEntries(
    Object.entries(connections.properties ?? {}).map(([key, entry]) => [
      key,
      { ...redact(key, entry?.value ?? ""), type: String(entry?.type ?? "Custom") },
    ]),
  );
}

export function slotSettingNamesFacts(names: SlotConfigNamesResource): string[] {
  return [...(names.appSettingNames ?? []), ...(names.connectionStringNames ?? [])];
}

export function planFacts(plan: AppServicePlan, siteResourceGroup: string): PlanFacts {
  const planRef = parsePlanId(plan.id ?? "");
  return {
    id: plan.id ?? "",
    name: plan.name ?? planRef?.name ?? "",
    resourceGroup: planRef?.resourceGroup ?? siteResourceGroup,
    skuName: plan.sku?.name ?? "unknown",
    tier: plan.sku?.tier ?? "unknown",
    os: plan.reserved ? "linux" : "windows",
    capacity: plan.sku?.capacity ?? undefined,
    // Consumption and Flex plans answer `numberOfSites: 0` while hosting the app: not a count.
    numberOfSites: plan.numberOfSites && plan.numberOfSites > 0 ? plan.numberOfSites : undefined,
    maximumElasticWorkerCount: plan.maximumElasticWorkerCount ?? undefined,
  };
}

export function functionsFacts(functions: FunctionEnvelope[]): EnvironmentFacts["functions"] {
  return functions.map((f) => ({
    name: (f.name ?? "").split("/").pop() ?? "",
    disabled: f.isDisabled === true,
  }));
}

/** The languages the deployed functions declare, distinct and sorted (EnvironmentFacts.deployedLanguages). */
export function deployedLanguages(functions: FunctionEnvelope[]): string[] {
  return [...new Set(functions.flatMap((f) => (f.language ? [f.language] : [])))].sort();
}

export function slotsFacts(slots: Site[]): EnvironmentFacts["slots"] {
  return slots.map((s) => ({
    name: (s.name ?? "").split("/").pop() ?? "",
    state: s.state ?? "unknown",
  }));
}

function siteError(role: Role, ref: AppRef, error: unknown, access: AzureAccess): CollectError {
  if (error instanceof CollectError) return error; // already explained (sign-in ran out of time)
  if (isAuthError(error)) {
    return new CollectError(signInFailure(error, access.authHint ?? "check the credential"), ref.id);
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
