import { bundledStacks } from "../../src/collect/bundled-stacks.js";
import { createRedactor } from "../../src/collect/redact.js";
import { snapshotAge, stackRows, withSupportDates } from "../../src/collect/stacks.js";
import type {
  CheckFacts,
  ConfigFacts,
  EnvironmentFacts,
  HostStatusFacts,
  MetricsFacts,
  PlanFacts,
  Role,
  SiteFacts,
  StacksFacts,
} from "../../src/core/facts.js";
import { METRICS } from "../../src/core/metric-catalogue.js";
import { parseAppId } from "../../src/core/resource-id.js";
import { grainMs, planWindows, type Windows } from "../../src/core/windows.js";
import { seeded } from "./seeded.js";

/**
 * Facts for rule tests, built in code: the healthy upgrade's pair (an Elastic Premium .NET 10
 * isolated app on Windows, QA on EP1 and production on EP2 × 2, released by a slot swap, steady
 * metrics) with a few overrides, and no recording replayed through the SDK. A test states what
 * differs from healthy; `test/rules.test.ts` edits these facts, the end-to-end tests replay the
 * recordings (test/helpers.ts `replayFacts`).
 */

const SUBSCRIPTION = "8f3a2c71-5b0e-4d39-9a61-2e7c4b1d9f05";
const NOW = "2026-11-24T09:00:00.000Z";
const SWAP = "2026-11-24T07:15:30.000Z";
const redact = createRedactor(new Uint8Array(32).fill(7));

/** What differs from the healthy app: each part is merged over it; a setting set to `null` is removed. */
export interface EnvironmentOverrides {
  settings?: Record<string, string | null>;
  site?: Partial<SiteFacts>;
  config?: Partial<ConfigFacts>;
  plan?: Partial<PlanFacts>;
  host?: Partial<HostStatusFacts>;
  /** Per metric, a factor on the after-window's level (2: twice the requests after the release). */
  after?: Record<string, number>;
}

export interface FactsOverrides {
  qa?: EnvironmentOverrides;
  prod?: EnvironmentOverrides;
}

/** Per-minute level of each metric by role, and how much a bucket varies around it (± fraction). */
const LEVEL: Record<string, { qa: number; prod: number; spread: number; decimals?: number }> = {
  Requests: { qa: 10, prod: 80, spread: 0.2 },
  Http5xx: { qa: 0, prod: 0, spread: 0 },
  Http4xx: { qa: 0, prod: 1, spread: 0 },
  HttpResponseTime: { qa: 0.22, prod: 0.24, spread: 0.15, decimals: 4 },
  MemoryWorkingSet: { qa: 620 * 2 ** 20, prod: 700 * 2 ** 20, spread: 0.05 },
  AverageMemoryWorkingSet: { qa: 589 * 2 ** 20, prod: 665 * 2 ** 20, spread: 0.05 },
  PrivateBytes: { qa: 670 * 2 ** 20, prod: 756 * 2 ** 20, spread: 0.05 },
  Threads: { qa: 40, prod: 50, spread: 0.08 },
  Handles: { qa: 900, prod: 900, spread: 0.05 },
  FunctionExecutionCount: { qa: 15, prod: 120, spread: 0.2 },
  FunctionExecutionUnits: { qa: 15 * 76_800, prod: 120 * 76_800, spread: 0.2 },
  Gen0Collections: { qa: 30, prod: 30, spread: 0.2 },
  Gen1Collections: { qa: 5, prod: 5, spread: 0.2 },
  Gen2Collections: { qa: 1, prod: 1, spread: 0 },
  AppConnections: { qa: 20, prod: 20, spread: 0.2 },
  CpuPercentage: { qa: 18, prod: 30, spread: 0.15, decimals: 2 },
  MemoryPercentage: { qa: 30, prod: 35, spread: 0.08, decimals: 2 },
  HttpQueueLength: { qa: 1, prod: 1, spread: 1 },
  DiskQueueLength: { qa: 0.5, prod: 0.5, spread: 1 },
};

/** Steady buckets in both windows (and a week earlier): a release that changed no metric. */
function steadyMetrics(role: Role, windows: Windows, after: Record<string, number>): MetricsFacts {
  const g = seeded(role === "qa" ? 1 : 2);
  const buckets = Math.round(
    (Date.parse(windows.after.end) - Date.parse(windows.after.start)) / grainMs(windows.grain),
  );
  const draw = (name: string, factor: number) => {
    const { [role]: level, spread, decimals = 0 } = LEVEL[name]!;
    return Array.from({ length: buckets }, () => {
      const v = level * factor * (1 + spread * (g.next() - 0.5) * 2);
      return Number(v.toFixed(decimals));
    });
  };
  const series: MetricsFacts["series"] = {};
  for (const { name } of METRICS.filter((m) => LEVEL[m.name]))
    series[name] = { baseline: draw(name, 1), after: draw(name, after[name] ?? 1), lastWeek: draw(name, 1) };
  return {
    series,
    unavailable: { CpuTime: "not offered for this app (its metricDefinitions do not list it)" },
  };
}

const applied = (settings: Record<string, string | null>) =>
  Object.fromEntries(
    Object.entries(settings).flatMap(([name, value]) =>
      value === null ? [] : [[name, redact(name, value)]],
    ),
  );

/** One healthy environment of the pair, with its overrides. */
export function environmentFacts(
  role: Role,
  overrides: EnvironmentOverrides = {},
  windows: Windows = healthyWindows(),
): EnvironmentFacts {
  const group = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-orders-${role}`;
  const site = `orders-func-${role}`;
  const account = `storders${role}`;
  const storage =
    `DefaultEndpointsProtocol=https;AccountName=${account};` +
    `AccountKey=${role}Zm9vYmFyYmF6cXV4a2V5==;EndpointSuffix=core.windows.net`;
  const planId = `${group}/providers/Microsoft.Web/serverfarms/plan-orders-${role}`;
  const appInsightsId = `${group}/providers/microsoft.insights/components/appi-orders-${role}`;
  return {
    role,
    ref: parseAppId(`${group}/providers/Microsoft.Web/sites/${site}`, role),
    gaps: [],
    site: {
      name: site,
      kind: "functionapp",
      state: "Running",
      enabled: true,
      os: "windows",
      location: "West Europe",
      planId,
      sku: "ElasticPremium",
      appInsightsId,
      environmentTag: role,
      lastModified: "2026-11-24T07:15:31.000Z",
      ...(role === "prod"
        ? { lastSwap: { time: SWAP, sourceSlot: "staging", destinationSlot: "production" } }
        : {}),
      ...overrides.site,
    },
    config: {
      netFrameworkVersion: "v10.0",
      use32BitWorkerProcess: false,
      alwaysOn: false,
      functionAppScaleLimit: 0,
      minimumElasticInstanceCount: 1,
      ...overrides.config,
    },
    appSettings: applied({
      FUNCTIONS_EXTENSION_VERSION: "~4",
      FUNCTIONS_WORKER_RUNTIME: "dotnet-isolated",
      AzureWebJobsStorage: storage,
      WEBSITE_CONTENTAZUREFILECONNECTIONSTRING: storage,
      WEBSITE_CONTENTSHARE: `${site}-9f1c`,
      APPLICATIONINSIGHTS_CONNECTION_STRING:
        `InstrumentationKey=${role}-5d1e7c2a-0b4f-4e36-9a8d;` +
        "IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/",
      ServiceBusConnection:
        `Endpoint=sb://sb-orders-${role}.servicebus.windows.net/;` +
        `SharedAccessKeyName=app;SharedAccessKey=${role}Q2hhbmdlTWVQbGVhc2U0Mg==`,
      Pricing__ApiKey: `${role}-k7Yq2xPz9LmR4tWv8NbC3dHs6JfG1aE0`,
      WEBSITE_RUN_FROM_PACKAGE: "1",
      WEBSITE_USE_PLACEHOLDER_DOTNETISOLATED: "1",
      ...overrides.settings,
    }),
    connectionStrings: {
      OrdersDb: {
        ...redact(
          "OrdersDb",
          `Server=tcp:sql-orders.database.windows.net;Database=orders;Password=${role}-S3cret!`,
        ),
        type: "SQLAzure",
      },
    },
    slotSettingNames: [],
    plan: {
      id: planId,
      name: `plan-orders-${role}`,
      resourceGroup: `rg-orders-${role}`,
      skuName: role === "qa" ? "EP1" : "EP2",
      tier: "ElasticPremium",
      os: "windows",
      capacity: role === "qa" ? 1 : 2,
      numberOfSites: 1,
      maximumElasticWorkerCount: 20,
      ...overrides.plan,
    },
    functions: ["ProcessOrder", "ShipOrder", "GetOrderHttp", "RefundOrderHttp", "NightlyReconcile"].map(
      (name) => ({ name, disabled: false }),
    ),
    deployedLanguages: ["dotnet-isolated"],
    slots: role === "prod" ? [{ name: "staging", state: "Running" }] : [],
    deployments: [
      role === "qa"
        ? {
            id: "e07c55b2d1",
            status: 4,
            active: true,
            startTime: "2026-11-20T13:02:00.000Z",
            endTime: "2026-11-20T13:05:41.000Z",
          }
        : {
            id: "4c0d2a9e11",
            status: 4,
            active: true,
            startTime: "2026-10-02T08:11:02.000Z",
            endTime: "2026-10-02T08:13:30.000Z",
          },
    ].map((d) => ({ ...d, author: "release-pipeline", deployer: "ZipDeploy" })),
    host: { state: "Running", version: "4.1044.3.25066", errors: [], ...overrides.host },
    metrics: steadyMetrics(role, windows, overrides.after ?? {}),
    logs: {
      component: appInsightsId,
      rows:
        role === "qa"
          ? [
              { window: "baseline", kind: "exception", name: "System.TimeoutException", count: 2 },
              { window: "after", kind: "exception", name: "System.TimeoutException", count: 3 },
            ]
          : [
              { window: "baseline", kind: "exception", name: "System.TimeoutException", count: 6 },
              { window: "baseline", kind: "failed request", name: "GetOrderHttp 500", count: 4 },
              { window: "after", kind: "exception", name: "System.TimeoutException", count: 5 },
              { window: "after", kind: "failed request", name: "GetOrderHttp 500", count: 5 },
            ],
    },
  };
}

/** The windows a check at 09:00 reads after the 07:15:30 swap: 5 settle minutes, the same length before. */
function healthyWindows(): Windows {
  return planWindows(new Date(SWAP), new Date(NOW), { settleMinutes: 5, baseline: "before" })!;
}

let stacks: Promise<StacksFacts> | undefined;

/** The bundled Function App Stacks matrix, as a check falls back to it (read once per test file). */
export function bundledStacksFacts(): Promise<StacksFacts> {
  stacks ??= bundledStacks().then(({ snapshotDate, stacks: all }) => ({
    source: "bundled" as const,
    note: "Function App Stacks API not asked (facts built for a test)",
    snapshotDate,
    ...snapshotAge(snapshotDate, new Date(NOW)),
    rows: withSupportDates(stackRows(all), `bundled stacks (${snapshotDate})`),
  }));
  return stacks;
}

/** The healthy pair with overrides: what a rule test starts from. */
export async function buildFacts(overrides: FactsOverrides = {}): Promise<CheckFacts> {
  const windows = healthyWindows();
  return {
    now: NOW,
    qa: environmentFacts("qa", overrides.qa, windows),
    prod: environmentFacts("prod", overrides.prod, windows),
    stacks: structuredClone(await bundledStacksFacts()),
    metricWindows: windows,
  };
}
