import type { CheckFacts, EnvironmentFacts } from "../../src/core/facts.js";
import { deleteSetting, setSetting, variant } from "../helpers.js";
import type { Seeded } from "./seeded.js";

/**
 * Generated apps for property tests: each environment of a real (replayed) pair reshaped to a random
 * hosting model, language and version (supported, end of life, preview, unlisted), bitness, runtime
 * version, host state, what the deployed functions declare, plan answer (read, 404, 403), scale
 * settings and tags.
 */
export const HOSTINGS = [
  "windows-ep",
  "windows-dedicated",
  "windows-consumption",
  "linux-ep",
  "linux-dedicated",
  "linux-consumption",
  "flex",
] as const;
type Hosting = (typeof HOSTINGS)[number];

const VERSIONS: Record<string, string[]> = {
  "dotnet-isolated": ["6.0", "7.0", "8.0", "9.0", "10.0", "5.0"],
  dotnet: ["6.0", "8.0", "3.1"],
  node: ["12", "18", "20", "22", "24", "99"],
  python: ["3.6", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14", "3.99"],
  java: ["8", "11", "17", "21", "25"],
  powershell: ["7.2", "7.4", "7.6"],
};
const LANGUAGES = Object.keys(VERSIONS);

const PLAN: Record<Hosting, { tier: string; sku: string }> = {
  "windows-ep": { tier: "ElasticPremium", sku: "EP1" },
  "windows-dedicated": { tier: "PremiumV3", sku: "P1v3" },
  "windows-consumption": { tier: "Dynamic", sku: "Y1" },
  "linux-ep": { tier: "ElasticPremium", sku: "EP2" },
  "linux-dedicated": { tier: "Standard", sku: "S1" },
  "linux-consumption": { tier: "Dynamic", sku: "Y1" },
  flex: { tier: "FlexConsumption", sku: "FC1" },
};

/**
 * What the deployed functions declare (the functions list's `language`), per worker: the host's own
 * names, in the casing Azure writes them (an in-process build says DotNetAssembly, or CSharp for a script).
 */
const DECLARED: Record<string, readonly string[]> = {
  "dotnet-isolated": ["dotnet-isolated"],
  dotnet: ["DotNetAssembly", "CSharp"],
  node: ["node"],
  python: ["python"],
  java: ["java"],
  powershell: ["powershell"],
};

export interface Shape {
  hosting: Hosting;
  language: string;
  version: string;
  host: "running" | "error" | "azfd0013" | "unread";
  /**
   * The worker the deployed functions need: the app's own (its build matches its setting), another
   * (most often the other .NET model: a build deployed under the wrong setting), none known (the list
   * unread, or its functions declaring two workers).
   */
  deployed: "own" | "other" | "unread" | "mixed";
}

function shapeOf(g: Seeded): Shape {
  const hosting = g.pick(HOSTINGS);
  const language = g.pick(LANGUAGES);
  return {
    hosting,
    language,
    version: g.pick(VERSIONS[language]!),
    host: g.pick(["running", "running", "running", "error", "azfd0013", "unread"] as const),
    deployed: g.pick(["own", "own", "own", "other", "other", "unread", "mixed"] as const),
  };
}

const NET_PARTNER: Record<string, string> = { dotnet: "dotnet-isolated", "dotnet-isolated": "dotnet" };

/** Sets what the deployed functions declare; returns the one worker they need, if there is one. */
function deploy(env: EnvironmentFacts, shape: Shape, g: Seeded): string | undefined {
  const own = shape.hosting === "flex" && shape.language === "dotnet" ? "dotnet-isolated" : shape.language;
  const other =
    NET_PARTNER[own] && g.chance(0.6) ? NET_PARTNER[own] : g.pick(LANGUAGES.filter((l) => l !== own));
  const worker = shape.deployed === "own" ? own : shape.deployed === "other" ? other : undefined;
  if (shape.deployed === "unread") delete env.deployedLanguages;
  else if (shape.deployed === "mixed")
    env.deployedLanguages = [g.pick(DECLARED[own]!), g.pick(DECLARED[other]!)];
  else env.deployedLanguages = [g.pick(DECLARED[worker!]!)];
  return worker;
}

function reshape(env: EnvironmentFacts, shape: Shape, g: Seeded): void {
  const { hosting, language, version } = shape;
  const linux =
    hosting !== "windows-ep" && hosting !== "windows-dedicated" && hosting !== "windows-consumption";
  const site = env.site!;
  const config = env.config!;
  site.os = linux ? "linux" : "windows";
  site.sku = PLAN[hosting].tier;
  delete site.flexRuntime;
  delete site.flexScale;
  for (const name of [
    "FUNCTIONS_WORKER_RUNTIME",
    "WEBSITE_NODE_DEFAULT_VERSION",
    "FUNCTIONS_INPROC_NET8_ENABLED",
    "WEBSITE_USE_PLACEHOLDER_DOTNETISOLATED",
  ])
    deleteSetting(env, name);
  delete config.linuxFxVersion;
  delete config.javaVersion;
  delete config.powerShellVersion;
  config.netFrameworkVersion = "v4.0";
  if (hosting === "flex") {
    const name = language === "dotnet" ? "dotnet-isolated" : language;
    site.flexRuntime = { name, version };
    site.flexScale = {
      maximumInstanceCount: g.pick([40, 100, 250]),
      instanceMemoryMB: g.pick([512, 2048, 4096]),
    };
    deleteSetting(env, "FUNCTIONS_EXTENSION_VERSION");
  } else {
    setSetting(env, "FUNCTIONS_WORKER_RUNTIME", language);
    setSetting(env, "FUNCTIONS_EXTENSION_VERSION", g.pick(["~4", "~4", "~4", "~3", "4.1044.3"]));
    if (linux) {
      const prefix = { "dotnet-isolated": "DOTNET-ISOLATED", dotnet: "DOTNET" }[language] ?? language;
      config.linuxFxVersion = `${prefix === language ? prefix[0]!.toUpperCase() + prefix.slice(1) : prefix}|${version}`;
    } else if (language === "node") setSetting(env, "WEBSITE_NODE_DEFAULT_VERSION", `~${version}`);
    else if (language === "java") config.javaVersion = version === "8" ? "1.8" : version;
    else if (language === "powershell") config.powerShellVersion = version;
    else if (language !== "python") config.netFrameworkVersion = `v${version}`;
    if (language === "dotnet" && version === "8.0" && g.chance(0.5))
      setSetting(env, "FUNCTIONS_INPROC_NET8_ENABLED", "1");
    if (language === "dotnet-isolated" && g.chance(0.7))
      setSetting(env, "WEBSITE_USE_PLACEHOLDER_DOTNETISOLATED", "1");
  }
  config.use32BitWorkerProcess = !linux && g.chance(0.4);
  config.alwaysOn = g.chance(0.5);
  config.functionAppScaleLimit = g.pick([0, 0, 5, 20, 200]);
  const planRead = g.pick(["read", "read", "read", "404", "403"] as const);
  env.gaps = env.gaps.filter((gap) => gap.source !== "plan" && gap.source !== "hostStatus");
  if (planRead === "read") {
    const workers = g.pick([1, 10, 20, 60, 100]);
    env.plan = {
      ...env.plan!,
      tier: PLAN[hosting].tier,
      skuName: PLAN[hosting].sku,
      os: site.os,
      capacity: g.chance(0.3) ? workers : 1,
      maximumElasticWorkerCount: workers,
    };
  } else {
    delete env.plan;
    env.gaps.push({
      source: "plan",
      reason: planRead === "404" ? "HTTP 404 NotFound" : "HTTP 403 AuthorizationFailed",
      statusCode: Number(planRead),
    });
  }
  if (shape.host === "unread") {
    delete env.host;
    env.gaps.push({ source: "hostStatus", reason: "HTTP 404 Not Found", statusCode: 404 });
  } else
    env.host = {
      state: shape.host === "running" ? "Running" : "Error",
      version: "4.1044.3.25066",
      errors:
        shape.host === "azfd0013"
          ? ["AZFD0013: The 'FUNCTIONS_WORKER_RUNTIME' setting does not match the worker runtime metadata"]
          : shape.host === "error"
            ? ["Microsoft.Azure.WebJobs.Script: the worker failed to start."]
            : [],
    };
  if (g.chance(0.1)) site.environmentTag = env.role === "qa" ? "prod" : "qa";
}

/**
 * A generated pair: production reshaped at random and QA either the same shape (the release as tested)
 * or its own random one.
 */
export function generatedPair(
  base: CheckFacts,
  g: Seeded,
): { facts: CheckFacts; qa: Shape; prod: Shape; payload: { qa?: string; prod?: string } } {
  let prod = shapeOf(g);
  let qa = g.chance(0.4)
    ? { ...prod, host: g.pick(["running", "running", "error"] as const), deployed: "own" as const }
    : shapeOf(g);
  if (g.chance(0.15)) {
    // A release under the other .NET model's setting: QA runs the build; production got the same build
    // (most often) or still runs its own, under the setting of the other model.
    qa = { ...qa, hosting: prod.hosting, language: g.pick(["dotnet", "dotnet-isolated"]), version: "8.0" };
    prod = {
      ...qa,
      language: NET_PARTNER[qa.language]!,
      host: prod.host,
      deployed: g.pick(["other", "own"]),
    };
  }
  const payload: { qa?: string; prod?: string } = {};
  const facts = variant(base, (f) => {
    reshape(f.prod, prod, g);
    reshape(f.qa, qa, g);
    payload.prod = deploy(f.prod, prod, g);
    payload.qa = deploy(f.qa, qa, g);
  });
  return { facts, qa, prod, payload };
}
