import { beforeAll, describe, expect, it } from "vitest";
import { analyse } from "../src/analyse/analyse.js";
import type { RuntimeProfile } from "../src/analyse/profile.js";
import type { Finding } from "../src/analyse/rule.js";
import type { CheckFacts, EnvironmentFacts } from "../src/core/facts.js";
import { corpusFacts, type CorpusSource } from "./support/corpus.js";

/**
 * The corpus cross product: every pair of real captured app bodies (test/corpus, sources in
 * test/corpus/SOURCE.md) as QA and production. The oracle is the normalised profile (OS, hosting
 * model, tier, worker runtime, language and version, bitness, instance memory): every difference is
 * named by a D rule whose fix is of the right kind, identical profiles name none, and the same app on
 * both sides is never drift.
 */
const NOW = "2026-12-01T12:00:00Z";
const SUB = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups";
const PS_SUB = "/subscriptions/26cfabf6-eb15-4de5-ae51-f2218958bd5f/resourceGroups";
const LINUX = `${SUB}/azurecli-functionapp-linux000001/providers/Microsoft.Web/sites/functionapplinuxconsumption000003`;

const APPS: {
  name: string;
  id: string;
  files: Partial<Record<CorpusSource, string>>;
  /** The hosting model the body says, read by hand from it: the profile must decide the same. */
  hosting: RuntimeProfile["hosting"];
}[] = [
  {
    name: "Linux Consumption dotnet-isolated ~3 (CLI 2021)",
    hosting: "consumption",
    id: LINUX,
    files: {
      site: "linux-consumption-dotnet-isolated.site.json",
      config: "linux-consumption-dotnet-isolated.config-web.json",
      appSettings: "linux-consumption-dotnet-isolated.appsettings.json",
    },
  },
  {
    name: "Linux Consumption PowerShell 7.2 (CLI 2024)",
    hosting: "consumption",
    id: LINUX,
    files: {
      site: "linux-consumption-powershell.site.json",
      config: "linux-consumption-powershell.config-web.json",
      appSettings: "linux-consumption-powershell.appsettings.json",
      slotConfigNames: "linux-consumption-powershell.slot-config-names.json",
    },
  },
  {
    name: "Linux Consumption Java ~3 (CLI 2022)",
    hosting: "consumption",
    id: LINUX,
    files: {
      site: "linux-consumption-java.site.json",
      appSettings: "linux-consumption-java.appsettings.json",
    },
  },
  {
    name: "Linux Consumption Node ~2 (CLI 2019)",
    hosting: "consumption",
    id: LINUX,
    files: {
      site: "linux-consumption-node.site.json",
      appSettings: "linux-consumption-node.appsettings.json",
    },
  },
  {
    name: "Windows Standard Node ~20 (CLI 2024)",
    hosting: "dedicated",
    id: `${SUB}/clitest.rg000001/providers/Microsoft.Web/sites/functionapp-slot000004`,
    files: {
      site: "windows-dedicated-node.site.json",
      appSettings: "windows-dedicated-node.appsettings.json",
    },
  },
  {
    name: "Azure Container Apps (CLI 2024)",
    hosting: "container-apps",
    id: `${SUB}/clitest.rg000001/providers/Microsoft.Web/sites/functionapp000003`,
    files: { site: "container-apps.site.json", appSettings: "container-apps.appsettings.json" },
  },
  {
    name: "Linux Consumption Python 3.8 (Az PowerShell 2021)",
    hosting: "consumption",
    id: `${PS_SUB}/Functions-Test-Linux-Consumption-1lxoik/providers/Microsoft.Web/sites/Functions-Python-3-8-mldik6`,
    files: {
      site: "linux-consumption-python.site.json",
      config: "linux-consumption-python.config-web.json",
      appSettings: "linux-consumption-python.appsettings.json",
    },
  },
  {
    name: "Linux Elastic Premium Node 14 (Az PowerShell 2021)",
    hosting: "elastic-premium",
    id: `${PS_SUB}/Functions-Test-Linux-Premium-1mo5hj/providers/Microsoft.Web/sites/Functions-Node-14-upwhgo`,
    files: {
      site: "linux-premium-node.site.json",
      config: "linux-premium-node.config-web.json",
      appSettings: "linux-premium-node.appsettings.json",
    },
  },
  {
    name: "Windows Elastic Premium PowerShell ~7 (Az PowerShell 2021)",
    hosting: "elastic-premium",
    id: `${PS_SUB}/Functions-Test-Windows-Premium-io58q0/providers/Microsoft.Web/sites/Functions-PowerShell-7-ne67zr`,
    files: {
      site: "windows-premium-powershell.site.json",
      config: "windows-premium-powershell.config-web.json",
      appSettings: "windows-premium-powershell.appsettings.json",
    },
  },
  {
    name: "Windows Consumption .NET 6 in-process (Az PowerShell 2021)",
    hosting: "consumption",
    id: `${PS_SUB}/Functions-Test-Windows-Consumption-jhvbi3/providers/Microsoft.Web/sites/Functions-DoNet-6-738fb2`,
    files: {
      site: "windows-consumption-dotnet.site.json",
      config: "windows-consumption-dotnet.config-web.json",
      appSettings: "windows-consumption-dotnet.appsettings.json",
    },
  },
  {
    name: "Logic App Standard WS1 (CLI 2025)",
    hosting: "elastic-premium",
    id: `${SUB}/clitest.rg000001/providers/Microsoft.Web/sites/logicapp000003`,
    files: { site: "logic-app-standard.site.json" },
  },
  {
    name: "Linux dedicated S1 Java 8 ~3 (CLI 2022)",
    hosting: "dedicated",
    id: `${SUB}/clitest.rg000001/providers/Microsoft.Web/sites/functionapp-linux000004`,
    files: {
      site: "linux-dedicated-java.site.json",
      config: "linux-dedicated-java.config-web.json",
      appSettings: "linux-dedicated-java.appsettings.json",
    },
  },
  {
    name: "Windows Consumption Java 8 ~3 (CLI 2022)",
    hosting: "consumption",
    id: `${SUB}/clitest.rg000001/providers/Microsoft.Web/sites/functionappwindowsruntime000003`,
    files: {
      site: "windows-consumption-java.site.json",
      config: "windows-consumption-java.config-web.json",
      appSettings: "windows-consumption-java.appsettings.json",
    },
  },
  {
    name: "Flex Consumption dotnet-isolated 8.0 (Az PowerShell 2026)",
    hosting: "flex",
    id: `${PS_SUB}/Functions-Flex-RG-tuop/providers/Microsoft.Web/sites/Functions-Flex-DotNetIsolated-tuop`,
    files: {
      site: "flex-consumption-dotnet-isolated.site.json",
      config: "flex-consumption-dotnet-isolated.config-web.json",
      appSettings: "flex-consumption-dotnet-isolated.appsettings.json",
    },
  },
  {
    name: "Flex Consumption Python 3.11 (REST example)",
    hosting: "flex",
    id: "/subscriptions/34adfa4f-cedf-4dc0-ba29-b6d1a69ab345/resourceGroups/testrg123/providers/Microsoft.Web/sites/sitef6141",
    files: { site: "flex-consumption.site.json" },
  },
];

let read: CheckFacts[];
beforeAll(async () => {
  read = await Promise.all(APPS.map((app) => corpusFacts(app.id, app.files, NOW)));
}, 60_000);

/** B's production as another app when A and B are different bodies captured under one resource ID. */
function asOtherApp(env: EnvironmentFacts): EnvironmentFacts {
  const site = `${env.ref.site}-other`;
  return { ...env, ref: { ...env.ref, site, id: env.ref.id.replace(/sites\/[^/]+$/, `sites/${site}`) } };
}

function pair(i: number, j: number): CheckFacts {
  const [a, b] = [read[i]!, read[j]!];
  return { ...a, qa: a.qa, prod: i === j || a.prod.ref.id !== b.prod.ref.id ? b.prod : asOtherApp(b.prod) };
}

/** The normalised profile the oracle compares, from the analysis's one decision of each fact. */
function normalised(p: RuntimeProfile) {
  return {
    os: p.isFlex ? "linux" : p.os,
    hosting: p.hosting,
    tier: p.tier?.toLowerCase(),
    worker: p.workerRuntime,
    language: p.language,
    version: p.languageVersion?.replace(/^[~v]/, "").replace(/(\.0)+$/, ""),
    bitness: p.bitness,
    memory: p.instanceMemoryMb,
  };
}
type Profile = ReturnType<typeof normalised>;

const drift = (findings: Finding[]) => findings.filter((f) => /^D\d/.test(f.ruleId));
/** Whether one of the rules that own a difference names it with a right fix kind. */
const named = (findings: Finding[], ids: string[], kinds: (string | undefined)[]) =>
  findings.some((f) => ids.includes(f.ruleId) && kinds.includes(f.fix?.kind));

/** Each difference, the D rule that must name it, and the fix kinds that are right for it. */
function expected(
  qa: Profile,
  prod: Profile,
): { what: string; rules: string[]; kinds: (string | undefined)[] }[] {
  const known = (x: unknown, y: unknown) => x !== undefined && y !== undefined && x !== y;
  const out = [];
  // Another OS is another app: D05 says it, and every other difference follows from it.
  if (known(qa.os, prod.os)) return [{ what: "OS", rules: ["D05"], kinds: ["code"] }];
  const aca = (p: Profile) => p.hosting === "container-apps";
  if (aca(qa) !== aca(prod)) return [{ what: "hosting platform", rules: ["D05"], kinds: ["code"] }];
  if (known(qa.hosting, prod.hosting) || known(qa.tier, prod.tier))
    // A hosting model is never changed by a setting: no fix, or a planned move or new app.
    out.push({ what: "hosting model or tier", rules: ["D02"], kinds: [undefined, "code"] });
  if (
    known(qa.language, prod.language) &&
    !(qa.language?.startsWith("dotnet") && prod.language?.startsWith("dotnet"))
  )
    out.push({ what: "language", rules: ["D04"], kinds: ["code"] });
  else if (known(qa.version, prod.version))
    out.push({ what: "language version", rules: ["D04"], kinds: ["code", "config"] });
  if (known(qa.memory, prod.memory) && prod.memory! < qa.memory!)
    out.push({ what: "instance memory", rules: ["D02"], kinds: ["config", "code"] });
  // Bitness (Windows only: Linux and Flex are 64-bit, another OS returned above) is D07's, but for
  // production 32-bit .NET against a 64-bit QA, which R09 owns with the same command (drift.ts D07).
  if (known(qa.bitness, prod.bitness))
    out.push({
      what: "bitness",
      rules: prod.bitness === "32-bit" && /^dotnet/.test(prod.worker ?? "") ? ["R09"] : ["D07"],
      kinds: ["config", "code"],
    });
  return out;
}

describe("each real app's profile", () => {
  it.each(APPS.map((app, i) => ({ ...app, i })))("$name runs on $hosting hosting", ({ i, hosting }) => {
    // A Logic App Standard on WS1 is elastic (Workflow Standard), not dedicated.
    expect(analyse(read[i]!).profiles.prod.hosting).toBe(hosting);
  });
});

describe("the corpus cross product: every pair of real apps as QA and production", () => {
  const pairs = APPS.flatMap((qa, i) =>
    APPS.map((prod, j) => ({ i, j, label: `QA ${qa.name} / production ${prod.name}` })),
  );

  it.each(pairs)("$label", ({ i, j }) => {
    const facts = pair(i, j);
    const { findings, profiles } = analyse(facts);
    const [qa, prod] = [normalised(profiles.qa), normalised(profiles.prod)];
    if (i === j) {
      // The same app on both sides: never drift.
      expect(drift(findings).map((f) => `${f.ruleId}: ${f.title}`)).toEqual([]);
      return;
    }
    const wanted = expected(qa, prod);
    for (const w of wanted)
      expect(
        named(findings, w.rules, w.kinds),
        `${w.what} differs (${JSON.stringify(qa)} vs ${JSON.stringify(prod)}): ${w.rules.join("/")} with a ${w.kinds.join("/")} fix; found ${drift(
          findings,
        )
          .map((f) => `${f.ruleId} ${f.fix?.kind}: ${f.title}`)
          .join("; ")}`,
      ).toBe(true);
    if (JSON.stringify(qa) === JSON.stringify(prod)) {
      // Identical profiles: no D rule names a profile difference (D01 may still name a setting).
      expect(
        drift(findings)
          .filter((f) => /^D0[2-57]$/.test(f.ruleId))
          .map((f) => f.title),
      ).toEqual([]);
    }
  });
});
