import type { EnvironmentFacts, Os, StackRow } from "../../core/facts.js";
import {
  compareVersions,
  FLEX_RUNTIMES,
  isContainerApp,
  LINUX_CONSUMPTION_LAST,
  type HostingModel,
} from "../../core/platform.js";
import { EOL_WARNING_MS } from "../../core/time.js";
import { byCodeUnit } from "../../core/order.js";
import { codeFix, hostRunsDeployed, loadChangeFix, versionCommand } from "../fixes.js";
import { languageLabel, rowVersion, stackLabel, type RuntimeProfile } from "../profile.js";
import { defineRule, type Detection } from "../rule.js";

const SUPPORTED_LANGUAGES = "https://learn.microsoft.com/azure/azure-functions/supported-languages";

/**
 * Whether a stacks row is offered on a hosting model: Flex has its own runtime list, and Linux
 * Consumption stops at its last versions (core/platform.ts); the other models offer every row of their OS.
 */
export function offeredOn(row: StackRow, hosting: HostingModel | undefined): boolean {
  const worker = row.workerRuntime ?? "";
  if (hosting === "flex")
    return row.os === "linux" && (FLEX_RUNTIMES[worker] ?? []).includes(rowVersion(row));
  if (hosting === "consumption" && row.os === "linux") {
    const last = LINUX_CONSUMPTION_LAST[worker];
    return last === undefined || compareVersions(rowVersion(row), last) <= 0;
  }
  return true;
}

/** A row a command may name: GA, shown, not deprecated, and offered on the hosting model. */
export function isTargetable(row: StackRow | undefined, hosting: HostingModel | undefined): boolean {
  return Boolean(row && !row.isDeprecated && !row.isPreview && !row.isHidden && offeredOn(row, hosting));
}

/**
 * A row a plan may target: GA and shown (not preview, hidden or deprecated), usable on `~major`, not
 * within 6 months of its end of life, and, when a hosting model is given, offered on it.
 */
export function isUsable(
  row: StackRow | undefined,
  major: number | undefined,
  now: Date,
  hosting?: HostingModel,
): boolean {
  if (!row || !isTargetable(row, hosting)) return false;
  if (major !== undefined && !row.extensionVersions.includes(`~${major}`)) return false;
  return !row.endOfLife || new Date(row.endOfLife).getTime() - now.getTime() > EOL_WARNING_MS;
}

/** The newest usable row of a language on an OS and runtime version: where a rebuild should go. */
export function newestUsable(
  rows: StackRow[],
  language: string | undefined,
  os: Os,
  major: number,
  now: Date,
  hosting?: HostingModel,
): StackRow | undefined {
  // In-process .NET has no future: its successor is the isolated worker.
  const worker = language === "dotnet" ? "dotnet-isolated" : language;
  return rows
    .filter((r) => r.os === os && r.workerRuntime === worker && isUsable(r, major, now, hosting))
    .filter((r) => r.endOfLife || worker !== "dotnet-isolated") // .NET Framework rows have no date
    .sort((a, b) => byCodeUnit(b.endOfLife ?? "", a.endOfLife ?? ""))[0];
}

/**
 * QA's row, when it is the same language on the same OS and usable on this app's hosting model: the
 * version QA tested. A Flex QA's row is a Linux row, so it serves a Linux production too.
 */
export function qaAlternative(qa: RuntimeProfile, self: RuntimeProfile, now: Date): StackRow | undefined {
  const selfOs = self.isFlex ? "linux" : self.os;
  const same =
    qa.stack &&
    qa.language === self.language &&
    qa.stack.os === selfOs &&
    isUsable(qa.stack, self.extensionMajor, now, self.hosting);
  return same ? qa.stack : undefined;
}

const NON_DOTNET = /^(node|python|java|powershell)$/;

/** A container image (`DOCKER|…`, and every Container Apps app) carries its language inside the image. */
export function imageReason(env: EnvironmentFacts, self: RuntimeProfile): string | undefined {
  if (isContainerApp(env))
    return "hosted on Azure Container Apps: the language stack is inside the container image";
  return self.containerImage
    ? "runs a container image (DOCKER|…): the language stack is inside the image"
    : undefined;
}

/**
 * R25: a language version the runtime version does not run (Node 12, Python 3.6, PowerShell 6 on
 * ~4), or one no stack lists. .NET targets are R05's. The worker does not start on such a version.
 */
export const languageVersionOffered = defineRule({
  id: "R25",
  scope: "each",
  title: "The language version is one the runtime version offers",
  severity: "critical",
  docs: SUPPORTED_LANGUAGES,
  why:
    "Each Functions runtime version runs a fixed set of language versions (the stacks' " +
    "supportedFunctionsExtensionVersions); on any other the language worker does not start.",
  needs: ["appSettings", "config", "site"],
  appliesTo: imageReason,
  messages: {
    notOffered:
      "{env} runs {language} ({setting} {value}), which runtime {version} does not offer (it runs on {offered})",
    notListed: "{env} runs {language} ({setting} {value}), which no {os} Function App stack lists",
    running:
      "{env} runs {language} ({setting} {value}), which runtime {version} no longer lists; its host runs it: plan the upgrade",
  },
  check({ env, other, self, profile, facts, now }) {
    if (!NON_DOTNET.test(self.language ?? "") || !self.languageVersion || self.extensionMajor === undefined)
      return [];
    const wanted = `~${self.extensionMajor}`;
    if (self.stack?.extensionVersions.includes(wanted)) return [];
    const os = self.isFlex ? "linux" : (self.os ?? "linux");
    const alternative = env.role === "prod" ? qaAlternative(profile.qa, self, now) : undefined;
    const target =
      alternative ??
      newestUsable(facts.stacks.rows, self.language, os, self.extensionMajor, now, self.hosting);
    const command = target ? versionCommand(env, self.versionSetting, target) : undefined;
    const setting = self.versionSetting?.name ?? "version";
    // A host that runs what is deployed proves the version runs: an upgrade to plan, not an outage.
    const running = hostRunsDeployed(env) === true;
    const rebuild = target
      ? `Rebuild and test for ${self.language} ${rowVersion(target)} (${wanted} does not list ` +
        `${languageLabel(self)}), deploy it, then set ${setting}.`
      : `Rebuild for a ${self.language} version that ${wanted} offers.`;
    return [
      {
        message: running ? "running" : self.stack ? "notOffered" : "notListed",
        args: {
          env: env.role,
          language: languageLabel(self),
          setting,
          value: self.target ?? self.languageVersion,
          version: wanted,
          offered: self.stack?.extensionVersions.join(", ") ?? "",
          os,
        },
        environment: env.role,
        ...(running ? { severity: "medium" as const } : {}),
        evidence: {
          setting,
          [env.role]: self.target ?? self.languageVersion,
          ...(env.role === "prod" ? { qa: profile.qa.target ?? languageLabel(profile.qa) } : {}),
          stack: stackLabel(self.stack),
          ...(running ? { detail: `the ${env.role} host is Running with no errors on it` } : {}),
        },
        // QA runs this build on a version ~4 offers: a setting, if production's host does not run.
        fix:
          alternative && command
            ? loadChangeFix(
                env,
                other,
                `Run ${languageLabel(self)} as QA does: ${rowVersion(alternative)}.`,
                `Move to ${self.language} ${rowVersion(alternative)}, as QA runs, with the next build.`,
                command,
              )
            : codeFix(rebuild, ...(command ? [command] : [])),
      } satisfies Detection,
    ];
  },
});

/**
 * R27: a stack that cannot be identified is said, never skipped: the end-of-life, bitness and
 * target rules all key on it. FUNCTIONS_WORKER_RUNTIME and FUNCTIONS_WORKER_RUNTIME_VERSION are
 * tried when linuxFxVersion is empty (Linux Consumption).
 */
export const stackIdentified = defineRule({
  id: "R27",
  scope: "each",
  title: "The app's language stack can be identified",
  severity: "high",
  docs: SUPPORTED_LANGUAGES,
  why: "End-of-life, bitness and target checks need the stack; an app whose stack cannot be read is not known to be supported.",
  needs: ["appSettings", "config", "site"],
  appliesTo: imageReason,
  messages: {
    unknown: "{env}: the language stack cannot be identified from {read}",
  },
  check({ env, self }) {
    if (self.language === "custom") return [];
    // A stack that is read but not listed is R05's (.NET) or R25's (other languages) to report.
    if (self.stack || (self.language && self.languageVersion)) return [];
    return [
      {
        message: "unknown",
        unknown: true,
        args: { env: env.role, read: self.read.join(", ") || "nothing that names it" },
        environment: env.role,
        evidence: {},
      },
    ];
  },
});

/**
 * D04: the language and version production runs must be the ones QA tested. A language version is
 * part of what a slot swap carries (deploy-staging-slots#which-settings-are-swapped).
 */
export const languageDrift = defineRule({
  id: "D04",
  scope: "pair",
  title: "Production runs the language and version QA tested",
  severity: "medium",
  docs: SUPPORTED_LANGUAGES,
  why:
    "A build tested on one language version can break on another (native modules, removed APIs); a " +
    "version past end of life in production alone is a release defect.",
  // Flex names its language on the site; the others in app settings, their version in config/web too:
  // each is asked for where it lives, so a Flex app without those reads is still compared.
  needs: ["site"],
  appliesTo: imageReason,
  messages: {
    language: "production runs {prod} but QA runs {qa}: a different build",
    version: "production runs {prodLabel} ({setting} {prod}) but QA runs {qaLabel} ({qa})",
    unread: "the {env} {what} was not read: the language and its version are not compared",
  },
  check({ profile, qa, prod, now }) {
    const [a, b] = [profile.qa, profile.prod];
    const unread = (what: "appSettings" | "config") =>
      [qa, prod]
        .filter((e) => !profile[e.role].isFlex && e[what] === undefined)
        .map((e) => ({
          message: "unread",
          unknown: true as const,
          args: { env: e.role, what: what === "config" ? "site configuration (config/web)" : "app settings" },
          environment: e.role,
          evidence: {},
        }));
    if (unread("appSettings").length > 0) return unread("appSettings");
    if (!a.language || !b.language) return [];
    // dotnet against dotnet-isolated is R07's (the worker runtime against the build).
    if (a.language !== b.language) {
      if (/^dotnet/.test(a.language) && /^dotnet/.test(b.language)) return [];
      return [
        {
          message: "language",
          args: { prod: languageLabel(b), qa: languageLabel(a) },
          environment: "prod",
          severity: "high",
          evidence: { setting: "FUNCTIONS_WORKER_RUNTIME", qa: a.language, prod: b.language },
          fix: codeFix("Deploy the build QA tested, on QA's language, to production."),
        },
      ];
    }
    // A version the profile could not read (config/web unanswered) is not compared; one it read
    // elsewhere (Windows Node's app setting, the only version a runtime offers) is.
    if (!a.languageVersion || !b.languageVersion) return unread("config");
    // Another OS is D05's: another app. Flex's runtime and linuxFxVersion are both Linux and compare.
    if ((a.isFlex ? "linux" : a.os) !== (b.isFlex ? "linux" : b.os)) return [];
    if (normaliseVersion(a.languageVersion) === normaliseVersion(b.languageVersion)) return [];
    const qaRow = qaAlternative(a, b, now);
    // Production on a version out of support (or not offered) while QA's is fine: a release defect.
    const severe = qaRow && !isUsable(b.stack, b.extensionMajor, now);
    const command = qaRow ? versionCommand(prod, b.versionSetting, qaRow) : undefined;
    const setting = b.versionSetting?.name ?? "version";
    const align = `Align the language versions: QA runs ${languageLabel(a)}, production ${languageLabel(b)}`;
    return [
      {
        message: "version",
        args: {
          prodLabel: languageLabel(b),
          qaLabel: languageLabel(a),
          setting,
          prod: b.target ?? b.languageVersion,
          qa: a.target ?? a.languageVersion,
        },
        environment: "prod",
        severity: severe ? "high" : "medium",
        evidence: {
          setting,
          qa: a.target ?? a.languageVersion,
          prod: b.target ?? b.languageVersion,
          stack: `production ${stackLabel(b.stack)}; QA ${stackLabel(a.stack)}`,
        },
        fix: command
          ? loadChangeFix(
              prod,
              qa,
              `Run production on the version QA tested (${languageLabel(a)}).`,
              `${align}: deploy the build QA tested with ${setting} set as below.`,
              command,
            )
          : codeFix(
              `${align}${qaRow ? "" : ` (QA's version is not offered on production's ${b.hosting ?? "hosting model"})`}.`,
            ),
      },
    ];
  },
});

/** `~20` and `20`, `3.12` and `3.12.0`, `v8.0` and `8.0` name one version. */
function normaliseVersion(version: string): string {
  return version
    .toLowerCase()
    .replace(/^[~v]/, "")
    .replace(/(\.0)+$/, "");
}
