import { beforeAll, describe, expect, it } from "vitest";
import { analyse } from "../src/analyse/analyse.js";
import type { Finding, Rule } from "../src/analyse/rule.js";
import { RULES, ruleById } from "../src/analyse/rules/index.js";
import { defaultHostId } from "../src/analyse/rules/storage.js";
import type { CheckFacts, EnvironmentFacts } from "../src/core/facts.js";
import { deleteSetting, setSetting, variant } from "./helpers.js";
import { buildFacts } from "./support/facts.js";

/** One case per behaviour: an edit of the healthy upgrade's facts, and what the rule must say. */
interface Case {
  name: string;
  edit: (f: CheckFacts) => void;
  /** Environments the rule must report as unknown (could not judge). */
  unknown?: ("qa" | "prod")[];
  expect: {
    environment: Finding["environment"];
    severity: Finding["severity"];
    fixKind?: "config" | "code" | "rollback";
    command?: RegExp;
    /** The rule's message that says it (`Finding.messageId`): the finding's identity. */
    message?: string;
    /** The title's values (a version, a date, a setting's name), where the rule computes them. */
    title?: RegExp;
    /** The fix's wording, checked against its case (a failed request is not an exception). */
    fix?: RegExp;
    /** The evidence, as one line: the numbers behind the claim the title makes. */
    evidence?: RegExp;
  }[];
}

const bothEnvs = (f: CheckFacts, edit: (env: EnvironmentFacts) => void) => [f.qa, f.prod].forEach(edit);
const rename = (env: EnvironmentFacts, site: string) => {
  env.ref = { ...env.ref, site, id: env.ref.id.replace(/sites\/[^/]+$/, `sites/${site}`) };
};
const toLinux = (env: EnvironmentFacts, fx: string) => {
  env.site!.os = "linux";
  env.config!.linuxFxVersion = fx;
};
const python = (env: EnvironmentFacts, fx: string) => {
  toLinux(env, fx);
  setSetting(env, "FUNCTIONS_WORKER_RUNTIME", "python");
  deleteSetting(env, "WEBSITE_USE_PLACEHOLDER_DOTNETISOLATED");
};
const node = (env: EnvironmentFacts, version: string) => {
  setSetting(env, "FUNCTIONS_WORKER_RUNTIME", "node");
  setSetting(env, "WEBSITE_NODE_DEFAULT_VERSION", version);
};
const java = (env: EnvironmentFacts, version: string) => {
  setSetting(env, "FUNCTIONS_WORKER_RUNTIME", "java");
  env.config!.javaVersion = version;
};
const powershell = (env: EnvironmentFacts, version: string) => {
  setSetting(env, "FUNCTIONS_WORKER_RUNTIME", "powershell");
  deleteSetting(env, "WEBSITE_USE_PLACEHOLDER_DOTNETISOLATED");
  env.config!.powerShellVersion = version;
};
const thirtyTwoBit = (env: EnvironmentFacts, on: boolean) => {
  env.config!.use32BitWorkerProcess = on;
};
/** A real Linux Consumption app: linuxFxVersion "" and the leftover netFrameworkVersion v4.0. */
const linuxConsumption = (env: EnvironmentFacts) => {
  toLinux(env, "");
  env.config!.netFrameworkVersion = "v4.0";
  env.site!.sku = "Dynamic";
};
/** QA becomes production's own staging slot: a release by slot swap. */
const stagingSlotOfProd = (f: CheckFacts) => {
  f.qa.ref = { ...f.prod.ref, slot: "staging", id: `${f.prod.ref.id}/slots/staging` };
};
const inProcessNet8 = (env: EnvironmentFacts) => {
  setSetting(env, "FUNCTIONS_WORKER_RUNTIME", "dotnet");
  env.config!.netFrameworkVersion = "v8.0";
};

/** The host does not run what is deployed: the precondition under which a runtime change is a hotfix. */
const hostDown = (env: EnvironmentFacts) => {
  env.host = { state: "Error", errors: ["Microsoft.Azure.WebJobs.Script: the worker failed to start."] };
};

/** Edits one metric's buckets of one window. */
const series = (f: CheckFacts, role: "qa" | "prod", metric: string) => f[role].metrics!.series[metric]!;
const scaleAfter = (f: CheckFacts, role: "qa" | "prod", metric: string, k: number) => {
  const s = series(f, role, metric);
  s.after = s.after.map((v) => (v === null ? null : v * k));
};
/** Scales the first 70 % of the after-window only: worse over the window, back in its latest quarter. */
const scaleThenBack = (f: CheckFacts, role: "qa" | "prod", metric: string, k: number) => {
  const s = series(f, role, metric);
  s.after = s.after.map((v, i) => (v === null ? null : i < s.after.length * 0.7 ? v * k : v));
};
const setAfter = (
  f: CheckFacts,
  role: "qa" | "prod",
  metric: string,
  at: (i: number, n: number) => number,
) => {
  const s = series(f, role, metric);
  s.after = s.after.map((v, i) => (v === null ? null : at(i, s.after.length)));
};
const GiB = 1024 ** 3;

const CASES: Record<string, Case[]> = {
  R01: [
    {
      name: "missing in production",
      edit: (f) => deleteSetting(f.prod, "FUNCTIONS_EXTENSION_VERSION"),
      expect: [
        {
          environment: "prod",
          severity: "critical",
          command: /--settings 'FUNCTIONS_EXTENSION_VERSION=~4'$/,
        },
      ],
    },
    {
      name: "a Flex app needs none",
      edit: (f) => {
        deleteSetting(f.prod, "FUNCTIONS_EXTENSION_VERSION");
        f.prod.site!.flexRuntime = { name: "dotnet-isolated", version: "10.0" };
      },
      expect: [],
    },
  ],
  R02: [
    {
      name: "production left on ~3 while QA runs ~4",
      edit: (f) => setSetting(f.prod, "FUNCTIONS_EXTENSION_VERSION", "~3"),
      expect: [{ environment: "prod", severity: "critical", command: /FUNCTIONS_EXTENSION_VERSION=~4/ }],
    },
    {
      name: "both on ~3",
      edit: (f) => bothEnvs(f, (e) => setSetting(e, "FUNCTIONS_EXTENSION_VERSION", "~3")),
      expect: [
        { environment: "prod", severity: "high" },
        { environment: "qa", severity: "high" },
      ],
    },
    {
      name: "dotnet-isolated on ~3 is .NET 5: production alone needs a rebuild, not a setting",
      edit: (f) => {
        setSetting(f.prod, "FUNCTIONS_EXTENSION_VERSION", "~3");
        f.prod.config!.netFrameworkVersion = "v5.0";
      },
      expect: [
        {
          environment: "prod",
          severity: "critical",
          fixKind: "code",
          command: /FUNCTIONS_EXTENSION_VERSION=~4/,
        },
      ],
    },
    {
      name: "Node 12 on ~3 in both: a rebuild",
      edit: (f) =>
        bothEnvs(f, (e) => {
          setSetting(e, "FUNCTIONS_EXTENSION_VERSION", "~3");
          node(e, "~12");
        }),
      expect: [
        { environment: "prod", severity: "high", fixKind: "code" },
        { environment: "qa", severity: "high", fixKind: "code" },
      ],
    },
    { name: "~4 is supported", edit: () => {}, expect: [] },
  ],
  R03: [
    {
      name: "production pinned to an exact build",
      edit: (f) => setSetting(f.prod, "FUNCTIONS_EXTENSION_VERSION", "4.1044.3.25066"),
      expect: [
        {
          environment: "prod",
          severity: "high",
          message: "drift",
          title: /QA runs .* ~4 but production runs 4\.1044/,
        },
        { environment: "prod", severity: "medium", message: "pinned" },
      ],
    },
    {
      name: "both pinned alike",
      edit: (f) => bothEnvs(f, (e) => setSetting(e, "FUNCTIONS_EXTENSION_VERSION", "4.0.1.16815")),
      expect: [
        { environment: "prod", severity: "medium" },
        { environment: "qa", severity: "medium" },
      ],
    },
    {
      name: "4.* is not a pin",
      edit: (f) => bothEnvs(f, (e) => setSetting(e, "FUNCTIONS_EXTENSION_VERSION", "4.*")),
      expect: [],
    },
  ],
  R04: [
    {
      name: "a 3.x leftover v4.0 on ~4",
      edit: (f) => {
        setSetting(f.prod, "FUNCTIONS_WORKER_RUNTIME", "dotnet");
        f.prod.config!.netFrameworkVersion = "v4.0";
      },
      expect: [{ environment: "prod", severity: "critical", command: /--net-framework-version v10\.0$/ }],
    },
    {
      name: ".NET Framework 4.8 isolated legitimately reports v4.0",
      edit: (f) => {
        f.prod.config!.netFrameworkVersion = "v4.0";
      },
      expect: [],
    },
    {
      name: "Linux apps are judged by linuxFxVersion",
      edit: (f) => {
        toLinux(f.prod, "DOTNET-ISOLATED|10.0");
        f.prod.config!.netFrameworkVersion = "v4.0";
      },
      expect: [],
    },
  ],
  R05: [
    {
      name: "dotnet|3.1 on ~4 (Linux)",
      edit: (f) => {
        setSetting(f.prod, "FUNCTIONS_WORKER_RUNTIME", "dotnet");
        toLinux(f.prod, "dotnet|3.1");
      },
      expect: [
        {
          environment: "prod",
          severity: "critical",
          fixKind: "code",
          message: "version",
          title: /supports runtime ~3, not ~4/,
        },
      ],
    },
    {
      name: "DOTNET|6.0 with dotnet-isolated, QA on the right row",
      edit: (f) => {
        toLinux(f.qa, "DOTNET-ISOLATED|10.0");
        toLinux(f.prod, "DOTNET|6.0");
      },
      expect: [
        {
          environment: "prod",
          severity: "critical",
          command: /--linux-fx-version 'DOTNET-ISOLATED\|10\.0'$/,
        },
      ],
    },
    { name: "a listed stack", edit: (f) => toLinux(f.prod, "DOTNET-ISOLATED|8.0"), expect: [] },
  ],
  R06: [
    {
      name: "missing in production, QA has it",
      edit: (f) => deleteSetting(f.prod, "FUNCTIONS_WORKER_RUNTIME"),
      expect: [
        { environment: "prod", severity: "high", command: /FUNCTIONS_WORKER_RUNTIME=dotnet-isolated$/ },
      ],
    },
    {
      name: "missing in both, the functions list not read: a build decides",
      edit: (f) =>
        bothEnvs(f, (e) => {
          deleteSetting(e, "FUNCTIONS_WORKER_RUNTIME");
          delete e.deployedLanguages;
        }),
      expect: [
        { environment: "prod", severity: "high", fixKind: "code" },
        { environment: "qa", severity: "high", fixKind: "code" },
      ],
    },
    {
      name: "missing in both: the worker the deployed functions declare is the fix",
      edit: (f) => bothEnvs(f, (e) => deleteSetting(e, "FUNCTIONS_WORKER_RUNTIME")),
      expect: [
        {
          environment: "prod",
          severity: "high",
          fixKind: "config",
          command: /FUNCTIONS_WORKER_RUNTIME=dotnet-isolated$/,
          fix: /the deployed functions declare/,
        },
        { environment: "qa", severity: "high", fixKind: "config" },
      ],
    },
    {
      name: "missing in production whose deployed functions are node: node, not QA's worker",
      edit: (f) => {
        deleteSetting(f.prod, "FUNCTIONS_WORKER_RUNTIME");
        f.prod.deployedLanguages = ["node"];
      },
      expect: [
        {
          environment: "prod",
          severity: "high",
          fixKind: "config",
          command: /FUNCTIONS_WORKER_RUNTIME=node$/,
        },
      ],
    },
  ],
  R07: [
    {
      // Production's host runs: its deployed build is in-process, and QA's setting would stop it (AZFD0013).
      name: "production running on dotnet while QA runs dotnet-isolated: another build, the move is one build step",
      edit: (f) => {
        setSetting(f.prod, "FUNCTIONS_WORKER_RUNTIME", "dotnet");
        f.prod.deployedLanguages = ["DotNetAssembly"];
      },
      expect: [
        {
          environment: "prod",
          severity: "high",
          fixKind: "code",
          command: /appsettings delete .* --setting-names FUNCTIONS_INPROC_NET8_ENABLED$/,
          message: "otherBuild",
          fix: /in one step/,
        },
      ],
    },
    {
      name: "production's host down on dotnet while QA runs the build as dotnet-isolated: the setting is the fix",
      edit: (f) => {
        setSetting(f.prod, "FUNCTIONS_WORKER_RUNTIME", "dotnet");
        hostDown(f.prod);
      },
      expect: [
        {
          environment: "prod",
          severity: "critical",
          fixKind: "config",
          command: /net-framework-version v10\.0$/,
        },
      ],
    },
    {
      name: "production running on dotnet, the functions list not read: as another build",
      edit: (f) => {
        setSetting(f.prod, "FUNCTIONS_WORKER_RUNTIME", "dotnet");
        delete f.prod.deployedLanguages;
      },
      expect: [{ environment: "prod", severity: "high", fixKind: "code", title: /another build/ }],
    },
    {
      // Issue 16 property 1: the payload itself requires the setting, whatever the host says.
      name: "production on dotnet whose deployed functions are dotnet-isolated: the setting the payload needs is the fix",
      edit: (f) => setSetting(f.prod, "FUNCTIONS_WORKER_RUNTIME", "dotnet"),
      expect: [
        {
          environment: "prod",
          severity: "critical",
          fixKind: "config",
          command: /FUNCTIONS_WORKER_RUNTIME=dotnet-isolated$/,
          title: /deployed functions are dotnet-isolated/,
          evidence: /deployed functions: dotnet-isolated/,
        },
      ],
    },
    {
      name: "production's host down on dotnet, QA runs isolated, but production's deployed functions are in-process: never a hotfix",
      edit: (f) => {
        setSetting(f.prod, "FUNCTIONS_WORKER_RUNTIME", "dotnet");
        f.prod.deployedLanguages = ["CSharp", "DotNetAssembly"];
        hostDown(f.prod);
      },
      expect: [{ environment: "prod", severity: "critical", fixKind: "code" }],
    },
    {
      name: "production on node whose deployed functions are python, as QA's worker: the stack changes too, never a hotfix",
      edit: (f) => {
        setSetting(f.qa, "FUNCTIONS_WORKER_RUNTIME", "python");
        setSetting(f.prod, "FUNCTIONS_WORKER_RUNTIME", "node");
        f.prod.deployedLanguages = ["python"];
      },
      expect: [{ environment: "prod", severity: "high", fixKind: "code", title: /another build/ }],
    },
    {
      name: "the host reports AZFD0013",
      edit: (f) => {
        f.prod.host!.errors = [
          "AZFD0013: The 'FUNCTIONS_WORKER_RUNTIME' setting does not match the worker runtime metadata",
        ];
      },
      expect: [{ environment: "prod", severity: "critical", fixKind: "rollback" }],
    },
    { name: "same worker, no host errors", edit: () => {}, expect: [] },
  ],
  R08: [
    {
      name: ".NET 8 in-process without the flag",
      edit: (f) => bothEnvs(f, inProcessNet8),
      expect: [
        { environment: "prod", severity: "critical", command: /FUNCTIONS_INPROC_NET8_ENABLED=1$/ },
        { environment: "qa", severity: "critical" },
      ],
    },
    {
      name: "with FUNCTIONS_INPROC_NET8_ENABLED=1",
      edit: (f) =>
        bothEnvs(f, (e) => {
          inProcessNet8(e);
          setSetting(e, "FUNCTIONS_INPROC_NET8_ENABLED", "1");
        }),
      expect: [],
    },
  ],
  R09: [
    {
      name: "production 32-bit, QA 64-bit",
      edit: (f) => {
        f.prod.config!.use32BitWorkerProcess = true;
      },
      expect: [{ environment: "prod", severity: "high", command: /--use-32bit-worker-process false$/ }],
    },
    {
      name: "both 32-bit",
      edit: (f) =>
        bothEnvs(f, (e) => {
          e.config!.use32BitWorkerProcess = true;
        }),
      expect: [
        { environment: "prod", severity: "medium" },
        { environment: "qa", severity: "medium" },
      ],
    },
    {
      name: "QA 32-bit against a 64-bit production is D07's, not a second finding",
      edit: (f) => thirtyTwoBit(f.qa, true),
      expect: [],
    },
    {
      name: "Linux ignores the flag",
      edit: (f) => {
        toLinux(f.prod, "DOTNET-ISOLATED|10.0");
        f.prod.config!.use32BitWorkerProcess = true;
      },
      expect: [],
    },
    {
      name: "a 32-bit PowerShell worker is not this .NET rule's",
      edit: (f) =>
        bothEnvs(f, (e) => {
          setSetting(e, "FUNCTIONS_WORKER_RUNTIME", "powershell");
          e.config!.powerShellVersion = "7.4";
          e.config!.use32BitWorkerProcess = true;
        }),
      expect: [],
    },
  ],
  R10: [
    {
      name: "isolated without the placeholder",
      edit: (f) => deleteSetting(f.prod, "WEBSITE_USE_PLACEHOLDER_DOTNETISOLATED"),
      expect: [
        { environment: "prod", severity: "medium", command: /WEBSITE_USE_PLACEHOLDER_DOTNETISOLATED=1$/ },
      ],
    },
    {
      name: "Linux does not use it",
      edit: (f) => {
        toLinux(f.prod, "DOTNET-ISOLATED|10.0");
        deleteSetting(f.prod, "WEBSITE_USE_PLACEHOLDER_DOTNETISOLATED");
      },
      expect: [],
    },
  ],
  R11: [
    {
      name: "a stack is named as the portal names it: PowerShell 7.2, not its major's value 7",
      edit: (f) => {
        // Before PowerShell 7.4's own end of life (2026-11-10, with .NET 8), so it is the target.
        f.now = "2026-01-01T00:00:00.000Z";
        bothEnvs(f, (e) => powershell(e, "7.2"));
      },
      expect: [
        {
          environment: "prod",
          severity: "medium",
          fixKind: "code",
          title: /^Production runs PowerShell 7\.2, out of support since \d{4}-\d\d-\d\d$/,
          fix: /^Retarget the app to PowerShell 7\.4 in a planned release, then set powerShellVersion\.$/,
          command: /--powershell-version 7\.4$/,
        },
        { environment: "qa", severity: "medium", title: /^QA runs PowerShell 7\.2,/ },
      ],
    },
    {
      name: "within 6 months of .NET 10's end of life",
      edit: (f) => {
        f.now = "2028-06-01T00:00:00.000Z";
      },
      expect: [
        { environment: "prod", severity: "medium", fixKind: "code" },
        { environment: "qa", severity: "medium" },
      ],
    },
    {
      name: "past .NET 6's end of life",
      edit: (f) =>
        bothEnvs(f, (e) => {
          e.config!.netFrameworkVersion = "v6.0";
        }),
      // Both hosts run it: a warning with the upgrade path, the in-process → isolated move as one build.
      expect: [
        {
          environment: "prod",
          severity: "medium",
          fixKind: "code",
          message: "past",
          title: /^Production runs \.NET 6 Isolated, out of support since 2024-11-12$/,
          command: /--net-framework-version v10\.0$/,
          evidence: /source: (Function App Stacks API|bundled stacks)/,
        },
        { environment: "qa", severity: "medium" },
      ],
    },
    {
      name: "past .NET 6's end of life with production's host status unread: high",
      edit: (f) => {
        bothEnvs(f, (e) => {
          e.config!.netFrameworkVersion = "v6.0";
        });
        delete f.prod.host;
      },
      expect: [
        { environment: "prod", severity: "high", fixKind: "code" },
        { environment: "qa", severity: "medium" },
      ],
    },
    {
      name: "production alone on an end-of-life Python, its host down: QA's version, by linuxFxVersion",
      edit: (f) => {
        python(f.qa, "Python|3.12");
        python(f.prod, "Python|3.8");
        hostDown(f.prod);
      },
      expect: [
        {
          environment: "prod",
          severity: "high",
          fixKind: "config",
          command:
            /az functionapp config set -g rg-orders-prod -n orders-func-prod --linux-fx-version 'Python\|3\.12'$/,
        },
      ],
    },
    {
      name: "a Flex app past its runtime's end of life names the Flex command",
      edit: (f) =>
        bothEnvs(f, (e) => {
          e.site!.flexRuntime = { name: "dotnet-isolated", version: "7.0" };
        }),
      expect: [
        {
          environment: "prod",
          severity: "medium",
          fixKind: "code",
          command: /runtime config set .* --runtime-version 10\.0$/,
        },
        { environment: "qa", severity: "medium", fixKind: "code" },
      ],
    },
    { name: ".NET 10 well inside support", edit: () => {}, expect: [] },
  ],
  R12: [
    {
      name: "in-process after 2026-11-10, the host running: a warning naming the one-build move",
      edit: (f) => {
        inProcessNet8(f.prod);
      },
      expect: [
        {
          environment: "prod",
          severity: "medium",
          fixKind: "code",
          command: /FUNCTIONS_INPROC_NET8_ENABLED$/,
        },
      ],
    },
    {
      name: "in-process after 2026-11-10, the host down",
      edit: (f) => {
        inProcessNet8(f.prod);
        hostDown(f.prod);
      },
      expect: [{ environment: "prod", severity: "high", fixKind: "code" }],
    },
    {
      name: "in-process within 6 months of the end",
      edit: (f) => {
        f.now = "2026-06-01T00:00:00.000Z";
        inProcessNet8(f.prod);
      },
      expect: [{ environment: "prod", severity: "medium" }],
    },
    { name: "isolated", edit: () => {}, expect: [] },
  ],
  R13: [
    {
      name: "QA and production cut to one host ID on one storage account",
      edit: (f) => {
        rename(f.qa, "contoso-orders-fulfilment-processor-qa");
        rename(f.prod, "contoso-orders-fulfilment-processor-prod");
        f.prod.slots = [];
        bothEnvs(f, (e) =>
          setSetting(
            e,
            "AzureWebJobsStorage",
            "DefaultEndpointsProtocol=https;AccountName=stshared;AccountKey=TEST-SECRET-x",
          ),
        );
      },
      expect: [
        {
          environment: "both",
          severity: "critical",
          command: /--slot-settings AzureFunctionsWebHost__hostid=contoso-orders-fulfilment-pro-qa$/,
        },
      ],
    },
    {
      name: "a long production name and its staging slot",
      edit: (f) => rename(f.prod, "contoso-orders-fulfilment-processor-prod"),
      expect: [
        {
          environment: "prod",
          severity: "critical",
          message: "collision",
          title: /host ID "contoso-orders-fulfilment-proces"/,
        },
      ],
    },
    {
      name: "an explicit host ID on production ends it",
      edit: (f) => {
        rename(f.prod, "contoso-orders-fulfilment-processor-prod");
        f.prod.slots = [];
        rename(f.qa, "contoso-orders-fulfilment-processor-qa");
        setSetting(f.prod, "AzureFunctionsWebHost__hostid", "orders-prod");
        bothEnvs(f, (e) =>
          setSetting(e, "AzureWebJobsStorage", "AccountName=stshared;AccountKey=TEST-SECRET-y"),
        );
      },
      expect: [
        {
          environment: "both",
          severity: "medium",
          message: "shared",
          title: /share storage account stshared/,
        },
      ],
    },
    {
      name: "a staging slot checked against its production counts each slot once and shares storage by design",
      edit: (f) => {
        stagingSlotOfProd(f);
        bothEnvs(f, (e) =>
          setSetting(e, "AzureWebJobsStorage", "AccountName=stordersprod;AccountKey=TEST-SECRET-p"),
        );
      },
      expect: [],
    },
    { name: "short names, own storage", edit: () => {}, expect: [] },
  ],
  R15: [
    {
      name: "AzureWebJobsStorage missing",
      edit: (f) => deleteSetting(f.prod, "AzureWebJobsStorage"),
      expect: [
        {
          environment: "prod",
          severity: "critical",
          command: /--settings 'AzureWebJobsStorage=<connection string from Key Vault>'$/,
        },
      ],
    },
    {
      name: "content share missing on Elastic Premium",
      edit: (f) => deleteSetting(f.prod, "WEBSITE_CONTENTSHARE"),
      expect: [{ environment: "prod", severity: "critical" }],
    },
    {
      name: "storage marked sticky",
      edit: (f) => {
        f.prod.slotSettingNames = ["AzureWebJobsStorage", "Pricing__ApiKey"];
      },
      expect: [
        {
          environment: "prod",
          severity: "high",
          command: /slotConfigNames --set 'properties\.appSettingNames=\["Pricing__ApiKey"\]'$/,
        },
      ],
    },
    {
      name: "a slot pair whose slots keep their own storage as slot settings",
      edit: (f) => {
        stagingSlotOfProd(f);
        bothEnvs(f, (e) => {
          e.slotSettingNames = ["AzureWebJobsStorage"];
        });
      },
      expect: [],
    },
    {
      name: "a Dedicated plan needs no content share",
      edit: (f) => {
        f.prod.plan!.tier = "PremiumV3";
        deleteSetting(f.prod, "WEBSITE_CONTENTSHARE");
        deleteSetting(f.prod, "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING");
      },
      expect: [],
    },
  ],
  R16: [
    {
      name: "AzureWebJobsDashboard on ~4",
      edit: (f) =>
        setSetting(
          f.prod,
          "AzureWebJobsDashboard",
          "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=TEST-SECRET-d",
        ),
      expect: [
        {
          environment: "prod",
          severity: "low",
          command: /appsettings delete .* --setting-names AzureWebJobsDashboard$/,
        },
      ],
    },
    {
      name: "fine on ~3",
      edit: (f) => {
        setSetting(f.prod, "AzureWebJobsDashboard", "x");
        setSetting(f.prod, "FUNCTIONS_EXTENSION_VERSION", "~3");
      },
      expect: [],
    },
  ],
  R19: [
    {
      name: "V2 compatibility on ~4",
      edit: (f) => setSetting(f.qa, "FUNCTIONS_V2_COMPATIBILITY_MODE", "true"),
      expect: [{ environment: "qa", severity: "low" }],
    },
    { name: "not set", edit: () => {}, expect: [] },
  ],
  R20: [
    {
      name: "an expired SAS URL in production",
      edit: (f) =>
        setSetting(
          f.prod,
          "WEBSITE_RUN_FROM_PACKAGE",
          "https://st.blob.core.windows.net/pkg/app.zip?sv=2022-11-02&se=2026-11-01T00%3A00%3A00Z&sig=TEST-SECRET-sig",
        ),
      expect: [
        { environment: "prod", severity: "critical", message: "expired", title: /expired on 2026-11-01/ },
        {
          environment: "prod",
          severity: "medium",
          message: "drift",
          title: /is 1 in QA but URL in production/,
        },
      ],
    },
    {
      name: "a SAS expiring within 30 days",
      edit: (f) =>
        bothEnvs(f, (e) =>
          setSetting(
            e,
            "WEBSITE_RUN_FROM_PACKAGE",
            "https://st.blob.core.windows.net/pkg/app.zip?se=2026-12-10T00:00:00Z&sig=TEST-SECRET-sig",
          ),
        ),
      expect: [
        { environment: "prod", severity: "medium" },
        { environment: "qa", severity: "medium" },
      ],
    },
    {
      name: "set on Flex",
      edit: (f) =>
        bothEnvs(f, (e) => {
          e.site!.flexRuntime = { name: "dotnet-isolated", version: "10.0" };
        }),
      expect: [
        { environment: "prod", severity: "high" },
        { environment: "qa", severity: "high" },
      ],
    },
    { name: "1 in both", edit: () => {}, expect: [] },
  ],
  D01: [
    {
      name: "a setting QA has and production lacks",
      edit: (f) => setSetting(f.qa, "Pricing__Endpoint", "https://pricing-qa.contoso.example"),
      expect: [
        {
          environment: "prod",
          severity: "medium",
          message: "missing",
          title: /lacks 1 app setting.*Pricing__Endpoint/,
        },
      ],
    },
    {
      name: "a non-secret value that differs",
      edit: (f) => {
        setSetting(f.qa, "AzureWebJobsFeatureFlags", "EnableWorkerIndexing");
        setSetting(f.prod, "AzureWebJobsFeatureFlags", "EnableHttpProxying");
      },
      expect: [
        {
          environment: "prod",
          severity: "medium",
          command: /AzureWebJobsFeatureFlags=EnableWorkerIndexing$/,
        },
      ],
    },
    {
      name: "a Node version that differs is D04's, not D01's",
      edit: (f) => {
        setSetting(f.qa, "WEBSITE_NODE_DEFAULT_VERSION", "~20");
        setSetting(f.prod, "WEBSITE_NODE_DEFAULT_VERSION", "~18");
      },
      expect: [],
    },
    {
      name: "the same Service Bus secret in QA and production",
      edit: (f) =>
        bothEnvs(f, (e) =>
          setSetting(
            e,
            "ServiceBusConnection",
            "Endpoint=sb://sb-shared/;SharedAccessKey=TEST-SECRET-shared",
          ),
        ),
      expect: [
        {
          environment: "prod",
          severity: "medium",
          message: "shared",
          title: /same secret value for ServiceBusConnection/,
        },
      ],
    },
    {
      name: "the same database connection string",
      edit: (f) => {
        f.qa.connectionStrings!.OrdersDb!.hash = f.prod.connectionStrings!.OrdersDb!.hash;
      },
      expect: [{ environment: "prod", severity: "medium", message: "shared", title: /for OrdersDb/ }],
    },
    {
      name: "many identical non-secret settings are settings that match, not shared secrets",
      edit: (f) =>
        bothEnvs(f, (e) => {
          for (const [name, value] of Object.entries({
            WEBSITE_ENABLE_SYNC_UPDATE_SITE: "true",
            WEBSITE_TIME_ZONE: "W. Europe Standard Time",
            FeatureManagement__NewCheckout: "1",
            Logging__LogLevel__Default: "Information",
            Orders__Region: "westeurope",
            Pricing__Endpoint: "https://pricing.contoso.example/api",
            AZURE_TENANT_ID: "72f988bf-86f1-41af-91ab-2d7cd011db47",
            Build__CommitSha: "4f1c2d9e8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e",
            Orders__BatchSize: "250",
          }))
            setSetting(e, name, value);
        }),
      expect: [],
    },
    {
      name: "the same SAS URL in QA and production",
      edit: (f) =>
        bothEnvs(f, (e) =>
          setSetting(
            e,
            "Exports__Container",
            "https://stexports.blob.core.windows.net/out?sv=2022-11-02&sig=TEST-SECRET-sas",
          ),
        ),
      expect: [
        {
          environment: "prod",
          severity: "medium",
          message: "shared",
          title: /same secret value for Exports__Container/,
        },
      ],
    },
    {
      name: "the same high-entropy key under a plain name",
      edit: (f) => bothEnvs(f, (e) => setSetting(e, "Partner__Value", "q8Zr2Lm0Xv7Tn4Wb9Kc1Ys6Hd3Fj5Pg")),
      expect: [{ environment: "prod", severity: "medium", message: "shared", title: /Partner__Value/ }],
    },
    {
      name: "an old recording's marker without a shape: a secret-like name counts as a credential",
      edit: (f) =>
        bothEnvs(f, (e) => {
          e.appSettings = {
            ...e.appSettings,
            Pricing__ApiKey: { hash: "0123456789ab" },
            Feature__Enabled: { hash: "ba9876543210" },
          };
        }),
      expect: [
        {
          environment: "prod",
          severity: "medium",
          message: "shared",
          title: /same secret value for Pricing__ApiKey:/,
        },
      ],
    },
    {
      name: "a slot pair: slot settings differ by design and shared values move with the code",
      edit: (f) => {
        stagingSlotOfProd(f);
        bothEnvs(f, (e) => {
          e.slotSettingNames = ["Pricing__Endpoint", "Orders__Queue"];
          setSetting(
            e,
            "ServiceBusConnection",
            "Endpoint=sb://sb-orders/;SharedAccessKey=TEST-SECRET-shared",
          );
        });
        setSetting(f.qa, "Pricing__Endpoint", "https://pricing-staging.contoso.example");
        setSetting(f.qa, "Orders__Queue", "orders-staging");
        setSetting(f.prod, "Orders__Queue", "orders");
      },
      expect: [],
    },
    {
      name: "a slot pair still reports a swapped setting production lacks",
      edit: (f) => {
        stagingSlotOfProd(f);
        setSetting(f.qa, "Pricing__Endpoint", "https://pricing.contoso.example");
      },
      expect: [{ environment: "prod", severity: "medium", message: "missing", title: /Pricing__Endpoint/ }],
    },
    { name: "secrets that differ are expected", edit: () => {}, expect: [] },
  ],
  D02: [
    {
      name: "production's plan smaller than QA's",
      edit: (f) => {
        f.qa.plan!.skuName = "EP3";
      },
      expect: [
        {
          environment: "prod",
          severity: "high",
          command: /plan update -g rg-orders-prod -n plan-orders-prod --sku EP3$/,
        },
      ],
    },
    {
      name: "Consumption in production, Premium in QA",
      edit: (f) => {
        f.prod.plan!.skuName = "Y1";
        f.prod.plan!.tier = "Dynamic";
      },
      expect: [
        {
          environment: "prod",
          severity: "high",
          message: "smaller",
          title: /Y1 \(1536 MB per instance\) is smaller than QA's EP1/,
        },
      ],
    },
    {
      name: "a crowded production plan",
      edit: (f) => {
        f.prod.plan!.numberOfSites = 6;
      },
      expect: [{ environment: "prod", severity: "medium" }],
    },
    {
      name: "production's plan unreadable: the sites' tiers are compared, the rest is unknown",
      edit: (f) => {
        delete f.prod.plan;
        f.prod.gaps.push({ source: "plan", reason: "HTTP 403 AuthorizationFailed", statusCode: 403 });
        f.prod.site!.sku = "PremiumV3";
      },
      unknown: ["prod"],
      expect: [
        {
          environment: "prod",
          severity: "medium",
          message: "siteTier",
          title: /PremiumV3 tier but QA on ElasticPremium/,
        },
      ],
    },
    {
      name: "a Flex production with smaller instances than QA's: Flex's own instance-memory command",
      edit: (f) =>
        bothEnvs(f, (e) => {
          e.site!.flexRuntime = { name: "dotnet-isolated", version: "10.0" };
          e.site!.flexScale = { instanceMemoryMB: e.role === "qa" ? 4096 : 2048 };
          e.plan!.tier = "FlexConsumption";
          e.plan!.skuName = "FC1";
        }),
      expect: [
        { environment: "prod", severity: "high", fixKind: "config", command: /--instance-memory 4096$/ },
      ],
    },
    {
      // Real Azure answers 404 for some Y1 plans it lists: the site's sku is the tier, nothing is unknown.
      name: "Consumption plans that answer 404: the tier comes from the sites, identical apps stay clean",
      edit: (f) =>
        bothEnvs(f, (e) => {
          delete e.plan;
          e.gaps.push({ source: "plan", reason: "HTTP 404 NotFound", statusCode: 404 });
          e.site!.sku = "Dynamic";
        }),
      expect: [],
    },
    {
      name: "numberOfSites 0 is Azure's, not a count",
      edit: (f) => {
        f.prod.plan!.numberOfSites = 0;
        f.qa.plan!.numberOfSites = 0;
      },
      expect: [],
    },
    {
      name: "another OS is D05's, not the plan's",
      edit: (f) => toLinux(f.prod, "DOTNET-ISOLATED|10.0"),
      expect: [],
    },
    { name: "production larger than QA", edit: () => {}, expect: [] },
  ],
  D03: [
    {
      name: "Always On off in production on a Dedicated plan",
      edit: (f) => {
        bothEnvs(f, (e) => {
          e.plan!.tier = "PremiumV3";
          e.plan!.skuName = "P1v3";
        });
        f.qa.config!.alwaysOn = true;
      },
      expect: [{ environment: "prod", severity: "high", command: /--always-on true$/ }],
    },
    {
      name: "a lower scale limit",
      edit: (f) => {
        f.prod.config!.functionAppScaleLimit = 5;
      },
      expect: [{ environment: "prod", severity: "medium" }],
    },
    {
      name: "a lower Flex maximum instance count: Flex's own command, never functionAppScaleLimit",
      edit: (f) =>
        bothEnvs(f, (e) => {
          e.site!.flexRuntime = { name: "dotnet-isolated", version: "10.0" };
          e.site!.flexScale = { maximumInstanceCount: e.role === "qa" ? 100 : 40 };
          e.plan!.tier = "FlexConsumption";
          e.plan!.skuName = "FC1";
          e.config!.functionAppScaleLimit = e.role === "qa" ? 0 : 40;
        }),
      expect: [
        {
          environment: "prod",
          severity: "medium",
          command:
            /^az functionapp scale config set -g rg-orders-prod -n orders-func-prod --maximum-instance-count 100$/,
        },
      ],
    },
    {
      name: "Consumption production against an Elastic Premium QA: a plan difference (D02's), no scale limit",
      edit: (f) => {
        f.prod.plan!.tier = "Dynamic";
        f.prod.plan!.skuName = "Y1";
        f.prod.config!.functionAppScaleLimit = 200;
      },
      expect: [],
    },
    {
      name: "Elastic Premium does not need Always On",
      edit: (f) => {
        f.qa.config!.alwaysOn = true;
      },
      expect: [],
    },
  ],
  H01: [
    {
      name: "the production host in Error",
      edit: (f) => {
        f.prod.host!.state = "Error";
      },
      expect: [{ environment: "prod", severity: "critical", fixKind: "rollback" }],
    },
    {
      name: "a stopped site is H03's: its host status (403) is not asked about again",
      edit: (f) => {
        f.prod.site!.state = "Stopped";
        delete f.prod.host;
        f.prod.gaps.push({ source: "hostStatus", reason: "HTTP 403 HTTP 403 Forbidden", statusCode: 403 });
      },
      expect: [],
    },
    {
      name: "host status unavailable is said once",
      edit: (f) => {
        delete f.prod.host;
        f.prod.gaps.push({ source: "hostStatus", reason: "HTTP 404 HTTP 404 Not Found", statusCode: 404 });
      },
      expect: [
        { environment: "prod", severity: "info", message: "unavailable", title: /\(HTTP 404 Not Found\)/ },
      ],
    },
    { name: "running", edit: () => {}, expect: [] },
  ],
  M00: [
    {
      name: "no metric windows (release time unknown)",
      edit: (f) => {
        delete f.metricWindows;
      },
      unknown: ["qa", "prod"],
      expect: [],
    },
    {
      name: "metrics not readable",
      edit: (f) => {
        delete f.prod.metrics;
        f.prod.gaps.push({ source: "metrics", reason: "HTTP 403 AuthorizationFailed", statusCode: 403 });
      },
      unknown: ["prod"],
      expect: [],
    },
    {
      name: "an essential metric without data",
      edit: (f) => {
        f.prod.metrics!.series.Requests = { baseline: [], after: [] };
      },
      unknown: ["prod"],
      expect: [],
    },
    {
      name: "too few points is not enough data, never a pass",
      edit: (f) => {
        const s = series(f, "prod", "Http5xx");
        s.after = s.after.slice(0, 5);
      },
      unknown: ["prod"],
      expect: [],
    },
    { name: "all metrics judged", edit: () => {}, expect: [] },
  ],
  M01: [
    {
      name: "5 % of requests fail after the release",
      edit: (f) => {
        const r = series(f, "prod", "Requests");
        series(f, "prod", "Http5xx").after = r.after.map((v) => (v === null ? null : Math.round(v * 0.05)));
      },
      expect: [
        {
          environment: "prod",
          severity: "critical",
          fixKind: "rollback",
          message: "worse",
          title: /5xx rate rose from .* to 5\.\d\d %/,
        },
      ],
    },
    {
      name: "a zero baseline does not hide errors (spinnaker#5622)",
      edit: (f) => {
        const s = series(f, "prod", "Http5xx");
        s.baseline = s.baseline.map(() => 0);
        s.after = s.after.map((_, i) => (i % 2 ? 3 : 0));
      },
      expect: [{ environment: "prod", severity: "critical", message: "worse", title: /from 0\.00 %/ }],
    },
    {
      name: "in QA it is high, not critical",
      edit: (f) => {
        const r = series(f, "qa", "Requests");
        series(f, "qa", "Http5xx").after = r.after.map((v) => (v === null ? null : Math.round(v * 0.2)));
      },
      expect: [{ environment: "qa", severity: "high" }],
    },
    {
      name: "one more error on busy traffic is noise",
      edit: (f) => {
        const s = series(f, "prod", "Http5xx");
        s.after = s.after.map((v, i) => (v === null ? null : v + (i === 0 ? 1 : 0)));
      },
      expect: [],
    },
  ],
  M02: [
    {
      name: "executions stop after the release",
      edit: (f) => setAfter(f, "prod", "FunctionExecutionCount", () => 0),
      expect: [{ environment: "prod", severity: "critical", fixKind: "rollback", message: "zero" }],
    },
    {
      name: "executions drop by two thirds",
      edit: (f) => scaleAfter(f, "prod", "FunctionExecutionCount", 0.3),
      expect: [
        { environment: "prod", severity: "medium", message: "drop", title: /Executions fell by 6\d %/ },
      ],
    },
    {
      name: "requests and executions both stop: one finding for one outage",
      edit: (f) => {
        setAfter(f, "prod", "FunctionExecutionCount", () => 0);
        setAfter(f, "prod", "Requests", () => 0);
      },
      expect: [
        {
          environment: "prod",
          severity: "critical",
          fixKind: "rollback",
          title:
            /^Production Executions and requests fell to zero after the release \(median \d+ and \d+(\.\d+)? before\)$/,
        },
      ],
    },
    {
      name: "executions halved for most of the window, then back: recovered",
      edit: (f) => scaleThenBack(f, "prod", "FunctionExecutionCount", 0.3),
      expect: [
        {
          environment: "prod",
          severity: "low",
          title: /^Production executions fell after the release .* and recovered/,
        },
      ],
    },
    { name: "steady traffic", edit: () => {}, expect: [] },
  ],
  M03: [
    {
      name: "a 32-bit worker near its 2 GB address space",
      edit: (f) => {
        f.prod.config!.use32BitWorkerProcess = true;
        setAfter(f, "prod", "PrivateBytes", () => 1.8 * GiB);
      },
      expect: [
        {
          environment: "prod",
          severity: "high",
          command: /--use-32bit-worker-process false$/,
          message: "bitness",
          title: /peaks at 1\.80 GiB of its ~2 GB/,
        },
      ],
    },
    {
      name: "64-bit, but at 95 % of the EP2 plan's memory",
      edit: (f) => setAfter(f, "prod", "MemoryWorkingSet", () => 0.95 * 7168 * 1024 ** 2),
      expect: [
        {
          environment: "prod",
          severity: "high",
          command: /plan update -g rg-orders-prod -n plan-orders-prod --sku EP3$/,
        },
      ],
    },
    {
      name: "a Flex app at 95 % of its 2048 MB instances",
      edit: (f) => {
        f.prod.site!.flexRuntime = { name: "dotnet-isolated", version: "10.0" };
        f.prod.site!.flexScale = { instanceMemoryMB: 2048, maximumInstanceCount: 100 };
        setAfter(f, "prod", "MemoryWorkingSet", () => 0.95 * 2048 * 1024 ** 2);
      },
      expect: [
        {
          environment: "prod",
          severity: "high",
          command:
            /^az functionapp scale config set -g rg-orders-prod -n orders-func-prod --instance-memory 4096$/,
          message: "flex",
          title: /Flex Consumption instance memory \(2048 MB/,
        },
      ],
    },
    {
      name: "a 32-bit worker with room to spare",
      edit: (f) => {
        f.prod.config!.use32BitWorkerProcess = true;
      },
      expect: [],
    },
  ],
  M04: [
    {
      name: "plan CPU above 80 %",
      edit: (f) => setAfter(f, "prod", "CpuPercentage", () => 91),
      expect: [{ environment: "prod", severity: "high", command: /--sku EP3$/ }],
    },
    {
      name: "at the scale-out limit",
      edit: (f) => {
        f.prod.plan!.capacity = 20;
        f.prod.plan!.maximumElasticWorkerCount = 20;
      },
      expect: [{ environment: "prod", severity: "medium", command: /--max-burst 40$/ }],
    },
    {
      name: "doubling stops at Windows Elastic Premium's ceiling of 100",
      edit: (f) => {
        f.prod.plan!.capacity = 60;
        f.prod.plan!.maximumElasticWorkerCount = 60;
      },
      expect: [{ environment: "prod", severity: "medium", command: /--max-burst 100$/ }],
    },
    {
      name: "at the ceiling there is no burst to raise: a larger SKU, not a command",
      edit: (f) => {
        f.prod.plan!.os = "linux";
        f.prod.plan!.capacity = 20;
        f.prod.plan!.maximumElasticWorkerCount = 20;
      },
      expect: [
        { environment: "prod", severity: "medium", fixKind: "code", fix: /maximum burst \(20 on linux\)/ },
      ],
    },
    { name: "CPU at 30 %", edit: () => {}, expect: [] },
  ],
  M05: [
    {
      name: "threads climbing through the window",
      edit: (f) => setAfter(f, "prod", "Threads", (i, n) => 50 + (150 * i) / n),
      // One number per claim: the climb inside the window and the medians it is made of, not the
      // change against the hours before.
      expect: [
        {
          environment: "prod",
          severity: "medium",
          message: "climb",
          evidence:
            /^Threads; median \d+(\.\d)? in the first quarter of the after-window, \d+ in the last; after /,
        },
      ],
    },
    {
      name: "a growing HTTP queue",
      edit: (f) => setAfter(f, "prod", "HttpQueueLength", (i) => 15 + (i % 10)),
      expect: [{ environment: "prod", severity: "medium", message: "queue" }],
    },
    { name: "flat threads and queue", edit: () => {}, expect: [] },
  ],
  M07: [
    {
      name: "responses half as slow again: watched, below M10's doubling",
      edit: (f) => scaleAfter(f, "prod", "HttpResponseTime", 1.5),
      expect: [{ environment: "prod", severity: "medium", message: "worse" }],
    },
    {
      name: "gen 2 GCs five times as many for most of the window, then back: recovered",
      edit: (f) => scaleThenBack(f, "prod", "Gen2Collections", 5),
      expect: [
        {
          environment: "prod",
          severity: "low",
          title:
            /^Production gen 2 gcs rose after the release \(.* → .*\) and recovered: .* in the latest \d+ buckets$/,
        },
      ],
    },
    {
      name: "in QA only it is low",
      edit: (f) => scaleAfter(f, "qa", "Gen2Collections", 5),
      expect: [{ environment: "qa", severity: "low" }],
    },
    { name: "nothing worse", edit: () => {}, expect: [] },
  ],
  M10: [
    {
      name: "responses five times as slow, still in the latest buckets",
      edit: (f) => scaleAfter(f, "prod", "HttpResponseTime", 5),
      expect: [
        {
          environment: "prod",
          severity: "critical",
          fixKind: "rollback",
          message: "slower",
          // About five times: the built pair's buckets vary around their level.
          title:
            /^Production responds [45]\.\d× slower after the release: \d+ ms before, 1\.\d\d s in the latest/,
          evidence: /newest \d+ in a row past the baseline's 95th percentile; \d+ requests$/,
        },
      ],
    },
    {
      name: "in QA at production's traffic it is high, not critical",
      edit: (f) => {
        scaleAfter(f, "qa", "HttpResponseTime", 5);
        series(f, "qa", "Requests").after = series(f, "prod", "Requests").after;
        series(f, "qa", "Requests").baseline = series(f, "prod", "Requests").baseline;
      },
      expect: [{ environment: "qa", severity: "high" }],
    },
    {
      name: "in QA at its own few requests: too few to tell",
      edit: (f) => scaleAfter(f, "qa", "HttpResponseTime", 5),
      expect: [{ environment: "qa", severity: "medium", title: /too few to tell$/ }],
    },
    {
      name: "five times as slow over a handful of requests: too few to tell, never a rollback",
      edit: (f) => {
        scaleAfter(f, "prod", "HttpResponseTime", 5);
        setAfter(f, "prod", "Requests", () => 1);
      },
      expect: [{ environment: "prod", severity: "medium", fixKind: "code", title: /too few to tell$/ }],
    },
    {
      name: "a fast API five times as slow stays under the 100 ms floor: M07's",
      edit: (f) => {
        const s = series(f, "prod", "HttpResponseTime");
        s.baseline = s.baseline.map((v) => (v === null ? null : v / 30));
        s.after = s.after.map((v) => (v === null ? null : (v / 30) * 5));
      },
      expect: [],
    },
    {
      name: "five times as slow for most of the window, then back: recovered",
      edit: (f) => scaleThenBack(f, "prod", "HttpResponseTime", 5),
      expect: [
        {
          environment: "prod",
          severity: "low",
          title:
            /^Production response time rose after the release \(\d+ ms → 1\.\d\d s\) and recovered: \d+ ms in the latest \d+ buckets$/,
        },
      ],
    },
    { name: "steady response time", edit: () => {}, expect: [] },
  ],
  M08: [
    {
      name: "production three times slower than QA per request",
      edit: (f) => scaleAfter(f, "prod", "HttpResponseTime", 3),
      expect: [{ environment: "prod", severity: "low", message: "differs" }],
    },
    { name: "production like QA", edit: () => {}, expect: [] },
  ],
  M09: [
    {
      name: "a new exception type and thread-pool starvation after the release",
      edit: (f) => {
        f.prod.logs!.rows.push(
          { window: "after", kind: "exception", name: "System.OutOfMemoryException", count: 340 },
          { window: "after", kind: "host signal", name: "Possible thread pool starvation", count: 18 },
        );
      },
      expect: [
        {
          environment: "prod",
          severity: "high",
          message: "exceptions",
          title: /raises System\.OutOfMemoryException \(0 → 340\)/,
          fix: /^Look at these exceptions .*stack traces/,
        },
        {
          environment: "prod",
          severity: "high",
          message: "host",
          title: /host reports Possible thread pool starvation \(0 → 18\)/,
          fix: /^The host is under strain/,
        },
      ],
    },
    {
      name: "twice the failed requests",
      edit: (f) => {
        f.prod.logs!.rows.push({
          window: "after",
          kind: "failed request",
          name: "GetOrderHttp 500",
          count: 40,
        });
      },
      expect: [
        {
          environment: "prod",
          severity: "medium",
          message: "failures",
          title: /GetOrderHttp 500 \(4 → 45\)/,
          fix: /^Look at these operations .*response codes(?!.*exception)/,
        },
      ],
    },
    {
      name: "Application Insights not queryable is said, not blocking",
      edit: (f) => {
        delete f.prod.logs;
        f.prod.gaps.push({ source: "logs", reason: "HTTP 403 InsufficientAccessError", statusCode: 403 });
      },
      expect: [{ environment: "prod", severity: "info" }],
    },
    {
      name: "connected by connection string only: said, not silent",
      edit: (f) => {
        delete f.prod.logs;
        delete f.prod.site!.appInsightsId;
      },
      expect: [{ environment: "prod", severity: "info", message: "unlinked" }],
    },
    { name: "the same few exceptions as before", edit: () => {}, expect: [] },
  ],
  H02: [
    {
      name: "AZFD0004 in production",
      edit: (f) => {
        f.prod.host!.errors = [
          "AZFD0004: A collision for Host ID 'contoso-orders' was detected in the configured storage account.",
        ];
      },
      expect: [
        {
          environment: "prod",
          severity: "critical",
          fixKind: "rollback",
          message: "errors",
          title: /reports 1 error/,
        },
      ],
    },
    { name: "no errors", edit: () => {}, expect: [] },
  ],
  R25: [
    {
      name: "production on Node 12 under ~4 while QA runs Node 24, production's host down",
      edit: (f) => {
        node(f.qa, "~24");
        node(f.prod, "~12");
        hostDown(f.prod);
      },
      expect: [
        {
          environment: "prod",
          severity: "critical",
          fixKind: "config",
          command:
            /appsettings set -g rg-orders-prod -n orders-func-prod --settings 'WEBSITE_NODE_DEFAULT_VERSION=~24'$/,
          message: "notOffered",
          title:
            /node 12 \(WEBSITE_NODE_DEFAULT_VERSION ~12\), which runtime ~4 does not offer \(it runs on ~3\)/,
        },
      ],
    },
    {
      // The target is the newest GA row: Python 3.14 is a preview row and never a target.
      name: "Python 3.6 on ~4 in both, the hosts down: a rebuild, with the command for after it",
      edit: (f) =>
        bothEnvs(f, (e) => {
          python(e, "Python|3.6");
          hostDown(e);
        }),
      expect: [
        {
          environment: "prod",
          severity: "critical",
          fixKind: "code",
          command: /--linux-fx-version 'Python\|3\.13'$/,
        },
        { environment: "qa", severity: "critical", fixKind: "code" },
      ],
    },
    {
      name: "Python 3.6 in both, both hosts running: an upgrade to plan, never an outage",
      edit: (f) => bothEnvs(f, (e) => python(e, "Python|3.6")),
      expect: [
        { environment: "prod", severity: "medium", fixKind: "code", message: "running" },
        { environment: "qa", severity: "medium", fixKind: "code" },
      ],
    },
    {
      name: "a Python version no stack lists, the hosts down",
      edit: (f) =>
        bothEnvs(f, (e) => {
          python(e, "Python|3.99");
          hostDown(e);
        }),
      expect: [
        { environment: "prod", severity: "critical", message: "notListed" },
        { environment: "qa", severity: "critical" },
      ],
    },
    { name: "Node 24 on ~4", edit: (f) => bothEnvs(f, (e) => node(e, "~24")), expect: [] },
    {
      name: "a container image is not judged by stack",
      edit: (f) => bothEnvs(f, (e) => toLinux(e, "DOCKER|contoso.azurecr.io/orders:1.4")),
      expect: [],
    },
  ],
  R27: [
    {
      name: 'Linux Consumption with linuxFxVersion "" and no worker version: unknown, saying what was read',
      edit: (f) => linuxConsumption(f.prod),
      unknown: ["prod"],
      expect: [],
    },
    {
      name: "identified from FUNCTIONS_WORKER_RUNTIME and FUNCTIONS_WORKER_RUNTIME_VERSION",
      edit: (f) => {
        linuxConsumption(f.prod);
        setSetting(f.prod, "FUNCTIONS_WORKER_RUNTIME_VERSION", "10.0");
      },
      expect: [],
    },
    {
      name: "Windows Node without WEBSITE_NODE_DEFAULT_VERSION",
      edit: (f) => setSetting(f.prod, "FUNCTIONS_WORKER_RUNTIME", "node"),
      unknown: ["prod"],
      expect: [],
    },
    {
      name: "a custom handler has no language version",
      edit: (f) => bothEnvs(f, (e) => setSetting(e, "FUNCTIONS_WORKER_RUNTIME", "custom")),
      expect: [],
    },
    { name: "identified", edit: () => {}, expect: [] },
  ],
  D04: [
    {
      name: "production's host down on an end-of-life Python that QA does not run: a hotfix naming linuxFxVersion",
      edit: (f) => {
        python(f.qa, "Python|3.12");
        python(f.prod, "Python|3.9");
        hostDown(f.prod);
      },
      expect: [
        {
          environment: "prod",
          severity: "high",
          fixKind: "config",
          command: /config set -g rg-orders-prod -n orders-func-prod --linux-fx-version 'Python\|3\.12'$/,
          message: "version",
          title: /python 3\.9 \(linuxFxVersion Python\|3\.9\) but QA runs python 3\.12/,
        },
      ],
    },
    {
      name: "Windows Java 17 in production, 21 in QA",
      edit: (f) => {
        java(f.qa, "21");
        java(f.prod, "17");
      },
      expect: [{ environment: "prod", severity: "medium", command: /--java-version 21$/ }],
    },
    {
      name: "PowerShell 7.2 in production, 7.6 in QA",
      edit: (f) => {
        bothEnvs(f, (e) => setSetting(e, "FUNCTIONS_WORKER_RUNTIME", "powershell"));
        f.qa.config!.powerShellVersion = "7.6";
        f.prod.config!.powerShellVersion = "7.2";
      },
      // 7.6 is a preview, hidden row: QA's version is no target, so the versions are aligned by a build.
      expect: [
        { environment: "prod", severity: "medium", fixKind: "code", fix: /Align the language versions/ },
      ],
    },
    {
      name: "QA on Flex Python 3.12, production on Linux Consumption Python 3.10: one (language, version) pair",
      edit: (f) => {
        f.qa.site!.flexRuntime = { name: "python", version: "3.12" };
        f.qa.site!.os = "linux";
        linuxConsumption(f.prod);
        setSetting(f.prod, "FUNCTIONS_WORKER_RUNTIME", "python");
        f.prod.config!.linuxFxVersion = "Python|3.10";
      },
      expect: [
        {
          environment: "prod",
          severity: "high",
          fixKind: "code",
          command: /--linux-fx-version 'Python\|3\.12'$/,
        },
      ],
    },
    {
      name: "Flex runtimes that differ",
      edit: (f) => {
        f.qa.site!.flexRuntime = { name: "python", version: "3.12" };
        f.prod.site!.flexRuntime = { name: "python", version: "3.9" };
      },
      expect: [
        {
          environment: "prod",
          severity: "high",
          command: /runtime config set -g rg-orders-prod -n orders-func-prod --runtime-version 3\.12$/,
        },
      ],
    },
    {
      name: "another language is another build",
      edit: (f) => {
        python(f.qa, "Python|3.12");
        node(f.prod, "~24");
        toLinux(f.prod, "Node|24");
      },
      expect: [{ environment: "prod", severity: "high", fixKind: "code" }],
    },
    { name: "the same version", edit: (f) => bothEnvs(f, (e) => python(e, "Python|3.12")), expect: [] },
    {
      name: "Windows Node ~20 in QA, ~18 in production, config/web unanswered: the versions are app settings, compared",
      edit: (f) => {
        node(f.qa, "~20");
        node(f.prod, "~18");
        bothEnvs(f, (e) => delete e.config);
      },
      expect: [
        {
          environment: "prod",
          severity: "medium",
          fixKind: "code",
          message: "version",
          title: /node 18 \(WEBSITE_NODE_DEFAULT_VERSION ~18\) but QA runs node 20/,
        },
      ],
    },
    {
      name: "Linux Node with config/web unanswered in production: linuxFxVersion unknown, no version guessed from WEBSITE_NODE_DEFAULT_VERSION",
      edit: (f) => {
        node(f.qa, "~20");
        toLinux(f.qa, "Node|20");
        node(f.prod, "~18");
        toLinux(f.prod, "Node|18");
        delete f.prod.config;
      },
      expect: [],
      unknown: ["prod"],
    },
  ],
  D06: [
    {
      name: "tags say QA and production are the wrong way round",
      edit: (f) => {
        f.qa.site!.environmentTag = "prod";
        f.prod.site!.environmentTag = "qa";
      },
      expect: [{ environment: "both", severity: "high", fixKind: "code", message: "swapped" }],
    },
    {
      name: "names ending -prod and -qa given the other way round",
      edit: (f) => {
        delete f.qa.site!.environmentTag;
        delete f.prod.site!.environmentTag;
        rename(f.qa, "orders-func-prod");
        rename(f.prod, "orders-func-qa");
      },
      expect: [{ environment: "both", severity: "high", evidence: /name orders-func-qa/ }],
    },
    { name: "the right way round", edit: () => {}, expect: [] },
  ],
  D07: [
    {
      name: "production 32-bit PowerShell, QA 64-bit: QA's running host proves the build runs 64-bit, a hotfix",
      edit: (f) => {
        bothEnvs(f, (e) => powershell(e, "7.4"));
        thirtyTwoBit(f.prod, true);
      },
      expect: [
        {
          environment: "prod",
          severity: "high",
          fixKind: "config",
          title:
            /^Production runs a 32-bit worker but QA ran 64-bit \(use32BitWorkerProcess true in production, false in QA\)$/,
          command:
            /^az functionapp config set -g rg-orders-prod -n orders-func-prod --use-32bit-worker-process false$/,
          evidence: /use32BitWorkerProcess; false; true/,
        },
      ],
    },
    {
      name: "the same with QA's host status unread: the precondition is not known, so not a hotfix",
      edit: (f) => {
        bothEnvs(f, (e) => powershell(e, "7.4"));
        thirtyTwoBit(f.prod, true);
        delete f.qa.host;
      },
      expect: [{ environment: "prod", severity: "high", fixKind: "code", fix: /with the next deployment/ }],
    },
    {
      name: "production 32-bit .NET on ~4 against a 64-bit QA is R09's (one finding, the same command)",
      edit: (f) => thirtyTwoBit(f.prod, true),
      expect: [],
    },
    {
      name: "production 32-bit .NET on ~3 against a 64-bit QA: R09 does not judge ~3, D07 does",
      edit: (f) => {
        setSetting(f.prod, "FUNCTIONS_EXTENSION_VERSION", "~3");
        thirtyTwoBit(f.prod, true);
      },
      expect: [{ environment: "prod", severity: "high", fixKind: "config" }],
    },
    {
      name: "production 64-bit, QA 32-bit, both hosts running: QA should test as production runs",
      edit: (f) => thirtyTwoBit(f.qa, true),
      expect: [
        {
          environment: "prod",
          severity: "medium",
          fixKind: "code",
          title: /^Production runs a 64-bit worker but QA tested the release on 32-bit/,
          command:
            /^az functionapp config set -g rg-orders-qa -n orders-func-qa --use-32bit-worker-process false$/,
        },
      ],
    },
    {
      name: "production 64-bit failing while QA's 32-bit host runs the build: QA's bitness is the hotfix",
      edit: (f) => {
        thirtyTwoBit(f.qa, true);
        hostDown(f.prod);
      },
      expect: [
        {
          environment: "prod",
          severity: "high",
          fixKind: "config",
          command: /-n orders-func-prod --use-32bit-worker-process true$/,
        },
      ],
    },
    {
      name: "Linux has no 32-bit worker: a stray flag is no difference",
      edit: (f) => {
        bothEnvs(f, (e) => toLinux(e, "DOTNET-ISOLATED|10.0"));
        thirtyTwoBit(f.prod, true);
      },
      expect: [],
    },
    {
      name: "Windows against Linux is D05's, not a bitness difference",
      edit: (f) => {
        toLinux(f.qa, "DOTNET-ISOLATED|10.0");
        thirtyTwoBit(f.prod, true);
      },
      expect: [],
    },
    {
      name: "Flex Consumption runs 64-bit only: a stray use32BitWorkerProcess in its config/web is no difference",
      edit: (f) =>
        bothEnvs(f, (e) => {
          toLinux(e, "");
          e.site!.flexRuntime = { name: "powershell", version: "7.4" };
          thirtyTwoBit(e, e.role === "prod");
        }),
      expect: [],
    },
    {
      name: "production's config/web unread: the bitness is unknown, not the same",
      edit: (f) => {
        delete f.prod.config;
      },
      unknown: ["prod"],
      expect: [],
    },
    { name: "the same bitness", edit: () => {}, expect: [] },
  ],
  D05: [
    {
      name: "production on Azure Container Apps, QA on a Linux plan: a new app",
      edit: (f) => {
        bothEnvs(f, (e) => toLinux(e, "DOTNET-ISOLATED|10.0"));
        f.prod.site!.managedEnvironmentId =
          "/subscriptions/s/resourceGroups/rg/providers/Microsoft.App/managedEnvironments/env";
      },
      expect: [
        {
          environment: "prod",
          severity: "high",
          fixKind: "code",
          message: "platform",
        },
      ],
    },
    {
      name: "Windows QA, Linux production: a new app",
      edit: (f) => toLinux(f.prod, "DOTNET-ISOLATED|10.0"),
      expect: [{ environment: "prod", severity: "high", fixKind: "code", message: "os" }],
    },
    { name: "the same OS", edit: () => {}, expect: [] },
  ],
  H03: [
    {
      name: "production stopped",
      edit: (f) => {
        f.prod.site!.state = "Stopped";
      },
      expect: [
        {
          environment: "prod",
          severity: "critical",
          command: /^az functionapp start -g rg-orders-prod -n orders-func-prod$/,
          message: "stopped",
        },
      ],
    },
    {
      name: "QA disabled",
      edit: (f) => {
        f.qa.site!.enabled = false;
      },
      expect: [{ environment: "qa", severity: "critical", message: "stopped" }],
    },
    { name: "running and enabled", edit: () => {}, expect: [] },
  ],
  H04: [
    // H04 reports what other rules left out; test/kinds.test.ts runs it with every rule.
    {
      name: "alone, it has nothing to report",
      edit: (f) => {
        f.prod.site!.managedEnvironmentId = "/subscriptions/x/managedEnvironments/env";
      },
      expect: [],
    },
  ],
};

let healthy: CheckFacts;
beforeAll(async () => {
  healthy = await buildFacts();
});

describe("rules", () => {
  it("every rule has a test table, a stable id, wording and a doc link", () => {
    expect(Object.keys(CASES).sort()).toEqual(RULES.map((r) => r.id).sort());
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^[RDHM]\d{2}$/);
      expect(rule.docs).toMatch(/^https:\/\/learn\.microsoft\.com\//);
      expect(Object.keys(rule.messages).length).toBeGreaterThan(0);
    }
  });

  it("the healthy upgrade raises no finding and no unknown", () => {
    const { findings, unknowns } = analyse(healthy);
    expect(findings).toEqual([]);
    expect(unknowns).toEqual([]);
  });

  for (const [id, cases] of Object.entries(CASES)) {
    describe(id, () => {
      for (const c of cases) {
        it(c.name, () => {
          const rule = ruleById(id) as Rule;
          const { findings, unknowns } = analyse(variant(healthy, c.edit), [rule]);
          expect(unknowns.map((u) => u.environment).sort()).toEqual([...(c.unknown ?? [])].sort());
          expect(findings.map((f) => [f.environment, f.severity])).toEqual(
            c.expect.map((e) => [e.environment, e.severity]),
          );
          c.expect.forEach((e, i) => {
            const f = findings[i]!;
            expect(f.ruleId).toBe(id);
            expect(f.title).not.toMatch(/\{\w+\}/);
            expect(Object.keys(f.evidence).length).toBeGreaterThan(0);
            if (e.fixKind) expect(f.fix?.kind).toBe(e.fixKind);
            if (e.command)
              expect(
                f.fix?.commands.some((cmd) => e.command!.test(cmd)),
                `${f.fix?.commands.join("\n")} !~ ${e.command}`,
              ).toBe(true);
            if (e.message) expect(f.messageId).toBe(e.message);
            if (e.fixKind || e.command) expect(f.fix?.id).toMatch(new RegExp(`^${id}\\.\\w+$`));
            if (e.title) expect(f.title).toMatch(e.title);
            if (e.fix) expect(f.fix?.summary).toMatch(e.fix);
            if (e.evidence) expect(Object.values(f.evidence).join("; ")).toMatch(e.evidence);
          });
        });
      }
    });
  }
});

describe("facts built from overrides", () => {
  it.each([
    [
      "production on a 32-bit worker",
      { prod: { config: { use32BitWorkerProcess: true } } },
      [["R09", "drift", "R09.drift"]],
    ],
    [
      "production without FUNCTIONS_EXTENSION_VERSION",
      { prod: { settings: { FUNCTIONS_EXTENSION_VERSION: null } } },
      [["R01", "missing", "R01.missing"]],
    ],
    [
      "production's executions down to 30 % after the release",
      { prod: { after: { FunctionExecutionCount: 0.3 } } },
      [["M02", "drop", "M02.drop"]],
    ],
  ] as const)("%s: the finding's rule, message and fix ids", async (_, overrides, expected) => {
    const { findings } = analyse(await buildFacts(overrides), [ruleById(expected[0][0])!]);
    expect(findings.map((f) => [f.ruleId, f.messageId, f.fix?.id])).toEqual(expected);
  });
});

describe("analysis", () => {
  it("a rule whose facts are missing reports unknown, never a pass", () => {
    const facts = variant(healthy, (f) => {
      delete f.prod.appSettings;
      f.prod.gaps.push({
        source: "appSettings",
        reason: "HTTP 403 AuthorizationFailed; grant Microsoft.Web/sites/config/list/action",
        statusCode: 403,
      });
    });
    const { unknowns, findings } = analyse(facts);
    expect(findings).toEqual([]);
    expect(unknowns.map((u) => u.ruleId)).toContain("R09");
    expect(unknowns.find((u) => u.ruleId === "R01")).toMatchObject({
      environment: "prod",
      missing: ["appSettings"],
      reason: expect.stringContaining("403"),
    });
  });

  it("a rule that throws shows as unknown instead of vanishing", () => {
    const broken = {
      ...ruleById("R01")!,
      check: () => {
        throw new Error("boom");
      },
    } as Rule;
    expect(analyse(healthy, [broken]).unknowns).toEqual([
      { ruleId: "R01", environment: "qa", missing: [], reason: "rule failed: boom" },
      { ruleId: "R01", environment: "prod", missing: [], reason: "rule failed: boom" },
    ]);
  });

  it("computes host IDs as the host does", () => {
    expect(defaultHostId("Orders-Func-Prod")).toBe("orders-func-prod");
    expect(defaultHostId("orders-func-prod", "staging")).toBe("orders-func-prod-staging");
    expect(defaultHostId("contoso-orders-fulfilment-processor-prod")).toBe(
      "contoso-orders-fulfilment-proces",
    );
    expect(defaultHostId("contoso-orders-fulfilment-proce-x")).toBe("contoso-orders-fulfilment-proce");
  });
});
