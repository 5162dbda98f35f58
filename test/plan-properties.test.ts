import { beforeAll, describe, expect, it } from "vitest";
import { analyse, type Analysis } from "../src/analyse/analyse.js";
import { hostRunsDeployed, LOADS_OTHER_CODE } from "../src/analyse/fixes.js";
import { RULES } from "../src/analyse/rules/index.js";
import type { Finding } from "../src/analyse/rule.js";
import type { CheckFacts, EnvironmentFacts, StackRow } from "../src/core/facts.js";
import {
  compareVersions,
  FLEX_RUNTIMES,
  LINUX_CONSUMPTION_LAST,
  MAX_BURST,
  type HostingModel,
} from "../src/core/platform.js";
import { resolveRelease } from "../src/core/release.js";
import { decide, type Recommendation } from "../src/decide/decide.js";
import { HEALTHY, replayFacts, setSetting, variant } from "./helpers.js";
import { commandsOf } from "./support/plan.js";
import { generatedPair } from "./support/generate-facts.js";
import { BASE_SEED, seeded } from "./support/seeded.js";

/**
 * Properties 1-4 of README "What the gate promises", over generated pairs of apps (hosting model,
 * language and version, bitness, runtime version, host state, plan answer, scale settings), each
 * case from its own seed, which the failure message prints (replay with AZFN_SEED). The pairs carry
 * no metric series: these are properties of the configuration rules and the plan (the metric
 * judgments' own properties are test/metrics*); M04's burst command reads the plan alone and stays.
 */
const CASES = 2000;
const RULES_UNDER_TEST = RULES.filter((r) => !/^M/.test(r.id) || r.id === "M04");

interface Case {
  seed: number;
  facts: CheckFacts;
  /** The worker production's deployed functions need, as the generator declared them (undefined: not known). */
  prodPayload?: string;
  analysis: Analysis;
  plan: Recommendation;
}

let cases: Case[];
let base: CheckFacts;
beforeAll(async () => {
  base = variant(await replayFacts(HEALTHY), (f) => {
    delete f.metricWindows;
    for (const env of [f.qa, f.prod]) {
      delete env.metrics;
      delete env.logs;
    }
  });
  cases = Array.from({ length: CASES }, (_, i) => {
    const seed = BASE_SEED + i;
    const { facts, payload } = generatedPair(base, seeded(seed));
    const analysis = analyse(facts, RULES_UNDER_TEST);
    const plan = decide(analysis, facts, resolveRelease(facts.prod));
    return { seed, facts, prodPayload: payload.prod, analysis, plan };
  });
  // Generating the cases is work, not a speed assertion: a loaded machine only takes longer.
}, 120_000);

const isCause = (f: Finding) => !/^[HM]\d/.test(f.ruleId);
const say = (c: Case, what: string) => `seed ${c.seed} (AZFN_SEED=${c.seed} replays it as case 0): ${what}`;

/** The environment an `az` command is aimed at: by its `-n` site name, plan name or resource ID. */
function targetOf(command: string, facts: CheckFacts): EnvironmentFacts | undefined {
  return [facts.prod, facts.qa].find(
    (env) =>
      command.includes(`-n ${env.ref.site} `) ||
      command.endsWith(`-n ${env.ref.site}`) ||
      command.includes(`${env.ref.id}/`) ||
      (env.plan && command.includes(`-n ${env.plan.name} `)),
  );
}

/** The worker runtime a command sets. */
const workerSetBy = (command: string) => /FUNCTIONS_WORKER_RUNTIME=([\w-]+)/.exec(command)?.[1];

describe("property 1: a HOTFIX never changes what code a running production's host loads", () => {
  it(`holds on ${CASES} generated pairs`, () => {
    let hotfixes = 0;
    let byPayload = 0;
    for (const c of cases) {
      if (c.plan.action !== "HOTFIX") continue;
      hotfixes++;
      const commands = commandsOf(c.plan);
      // The deployed payload requires the change: its functions declare the worker the plan sets.
      const payloadSets =
        c.prodPayload !== undefined && commands.some((s) => workerSetBy(s) === c.prodPayload);
      for (const command of commands.filter((s) => LOADS_OTHER_CODE.test(s))) {
        const worker = workerSetBy(command);
        // Functions that declare another worker prove the setting wrong: never a hotfix.
        if (worker !== undefined && c.prodPayload !== undefined)
          expect(worker, say(c, `HOTFIX sets ${worker} on functions that need ${c.prodPayload}`)).toBe(
            c.prodPayload,
          );
        const required =
          payloadSets &&
          (worker !== undefined ||
            (c.prodPayload === "dotnet-isolated" && /FUNCTIONS_INPROC_NET8_ENABLED$/.test(command)) ||
            // Another runtime change (the .NET version) only as QA's running host runs the build.
            hostRunsDeployed(c.facts.qa) === true);
        // Otherwise the only precondition under which a runtime change is a hotfix: this host does not
        // run as configured while QA's runs the build.
        expect(
          required || (hostRunsDeployed(c.facts.prod) === false && hostRunsDeployed(c.facts.qa) === true),
          say(c, `HOTFIX step "${command}" changes the loaded code of a production whose host runs`),
        ).toBe(true);
      }
      if (payloadSets) byPayload++;
    }
    expect(hotfixes, "the generator must reach HOTFIX plans").toBeGreaterThan(50);
    expect(byPayload, "the generator must reach HOTFIX plans the deployed payload requires").toBeGreaterThan(
      5,
    );
  });
});

describe("property 1 on the bundled healthy release: what production's deployed functions declare decides", () => {
  /**
   * Issue 16's case: QA on .NET 8 isolated, production on the in-process .NET 8 setting
   * (FUNCTIONS_WORKER_RUNTIME=dotnet, FUNCTIONS_INPROC_NET8_ENABLED=1); production's host runs.
   */
  const verdictWith = (deployed: string[] | undefined) => {
    const facts = variant(base, (f) => {
      f.qa.config!.netFrameworkVersion = "v8.0";
      f.prod.config!.netFrameworkVersion = "v8.0";
      setSetting(f.prod, "FUNCTIONS_WORKER_RUNTIME", "dotnet");
      setSetting(f.prod, "FUNCTIONS_INPROC_NET8_ENABLED", "1");
      if (deployed) f.prod.deployedLanguages = deployed;
      else delete f.prod.deployedLanguages;
    });
    const analysis = analyse(facts, RULES_UNDER_TEST);
    return decide(analysis, facts, resolveRelease(facts.prod));
  };

  it.each([
    // The payload is isolated: dotnet-isolated is what it needs, a configuration hotfix.
    [["dotnet-isolated"], true],
    // The payload is in-process: QA's setting would stop production's host (AZFD0013), a build decides.
    [["DotNetAssembly"], false],
    [["CSharp", "DotNetAssembly"], false],
    // Not known (the list unread, or two workers): as without the list, another build than QA tested.
    [undefined, false],
    [["dotnet-isolated", "DotNetAssembly"], false],
  ] as const)("deployed functions %j: a hotfix setting dotnet-isolated: %s", (deployed, hotfix) => {
    const plan = verdictWith(deployed ? [...deployed] : undefined);
    expect(plan.action === "HOTFIX").toBe(hotfix);
    const sets = commandsOf(plan).some((s) => /FUNCTIONS_WORKER_RUNTIME=dotnet-isolated$/.test(s));
    expect(sets).toBe(hotfix);
  });
});

describe("property 2: HOTFIX only when every severe production cause is addressed by a step", () => {
  it(`holds on ${CASES} generated pairs`, () => {
    for (const c of cases.filter((x) => x.plan.action === "HOTFIX")) {
      const unaddressed = c.analysis.findings.filter(
        (f) =>
          f.environment !== "qa" &&
          (f.severity === "critical" || f.severity === "high") &&
          isCause(f) &&
          !/^R1[12]$/.test(f.ruleId) &&
          f.fix?.kind !== "config",
      );
      expect(
        unaddressed.map((f) => `${f.ruleId} ${f.title}`),
        say(c, "HOTFIX with an unaddressed cause"),
      ).toEqual([]);
    }
  });

  it("a running production is never rolled back for end of life alone", () => {
    for (const c of cases) {
      if (c.plan.action !== "ROLLBACK" || hostRunsDeployed(c.facts.prod) !== true) continue;
      const drivers = c.plan.drivers.map((d) => d.split(" ")[0]);
      expect(
        drivers.every((id) => id === "R11" || id === "R12"),
        say(c, `ROLLBACK of a running production on end of life only: ${c.plan.drivers.join("; ")}`),
      ).toBe(false);
    }
  });
});

/** What a version option sets, as (language stack, version), and the row a valid target must be. */
function versionTarget(command: string): { kind: "fx" | "flex" | "windows"; value: string } | undefined {
  const fx = /--linux-fx-version '?([^' ]+)'?/.exec(command);
  if (fx) return { kind: "fx", value: fx[1]! };
  const flex = /--runtime-version (\S+)/.exec(command);
  if (flex) return { kind: "flex", value: flex[1]! };
  const win =
    /--(?:net-framework-version|java-version|powershell-version) (\S+)|WEBSITE_NODE_DEFAULT_VERSION=([^' ]+)/.exec(
      command,
    );
  return win ? { kind: "windows", value: (win[1] ?? win[2])! } : undefined;
}

function hostingOf(c: Case, env: EnvironmentFacts): HostingModel | undefined {
  return c.analysis.profiles[env.role].hosting;
}

describe("property 3: version targets are GA, shown, and offered on the app's hosting model", () => {
  it(`holds for every command of every finding on ${CASES} generated pairs`, () => {
    let checked = 0;
    for (const c of cases) {
      for (const f of c.analysis.findings) {
        for (const command of f.fix?.commands ?? []) {
          const target = versionTarget(command);
          const env = targetOf(command, c.facts);
          if (!target || !env) continue;
          checked++;
          const hosting = hostingOf(c, env);
          const worker = c.analysis.profiles[env.role].language;
          if (target.kind === "flex") {
            const runtime = c.facts[env.role].site?.flexRuntime?.name ?? "";
            expect(FLEX_RUNTIMES[runtime] ?? [], say(c, `${f.ruleId}: ${command} on Flex`)).toContain(
              target.value,
            );
            continue;
          }
          const rows = c.facts.stacks.rows.filter(
            (r: StackRow) =>
              r.os === (target.kind === "fx" ? "linux" : "windows") &&
              r.runtimeVersion.toLowerCase() === target.value.toLowerCase(),
          );
          expect(rows.length, say(c, `${f.ruleId}: ${command} names no stack row`)).toBeGreaterThan(0);
          expect(
            rows.some((r) => !r.isPreview && !r.isHidden && !r.isDeprecated),
            say(c, `${f.ruleId}: ${command} targets a preview, hidden or deprecated row`),
          ).toBe(true);
          if (hosting === "consumption" && target.kind === "fx") {
            const [stack, version] = target.value.split("|") as [string, string];
            const language = /^dotnet-isolated$/i.test(stack)
              ? "dotnet-isolated"
              : (worker ?? stack.toLowerCase());
            const last = LINUX_CONSUMPTION_LAST[language];
            if (last)
              expect(
                compareVersions(version, last),
                say(c, `${f.ruleId}: ${command} is past Linux Consumption's last ${language} ${last}`),
              ).toBeLessThanOrEqual(0);
          }
        }
      }
    }
    expect(checked, "the generator must reach version targets").toBeGreaterThan(100);
  });
});

/**
 * Property 4: every `az` command template the product prints, with the options the Azure CLI
 * reference documents for it and the hosting models it is valid on (plan-safety.md; the references at
 * learn.microsoft.com/cli/azure/functionapp). A printed command must match exactly one row.
 */
interface Template {
  name: string;
  pattern: RegExp;
  /** The options the CLI reference documents for the command (anything else is a typo or an invention). */
  options: string[];
  validOn: (hosting: HostingModel | undefined, env: EnvironmentFacts, command: string) => boolean;
}

const W = "(?: --slot \\S+)?";
const serverless = (h: HostingModel | undefined) => h === "consumption" || h === "flex";
const TEMPLATES: Template[] = [
  {
    name: "az functionapp config appsettings set",
    pattern: new RegExp(`^az functionapp config appsettings set -g \\S+ -n \\S+${W} --settings \\S+$`),
    options: ["-g", "-n", "--slot", "--settings"],
    // Flex takes none of the runtime settings (hosting-models.md).
    validOn: (h, _e, cmd) =>
      h !== "flex" ||
      !/FUNCTIONS_(WORKER_RUNTIME|EXTENSION_VERSION)=|WEBSITE_NODE_DEFAULT_VERSION=/.test(cmd),
  },
  {
    name: "az functionapp config appsettings delete",
    pattern: new RegExp(
      `^az functionapp config appsettings delete -g \\S+ -n \\S+${W} --setting-names \\S+$`,
    ),
    options: ["-g", "-n", "--slot", "--setting-names"],
    validOn: () => true,
  },
  {
    name: "az functionapp config set --use-32bit-worker-process",
    pattern: new RegExp(
      `^az functionapp config set -g \\S+ -n \\S+${W} --use-32bit-worker-process (true|false)$`,
    ),
    options: ["-g", "-n", "--slot", "--use-32bit-worker-process"],
    validOn: (h, env) => env.site?.os === "windows" && h !== "flex",
  },
  {
    name: "az functionapp config set --net-framework-version",
    pattern: new RegExp(
      `^az functionapp config set -g \\S+ -n \\S+${W} --net-framework-version v\\d+\\.\\d$`,
    ),
    options: ["-g", "-n", "--slot", "--net-framework-version"],
    validOn: (h, env) => env.site?.os === "windows" && h !== "flex",
  },
  {
    name: "az functionapp config set --linux-fx-version",
    pattern: new RegExp(
      `^az functionapp config set -g \\S+ -n \\S+${W} --linux-fx-version '[\\w-]+\\|[\\d.]+'$`,
    ),
    options: ["-g", "-n", "--slot", "--linux-fx-version"],
    // Flex ignores linuxFxVersion: its runtime is functionAppConfig.runtime.
    validOn: (h, env) => env.site?.os === "linux" && h !== "flex",
  },
  {
    name: "az functionapp config set --java-version / --powershell-version",
    pattern: new RegExp(
      `^az functionapp config set -g \\S+ -n \\S+${W} --(java|powershell)-version [\\d.]+$`,
    ),
    options: ["-g", "-n", "--slot", "--java-version", "--powershell-version"],
    validOn: (h, env) => env.site?.os === "windows" && h !== "flex",
  },
  {
    name: "az functionapp config set --always-on",
    pattern: new RegExp(`^az functionapp config set -g \\S+ -n \\S+${W} --always-on true$`),
    options: ["-g", "-n", "--slot", "--always-on"],
    validOn: (h) => !serverless(h),
  },
  {
    name: "az functionapp runtime config set",
    pattern: /^az functionapp runtime config set -g \S+ -n \S+ --runtime-version [\d.]+$/,
    options: ["-g", "-n", "--runtime-version"],
    validOn: (h) => h === "flex",
  },
  {
    name: "az functionapp scale config set",
    pattern:
      /^az functionapp scale config set -g \S+ -n \S+ --(instance-memory (512|2048|4096)|maximum-instance-count \d+)$/,
    options: ["-g", "-n", "--instance-memory", "--maximum-instance-count"],
    validOn: (h, _e, cmd) =>
      h === "flex" && Number(/--maximum-instance-count (\d+)/.exec(cmd)?.[1] ?? 40) >= 40,
  },
  {
    name: "az resource update … properties.functionAppScaleLimit",
    pattern: /^az resource update --ids \S+\/config\/web --set properties\.functionAppScaleLimit=\d+$/,
    options: ["--ids", "--set"],
    // ARM rejects it on Flex (azure-functions-host#10643).
    validOn: (h) => h !== "flex",
  },
  {
    name: "az functionapp plan update --sku",
    pattern: /^az functionapp plan update -g \S+ -n \S+ --sku \w+$/,
    options: ["-g", "-n", "--sku"],
    validOn: (h) => !serverless(h),
  },
  {
    name: "az functionapp plan update --max-burst",
    pattern: /^az functionapp plan update -g \S+ -n \S+ --max-burst \d+$/,
    options: ["-g", "-n", "--max-burst"],
    validOn: (h, env, cmd) =>
      h === "elastic-premium" &&
      Number(/--max-burst (\d+)/.exec(cmd)![1]) <= MAX_BURST[env.plan?.os ?? "linux"],
  },
  {
    name: "az functionapp start / restart",
    pattern: new RegExp(`^az functionapp (start|restart) -g \\S+ -n \\S+${W}$`),
    options: ["-g", "-n", "--slot"],
    validOn: () => true,
  },
  {
    name: "az functionapp deployment slot swap",
    pattern: /^az functionapp deployment slot swap -g \S+ -n \S+ --slot \S+ --target-slot production$/,
    options: ["-g", "-n", "--slot", "--target-slot"],
    validOn: (h) => h !== "flex",
  },
  {
    name: "az functionapp deployment source config-zip",
    pattern: new RegExp(`^az functionapp deployment source config-zip -g \\S+ -n \\S+${W} --src .+$`),
    options: ["-g", "-n", "--slot", "--src"],
    validOn: () => true,
  },
];

describe("property 4: every az command is a documented template, valid for its hosting model and limits", () => {
  it(`holds for every command printed on ${CASES} generated pairs`, () => {
    const seen = new Set<string>();
    for (const c of cases) {
      const commands = [
        ...c.analysis.findings.flatMap((f) => f.fix?.commands ?? []),
        ...commandsOf(c.plan),
        ...c.plan.alternatives
          .flatMap((a) => a.split(" && "))
          .map((a) => a.replace(/^[^:]*: /, ""))
          .filter((a) => a.startsWith("az ")),
      ];
      for (const command of commands) {
        const rows = TEMPLATES.filter((t) => t.pattern.test(command));
        expect(
          rows.map((t) => t.name),
          say(c, `"${command}" must match exactly one template`),
        ).toHaveLength(1);
        const env = targetOf(command, c.facts);
        expect(env, say(c, `"${command}" names neither app`)).toBeDefined();
        expect(
          rows[0]!.validOn(hostingOf(c, env!), env!, command),
          say(c, `"${command}" is not valid on ${env!.role}'s ${hostingOf(c, env!) ?? "unknown"} hosting`),
        ).toBe(true);
        // Only the options the command's CLI reference documents (a typo or an invented option fails).
        for (const option of command.match(/(?<= )--?[a-z][\w-]*/g) ?? [])
          expect(rows[0]!.options, say(c, `"${command}" uses ${option}`)).toContain(option);
        seen.add(rows[0]!.name);
      }
    }
    // The generator reaches most templates; the slot swap and redeploy come from the bundled stories.
    expect(seen.size, [...seen].join(", ")).toBeGreaterThanOrEqual(9);
  });
});
