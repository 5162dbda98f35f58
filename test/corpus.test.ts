import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { WebSiteManagementClient } from "@azure/arm-appservice";
import type { HttpClient } from "@azure/core-rest-pipeline";
import {
  appSettingsFacts,
  collectCheckFacts,
  planFacts,
  slotSettingNamesFacts,
} from "../src/collect/azure.js";
import { createReplayHttpClient, type RecordedExchange, type Recording } from "../src/collect/recording.js";
import { createRedactor } from "../src/collect/redact.js";
import { judge } from "../src/check.js";
import type { EnvironmentFacts } from "../src/core/facts.js";
import { parseAppId } from "../src/core/resource-id.js";
import { HASH_KEY, ROOT, TEST_CREDENTIAL } from "./helpers.js";

/**
 * Real Azure response bodies (test/corpus, sources in test/corpus/SOURCE.md) fed through the SDK
 * by a replaying HttpClient, exactly as a live or replayed check reads them: the facts must say
 * what the bodies say, for every hosting model and language in the corpus.
 */
const ARM = "https://management.azure.com";
const API = "api-version=2025-05-01";

function body(file: string): unknown {
  return JSON.parse(readFileSync(`${ROOT}/test/corpus/${file}`, "utf8"));
}

/** A recording built in memory: each corpus body served where the SDK asks for that source. */
function corpusRecording(appId: string, files: Partial<Record<Source, string>>): Recording {
  const exchanges: RecordedExchange[] = Object.entries(files).map(([source, file]) => {
    const { method, suffix } = SOURCES[source as Source];
    return {
      request: { method, url: `${ARM}${appId}${suffix}?${API}` },
      response: { status: 200, body: body(file) },
    };
  });
  return {
    format: "azfn-health-recording",
    version: 1,
    recordedAt: NOW,
    apps: { qa: appId, prod: appId },
    exchanges,
  };
}

const SOURCES = {
  site: { method: "GET", suffix: "" },
  config: { method: "GET", suffix: "/config/web" },
  appSettings: { method: "POST", suffix: "/config/appsettings/list" },
  slotConfigNames: { method: "GET", suffix: "/config/slotConfigNames" },
} as const;
type Source = keyof typeof SOURCES;

const NOW = "2026-12-01T12:00:00Z";

async function collect(appId: string, files: Partial<Record<Source, string>>, spy?: string[]) {
  const replay = createReplayHttpClient(corpusRecording(appId, files));
  const httpClient: HttpClient = {
    sendRequest: (request) => {
      spy?.push(`${request.method} ${new URL(request.url).pathname}`);
      return replay.sendRequest(request);
    },
  };
  const ref = parseAppId(appId, "--prod");
  const facts = await collectCheckFacts(
    { credential: TEST_CREDENTIAL, httpClient, retryOptions: { maxRetries: 0 } },
    { qa: ref, prod: ref },
    { now: new Date(NOW), hashKey: HASH_KEY },
  );
  return facts.prod;
}

const CLI_LINUX =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/azurecli-functionapp-linux000001/providers/Microsoft.Web/sites/functionapplinuxconsumption000003";
const LINUX_DYNAMIC_PLAN =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/azurecli-functionapp-linux000001/providers/Microsoft.Web/serverfarms/UKWestLinuxDynamicPlan";
const SPEC_SITE =
  "/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/testrg123/providers/Microsoft.Web/sites/sitef6141";
const CLI_WINDOWS =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/clitest.rg000001/providers/Microsoft.Web/sites/functionapp-slot000004";
const PS_SUB = "/subscriptions/26cfabf6-eb15-4de5-ae51-f2218958bd5f/resourceGroups";
const PS_LINUX_PYTHON = `${PS_SUB}/Functions-Test-Linux-Consumption-1lxoik/providers/Microsoft.Web/sites/Functions-Python-3-8-mldik6`;
const PS_LINUX_PREMIUM = `${PS_SUB}/Functions-Test-Linux-Premium-1mo5hj/providers/Microsoft.Web/sites/Functions-Node-14-upwhgo`;
const PS_WINDOWS_PREMIUM = `${PS_SUB}/Functions-Test-Windows-Premium-io58q0/providers/Microsoft.Web/sites/Functions-PowerShell-7-ne67zr`;
const PS_WINDOWS_CONSUMPTION = `${PS_SUB}/Functions-Test-Windows-Consumption-jhvbi3/providers/Microsoft.Web/sites/Functions-DoNet-6-738fb2`;
const CLI_WINDOWS_JAVA =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/clitest.rg000001/providers/Microsoft.Web/sites/functionappwindowsruntime000003";
const CLI_LINUX_DEDICATED =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/clitest.rg000001/providers/Microsoft.Web/sites/functionapp-linux000004";
const PS_FLEX = `${PS_SUB}/Functions-Flex-RG-tuop/providers/Microsoft.Web/sites/Functions-Flex-DotNetIsolated-tuop`;
const CLI_LOGIC_APP =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/clitest.rg000001/providers/Microsoft.Web/sites/logicapp000003";
const CLI_ACA =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/clitest.rg000001/providers/Microsoft.Web/sites/functionapp000003";

/** The setting as the check keeps it: the value only where it is allow-listed, else a hash. */
const kept = (env: EnvironmentFacts, name: string) => env.appSettings?.[name];

describe("real Azure bodies through the SDK: what each hosting model's facts say", () => {
  it.each([
    {
      model: "Linux Consumption, dotnet-isolated (CLI 2021): linuxFxVersion empty, netFrameworkVersion v4.0",
      files: {
        site: "linux-consumption-dotnet-isolated.site.json",
        config: "linux-consumption-dotnet-isolated.config-web.json",
        appSettings: "linux-consumption-dotnet-isolated.appsettings.json",
      },
      site: {
        os: "linux",
        kind: "functionapp,linux",
        sku: "Dynamic",
        planId: LINUX_DYNAMIC_PLAN,
        location: "ukwest",
      },
      config: {
        netFrameworkVersion: "v4.0",
        linuxFxVersion: undefined,
        use32BitWorkerProcess: false,
        alwaysOn: false,
      },
      settings: { FUNCTIONS_WORKER_RUNTIME: "dotnet-isolated", FUNCTIONS_EXTENSION_VERSION: "~3" },
    },
    {
      model: "Linux Consumption, PowerShell 7.2 (CLI 2024)",
      files: {
        site: "linux-consumption-powershell.site.json",
        config: "linux-consumption-powershell.config-web.json",
        appSettings: "linux-consumption-powershell.appsettings.json",
        slotConfigNames: "linux-consumption-powershell.slot-config-names.json",
      },
      site: {
        os: "linux",
        sku: "Dynamic",
        planId: LINUX_DYNAMIC_PLAN,
        lastModified: "2024-04-26T18:01:26.116Z",
        flexRuntime: undefined,
        managedEnvironmentId: undefined,
      },
      config: { linuxFxVersion: "PowerShell|7.2", powerShellVersion: undefined, netFrameworkVersion: "v4.0" },
      settings: { FUNCTIONS_WORKER_RUNTIME: "powershell", FUNCTIONS_EXTENSION_VERSION: "~4" },
    },
    {
      model: "Linux Consumption, Java (CLI 2022): the site's siteConfig.linuxFxVersion is empty",
      files: {
        site: "linux-consumption-java.site.json",
        appSettings: "linux-consumption-java.appsettings.json",
      },
      site: { os: "linux", sku: "Dynamic", state: "Running", enabled: true },
      settings: { FUNCTIONS_WORKER_RUNTIME: "java", FUNCTIONS_EXTENSION_VERSION: "~3" },
    },
    {
      model: "Linux Consumption, Node (CLI 2019): siteConfig null, WEBSITE_NODE_DEFAULT_VERSION on Linux",
      files: {
        site: "linux-consumption-node.site.json",
        appSettings: "linux-consumption-node.appsettings.json",
      },
      site: { os: "linux", sku: "Dynamic", location: "westus" },
      settings: {
        FUNCTIONS_WORKER_RUNTIME: "node",
        FUNCTIONS_EXTENSION_VERSION: "~2",
        WEBSITE_NODE_DEFAULT_VERSION: "10.14.1",
      },
    },
    {
      model: "Windows on a dedicated Standard plan, Node ~20 (CLI 2024)",
      id: CLI_WINDOWS,
      files: {
        site: "windows-dedicated-node.site.json",
        appSettings: "windows-dedicated-node.appsettings.json",
      },
      site: { os: "windows", kind: "functionapp", sku: "Standard", location: "France Central" },
      settings: {
        FUNCTIONS_WORKER_RUNTIME: "node",
        WEBSITE_NODE_DEFAULT_VERSION: "~20",
        FUNCTIONS_EXTENSION_VERSION: "~4",
      },
    },
    {
      model:
        "Linux Consumption, Python 3.8 (Az PowerShell 2021): linuxFxVersion Python|3.8 on the site and config",
      id: PS_LINUX_PYTHON,
      files: {
        site: "linux-consumption-python.site.json",
        config: "linux-consumption-python.config-web.json",
        appSettings: "linux-consumption-python.appsettings.json",
      },
      site: {
        os: "linux",
        kind: "functionapp,linux",
        sku: "Dynamic",
        planId: PS_LINUX_PYTHON.replace(/sites\/[^/]+$/, "serverfarms/CentralUSLinuxDynamicPlan"),
        flexRuntime: undefined,
      },
      config: { linuxFxVersion: "Python|3.8", netFrameworkVersion: "v4.0", use32BitWorkerProcess: false },
      settings: { FUNCTIONS_WORKER_RUNTIME: "python", FUNCTIONS_EXTENSION_VERSION: "~4" },
    },
    {
      model:
        "Linux Elastic Premium, Node 14 (Az PowerShell 2021): reserved, linuxFxVersion Node|14, always-ready 1",
      id: PS_LINUX_PREMIUM,
      files: {
        site: "linux-premium-node.site.json",
        config: "linux-premium-node.config-web.json",
        appSettings: "linux-premium-node.appsettings.json",
      },
      site: {
        os: "linux",
        kind: "functionapp,linux",
        sku: "ElasticPremium",
        planId: PS_LINUX_PREMIUM.replace(/sites\/[^/]+$/, "serverfarms/Functions-Linux-Premium-04k8eu"),
      },
      config: { linuxFxVersion: "Node|14", use32BitWorkerProcess: false, alwaysOn: false },
      settings: { FUNCTIONS_WORKER_RUNTIME: "node", FUNCTIONS_EXTENSION_VERSION: "~4" },
    },
    {
      model: "Windows Elastic Premium, PowerShell ~7 (Az PowerShell 2021): 32-bit, netFrameworkVersion v6.0",
      id: PS_WINDOWS_PREMIUM,
      files: {
        site: "windows-premium-powershell.site.json",
        config: "windows-premium-powershell.config-web.json",
        appSettings: "windows-premium-powershell.appsettings.json",
      },
      site: {
        os: "windows",
        kind: "functionapp",
        sku: "ElasticPremium",
        location: "Central US",
        planId: PS_WINDOWS_PREMIUM.replace(/sites\/[^/]+$/, "serverfarms/Functions-Windows-Premium-1p84aw"),
      },
      config: {
        netFrameworkVersion: "v6.0",
        powerShellVersion: "~7",
        linuxFxVersion: undefined,
        use32BitWorkerProcess: true,
        alwaysOn: false,
      },
      settings: { FUNCTIONS_WORKER_RUNTIME: "powershell", FUNCTIONS_EXTENSION_VERSION: "~4" },
    },
    {
      model: "Windows Consumption, .NET 6 in-process (Az PowerShell 2021): 32-bit, netFrameworkVersion v6.0",
      id: PS_WINDOWS_CONSUMPTION,
      files: {
        site: "windows-consumption-dotnet.site.json",
        config: "windows-consumption-dotnet.config-web.json",
        appSettings: "windows-consumption-dotnet.appsettings.json",
      },
      site: {
        os: "windows",
        kind: "functionapp",
        sku: "Dynamic",
        planId: PS_WINDOWS_CONSUMPTION.replace(/sites\/[^/]+$/, "serverfarms/CentralUSPlan"),
      },
      config: {
        netFrameworkVersion: "v6.0",
        powerShellVersion: undefined,
        linuxFxVersion: undefined,
        use32BitWorkerProcess: true,
      },
      settings: { FUNCTIONS_WORKER_RUNTIME: "dotnet", FUNCTIONS_EXTENSION_VERSION: "~4" },
    },
    {
      model:
        "Logic App Standard on WS1 (CLI 2025): kind functionapp,workflowapp is checked, Windows, WorkflowStandard",
      id: CLI_LOGIC_APP,
      files: { site: "logic-app-standard.site.json" },
      site: {
        os: "windows",
        kind: "functionapp,workflowapp",
        sku: "WorkflowStandard",
        location: "West US",
        state: "Running",
        enabled: true,
        planId: CLI_LOGIC_APP.replace(
          /sites\/logicapp000003$/,
          "serverfarms/logicapp000003_app_service_plan",
        ),
        flexRuntime: undefined,
        managedEnvironmentId: undefined,
      },
      settings: {},
    },
    {
      model: "Linux on a dedicated Standard plan, Java 8 on ~3 (CLI 2022): linuxFxVersion Java|8, Always On",
      id: CLI_LINUX_DEDICATED,
      files: {
        site: "linux-dedicated-java.site.json",
        config: "linux-dedicated-java.config-web.json",
        appSettings: "linux-dedicated-java.appsettings.json",
      },
      site: {
        os: "linux",
        kind: "functionapp,linux",
        sku: "Standard",
        planId: CLI_LINUX_DEDICATED.replace(/sites\/[^/]+$/, "serverfarms/funcapplinplan000003"),
      },
      config: { linuxFxVersion: "Java|8", use32BitWorkerProcess: false, alwaysOn: true },
      settings: { FUNCTIONS_WORKER_RUNTIME: "java", FUNCTIONS_EXTENSION_VERSION: "~3" },
    },
    {
      model:
        "Windows Consumption, Java 8 on ~3 (CLI 2022): javaVersion 1.8, 32-bit, netFrameworkVersion v4.0",
      id: CLI_WINDOWS_JAVA,
      files: {
        site: "windows-consumption-java.site.json",
        config: "windows-consumption-java.config-web.json",
        appSettings: "windows-consumption-java.appsettings.json",
      },
      site: {
        os: "windows",
        kind: "functionapp",
        sku: "Dynamic",
        planId: CLI_WINDOWS_JAVA.replace(/sites\/[^/]+$/, "serverfarms/FranceCentralPlan"),
      },
      config: {
        javaVersion: "1.8",
        netFrameworkVersion: "v4.0",
        linuxFxVersion: undefined,
        use32BitWorkerProcess: true,
        functionAppScaleLimit: 200,
      },
      settings: { FUNCTIONS_WORKER_RUNTIME: "java", FUNCTIONS_EXTENSION_VERSION: "~3" },
    },
    {
      model:
        "Flex Consumption, dotnet-isolated 8.0 (Az PowerShell 2026): runtime and scale from functionAppConfig, no FUNCTIONS_WORKER_RUNTIME",
      id: PS_FLEX,
      files: {
        site: "flex-consumption-dotnet-isolated.site.json",
        config: "flex-consumption-dotnet-isolated.config-web.json",
        appSettings: "flex-consumption-dotnet-isolated.appsettings.json",
      },
      site: {
        os: "linux",
        kind: "functionapp,linux",
        sku: "FlexConsumption",
        location: "East Asia",
        flexRuntime: { name: "dotnet-isolated", version: "8.0" },
        flexScale: { instanceMemoryMB: 2048, maximumInstanceCount: 100 },
        planId: PS_FLEX.replace(/sites\/[^/]+$/, "serverfarms/ASP-FunctionsFlexRGtuop-0000"),
        managedEnvironmentId: undefined,
      },
      // Real Flex config/web still answers functionAppScaleLimit (100) and use32BitWorkerProcess; Flex
      // takes neither (its limit is functionAppConfig's maximumInstanceCount).
      config: {
        linuxFxVersion: undefined,
        netFrameworkVersion: undefined,
        use32BitWorkerProcess: false,
        functionAppScaleLimit: 100,
      },
      settings: { FUNCTIONS_WORKER_RUNTIME: undefined, FUNCTIONS_EXTENSION_VERSION: undefined },
    },
    {
      model:
        "Flex Consumption (REST example): runtime and scale from functionAppConfig, Linux without kind or reserved",
      id: SPEC_SITE,
      files: { site: "flex-consumption.site.json" },
      site: {
        os: "linux",
        kind: "",
        flexRuntime: { name: "python", version: "3.11" },
        flexScale: { instanceMemoryMB: 2048, maximumInstanceCount: 100 },
        planId: SPEC_SITE.replace(/sites\/sitef6141$/, "serverfarms/DefaultAsp"),
      },
      settings: {},
    },
  ])("$model", async ({ id, files, site, config, settings }) => {
    const env = await collect(id ?? CLI_LINUX, files);
    expect(env.site).toMatchObject(site);
    for (const [key, value] of Object.entries(site))
      expect(env.site?.[key as keyof typeof env.site]).toEqual(value);
    if (config)
      for (const [key, value] of Object.entries(config))
        expect(env.config?.[key as keyof typeof env.config], key).toEqual(value);
    else expect(env.gaps.map((g) => g.source)).toContain("config");
    for (const [name, value] of Object.entries(settings)) expect(kept(env, name)?.value, name).toBe(value);
    // The storage account survives redaction; the key never does.
    if (env.appSettings?.AzureWebJobsStorage) {
      const raw = (body(files.appSettings!) as { properties: Record<string, string> }).properties;
      const account = /AccountName=([^;]+)/.exec(raw.AzureWebJobsStorage!)?.[1];
      expect(account).toBeTruthy();
      // Storage account names are lowercase; a sanitiser's placeholder (REDACTEDACCOUNT) is kept as Azure would name it.
      expect(env.appSettings.AzureWebJobsStorage).toMatchObject({ storageAccount: account!.toLowerCase() });
      expect(env.appSettings.AzureWebJobsStorage.value).toBeUndefined();
    }
    expect(JSON.stringify(env)).not.toMatch(/veryFakedStorageAccountKey|CORPUS-REDACTED/);
  });

  it("Container Apps hosting: the managed environment, no plan and no plan read, Linux, enabled", async () => {
    const sent: string[] = [];
    const env = await collect(
      CLI_ACA,
      { site: "container-apps.site.json", appSettings: "container-apps.appsettings.json" },
      sent,
    );
    expect(env.site).toMatchObject({
      kind: "functionapp,linux,container,azurecontainerapps",
      os: "linux",
      enabled: true,
      state: "Running",
      managedEnvironmentId:
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/clitest.rg000001/providers/Microsoft.App/managedEnvironments/containerappmanagedenvironment000004",
    });
    expect(env.site?.planId).toBeUndefined();
    expect(env.site?.sku).toBeUndefined();
    expect(env.plan).toBeUndefined();
    expect(env.gaps.map((g) => g.source)).not.toContain("plan");
    expect(sent.filter((s) => /serverfarms/i.test(s))).toEqual([]);
    expect(kept(env, "FUNCTIONS_EXTENSION_VERSION")?.value).toBe("~4");
    expect(kept(env, "FUNCTIONS_WORKER_RUNTIME")).toBeUndefined();
    expect(kept(env, "WEBSITE_AUTH_ENCRYPTION_KEY")?.value).toBeUndefined();
    // The rules run on it without a plan; what was not read keeps the verdict from PROCEED.
    const facts = await collectCheckFacts(
      {
        credential: TEST_CREDENTIAL,
        httpClient: createReplayHttpClient(
          corpusRecording(CLI_ACA, {
            site: "container-apps.site.json",
            appSettings: "container-apps.appsettings.json",
          }),
        ),
        retryOptions: { maxRetries: 0 },
      },
      { qa: parseAppId(CLI_ACA, "--qa"), prod: parseAppId(CLI_ACA, "--prod") },
      { now: new Date(NOW), hashKey: HASH_KEY },
    );
    expect(judge(facts).recommendation.action).not.toBe("PROCEED");
  });

  it("a slot (REST example): read through the slot's own URL, named as Azure names it", async () => {
    const sent: string[] = [];
    const slotId = `${SPEC_SITE}/slots/staging`;
    const replay = createReplayHttpClient(corpusRecording(slotId, { site: "slot.site.json" }));
    const httpClient: HttpClient = {
      sendRequest: (r) => (sent.push(`${r.method} ${new URL(r.url).pathname}`), replay.sendRequest(r)),
    };
    const qa = parseAppId(slotId, "--qa");
    // The documented slot is a web app's (`kind: app`): read through its own URL, then refused by kind.
    const collected = collectCheckFacts(
      { credential: TEST_CREDENTIAL, httpClient, retryOptions: { maxRetries: 0 } },
      { qa, prod: qa },
      { now: new Date(NOW), hashKey: HASH_KEY },
    );
    await expect(collected).rejects.toMatchObject({
      name: "UsageError",
      exitCode: 2,
      message: expect.stringMatching(/sitef6141\/slots\/staging is not a Function App \(kind "app"\)/),
    });
    expect(sent).toContain(`GET ${slotId}`);
    expect(sent).not.toContain(`GET ${SPEC_SITE}`);
  });

  it.each([
    ["a web app's site (REST example GetWebApp, kind app)", "windows-site.spec.json"],
    ["a web app's slot (REST example GetWebAppSlot, kind app)", "slot.site.json"],
  ])("only a Function App is checked: %s is exit 2 naming the kind", async (_, file) => {
    await expect(collect(SPEC_SITE, { site: file })).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(
        /is not a Function App \(kind "app"\): only a site whose kind contains "functionapp"/,
      ),
    });
  });
});

describe("real Azure bodies through the SDK, one source at a time", () => {
  const client = (exchanges: RecordedExchange[], subscription = "00000000-0000-0000-0000-000000000000") =>
    new WebSiteManagementClient(TEST_CREDENTIAL, subscription, {
      httpClient: createReplayHttpClient({
        format: "azfn-health-recording",
        version: 1,
        recordedAt: NOW,
        apps: { qa: "", prod: "" },
        exchanges,
      }),
      retryOptions: { maxRetries: 0 },
    });
  const served = (url: string, file: string, method = "GET"): RecordedExchange => ({
    request: { method, url: `${ARM}${url}?${API}` },
    response: { status: 200, body: body(file) },
  });

  it.each([
    {
      file: "plan-y1-linux-consumption.json",
      rg: "clitest.rg000001",
      name: "functionappplan000003",
      // Azure's `numberOfSites: 0` on a Consumption plan is not a count of apps.
      facts: {
        skuName: "Y1",
        tier: "Dynamic",
        os: "linux",
        capacity: 0,
        numberOfSites: undefined,
        maximumElasticWorkerCount: 1,
      },
    },
    {
      file: "plan-p1v2-dedicated.json",
      rg: "clitest.rg000001",
      name: "plan000002",
      facts: {
        skuName: "P1v2",
        tier: "PremiumV2",
        os: "windows",
        capacity: 1,
        numberOfSites: undefined,
        maximumElasticWorkerCount: 10,
      },
    },
    {
      // Elastic Premium: the plan's `numberOfSites: 0` right after its create is not a count either.
      file: "plan-ep2-elastic-premium.json",
      rg: "clitest.rg000001",
      name: "epplan000002",
      facts: {
        skuName: "EP2",
        tier: "ElasticPremium",
        os: "windows",
        capacity: 3,
        numberOfSites: undefined,
        maximumElasticWorkerCount: 3,
      },
    },
    {
      // A Linux dedicated plan (CLI 2022): S1 Standard, `kind: linux`, `numberOfSites: 0` right after its create.
      file: "plan-s1-linux-dedicated.json",
      rg: "clitest.rg000001",
      name: "funcapplinplan000003",
      facts: {
        skuName: "S1",
        tier: "Standard",
        os: "linux",
        capacity: 1,
        numberOfSites: undefined,
        maximumElasticWorkerCount: 1,
      },
    },
    {
      // Flex Consumption's plan (Az PowerShell 2026): FC1, Linux, one app.
      file: "plan-fc1-flex-consumption.json",
      rg: "Functions-Flex-RG-tuop",
      name: "ASP-FunctionsFlexRGtuop-0000",
      facts: {
        skuName: "FC1",
        tier: "FlexConsumption",
        os: "linux",
        capacity: 0,
        numberOfSites: 1,
        maximumElasticWorkerCount: 1,
      },
    },
    {
      file: "plan-p1-premium.spec.json",
      rg: "testrg123",
      name: "testsf6141",
      facts: { skuName: "P1", tier: "Premium", os: "windows", capacity: 1, numberOfSites: 4 },
    },
  ])("plan $file: SKU, tier, OS and the apps it hosts", async ({ file, rg, name, facts }) => {
    const sub = (body(file) as { id: string }).id.split("/")[2]!;
    const id = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Web/serverfarms/${name}`;
    const plan = await client([served(id, file)], sub).appServicePlans.get(rg, name);
    const result = planFacts(plan, "elsewhere");
    expect(result).toMatchObject({ id, name, resourceGroup: rg });
    for (const [key, value] of Object.entries(facts))
      expect(result[key as keyof typeof result], key).toEqual(value);
  });

  it("a slot's settings and the site's sticky names (CLI 2024): FOO is sticky, the rest swap", async () => {
    const slotSettings = `${CLI_WINDOWS}/slots/slotname000005/config/appsettings/list`;
    const web = client([
      served(slotSettings, "slot.appsettings.json", "POST"),
      served(`${CLI_WINDOWS}/config/slotConfigNames`, "slot.slot-config-names.json"),
    ]).webApps;
    const settings = appSettingsFacts(
      await web.listApplicationSettingsSlot("clitest.rg000001", "functionapp-slot000004", "slotname000005"),
      createRedactor(HASH_KEY),
    );
    expect(Object.keys(settings ?? {}).sort()).toEqual([
      "APPLICATIONINSIGHTS_CONNECTION_STRING",
      "AzureWebJobsStorage",
      "FUNCTIONS_EXTENSION_VERSION",
      "FUNCTIONS_WORKER_RUNTIME",
      "WEBSITE_NODE_DEFAULT_VERSION",
    ]);
    expect(settings?.WEBSITE_NODE_DEFAULT_VERSION?.value).toBe("~20");
    expect(settings?.APPLICATIONINSIGHTS_CONNECTION_STRING?.value).toBeUndefined();
    const names = await web.listSlotConfigurationNames("clitest.rg000001", "functionapp-slot000004");
    expect(slotSettingNamesFacts(names)).toEqual(["FOO"]);
    // A site with no sticky settings answers null lists: no names, no crash.
    const none = await client([
      served(`${CLI_LINUX}/config/slotConfigNames`, "linux-consumption-powershell.slot-config-names.json"),
    ]).webApps.listSlotConfigurationNames(
      "azurecli-functionapp-linux000001",
      "functionapplinuxconsumption000003",
    );
    expect(slotSettingNamesFacts(none)).toEqual([]);
  });
});
