#!/usr/bin/env node
// Builds the bundled recordings in fixtures/. They are CONSTRUCTED, not captured: every body
// follows the documented REST shapes (azure-rest-api-specs examples GetWebApp, GetSiteConfig,
// ListAppSettings, GetAppServicePlan, GetFunctionAppStacks; azure-functions-host HostStatus.cs),
// at the URLs and api-versions the SDK really sends. Secret-looking values are obvious
// TEST-SECRET markers, so tests can prove none of them reaches any output.
// Run: npm run fixtures (it runs our own collector, so it needs the build).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createHttpHeaders } from "@azure/core-rest-pipeline";
import { collectCheckFacts } from "../dist/collect/azure.js";
import { createReplayHttpClient } from "../dist/collect/recording.js";
import { parseAppId } from "../dist/core/resource-id.js";
import { METRICS } from "../dist/core/metric-catalogue.js";

const ARM = "https://management.azure.com";
const API = "api-version=2025-05-01";
const SUB = "8f3a2c71-5b0e-4d39-9a61-2e7c4b1d9f05";
const LOCATION = "West Europe";

const siteId = (rg, name) =>
  `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.Web/sites/${name}`;
const planId = (rg, name) =>
  `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.Web/serverfarms/${name}`;
const ok = (body) => ({ status: 200, headers: { "content-type": "application/json; charset=utf-8" }, body });
const get = (path, body) => ({ request: { method: "GET", url: `${ARM}${path}?${API}` }, response: ok(body) });
const post = (path, body) => ({
  request: { method: "POST", url: `${ARM}${path}?${API}` },
  response: ok(body),
});

const storage = (account, env) =>
  `DefaultEndpointsProtocol=https;AccountName=${account};AccountKey=TEST-SECRET-${env}-storage-key;EndpointSuffix=core.windows.net`;

// A spec may describe another kind of app than the Windows Elastic Premium default: `kind`,
// `reserved`, `siteSku`, `linuxFxVersion`, `functionAppConfig` (Flex Consumption), `plan.tier`/
// `plan.family`/`plan.kind`/`plan.reserved`, and `slot` (the environment is a deployment slot of
// `name`; its sticky names are read from the site, which the production side records).
function environment(spec) {
  const site = siteId(spec.rg, spec.name);
  const id = spec.slot ? `${site}/slots/${spec.slot}` : site;
  const plan = planId(spec.rg, spec.plan.name);
  const linuxFxVersion = spec.linuxFxVersion ?? "";
  const exchanges = [
    get(id, {
      id,
      name: spec.slot ? `${spec.name}/${spec.slot}` : spec.name,
      type: spec.slot ? "Microsoft.Web/sites/slots" : "Microsoft.Web/sites",
      kind: spec.kind ?? "functionapp",
      location: LOCATION,
      // The portal's links to Application Insights; the key tag is a secret the tool must never keep.
      tags: {
        environment: spec.env,
        "hidden-link: /app-insights-resource-id": `/subscriptions/${SUB}/resourceGroups/${spec.rg}/providers/microsoft.insights/components/appi-orders-${spec.env}`,
        "hidden-link: /app-insights-instrumentation-key": `TEST-SECRET-${spec.env}-appinsights-key`,
      },
      properties: {
        state: spec.state ?? "Running",
        hostNames: [`${spec.name}.azurewebsites.net`],
        repositorySiteName: spec.name,
        usageState: "Normal",
        enabled: true,
        enabledHostNames: [`${spec.name}.azurewebsites.net`, `${spec.name}.scm.azurewebsites.net`],
        availabilityState: "Normal",
        serverFarmId: plan,
        sku: spec.siteSku ?? "ElasticPremium",
        reserved: spec.reserved ?? false,
        isXenon: false,
        hyperV: false,
        lastModifiedTimeUtc: spec.lastModified,
        // The site GET leaves these null; config/web has them (reference azure-sdk.md §8).
        siteConfig: {
          numberOfWorkers: 1,
          netFrameworkVersion: null,
          use32BitWorkerProcess: null,
          linuxFxVersion,
          alwaysOn: false,
          http20Enabled: false,
          functionAppScaleLimit: 0,
          minimumElasticInstanceCount: 0,
        },
        ...(spec.functionAppConfig ? { functionAppConfig: spec.functionAppConfig } : {}),
        ...(spec.swap ? { slotSwapStatus: spec.swap } : {}),
        scmSiteAlsoStopped: false,
        clientAffinityEnabled: false,
        httpsOnly: true,
        redundancyMode: "None",
        containerSize: 1536,
        dailyMemoryTimeQuota: 0,
        defaultHostName: `${spec.name}.azurewebsites.net`,
        resourceGroup: spec.rg,
        keyVaultReferenceIdentity: "SystemAssigned",
      },
    }),
    get(`${id}/config/web`, {
      id: `${id}/config/web`,
      name: "web",
      type: "Microsoft.Web/sites/config",
      location: LOCATION,
      properties: {
        numberOfWorkers: 1,
        netFrameworkVersion: spec.netFrameworkVersion,
        phpVersion: "",
        pythonVersion: "",
        nodeVersion: "",
        powerShellVersion: "",
        linuxFxVersion,
        use32BitWorkerProcess: spec.use32Bit,
        webSocketsEnabled: false,
        alwaysOn: false,
        managedPipelineMode: "Integrated",
        loadBalancing: "LeastRequests",
        http20Enabled: true,
        minTlsVersion: "1.2",
        scmMinTlsVersion: "1.2",
        ftpsState: "FtpsOnly",
        functionAppScaleLimit: 0,
        functionsRuntimeScaleMonitoringEnabled: false,
        minimumElasticInstanceCount: spec.minimumElasticInstanceCount ?? 1,
        azureStorageAccounts: {},
      },
    }),
    post(`${id}/config/appsettings/list`, {
      id: `${id}/config/appsettings`,
      name: "appsettings",
      type: "Microsoft.Web/sites/config",
      location: LOCATION,
      properties: spec.settings,
    }),
    post(`${id}/config/connectionstrings/list`, {
      id: `${id}/config/connectionstrings`,
      name: "connectionstrings",
      type: "Microsoft.Web/sites/config",
      location: LOCATION,
      properties: {
        OrdersDb: {
          value: `Server=tcp:sql-orders-${spec.env}.database.windows.net,1433;Database=orders;User ID=orders;Password=TEST-SECRET-${spec.env}-sql-password;Encrypt=true`,
          type: "SQLAzure",
        },
      },
    }),
    ...(spec.slot
      ? []
      : [
          get(`${id}/config/slotConfigNames`, {
            id: `${id}/config/slotConfigNames`,
            name: "slotConfigNames",
            type: "Microsoft.Web/sites/config",
            location: LOCATION,
            properties: {
              connectionStringNames: null,
              appSettingNames: spec.stickySettings ?? null,
              azureStorageConfigNames: null,
            },
          }),
        ]),
    ...functionPages(id, spec),
    ...(spec.slot
      ? []
      : [
          get(`${id}/slots`, {
            value: (spec.slots ?? []).map((slot) => slotBody(spec, slot)),
            nextLink: null,
          }),
        ]),
    get(`${id}/deployments`, {
      value: spec.deployments.map((d) => ({
        id: `${id}/deployments/${d.id}`,
        name: d.id,
        type: "Microsoft.Web/sites/deployments",
        properties: {
          status: d.status ?? 4,
          message: d.message,
          author: d.author,
          deployer: "ZipDeploy",
          author_email: `${d.author}@contoso.example`,
          start_time: d.start,
          end_time: d.end,
          active: d.active ?? false,
        },
      })),
      nextLink: null,
    }),
    get(plan, {
      id: plan,
      name: spec.plan.name,
      type: "Microsoft.Web/serverfarms",
      kind: spec.plan.kind ?? "elastic",
      location: LOCATION,
      properties: {
        serverFarmId: 0,
        name: spec.plan.name,
        workerSize: "D1",
        workerSizeId: 3,
        currentWorkerSize: "D1",
        currentWorkerSizeId: 3,
        currentNumberOfWorkers: spec.plan.capacity,
        status: "Ready",
        maximumNumberOfWorkers: 20,
        geoRegion: LOCATION,
        numberOfSites: spec.plan.sites,
        isSpot: false,
        kind: spec.plan.kind ?? "elastic",
        reserved: spec.plan.reserved ?? false,
        isXenon: false,
        hyperV: false,
        targetWorkerCount: 0,
        targetWorkerSizeId: 0,
        provisioningState: "Succeeded",
        elasticScaleEnabled: spec.plan.elastic ?? true,
        maximumElasticWorkerCount: spec.plan.maximumElasticWorkerCount ?? 20,
        numberOfWorkers: spec.plan.capacity,
        zoneRedundant: false,
        resourceGroup: spec.rg,
      },
      sku: {
        name: spec.plan.sku,
        tier: spec.plan.tier ?? "ElasticPremium",
        size: spec.plan.sku,
        family: spec.plan.family ?? "EP",
        capacity: spec.plan.capacity,
      },
    }),
    // ARM's pass-through to the host (not in the REST specs; fields from azure-functions-host HostStatus.cs).
    {
      request: { method: "GET", url: `${ARM}${id}/hostruntime/admin/host/status?api-version=2022-03-01` },
      response: ok({
        id: spec.slot ? `${spec.name}__${spec.slot}` : spec.name,
        state: spec.host.state,
        version: spec.host.version,
        versionDetails: `${spec.host.version} Commit hash: 5a1f9c0e`,
        platformVersion: "105.0.7.568",
        instanceId: "8d2a4c2b3f0e41b7a1e6",
        computerName: "10-30-1-48",
        processUptime: spec.host.uptimeMs,
        functionAppContentEditingState: "NotAllowed",
        ...(spec.host.errors ? { errors: spec.host.errors } : {}),
      }),
    },
  ];
  return exchanges;
}

/** The functions list, paged when there are many: the SDK follows nextLink as ARM writes it. */
function functionPages(id, spec) {
  const body = (name) => ({
    id: `${id}/functions/${name}`,
    name: `${spec.slot ? `${spec.name}/${spec.slot}` : spec.name}/${name}`,
    type: spec.slot ? "Microsoft.Web/sites/slots/functions" : "Microsoft.Web/sites/functions",
    location: LOCATION,
    properties: {
      name,
      function_app_id: null,
      script_root_path_href: `https://${spec.name}.azurewebsites.net/admin/vfs/site/wwwroot/${name}/`,
      script_href: `https://${spec.name}.azurewebsites.net/admin/vfs/site/wwwroot/bin/Contoso.Orders.Functions.dll`,
      config_href: `https://${spec.name}.azurewebsites.net/admin/vfs/site/wwwroot/${name}/function.json`,
      href: `https://${spec.name}.azurewebsites.net/admin/functions/${name}`,
      config: {
        generatedBy: "Microsoft.NET.Sdk.Functions",
        configurationSource: "attributes",
        bindings: [{ type: name.endsWith("Http") ? "httpTrigger" : "serviceBusTrigger", name: "input" }],
        disabled: false,
        scriptFile: "../bin/Contoso.Orders.Functions.dll",
        entryPoint: `Contoso.Orders.Functions.${name}.Run`,
      },
      invoke_url_template: name.endsWith("Http")
        ? `https://${spec.name}.azurewebsites.net/api/${name.toLowerCase()}`
        : null,
      language: spec.language ?? "DotNetAssembly",
      isDisabled: false,
    },
  });
  const all = spec.functions.map(body);
  if (!spec.pagedFunctions) return [get(`${id}/functions`, { value: all, nextLink: null })];
  const half = Math.ceil(all.length / 2);
  const next = `${ARM}${id}/functions?${API}&$skipToken=${encodeURIComponent("eyJwYWdlIjoyfQ==")}`;
  return [
    get(`${id}/functions`, { value: all.slice(0, half), nextLink: next }),
    { request: { method: "GET", url: next }, response: ok({ value: all.slice(half), nextLink: null }) },
  ];
}

function slotBody(spec, slot) {
  const id = `${siteId(spec.rg, spec.name)}/slots/${slot}`;
  return {
    id,
    name: `${spec.name}/${slot}`,
    type: "Microsoft.Web/sites/slots",
    kind: "functionapp",
    location: LOCATION,
    properties: {
      state: "Running",
      enabled: true,
      serverFarmId: planId(spec.rg, spec.plan.name),
      reserved: false,
      lastModifiedTimeUtc: spec.lastModified,
      defaultHostName: `${spec.name}-${slot}.azurewebsites.net`,
    },
  };
}

/** The dotnet stack of the bundled Core Tools copy, with ISO dates as api-version 2025-05-01 returns them. */
function stacksExchange(names = ["dotnet"]) {
  const all = JSON.parse(readFileSync(new URL("../data/function-app-stacks.json", import.meta.url), "utf8"));
  const dotnet = all.value.filter((s) => names.includes(s.name));
  const iso = JSON.parse(JSON.stringify(dotnet), (key, value) =>
    key === "endOfLifeDate" && value ? new Date(value).toISOString() : value,
  );
  return {
    request: { method: "GET", url: `${ARM}/providers/Microsoft.Web/functionAppStacks?${API}` },
    response: ok({ value: iso, nextLink: null }),
  };
}

function baseSettings(env, overrides) {
  return {
    FUNCTIONS_EXTENSION_VERSION: "~4",
    FUNCTIONS_WORKER_RUNTIME: "dotnet",
    AzureWebJobsStorage: storage(`storders${env}`, env),
    WEBSITE_CONTENTAZUREFILECONNECTIONSTRING: storage(`storders${env}`, env),
    WEBSITE_CONTENTSHARE: `orders-func-${env}-content`,
    APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=TEST-SECRET-${env}-appinsights-key;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/`,
    ServiceBusConnection: `Endpoint=sb://sb-orders-${env}.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=TEST-SECRET-${env}-servicebus-key`,
    Pricing__ApiKey: `TEST-SECRET-${env}-pricing-api-key`,
    WEBSITE_RUN_FROM_PACKAGE: "1",
    ...overrides,
  };
}

const FUNCTIONS = ["ProcessOrder", "ShipOrder", "GetOrderHttp", "RefundOrderHttp", "NightlyReconcile"];

// ---- Metrics -------------------------------------------------------------------------------
// Azure Monitor answers (Metrics - List and Metric Definitions, api-version 2018-01-01, shapes
// of the azure-rest-api-specs examples), generated per scenario and captured at the exact URLs
// our collector sends, by running it over the exchanges above.
const MINUTE = 60_000;
const MB = 1024 ** 2;
const UNITS = { Count: "Count", Bytes: "Bytes", Seconds: "Seconds", Percent: "Percent" };
/** Offered by a Windows function app's metricDefinitions; CpuTime is WebApps-only. */
const OFFERED = METRICS.filter((m) => m.namespace === "Microsoft.Web/sites" && m.name !== "CpuTime");

function unit01(...parts) {
  let h = 2166136261;
  for (const ch of parts.join("|")) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  h ^= h >>> 13;
  h = Math.imul(h, 0x5bd1e995);
  return ((h ^ (h >>> 15)) >>> 0) / 4294967296;
}

/** Per-minute behaviour of an app: rates for counts, levels for gauges. */
function profile(base, overrides = {}) {
  return {
    requests: 80,
    errorRate: 0.003,
    responseTime: 0.3,
    memory: 900 * MB,
    threads: 60,
    handles: 900,
    executions: 120,
    gen0: 30,
    gen1: 5,
    gen2: 1,
    cpu: 35,
    memoryPercent: 45,
    queue: 1,
    ...base,
    ...overrides,
  };
}

function value(metric, p, minutes, jitter) {
  const j = (spread) => 1 + spread * (jitter - 0.5) * 2;
  const count = (perMinute) => Math.round(perMinute * minutes * j(0.2));
  switch (metric) {
    case "Requests":
      return count(p.requests);
    case "Http5xx":
      return Math.round(p.requests * minutes * p.errorRate * (0.5 + jitter));
    case "Http4xx":
      return count(p.requests * 0.01);
    case "HttpResponseTime":
      return +(p.responseTime * j(0.15)).toFixed(4);
    case "MemoryWorkingSet":
      return Math.round(p.memory * j(0.05));
    case "AverageMemoryWorkingSet":
      return Math.round(p.memory * 0.95 * j(0.05));
    case "PrivateBytes":
      return Math.round(p.memory * 1.08 * j(0.05));
    case "Threads":
      return Math.round(p.threads * j(0.08));
    case "Handles":
      return Math.round(p.handles * j(0.05));
    case "FunctionExecutionCount":
      return count(p.executions);
    case "FunctionExecutionUnits":
      return count(p.executions * 256 * 300);
    case "Gen0Collections":
      return count(p.gen0);
    case "Gen1Collections":
      return count(p.gen1);
    case "Gen2Collections":
      return count(p.gen2);
    case "AppConnections":
      return Math.round(20 * j(0.2));
    case "CpuPercentage":
      return +(p.cpu * j(0.15)).toFixed(2);
    case "MemoryPercentage":
      return +(p.memoryPercent * j(0.08)).toFixed(2);
    case "HttpQueueLength":
      return Math.round(p.queue * jitter * 2);
    case "DiskQueueLength":
      return Math.round(jitter);
    default:
      throw new Error(metric);
  }
}

function metricsResponse(resourceId, query, scenario, role) {
  const [start, end] = query
    .get("timespan")
    .split("/")
    .map((t) => Date.parse(t));
  const grain = query.get("interval");
  const step = Number(/^PT(\d+)M$/.exec(grain)?.[1] ?? 60) * MINUTE;
  const names = query.get("metricnames").split(",");
  return {
    cost: 0,
    timespan: query.get("timespan"),
    interval: grain,
    value: names.map((name) => {
      const spec = METRICS.find((m) => m.name === name);
      const data = [];
      for (let t = start; t < end; t += step) {
        const point = { timeStamp: new Date(t).toISOString().replace(".000Z", "Z") };
        // The newest bucket holds only a timestamp (ingestion delay), as Azure's does.
        if (t + step < end || t + step <= scenario.now - 10 * MINUTE)
          point[spec.aggregation === "Total" ? "total" : "average"] = value(
            name,
            scenario.at(role, t),
            step / MINUTE,
            unit01(role, name, t),
          );
        data.push(point);
      }
      return {
        id: `${resourceId}/providers/Microsoft.Insights/metrics/${name}`,
        type: "Microsoft.Insights/metrics",
        name: { value: name, localizedValue: spec.label },
        unit: UNITS[spec.unit],
        timeseries: [{ metadatavalues: [], data }],
        errorCode: "Success",
      };
    }),
    namespace: query.get("metricnamespace"),
    resourceregion: "westeurope",
  };
}

/** A Log Analytics query answer (shape of the azure-rest-api-specs resource-centric example). */
function logsResponse(scenario, role) {
  const rows = [];
  for (const window of ["baseline", "after"])
    for (const [kind, name, count] of scenario.logs?.[role]?.[window] ?? [])
      rows.push([window, kind, name, count]);
  return {
    tables: [
      {
        name: "PrimaryResult",
        columns: [
          { name: "window", type: "string" },
          { name: "kind", type: "string" },
          { name: "name", type: "string" },
          { name: "count", type: "long" },
        ],
        rows,
      },
    ],
  };
}

function definitionsResponse(resourceId, scenario) {
  return {
    value: OFFERED.filter((m) => scenario.offered?.(m.name) ?? true).map((m) => ({
      id: `${resourceId}/providers/microsoft.insights/metricdefinitions/${m.name}`,
      resourceId,
      namespace: /\/slots\/[^/]+$/i.test(resourceId) ? "Microsoft.Web/sites/slots" : "Microsoft.Web/sites",
      name: { value: m.name, localizedValue: m.label },
      isDimensionRequired: false,
      unit: UNITS[m.unit],
      primaryAggregationType: m.aggregation,
      supportedAggregationTypes: ["None", "Average", "Minimum", "Maximum", "Total", "Count"],
      metricAvailabilities: ["PT1M", "PT5M", "PT15M", "PT30M", "PT1H", "PT6H", "PT12H", "P1D"].map(
        (timeGrain) => ({ timeGrain, retention: "P93D" }),
      ),
      dimensions: [{ value: "Instance", localizedValue: "Instance" }],
    })),
  };
}

/** Runs our collector over the recording (for each baseline mode) and keeps the metric exchanges it caused. */
async function addMetrics(recording, scenario, baselines = ["before"]) {
  const replay = createReplayHttpClient(recording);
  const captured = new Map();
  const roleOf = scenario.roleOf ?? ((path) => (path.toLowerCase().includes("rg-orders-qa") ? "qa" : "prod"));
  const httpClient = {
    async sendRequest(request) {
      const url = new URL(request.url.replace(/^(https:\/\/[^/]+)\/+/, "$1/"));
      const resourceId = url.pathname.replace(
        /\/providers\/Microsoft\.Insights\/metric(definitions|s)$/i,
        "",
      );
      let body;
      if (/\/providers\/microsoft\.insights\/components\/[^/]+\/query$/i.test(url.pathname))
        body = logsResponse(scenario, roleOf(url.pathname));
      else if (/\/providers\/microsoft\.insights\/metricdefinitions$/i.test(url.pathname))
        body = definitionsResponse(resourceId, scenario);
      else if (/\/providers\/microsoft\.insights\/metrics$/i.test(url.pathname))
        body = metricsResponse(resourceId, url.searchParams, scenario, roleOf(url.pathname));
      else return replay.sendRequest(request);
      captured.set(`${request.method} ${request.url}`, {
        request: { method: request.method, url: request.url },
        response: { status: 200, headers: { "content-type": "application/json; charset=utf-8" }, body },
      });
      return {
        request,
        status: 200,
        headers: createHttpHeaders({ "content-type": "application/json" }),
        bodyAsText: JSON.stringify(body),
      };
    },
  };
  for (const baseline of baselines) {
    await collectCheckFacts(
      {
        credential: {
          getToken: async () => ({ token: "build", expiresOnTimestamp: Number.MAX_SAFE_INTEGER }),
        },
        httpClient,
        retryOptions: { maxRetries: 0 },
      },
      { qa: parseAppId(recording.apps.qa, "qa"), prod: parseAppId(recording.apps.prod, "prod") },
      {
        now: new Date(recording.recordedAt),
        hashKey: new Uint8Array(32),
        metrics: { settleMinutes: 5, baseline },
      },
    );
  }
  // In the order of their keys, not of their answers: the collector asks in parallel, and a
  // recording must come out the same on every run (CI regenerates it and compares).
  const ordered = [...captured.keys()].sort().map((key) => captured.get(key));
  recording.exchanges.push(...ordered);
}

function write(name, recording) {
  mkdirSync(new URL(`../fixtures/${name}/`, import.meta.url), { recursive: true });
  // The header readable, one exchange per line: small, and a change shows as the lines it touches.
  const { exchanges, ...header } = recording;
  const head = JSON.stringify(header, null, 2).replace(/\n}$/, "");
  writeFileSync(
    new URL(`../fixtures/${name}/recording.json`, import.meta.url),
    `${head},\n  "exchanges": [\n${exchanges.map((e) => `    ${JSON.stringify(e)}`).join(",\n")}\n  ]\n}\n`,
  );
}

// The story: .NET Core 3.1 on ~3, upgraded to .NET 6 on ~4. QA was recreated from the portal
// (64-bit); production was upgraded in place and kept the 3.1 stack's use32BitWorkerProcess=true.
{
  const common = {
    plan: { sku: "EP1", capacity: 2, sites: 1 },
    functions: FUNCTIONS,
    netFrameworkVersion: "v6.0",
    lastModified: "2026-11-19T18:44:02.000Z",
  };
  const qa = {
    ...common,
    env: "qa",
    rg: "rg-orders-qa",
    name: "orders-func-qa",
    plan: { ...common.plan, name: "plan-orders-qa", capacity: 1 },
    use32Bit: false,
    settings: baseSettings("qa"),
    host: { state: "Running", version: "4.1044.3.25066", uptimeMs: 601_000_000 },
    deployments: [
      {
        id: "9b41e6d07a",
        author: "release-pipeline",
        message: "Orders 2.0: .NET 6 / Functions v4",
        start: "2026-11-12T09:58:40Z",
        end: "2026-11-12T10:02:13Z",
        active: true,
      },
    ],
  };
  const prod = {
    ...common,
    env: "prod",
    rg: "rg-orders-prod",
    name: "orders-func-prod",
    plan: { ...common.plan, name: "plan-orders-prod" },
    use32Bit: true,
    settings: baseSettings("prod"),
    pagedFunctions: true,
    host: { state: "Running", version: "4.1044.3.25066", uptimeMs: 2_280_000 },
    deployments: [
      {
        id: "9b41e6d07a",
        author: "release-pipeline",
        message: "Orders 2.0: .NET 6 / Functions v4",
        start: "2026-11-19T18:39:55Z",
        end: "2026-11-19T18:42:10Z",
        active: true,
      },
      {
        id: "4c0d2a9e11",
        author: "release-pipeline",
        message: "Orders 1.14: .NET Core 3.1 / Functions v3",
        start: "2026-10-02T08:11:02Z",
        end: "2026-10-02T08:13:30Z",
      },
    ],
  };
  const recording = {
    format: "azfn-health-recording",
    version: 1,
    recordedAt: "2026-11-20T09:30:00.000Z",
    constructed: true,
    description:
      "Orders app upgraded from .NET Core 3.1 on Functions 3.x to .NET 6 on ~4: healthy in QA (64-bit), slow and failing in production, which kept the 32-bit worker and runs out of address space.",
    apps: { qa: siteId(qa.rg, qa.name), prod: siteId(prod.rg, prod.name) },
    exchanges: [...environment(qa), ...environment(prod), stacksExchange()],
  };
  const release = Date.parse("2026-11-19T18:42:10Z");
  const now = Date.parse(recording.recordedAt);
  await addMetrics(
    recording,
    {
      now,
      at(role, t) {
        if (role === "qa")
          return profile({
            requests: 8,
            executions: 12,
            errorRate: 0.001,
            responseTime: 0.25,
            memory: 650 * MB,
            threads: 45,
            cpu: 20,
            memoryPercent: 35,
          });
        if (t < release) return profile({});
        // A 32-bit worker: memory climbs to the ~2 GB address-space ceiling and recycles, GC thrashes, requests fail.
        const cycle = ((t - release) / (150 * MINUTE)) % 1;
        const progress = Math.min(1, (t - release) / (now - release));
        return profile({
          memory: (1300 + 560 * cycle) * MB,
          errorRate: 0.04,
          responseTime: 1.4,
          gen2: 12,
          threads: 60 + 60 * progress,
          handles: 900 + 500 * progress,
          cpu: 72,
          memoryPercent: 70,
        });
      },
      logs: {
        qa: {
          baseline: [
            ["exception", "System.TimeoutException", 4],
            ["failed request", "GetOrderHttp 500", 2],
          ],
          after: [
            ["exception", "System.TimeoutException", 5],
            ["failed request", "GetOrderHttp 500", 3],
          ],
        },
        prod: {
          baseline: [
            ["exception", "System.TimeoutException", 12],
            ["failed request", "GetOrderHttp 500", 30],
            ["host signal", "Host restart", 1],
          ],
          after: [
            ["exception", "System.OutOfMemoryException", 340],
            ["exception", "System.TimeoutException", 41],
            ["failed request", "GetOrderHttp 500", 2812],
            ["host signal", "Possible thread pool starvation", 18],
            ["host signal", "Host restart", 9],
          ],
        },
      },
    },
    ["before", "last-week"],
  );
  write("story-32bit-upgrade", recording);
}

// A healthy upgrade to .NET 10 isolated, released through a staging slot. The stacks call is
// not in this recording, so the check uses (and names) the bundled stacks copy.
{
  const settings = (env) =>
    baseSettings(env, {
      FUNCTIONS_WORKER_RUNTIME: "dotnet-isolated",
      WEBSITE_USE_PLACEHOLDER_DOTNETISOLATED: "1",
    });
  const common = {
    functions: FUNCTIONS,
    netFrameworkVersion: "v10.0",
    use32Bit: false,
    lastModified: "2026-11-24T07:15:31.000Z",
    host: { state: "Running", version: "4.1044.3.25066", uptimeMs: 86_000_000 },
  };
  const qa = {
    ...common,
    env: "qa",
    rg: "rg-orders-qa",
    name: "orders-func-qa",
    plan: { name: "plan-orders-qa", sku: "EP1", capacity: 1, sites: 1 },
    settings: settings("qa"),
    deployments: [
      {
        id: "e07c55b2d1",
        author: "release-pipeline",
        message: "Orders 3.0: .NET 10 isolated",
        start: "2026-11-20T13:02:00Z",
        end: "2026-11-20T13:05:41Z",
        active: true,
      },
    ],
  };
  const prod = {
    ...common,
    env: "prod",
    rg: "rg-orders-prod",
    name: "orders-func-prod",
    plan: { name: "plan-orders-prod", sku: "EP2", capacity: 2, sites: 1 },
    settings: settings("prod"),
    slots: ["staging"],
    swap: {
      timestampUtc: "2026-11-24T07:15:30.000Z",
      sourceSlotName: "staging",
      destinationSlotName: "production",
    },
    deployments: [
      {
        id: "4c0d2a9e11",
        author: "release-pipeline",
        message: "Orders 1.14: .NET Core 3.1 / Functions v3",
        start: "2026-10-02T08:11:02Z",
        end: "2026-10-02T08:13:30Z",
        active: true,
      },
    ],
  };
  const healthy = (regression) => ({
    format: "azfn-health-recording",
    version: 1,
    recordedAt: "2026-11-24T09:00:00.000Z",
    constructed: true,
    description: regression
      ? "The healthy upgrade's configuration, identical in QA and production, but the release raises production's 5xx rate from none to 5 % of requests (a zero baseline, which a rank test alone would pass): a code regression that no setting explains."
      : "Orders app upgraded to .NET 10 isolated on ~4, 64-bit, released by a staging-slot swap; QA and production agree, before and after.",
    apps: { qa: siteId(qa.rg, qa.name), prod: siteId(prod.rg, prod.name) },
    exchanges: [...environment(qa), ...environment(prod)],
  });
  const release = Date.parse("2026-11-24T07:15:30Z");
  const steady = (role) =>
    role === "qa"
      ? profile({
          requests: 10,
          executions: 15,
          errorRate: 0.002,
          responseTime: 0.22,
          memory: 620 * MB,
          threads: 40,
          cpu: 18,
          memoryPercent: 30,
        })
      : profile({
          errorRate: 0.002,
          responseTime: 0.24,
          memory: 700 * MB,
          threads: 50,
          cpu: 30,
          memoryPercent: 35,
        });
  const quietLogs = {
    qa: {
      baseline: [["exception", "System.TimeoutException", 2]],
      after: [["exception", "System.TimeoutException", 3]],
    },
    prod: {
      baseline: [
        ["exception", "System.TimeoutException", 6],
        ["failed request", "GetOrderHttp 500", 4],
      ],
      after: [
        ["exception", "System.TimeoutException", 5],
        ["failed request", "GetOrderHttp 500", 5],
      ],
    },
  };
  const good = healthy(false);
  await addMetrics(good, { now: Date.parse(good.recordedAt), at: (role) => steady(role), logs: quietLogs });
  write("healthy-upgrade", good);
  const bad = healthy(true);
  await addMetrics(bad, {
    now: Date.parse(bad.recordedAt),
    at: (role, t) => (role === "prod" && t >= release ? { ...steady(role), errorRate: 0.05 } : steady(role)),
    logs: {
      ...quietLogs,
      prod: {
        baseline: quietLogs.prod.baseline,
        after: [
          ["exception", "System.NullReferenceException", 3614],
          ["failed request", "GetOrderHttp 500", 3588],
        ],
      },
    },
  });
  write("regression-5xx", bad);

  // Issue 16 §2: three releases the pooled after-window misjudged. Each is the healthy upgrade's
  // configuration with the metrics of one story; QA stays steady.
  const story = (description, recordedAt, prodPlan = prod.plan) => ({
    ...healthy(false),
    recordedAt,
    description,
    exchanges: [...environment(qa), ...environment({ ...prod, plan: prodPlan })],
  });

  // Elastic Premium scaling out from 2 to 6 instances as traffic triples with the release: the
  // totals triple (4xx, GCs, execution units), per request, per execution and per instance
  // nothing changes.
  const scaleOut = story(
    "The healthy upgrade released while traffic triples: Elastic Premium scales production from 2 to 6 instances; 4xx, GCs and execution units triple as totals, per request, per execution and per instance nothing changes.",
    "2026-11-24T09:00:00.000Z",
    { ...prod.plan, capacity: 6 },
  );
  await addMetrics(scaleOut, {
    now: Date.parse(scaleOut.recordedAt),
    at: (role, t) => {
      // 1 % of requests fail before and after: enough errors a minute that a bucket's whole count
      // does not bias the rate (a rate of 0.2 % rounds to no error at 80 requests a minute).
      const p = { ...steady(role), errorRate: 0.01 };
      if (role === "qa" || t < release) return p;
      return { ...p, requests: p.requests * 3, executions: p.executions * 3, gen0: 90, gen1: 15, gen2: 3 };
    },
    logs: quietLogs,
  });
  write("scale-out", scaleOut);

  // A restart blip at deploy time: 5 % of requests fail for the first 4 minutes past the settle
  // time, then 110 healthy minutes. Pooled over the window the 5xx rate rose; in the latest
  // buckets it is back to its baseline.
  const blip = story(
    "The healthy upgrade with a restart blip: 5 % of production's requests fail for 4 minutes just past the settle time, then 110 healthy minutes; pooled over the after-window the 5xx rate rose, in its latest buckets it is back.",
    "2026-11-24T09:15:00.000Z",
  );
  const blipFrom = Date.parse("2026-11-24T07:21:00Z");
  await addMetrics(blip, {
    now: Date.parse(blip.recordedAt),
    at: (role, t) =>
      role === "prod" && t >= blipFrom && t < blipFrom + 4 * MINUTE
        ? { ...steady(role), errorRate: 0.05, responseTime: 0.9 }
        : steady(role),
    logs: quietLogs,
  });
  write("recovered-blip", blip);

  // Requests stop reaching production's functions (a route or binding broke): 1 % of the traffic
  // is left, with no 5xx at all, while QA's traffic is steady.
  const loss = story(
    "The healthy upgrade's configuration, but after the release only 1 % of production's requests and executions arrive, with no 5xx at all, while QA's traffic is steady: an outage that no error rate shows.",
    "2026-11-24T09:00:00.000Z",
  );
  await addMetrics(loss, {
    now: Date.parse(loss.recordedAt),
    at: (role, t) => {
      const p = steady(role);
      if (role === "qa" || t < release) return p;
      // The collections follow the work that is left.
      const work = { requests: p.requests * 0.01, executions: p.executions * 0.01 };
      return { ...p, ...work, errorRate: 0, gen0: 0.3, gen1: 0.05, gen2: 0.01 };
    },
    logs: quietLogs,
  });
  write("traffic-loss", loss);
}

// ---- Other kinds of app (issue 8) -----------------------------------------------------------
// Same construction, other hosting models. Shapes follow the real bodies in test/corpus (see its
// SOURCE.md): a Flex Consumption site carries its runtime and scale in `functionAppConfig` and
// has no FUNCTIONS_* settings and an empty `linuxFxVersion`; a Linux app keeps
// `netFrameworkVersion: v4.0` beside its `linuxFxVersion`; plans on Consumption-like tiers
// answer `numberOfSites: 0`.
const NOT_ON_LINUX_PREMIUM = new Set(["FunctionExecutionCount", "FunctionExecutionUnits"]);
const DOTNET_ONLY = new Set(["Gen0Collections", "Gen1Collections", "Gen2Collections"]);
const linuxHost = { state: "Running", version: "4.1044.3.25066", uptimeMs: 86_000_000 };

function pair(name, description, recordedAt, qa, prod, stacks) {
  return {
    format: "azfn-health-recording",
    version: 1,
    recordedAt,
    constructed: true,
    description,
    apps: {
      qa: qa.slot ? `${siteId(qa.rg, qa.name)}/slots/${qa.slot}` : siteId(qa.rg, qa.name),
      prod: siteId(prod.rg, prod.name),
    },
    exchanges: [...environment(qa), ...environment(prod), ...(stacks ? [stacksExchange(stacks)] : [])],
  };
}

const pythonSettings = (env, overrides) => ({
  FUNCTIONS_EXTENSION_VERSION: "~4",
  FUNCTIONS_WORKER_RUNTIME: "python",
  AzureWebJobsStorage: storage(`storderspy${env}`, env),
  WEBSITE_CONTENTAZUREFILECONNECTIONSTRING: storage(`storderspy${env}`, env),
  WEBSITE_CONTENTSHARE: `orders-py-${env}-content`,
  APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=TEST-SECRET-${env}-appinsights-key;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/`,
  ServiceBusConnection: `Endpoint=sb://sb-orders-${env}.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=TEST-SECRET-${env}-servicebus-key`,
  WEBSITE_RUN_FROM_PACKAGE: "1",
  // Many identical non-secret settings: the same in QA and production, and no shared secret.
  ENABLE_ORYX_BUILD: "false",
  SCM_DO_BUILD_DURING_DEPLOYMENT: "false",
  PYTHON_ENABLE_WORKER_EXTENSIONS: "1",
  PYTHON_THREADPOOL_THREAD_COUNT: "8",
  Logging__LogLevel__Default: "Information",
  Orders__Region: "westeurope",
  FeatureFlags__NewPricing: "true",
  ...overrides,
});

const quietLogsFor = (fn) => ({
  qa: { baseline: [["exception", "TimeoutError", 1]], after: [["exception", "TimeoutError", 1]] },
  prod: {
    baseline: [
      ["exception", "TimeoutError", 4],
      ["failed request", `${fn} 500`, 3],
    ],
    after: [
      ["exception", "TimeoutError", 4],
      ["failed request", `${fn} 500`, 3],
    ],
  },
});

const steadyProfile = (role) =>
  role === "qa"
    ? profile({
        requests: 10,
        executions: 15,
        errorRate: 0.002,
        responseTime: 0.2,
        memory: 300 * MB,
        threads: 30,
        cpu: 15,
      })
    : profile({ errorRate: 0.002, responseTime: 0.22, memory: 420 * MB, threads: 40, cpu: 28 });

// A healthy Linux Python app on Elastic Premium (Python 3.12 on ~4), released by zip deploy.
{
  const common = {
    kind: "functionapp,linux",
    reserved: true,
    linuxFxVersion: "Python|3.12",
    netFrameworkVersion: "v4.0",
    use32Bit: false,
    language: "python",
    functions: ["process_order", "ship_order", "get_order_http"],
    lastModified: "2026-11-24T07:15:31.000Z",
    host: linuxHost,
  };
  const deployment = (start, end) => ({
    id: "5f1c2a7b90",
    author: "release-pipeline",
    message: "Orders (Python) 4.2",
    start,
    end,
    active: true,
  });
  const planOf = (env, capacity) => ({
    name: `plan-orders-py-${env}`,
    sku: "EP1",
    capacity,
    sites: 1,
    reserved: true,
  });
  const qa = {
    ...common,
    env: "qa",
    rg: "rg-orders-qa",
    name: "orders-py-qa",
    plan: planOf("qa", 1),
    settings: pythonSettings("qa"),
    deployments: [deployment("2026-11-20T13:02:00Z", "2026-11-20T13:04:10Z")],
  };
  const prod = {
    ...common,
    env: "prod",
    rg: "rg-orders-prod",
    name: "orders-py-prod",
    plan: planOf("prod", 2),
    settings: pythonSettings("prod"),
    deployments: [deployment("2026-11-24T07:13:02Z", "2026-11-24T07:15:30Z")],
  };
  const recording = pair(
    "healthy-linux-python",
    "A Linux Python 3.12 app on Elastic Premium (linuxFxVersion Python|3.12, ~4), released by zip deploy; QA and production agree, many identical non-secret settings, before and after.",
    "2026-11-24T09:00:00.000Z",
    qa,
    prod,
    ["python"],
  );
  await addMetrics(recording, {
    now: Date.parse(recording.recordedAt),
    at: (role) => steadyProfile(role),
    offered: (name) => !NOT_ON_LINUX_PREMIUM.has(name) && !DOTNET_ONLY.has(name),
    logs: quietLogsFor("get_order_http"),
  });
  write("healthy-linux-python", recording);
}

// A healthy Flex Consumption app (FC1): Python 3.12 in functionAppConfig.runtime, 2048 MB instances.
{
  const flexConfig = (env) => ({
    deployment: {
      storage: {
        type: "blobContainer",
        value: `https://stordersflex${env}.blob.core.windows.net/app-package-orders-flex-${env}`,
        authentication: { type: "SystemAssignedIdentity" },
      },
    },
    runtime: { name: "python", version: "3.12" },
    scaleAndConcurrency: {
      alwaysReady: [],
      maximumInstanceCount: 100,
      instanceMemoryMB: 2048,
      triggers: null,
    },
  });
  const settings = (env) => ({
    AzureWebJobsStorage__accountName: `stordersflex${env}`,
    APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=TEST-SECRET-${env}-appinsights-key;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/`,
    ServiceBusConnection__fullyQualifiedNamespace: `sb-orders-${env}.servicebus.windows.net`,
    Logging__LogLevel__Default: "Information",
    Orders__Region: "westeurope",
    FeatureFlags__NewPricing: "true",
  });
  const common = {
    kind: "functionapp,linux",
    reserved: true,
    siteSku: "FlexConsumption",
    netFrameworkVersion: "",
    use32Bit: false,
    minimumElasticInstanceCount: 0,
    language: "python",
    functions: ["process_order", "ship_order", "get_order_http"],
    lastModified: "2026-11-24T07:15:31.000Z",
    host: linuxHost,
  };
  const planOf = (env) => ({
    name: `plan-orders-flex-${env}`,
    sku: "FC1",
    tier: "FlexConsumption",
    family: "FC",
    kind: "functionapp",
    reserved: true,
    elastic: false,
    maximumElasticWorkerCount: 1,
    capacity: 0,
    // Azure's answer for a Flex plan hosting the app (not a count of apps).
    sites: 0,
  });
  const deployment = (start, end) => ({
    id: "8e2d4c6a13",
    author: "release-pipeline",
    message: "Orders (Flex) 5.0",
    start,
    end,
    active: true,
  });
  const qa = {
    ...common,
    env: "qa",
    rg: "rg-orders-qa",
    name: "orders-flex-qa",
    plan: planOf("qa"),
    functionAppConfig: flexConfig("qa"),
    settings: settings("qa"),
    deployments: [deployment("2026-11-20T13:02:00Z", "2026-11-20T13:03:40Z")],
  };
  const prod = {
    ...common,
    env: "prod",
    rg: "rg-orders-prod",
    name: "orders-flex-prod",
    plan: planOf("prod"),
    functionAppConfig: flexConfig("prod"),
    settings: settings("prod"),
    deployments: [deployment("2026-11-24T07:13:50Z", "2026-11-24T07:15:30Z")],
  };
  const recording = pair(
    "healthy-flex-consumption",
    "A Flex Consumption (FC1) app: Python 3.12 from functionAppConfig.runtime, 2048 MB instances up to 100, identity-based storage, no FUNCTIONS_* settings; QA and production agree, before and after.",
    "2026-11-24T09:00:00.000Z",
    qa,
    prod,
    ["python"],
  );
  await addMetrics(recording, {
    now: Date.parse(recording.recordedAt),
    at: (role) => steadyProfile(role),
    // Flex lists its own billing metrics (OnDemand*, AlwaysReady*), not FunctionExecutionCount/Units.
    offered: (name) => !NOT_ON_LINUX_PREMIUM.has(name) && !DOTNET_ONLY.has(name),
    logs: quietLogsFor("get_order_http"),
  });
  write("healthy-flex-consumption", recording);
}

// A release by slot swap, checked as --qa <prod app>/slots/staging --prod <prod app> right after
// the swap: production runs the new build, the staging slot the previous one. The environment
// name is a slot (sticky) setting, and each slot has its own storage account, by design.
{
  const settings = (env, account) =>
    baseSettings(env, {
      FUNCTIONS_WORKER_RUNTIME: "dotnet-isolated",
      WEBSITE_USE_PLACEHOLDER_DOTNETISOLATED: "1",
      AzureWebJobsStorage: storage(account, env),
      WEBSITE_CONTENTAZUREFILECONNECTIONSTRING: storage(account, env),
      WEBSITE_CONTENTSHARE: `orders-func-${env}-content`,
      Environment__Name: env,
      ServiceBusConnection: `Endpoint=sb://sb-orders-prod.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=TEST-SECRET-prod-servicebus-key`,
      APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=TEST-SECRET-prod-appinsights-key;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/`,
      Pricing__ApiKey: "TEST-SECRET-prod-pricing-api-key",
    });
  const common = {
    rg: "rg-orders-prod",
    name: "orders-func-prod",
    plan: { name: "plan-orders-prod", sku: "EP2", capacity: 2, sites: 1 },
    functions: FUNCTIONS,
    netFrameworkVersion: "v10.0",
    use32Bit: false,
    lastModified: "2026-11-24T07:15:31.000Z",
    host: { state: "Running", version: "4.1044.3.25066", uptimeMs: 6_000_000 },
  };
  const staging = {
    ...common,
    env: "staging",
    slot: "staging",
    settings: settings("staging", "storordersstg"),
    deployments: [
      {
        id: "a41f0c9e27",
        author: "release-pipeline",
        message: "Orders 3.1 (now in production)",
        start: "2026-11-24T06:40:00Z",
        end: "2026-11-24T06:43:12Z",
        active: true,
      },
    ],
  };
  const prod = {
    ...common,
    env: "prod",
    settings: settings("prod", "stordersprod"),
    // The environment's name stays with its slot; the storage settings follow the code (R15).
    stickySettings: ["Environment__Name"],
    slots: ["staging"],
    swap: {
      timestampUtc: "2026-11-24T07:15:30.000Z",
      sourceSlotName: "staging",
      destinationSlotName: "production",
    },
    deployments: [
      {
        id: "a41f0c9e27",
        author: "release-pipeline",
        message: "Orders 3.1",
        start: "2026-11-24T06:40:00Z",
        end: "2026-11-24T06:43:12Z",
        active: true,
      },
    ],
  };
  const recording = pair(
    "slot-swap-release",
    "Orders 3.1 released by swapping the staging slot into production (.NET 10 isolated, ~4, 64-bit), checked as --qa …/slots/staging --prod …: the slot's own storage and environment name are sticky by design; production is steady after the swap.",
    "2026-11-24T09:00:00.000Z",
    staging,
    prod,
    ["dotnet"],
  );
  await addMetrics(recording, {
    now: Date.parse(recording.recordedAt),
    roleOf: (path) => (path.toLowerCase().includes("/slots/staging") ? "qa" : "prod"),
    at: (role) => steadyProfile(role),
    logs: quietLogsFor("GetOrderHttp"),
  });
  write("slot-swap-release", recording);
}
