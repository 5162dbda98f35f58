// A generated tenant for `azfn-health fleet`: thousands of sites across subscriptions (Function Apps
// on every hosting model and language, Logic Apps Standard, web apps that must never be listed,
// QA/production pairs by name, tag and slot, and seeded risks), and a Resource Graph + Resource
// Manager stand-in for it (routes for test/support/azure-stand-in.mjs). Seeded: a failing case names its seed.

import { rng } from "./seeded.mjs";

const STACKS = [
  { worker: "dotnet-isolated", os: "windows", config: { netFrameworkVersion: "v8.0" } },
  { worker: "dotnet-isolated", os: "linux", config: { linuxFxVersion: "DOTNET-ISOLATED|8.0" } },
  { worker: "dotnet", os: "windows", config: { netFrameworkVersion: "v6.0" } },
  { worker: "node", os: "linux", config: { linuxFxVersion: "Node|20" } },
  { worker: "node", os: "linux", config: { linuxFxVersion: "Node|22" } },
  { worker: "python", os: "linux", config: { linuxFxVersion: "Python|3.8" } },
  { worker: "python", os: "linux", config: { linuxFxVersion: "Python|3.11" } },
  { worker: "java", os: "linux", config: { linuxFxVersion: "Java|17" } },
  { worker: "powershell", os: "windows", config: { powerShellVersion: "7.4" } },
];

const HOSTING = [
  { sku: "Dynamic", plan: { name: "Y1", tier: "Dynamic" } },
  { sku: "ElasticPremium", plan: { name: "EP1", tier: "ElasticPremium" } },
  { sku: "PremiumV3", plan: { name: "P1v3", tier: "PremiumV3" } },
  { sku: "FlexConsumption", plan: { name: "FC1", tier: "FlexConsumption" }, flex: true },
  { containerApps: true },
];

const guid = (n) => `${String(n).padStart(8, "0")}-0000-4000-8000-${String(n).padStart(12, "0")}`;

/**
 * options: { seed, units (app families), subscriptions, webApps (share of extra web apps) }.
 * Returns { rows (every site Resource Graph holds, web apps included), settings (id → app settings),
 * truth: what a correct fleet must find }.
 */
export function generateTenant({ seed = 1, units = 1000, subscriptions = 3, webApps = 0.1 } = {}) {
  const random = rng(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const subs = Array.from({ length: subscriptions }, (_, i) => guid(i + 1));
  const rows = [];
  const settings = new Map();
  const truth = {
    functionApps: [],
    logicApps: [],
    webApps: [],
    pairs: [],
    thirtyTwoBit: [],
    stopped: [],
    collisions: [],
  };

  const site = ({
    sub,
    rg,
    name,
    slot,
    kind,
    stack,
    hosting,
    tags = {},
    state = "Running",
    use32 = false,
  }) => {
    const id = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Web/sites/${name}${slot ? `/slots/${slot}` : ""}`;
    const planId = hosting.containerApps
      ? undefined
      : `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Web/serverfarms/${name}-plan`;
    const row = {
      id,
      name: slot ? `${name}/${slot}` : name,
      type: slot ? "microsoft.web/sites/slots" : "microsoft.web/sites",
      kind,
      location: "westeurope",
      resourceGroup: rg,
      subscriptionId: sub,
      tags,
      site: {
        state,
        enabled: true,
        reserved: stack.os === "linux",
        serverFarmId: planId ?? null,
        sku: hosting.sku ?? null,
        functionAppConfig: hosting.flex
          ? { runtime: { name: stack.worker, version: (stack.config.linuxFxVersion ?? "|").split("|")[1] } }
          : null,
        managedEnvironmentId: hosting.containerApps
          ? `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.App/managedEnvironments/env`
          : null,
        lastModifiedTimeUtc: "2026-11-20T10:00:00Z",
        slotSwapStatus: null,
      },
      config: hosting.flex
        ? { linuxFxVersion: "" }
        : {
            ...stack.config,
            use32BitWorkerProcess: use32,
            alwaysOn: !!hosting.plan && hosting.sku === "PremiumV3",
          },
      plan: planId
        ? {
            id: planId,
            name: `${name}-plan`,
            sku: { name: hosting.plan.name, tier: hosting.plan.tier, capacity: 1 },
            reserved: stack.os === "linux",
            numberOfSites: 1,
          }
        : null,
    };
    rows.push(row);
    return row;
  };

  for (let u = 0; u < units; u++) {
    const sub = pick(subs);
    const rg = `rg-${u % 37}`;
    const stack = pick(STACKS);
    const hosting = stack.os === "windows" ? pick(HOSTING.slice(0, 3)) : pick(HOSTING);
    const logic = random() < 0.05;
    const kind = logic
      ? "functionapp,workflowapp"
      : `functionapp${stack.os === "linux" ? ",linux" : ""}${hosting.containerApps ? ",container,azurecontainerapps" : ""}`;
    const base = `fn${u}-${pick(["orders", "billing", "ingest", "notify", "reports"])}`;
    const use32 = stack.os === "windows" && stack.worker === "dotnet-isolated" && random() < 0.3;
    const state = random() < 0.03 ? "Stopped" : "Running";
    const shape = random();
    const members = [];
    const app = (name, extra) => {
      const row = site({ sub, rg, name, kind, stack, hosting, state, use32, ...extra });
      members.push(row);
      return row;
    };
    if (shape < 0.3) {
      // A pair by name, QA and production on different plans for some.
      const qa = app(`${base}-qa`, {});
      const prod = app(`${base}-prod`, random() < 0.3 ? { hosting: HOSTING[2] } : {});
      truth.pairs.push({ qa: qa.id, prod: prod.id, by: "name" });
    } else if (shape < 0.45) {
      // A pair by tag, names that say nothing of the environment.
      const qa = app(`${base}-eus`, { tags: { environment: "QA", app: base } });
      const prod = app(`${base}-weu`, { tags: { Environment: "Production", App: base } });
      truth.pairs.push({ qa: qa.id, prod: prod.id, by: "tag" });
    } else if (shape < 0.55 && !hosting.containerApps && !hosting.flex && hosting.sku !== "Dynamic") {
      // A staging slot of production.
      const prod = app(base, {});
      const qa = app(base, { slot: "staging" });
      truth.pairs.push({ qa: qa.id, prod: prod.id, by: "slot" });
    } else {
      app(base, {});
    }
    for (const row of members) {
      (logic ? truth.logicApps : truth.functionApps).push(row.id);
      if (use32) truth.thirtyTwoBit.push(row.id);
      if (state === "Stopped") truth.stopped.push(row.id);
      const account = `st${u}`;
      settings.set(row.id.toLowerCase(), {
        FUNCTIONS_EXTENSION_VERSION: "~4",
        FUNCTIONS_WORKER_RUNTIME: logic ? "node" : stack.worker,
        AzureWebJobsStorage: `DefaultEndpointsProtocol=https;AccountName=${account};AccountKey=c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0;EndpointSuffix=core.windows.net`,
        ...(logic ? { APP_KIND: "workflowApp" } : {}),
        // Consumption and Elastic Premium keep their content on a file share (R15 without it).
        ...(/^(Dynamic|ElasticPremium)$/.test(row.site.sku ?? "")
          ? {
              WEBSITE_CONTENTAZUREFILECONNECTIONSTRING: `DefaultEndpointsProtocol=https;AccountName=${account};AccountKey=c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0`,
              WEBSITE_CONTENTSHARE: row.name.replace("/", "-"),
            }
          : {}),
      });
    }
  }
  // Two long names, one storage account: the same 32-character host ID (AZFD0004).
  const sub = subs[0];
  const long = "collide-abcdefghijklmnopqrstuvwxyz";
  const stack = STACKS[3];
  const pair = [`${long}-east`, `${long}-west`].map((name) =>
    site({ sub, rg: "rg-shared", name, kind: "functionapp,linux", stack, hosting: HOSTING[1] }),
  );
  for (const row of pair) {
    truth.functionApps.push(row.id);
    settings.set(row.id.toLowerCase(), {
      FUNCTIONS_EXTENSION_VERSION: "~4",
      FUNCTIONS_WORKER_RUNTIME: "node",
      AzureWebJobsStorage:
        "DefaultEndpointsProtocol=https;AccountName=stshared;AccountKey=c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0;EndpointSuffix=core.windows.net",
    });
  }
  truth.collisions.push(pair.map((r) => r.id));
  // Web apps: in Resource Graph's `resources`, never in the fleet.
  const extra = Math.round(units * webApps);
  for (let w = 0; w < extra; w++) {
    const row = site({
      sub: pick(subs),
      rg: "rg-web",
      name: `web${w}`,
      kind: pick(["app", "app,linux", "app,linux,container"]),
      stack: STACKS[3],
      hosting: HOSTING[2],
    });
    truth.webApps.push(row.id);
  }
  rows.sort((a, b) => a.id.localeCompare(b.id));
  return { rows, settings, truth, subscriptions: subs };
}

/**
 * Routes for the stand-in: Resource Graph (filters by subscription and, as the query asks, by kind;
 * pages of `$top` rows with an opaque `$skipToken`), app settings, and 429s on chosen query requests.
 * throttle: { every: n, retryAfter?: seconds, resetsAfter?: "hh:mm:ss" } answers every n-th query 429.
 */
export function tenantRoutes(tenant, { throttle } = {}) {
  const counters = { queries: 0, throttled: 0, settings: 0, bodies: [] };
  const route = ({ method, path, body }) => {
    if (method === "POST" && /^\/providers\/Microsoft\.ResourceGraph\/resources$/i.test(path)) {
      counters.queries += 1;
      const request = JSON.parse(body || "{}");
      counters.bodies.push(request);
      if (throttle && counters.queries % throttle.every === 0) {
        counters.throttled += 1;
        return {
          status: 429,
          body: JSON.stringify({
            error: { code: "RateLimiting", message: "Please provide below info when asking for support" },
          }),
          headers: {
            ...(throttle.retryAfter !== undefined ? { "retry-after": String(throttle.retryAfter) } : {}),
            ...(throttle.resetsAfter ? { "x-ms-user-quota-resets-after": throttle.resetsAfter } : {}),
            "x-ms-user-quota-remaining": "0",
          },
        };
      }
      const subs = new Set((request.subscriptions ?? []).map((s) => s.toLowerCase()));
      const functionOnly = /kind contains 'functionapp'/.test(request.query ?? "");
      const all = tenant.rows.filter(
        (r) =>
          (subs.size === 0 || subs.has(r.subscriptionId)) &&
          (!functionOnly || r.kind.includes("functionapp")),
      );
      const top = Math.min(request.options?.$top ?? 100, 1000);
      const from = request.options?.$skipToken
        ? Number(Buffer.from(request.options.$skipToken, "base64").toString())
        : 0;
      const data = all.slice(from, from + top);
      const next = from + top < all.length ? Buffer.from(String(from + top)).toString("base64") : undefined;
      return {
        status: 200,
        body: JSON.stringify({
          totalRecords: all.length,
          count: data.length,
          resultTruncated: "false",
          ...(next ? { $skipToken: next } : {}),
          data,
          facets: [],
        }),
        headers: { "x-ms-user-quota-remaining": "14", "x-ms-user-quota-resets-after": "00:00:05" },
      };
    }
    const settingsPath =
      /^(\/subscriptions\/.+\/providers\/Microsoft\.Web\/sites\/[^/]+(?:\/slots\/[^/]+)?)\/config\/appsettings\/list$/i.exec(
        path,
      );
    if (method === "POST" && settingsPath) {
      counters.settings += 1;
      const properties = tenant.settings.get(settingsPath[1].toLowerCase());
      if (!properties) return undefined;
      return {
        status: 200,
        body: JSON.stringify({
          id: `${settingsPath[1]}/config/appsettings`,
          name: "appsettings",
          type: "Microsoft.Web/sites/config",
          properties,
        }),
      };
    }
    return undefined;
  };
  return { route, counters };
}

/** `azfn-health fleet`'s arguments against the stand-in at `url`, signed in from the environment (standInEnv). */
export function fleetArgs(url, ...extra) {
  return ["fleet", "--auth", "environment", "--arm-endpoint", url, ...extra];
}
