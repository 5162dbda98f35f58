import { beforeAll, describe, expect, it } from "vitest";
import { corpusFacts, type CorpusSource } from "./support/corpus.js";
import { ruleById } from "../src/analyse/rules/index.js";
import type { Rule } from "../src/analyse/rule.js";
import { analyse } from "../src/analyse/analyse.js";
import { runtimeProfile } from "../src/analyse/profile.js";
import { createRedactor, redactedMarker, valueShape } from "../src/collect/redact.js";
import type { CheckFacts, EnvironmentFacts } from "../src/core/facts.js";
import { resolveRelease } from "../src/core/release.js";
import { decide } from "../src/decide/decide.js";
import { deleteSetting, HASH_KEY, HEALTHY, replayFacts, setSetting, variant } from "./helpers.js";
import { commandsOf } from "./support/plan.js";

/**
 * Pairs of every kind of Function App, shaped as Azure returns them (linuxFxVersion "" on Linux
 * Consumption with netFrameworkVersion "v4.0" left over, Flex with no FUNCTIONS_* settings, a
 * Container Apps app with no plan), built as edits of the healthy upgrade's replayed facts and
 * judged end to end: every rule, then the decision.
 */
let healthy: CheckFacts;
beforeAll(async () => {
  healthy = await replayFacts(HEALTHY);
});

const both = (f: CheckFacts, edit: (env: EnvironmentFacts) => void) => [f.qa, f.prod].forEach(edit);

function linux(env: EnvironmentFacts, fx: string, worker: string) {
  env.site!.os = "linux";
  env.site!.kind = "functionapp,linux";
  env.config!.linuxFxVersion = fx;
  if (env.plan) env.plan.os = "linux";
  setSetting(env, "FUNCTIONS_WORKER_RUNTIME", worker);
  deleteSetting(env, "WEBSITE_USE_PLACEHOLDER_DOTNETISOLATED");
}

function flex(env: EnvironmentFacts, name: string, version: string, memory = 2048) {
  linux(env, "", name);
  env.config!.netFrameworkVersion = "v4.0";
  env.site!.flexRuntime = { name, version };
  env.site!.flexScale = { instanceMemoryMB: memory, maximumInstanceCount: 100 };
  env.site!.sku = "FlexConsumption";
  env.plan = { ...env.plan!, skuName: "FC1", tier: "FlexConsumption", os: "linux" };
  for (const name of [
    "FUNCTIONS_EXTENSION_VERSION",
    "FUNCTIONS_WORKER_RUNTIME",
    "WEBSITE_RUN_FROM_PACKAGE",
    "WEBSITE_CONTENTSHARE",
    "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
  ])
    deleteSetting(env, name);
}

function containerApp(env: EnvironmentFacts) {
  linux(env, "DOCKER|contoso.azurecr.io/orders-func:1.4.2", "dotnet-isolated");
  env.site!.kind = "functionapp,linux,container,azurecontainerapps";
  const rg = `/subscriptions/${env.ref.subscriptionId}/resourceGroups/${env.ref.resourceGroup}`;
  env.site!.managedEnvironmentId = `${rg}/providers/Microsoft.App/managedEnvironments/cae-orders`;
  delete env.site!.planId;
  delete env.site!.sku;
  delete env.plan;
  deleteSetting(env, "WEBSITE_RUN_FROM_PACKAGE");
  deleteSetting(env, "WEBSITE_CONTENTSHARE");
  deleteSetting(env, "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING");
}

function judge(facts: CheckFacts) {
  const analysis = analyse(facts);
  return { analysis, recommendation: decide(analysis, facts, resolveRelease(facts.prod)) };
}

describe("healthy pairs of every kind judge PROCEED", () => {
  const pairs: [string, (f: CheckFacts) => void][] = [
    ["Windows .NET 10 isolated on Elastic Premium (the bundled recording)", () => {}],
    ["Linux Python 3.12", (f) => both(f, (e) => linux(e, "Python|3.12", "python"))],
    ["Linux Node 24", (f) => both(f, (e) => linux(e, "Node|24", "node"))],
    ["Linux Java 21", (f) => both(f, (e) => linux(e, "Java|21", "java"))],
    ["Linux PowerShell 7.6", (f) => both(f, (e) => linux(e, "PowerShell|7.6", "powershell"))],
    [
      "Windows Node ~24",
      (f) =>
        both(f, (e) => {
          setSetting(e, "FUNCTIONS_WORKER_RUNTIME", "node");
          setSetting(e, "WEBSITE_NODE_DEFAULT_VERSION", "~24");
          deleteSetting(e, "WEBSITE_USE_PLACEHOLDER_DOTNETISOLATED");
        }),
    ],
    [
      "Windows Java 21 and PowerShell-free",
      (f) =>
        both(f, (e) => {
          setSetting(e, "FUNCTIONS_WORKER_RUNTIME", "java");
          e.config!.javaVersion = "21";
          deleteSetting(e, "WEBSITE_USE_PLACEHOLDER_DOTNETISOLATED");
        }),
    ],
    [
      "Windows PowerShell 7.6",
      (f) =>
        both(f, (e) => {
          setSetting(e, "FUNCTIONS_WORKER_RUNTIME", "powershell");
          e.config!.powerShellVersion = "7.6";
          deleteSetting(e, "WEBSITE_USE_PLACEHOLDER_DOTNETISOLATED");
        }),
    ],
    ["a custom handler", (f) => both(f, (e) => setSetting(e, "FUNCTIONS_WORKER_RUNTIME", "custom"))],
    [
      'Linux Consumption .NET isolated with linuxFxVersion "" and netFrameworkVersion "v4.0"',
      (f) =>
        both(f, (e) => {
          linux(e, "", "dotnet-isolated");
          e.config!.netFrameworkVersion = "v4.0";
          setSetting(e, "FUNCTIONS_WORKER_RUNTIME_VERSION", "10.0");
          e.site!.sku = "Dynamic";
          e.plan = { ...e.plan!, skuName: "Y1", tier: "Dynamic" };
        }),
    ],
    ["Flex Consumption Python 3.12", (f) => both(f, (e) => flex(e, "python", "3.12"))],
    ["Flex Consumption .NET 10 isolated", (f) => both(f, (e) => flex(e, "dotnet-isolated", "10.0", 4096))],
    [
      "a slot swap: production's own staging slot, with slot settings and its own storage",
      (f) => {
        f.qa.ref = { ...f.prod.ref, slot: "staging", id: `${f.prod.ref.id}/slots/staging` };
        f.qa.plan = structuredClone(f.prod.plan);
        both(f, (e) => {
          e.slotSettingNames = ["AzureWebJobsStorage", "Pricing__Endpoint", "ENVIRONMENT_NAME"];
          setSetting(e, "ServiceBusConnection", "Endpoint=sb://sb-orders/;SharedAccessKey=TEST-SECRET-same");
        });
        setSetting(f.qa, "AzureWebJobsStorage", "AccountName=stordersstaging;AccountKey=TEST-SECRET-s");
        setSetting(f.qa, "Pricing__Endpoint", "https://pricing-staging.contoso.example");
        setSetting(f.qa, "ENVIRONMENT_NAME", "staging");
        setSetting(f.prod, "ENVIRONMENT_NAME", "production");
      },
    ],
    [
      "many identical non-secret settings",
      (f) =>
        both(f, (e) => {
          for (let i = 0; i < 30; i++) setSetting(e, `Feature__Flag${i}`, i % 2 ? "true" : "1");
          setSetting(e, "WEBSITE_ENABLE_SYNC_UPDATE_SITE", "true");
          setSetting(e, "Logging__LogLevel__Default", "Warning");
          setSetting(e, "Orders__Region", "westeurope");
        }),
    ],
  ];
  for (const [name, edit] of pairs) {
    it(name, () => {
      const { analysis, recommendation } = judge(variant(healthy, edit));
      expect(analysis.unknowns).toEqual([]);
      expect(analysis.findings.filter((f) => f.severity !== "info")).toEqual([]);
      expect(recommendation.action).toBe("PROCEED");
    });
  }

  it("Azure Container Apps: no plan, no crash; the checks that cannot apply are named, not blocking", () => {
    const { analysis, recommendation } = judge(variant(healthy, (f) => both(f, containerApp)));
    expect(analysis.unknowns).toEqual([]);
    const h04 = analysis.findings.filter((f) => f.ruleId === "H04");
    expect(h04.map((f) => [f.environment, f.severity])).toEqual([
      ["prod", "info"],
      ["qa", "info"],
    ]);
    for (const id of ["D02", "D03", "M04", "R05", "R20", "R25", "R27", "D04"])
      expect(h04[0]!.title).toContain(id);
    expect(h04[0]!.title).toMatch(/Azure Container Apps: no App Service plan/);
    expect(h04[0]!.title).toMatch(/container image/);
    expect(recommendation.action).toBe("PROCEED");
  });
});

describe("defects of each kind are named by their setting, with the exact fix", () => {
  it("a Linux Python app whose running production is on an end-of-life Python QA does not run: the move goes with a build, never a hotfix", () => {
    const { analysis, recommendation } = judge(
      variant(healthy, (f) => {
        linux(f.qa, "Python|3.12", "python");
        linux(f.prod, "Python|3.9", "python");
      }),
    );
    expect(analysis.findings.map((f) => f.ruleId)).toEqual(expect.arrayContaining(["D04", "R11"]));
    // Production's host runs its build on 3.9: changing the version under it is not a hotfix (property 1).
    expect(recommendation.action).toBe("MONITOR");
    const d04 = analysis.findings.find((f) => f.ruleId === "D04")!;
    expect(d04.evidence.setting).toBe("linuxFxVersion");
    expect(d04.fix).toMatchObject({
      kind: "code",
      commands: [
        "az functionapp config set -g rg-orders-prod -n orders-func-prod --linux-fx-version 'Python|3.12'",
      ],
    });
  });

  it("the same, production's host down while QA's runs the build on 3.12: HOTFIX naming linuxFxVersion", () => {
    const { recommendation } = judge(
      variant(healthy, (f) => {
        linux(f.qa, "Python|3.12", "python");
        linux(f.prod, "Python|3.9", "python");
        f.prod.host = { state: "Error", errors: ["the Python worker failed to start"] };
      }),
    );
    expect(recommendation.action).toBe("HOTFIX");
    expect(commandsOf(recommendation)).toContain(
      "az functionapp config set -g rg-orders-prod -n orders-func-prod --linux-fx-version 'Python|3.12'",
    );
  });

  it("a language version ~4 does not list, both hosts running: a warning with the upgrade path, never a rollback", () => {
    const { recommendation } = judge(
      variant(healthy, (f) => both(f, (e) => linux(e, "Python|3.6", "python"))),
    );
    expect(recommendation.action).toBe("MONITOR");
    const r25 = recommendation.plan.find((s) => s.ruleIds?.includes("R25"));
    expect(r25).toMatchObject({ kind: "plan-fix", fixIds: [expect.stringMatching(/^R25\./)] });
    expect(r25!.text).toMatch(/python 3\.13/);
  });

  it("a language version ~4 does not run, both hosts down: ROLLBACK that names the rebuild to the newest GA version", () => {
    const { recommendation } = judge(
      variant(healthy, (f) =>
        both(f, (e) => {
          linux(e, "Python|3.6", "python");
          e.host = { state: "Error", errors: ["the Python worker failed to start"] };
        }),
      ),
    );
    expect(recommendation.action).toBe("ROLLBACK");
    // Python 3.14 is a preview row in the stacks: never a target.
    const rebuild = recommendation.plan.filter((s) => s.ruleIds?.includes("R25"));
    expect(rebuild.map((s) => s.kind)).toEqual(["rebuild", "after-build"]);
    expect(rebuild[0]!.text).toMatch(/python 3\.13/);
    expect(rebuild[1]!.command).toMatch(/--linux-fx-version 'Python\|3\.13'$/);
  });

  it("a stopped production app: its own critical finding, az functionapp start, the host error said once", () => {
    const { analysis, recommendation } = judge(
      variant(healthy, (f) => {
        f.prod.site!.state = "Stopped";
        delete f.prod.host;
        f.prod.gaps.push({ source: "hostStatus", reason: "HTTP 403 HTTP 403 Forbidden", statusCode: 403 });
      }),
    );
    const h03 = analysis.findings.find((f) => f.ruleId === "H03")!;
    expect(h03).toMatchObject({ severity: "critical", environment: "prod" });
    expect(h03.evidence.detail).toMatch(/last changed at 20\d\d-/);
    expect(analysis.unknowns.filter((u) => u.ruleId.startsWith("H"))).toEqual([]);
    expect(JSON.stringify(analysis)).not.toMatch(/HTTP 403 HTTP 403/);
    expect(recommendation.action).toBe("HOTFIX");
    expect(commandsOf(recommendation)).toContain(
      "az functionapp start -g rg-orders-prod -n orders-func-prod",
    );
  });

  it("Windows QA and Linux production is a new app, even with the plan unreadable: never a one-setting hotfix", () => {
    const { analysis, recommendation } = judge(
      variant(healthy, (f) => {
        linux(f.prod, "DOTNET-ISOLATED|10.0", "dotnet-isolated");
        delete f.prod.plan;
        f.prod.gaps.push({ source: "plan", reason: "HTTP 403 AuthorizationFailed", statusCode: 403 });
      }),
    );
    const d05 = analysis.findings.find((f) => f.ruleId === "D05")!;
    expect(d05.fix?.kind).toBe("code");
    expect(recommendation.action).not.toBe("HOTFIX");
    expect(recommendation.action).toBe("INCONCLUSIVE");
  });

  it('an unidentifiable stack (linuxFxVersion "", no worker version) is INCONCLUSIVE, saying what was read', () => {
    const { analysis, recommendation } = judge(
      variant(healthy, (f) => {
        linux(f.prod, "", "dotnet-isolated");
        f.prod.config!.netFrameworkVersion = "v4.0";
      }),
    );
    const r27 = analysis.unknowns.find((u) => u.ruleId === "R27")!;
    expect(r27.reason).toMatch(
      /linuxFxVersion "", FUNCTIONS_WORKER_RUNTIME "dotnet-isolated", FUNCTIONS_WORKER_RUNTIME_VERSION \(not set\)/,
    );
    expect(recommendation.action).toBe("INCONCLUSIVE");
  });

  it("Flex memory pressure: the instance-memory command", () => {
    const { recommendation } = judge(
      variant(healthy, (f) => {
        both(f, (e) => flex(e, "python", "3.12", 512));
        const s = f.prod.metrics!.series.MemoryWorkingSet!;
        s.after = s.after.map((v) => (v === null ? null : 500 * 1024 ** 2));
      }),
    );
    expect(recommendation.action).toBe("HOTFIX");
    expect(commandsOf(recommendation)).toContain(
      "az functionapp scale config set -g rg-orders-prod -n orders-func-prod --instance-memory 2048",
    );
  });
});

describe("reading the language where each hosting model keeps it", () => {
  const rows = () => healthy.stacks.rows;
  const cases: [string, (e: EnvironmentFacts) => void, Record<string, unknown>][] = [
    [
      "Linux Python",
      (e) => linux(e, "Python|3.11", "python"),
      {
        language: "python",
        languageVersion: "3.11",
        versionSetting: { name: "linuxFxVersion", where: "linuxFxVersion" },
      },
    ],
    [
      "odd casing",
      (e) => linux(e, "python|3.11", "python"),
      { language: "python", stack: expect.objectContaining({ runtimeVersion: "Python|3.11" }) },
    ],
    [
      "Flex",
      (e) => flex(e, "node", "22"),
      {
        language: "node",
        languageVersion: "22",
        isFlex: true,
        stack: expect.objectContaining({ runtimeVersion: "Node|22" }),
      },
    ],
    [
      "Windows Node",
      (e) => {
        setSetting(e, "FUNCTIONS_WORKER_RUNTIME", "node");
        setSetting(e, "WEBSITE_NODE_DEFAULT_VERSION", "~20");
      },
      { languageVersion: "20", stack: expect.objectContaining({ runtimeVersion: "~20" }) },
    ],
    [
      "Windows Java 8",
      (e) => {
        setSetting(e, "FUNCTIONS_WORKER_RUNTIME", "java");
        e.config!.javaVersion = "1.8";
      },
      { languageVersion: "1.8", stack: expect.objectContaining({ runtimeVersion: "1.8" }) },
    ],
    [
      "Linux Consumption in-process",
      (e) => {
        linux(e, "", "dotnet");
        setSetting(e, "FUNCTIONS_INPROC_NET8_ENABLED", "1");
      },
      {
        language: "dotnet",
        languageVersion: "8.0",
        stack: expect.objectContaining({ runtimeVersion: "DOTNET|8.0" }),
      },
    ],
    [
      "a container image",
      (e) => linux(e, "DOCKER|mcr.microsoft.com/azure-functions/dotnet-isolated:4", "dotnet-isolated"),
      { containerImage: true, stack: undefined },
    ],
  ];
  for (const [name, edit, expected] of cases)
    it(name, () => {
      const env = structuredClone(healthy.prod);
      edit(env);
      expect(runtimeProfile(env, rows())).toMatchObject(expected);
    });
});

describe("a value's shape is decided at redaction, without keeping the value", () => {
  const credential: [string, string][] = [
    ["AzureWebJobsStorage", "DefaultEndpointsProtocol=https;AccountName=st;AccountKey=TEST-SECRET=="],
    ["Bus", "Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=a;SharedAccessKey=TEST-SECRET"],
    ["Db", "Server=tcp:x.database.windows.net;Database=orders;User ID=app;Password=TEST-SECRET;"],
    ["Blob", "https://st.blob.core.windows.net/c/x.zip?sv=2022-11-02&se=2026-12-01&sig=TEST-SECRET"],
    ["Hook", "https://orders.azurewebsites.net/api/hook?code=TEST-SECRET"],
    ["Broker", "amqps://user:TEST-SECRET@broker.contoso.example:5671"],
    ["Secret", "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/x/)"],
    ["Auth", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.TEST-SECRET"],
    ["Partner__Value", "q8Zr2Lm0Xv7Tn4Wb9Kc1Ys6Hd3Fj5Pg"],
    ["Stripe__ApiKey", "sk_test_TESTSECRET"],
    ["APPINSIGHTS_INSTRUMENTATIONKEY", "00000000-1111-2222-3333-444444444444"],
  ];
  const plain: [string, string][] = [
    ["WEBSITE_ENABLE_SYNC_UPDATE_SITE", "true"],
    ["Orders__BatchSize", "1"],
    ["Logging__LogLevel__Default", "Information"],
    ["Orders__Region", "westeurope"],
    ["Pricing__Endpoint", "https://pricing.contoso.example/api/v2"],
    ["AZURE_TENANT_ID", "72f988bf-86f1-41af-91ab-2d7cd011db47"],
    ["Build__CommitSha", "4f1c2d9e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e"],
    ["WEBSITE_CONTENTSHARE", "orders-func-prod-7f3a"],
    ["WEBSITE_TIME_ZONE", "W. Europe Standard Time"],
    ["Empty", ""],
  ];
  for (const [name, value] of credential)
    it(`credential: ${name}`, () => expect(valueShape(name, value)).toBe("credential"));
  for (const [name, value] of plain)
    it(`plain: ${name}=${value}`, () => expect(valueShape(name, value)).toBe("plain"));

  const redact = createRedactor(HASH_KEY);
  it("the marker carries the shape, and reads back to the same fact", () => {
    const fact = redact("Bus", "Endpoint=sb://x/;SharedAccessKey=TEST-SECRET");
    const marker = redactedMarker(fact);
    expect(marker).toMatch(/^azfn-health:redacted:[0-9a-f]{12};shape=credential$/);
    expect(marker).not.toMatch(/TEST-SECRET/);
    expect(redact("Bus", marker)).toEqual(fact);
    expect(redact("Flag", redactedMarker(redact("Flag", "true")))).toMatchObject({ shape: "plain" });
  });

  it("an old marker without a shape is still read, shape unknown", () => {
    expect(redact("Bus", "azfn-health:redacted:0123456789ab;account=storders")).toEqual({
      hash: "0123456789ab",
      storageAccount: "storders",
    });
  });
});

describe("the release line", () => {
  it("reads as a sentence when the site's last change is all there is", () => {
    const release = resolveRelease({ site: { ...healthy.prod.site!, lastSwap: undefined }, deployments: [] });
    expect(release.source).toBe("site last modified");
    expect(`from the ${release.detail}`).toMatch(
      /^from the site's last change, as no successful deployment is recorded/,
    );
  });
});

/**
 * Real captured bodies (test/corpus, sources in test/corpus/SOURCE.md) read by the real collector,
 * then judged: what the rules make of each hosting model as Azure really describes it.
 */
describe("real Azure bodies into the rules", () => {
  const stacks = () => healthy.stacks;
  async function corpus(appId: string, files: Partial<Record<CorpusSource, string>>): Promise<CheckFacts> {
    return { ...(await corpusFacts(appId, files, healthy.now)), stacks: stacks() };
  }
  const rules = (...ids: string[]) => ids.map((id) => ruleById(id) as Rule);
  const LINUX =
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/azurecli-functionapp-linux000001/providers/Microsoft.Web/sites/functionapplinuxconsumption000003";
  const WINDOWS =
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/clitest.rg000001/providers/Microsoft.Web/sites/functionapp-slot000004";
  const ACA =
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/clitest.rg000001/providers/Microsoft.Web/sites/functionapp000003";
  const SPEC =
    "/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/testrg123/providers/Microsoft.Web/sites/sitef6141";

  it('Linux Consumption dotnet-isolated on ~3 (linuxFxVersion "", v4.0) is .NET 5: a rebuild, not a setting', async () => {
    const facts = await corpus(LINUX, {
      site: "linux-consumption-dotnet-isolated.site.json",
      config: "linux-consumption-dotnet-isolated.config-web.json",
      appSettings: "linux-consumption-dotnet-isolated.appsettings.json",
    });
    const { profiles, findings, unknowns } = analyse(facts, rules("R02", "R27"));
    expect(profiles.prod).toMatchObject({ language: "dotnet-isolated", languageVersion: "5.0" });
    expect(profiles.prod.stack?.major).toBe("dotnet5");
    expect(unknowns).toEqual([]);
    expect(findings.find((f) => f.environment === "prod")).toMatchObject({
      ruleId: "R02",
      fix: { kind: "code" },
    });
  });

  it("Linux Consumption Node with WEBSITE_NODE_DEFAULT_VERSION 10.14.1 on ~2: Node 10, which ~4 does not run", async () => {
    const facts = await corpus(LINUX, {
      site: "linux-consumption-node.site.json",
      appSettings: "linux-consumption-node.appsettings.json",
    });
    // The corpus has no config/web for this app: the rules that need it say so.
    const { profiles, findings, unknowns } = analyse(facts, rules("R02", "R11"));
    expect(profiles.prod).toMatchObject({ language: "node", languageVersion: "10" });
    expect(profiles.prod.stack?.runtimeVersion).toBe("Node|10");
    expect(findings.find((f) => f.ruleId === "R02" && f.environment === "prod")?.fix?.kind).toBe("code");
    expect(unknowns.map((u) => u.ruleId)).toContain("R11");
  });

  it("Linux Consumption PowerShell 7.2 on ~4: past end of life, naming linuxFxVersion", async () => {
    const facts = await corpus(LINUX, {
      site: "linux-consumption-powershell.site.json",
      config: "linux-consumption-powershell.config-web.json",
      appSettings: "linux-consumption-powershell.appsettings.json",
    });
    const { findings } = analyse(facts, rules("R11", "R25", "R27"));
    const prod = findings.filter((f) => f.environment === "prod");
    expect(prod.map((f) => [f.ruleId, f.severity])).toEqual([["R11", "high"]]);
    expect(prod[0]!.evidence.setting).toBe("linuxFxVersion");
    // 7.6 is a preview, hidden row and past Linux Consumption's last PowerShell (7.4), itself past its
    // end of life: no version there is a target, so no command names one.
    expect(prod[0]!.fix).toMatchObject({ kind: "code", commands: [] });
    expect(prod[0]!.evidence.detail).toMatch(/source: bundled stacks/);
  });

  it("Flex Consumption python 3.11 from functionAppConfig.runtime", async () => {
    const facts = await corpus(SPEC, { site: "flex-consumption.site.json" });
    expect(runtimeProfile(facts.prod, facts.stacks.rows)).toMatchObject({
      isFlex: true,
      language: "python",
      languageVersion: "3.11",
      versionSetting: { where: "flex" },
      stack: expect.objectContaining({ runtimeVersion: "Python|3.11" }),
    });
  });

  it("Windows dedicated Node ~20", async () => {
    const facts = await corpus(WINDOWS, {
      site: "windows-dedicated-node.site.json",
      appSettings: "windows-dedicated-node.appsettings.json",
    });
    expect(runtimeProfile(facts.prod, facts.stacks.rows)).toMatchObject({
      language: "node",
      languageVersion: "20",
      stack: expect.objectContaining({ os: "windows", runtimeVersion: "~20" }),
    });
  });

  it("Azure Container Apps: plan checks and stack checks do not apply, and say why", async () => {
    const facts = await corpus(ACA, {
      site: "container-apps.site.json",
      appSettings: "container-apps.appsettings.json",
    });
    const { findings, unknowns } = analyse(facts, rules("D02", "D03", "M04", "R27", "H04"));
    expect(unknowns.filter((u) => ["D02", "M04", "R27"].includes(u.ruleId))).toEqual([]);
    const h04 = findings.find((f) => f.ruleId === "H04" && f.environment === "prod")!;
    expect(h04.title).toMatch(/^Production: 4 check\(s\) do not apply: /);
    for (const id of ["D02", "D03", "M04"])
      expect(h04.title).toMatch(new RegExp(`${id} \\(hosted on Azure Container Apps: no App Service plan`));
    expect(h04.title).toMatch(
      /R27 \(hosted on Azure Container Apps: the language stack is inside the container image\)/,
    );
  });
});
