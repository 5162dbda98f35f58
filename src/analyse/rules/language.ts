import type { EnvironmentFacts, Os, StackRow } from "../../core/facts.js";
import { isContainerApp } from "../../core/platform.js";
import { EOL_WARNING_MS } from "../../core/time.js";
import { codeFix, configFix, versionCommand } from "../fixes.js";
import { languageLabel, rowVersion, stackLabel, type RuntimeProfile } from "../profile.js";
import { defineRule, type Detection } from "../rule.js";

const SUPPORTED_LANGUAGES = "https://learn.microsoft.com/azure/azure-functions/supported-languages";

/** A row that is usable on `~major` and not within 6 months of its end of life. */
export function isUsable(row: StackRow | undefined, major: number | undefined, now: Date): boolean {
  if (!row || row.isDeprecated) return false;
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
): StackRow | undefined {
  // In-process .NET has no future: its successor is the isolated worker.
  const worker = language === "dotnet" ? "dotnet-isolated" : language;
  return rows
    .filter((r) => r.os === os && r.workerRuntime === worker && isUsable(r, major, now))
    .filter((r) => r.endOfLife || worker !== "dotnet-isolated") // .NET Framework rows have no date
    .sort((a, b) => (b.endOfLife ?? "").localeCompare(a.endOfLife ?? ""))[0];
}

/** QA's row, when it is the same language on the same hosting and usable: the version QA tested. */
export function qaAlternative(qa: RuntimeProfile, self: RuntimeProfile, now: Date): StackRow | undefined {
  const same =
    qa.stack &&
    qa.language === self.language &&
    qa.os === self.os &&
    qa.isFlex === self.isFlex &&
    isUsable(qa.stack, self.extensionMajor, now);
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
  },
  check({ env, self, profile, facts, now }) {
    if (!NON_DOTNET.test(self.language ?? "") || !self.languageVersion || self.extensionMajor === undefined)
      return [];
    const wanted = `~${self.extensionMajor}`;
    if (self.stack?.extensionVersions.includes(wanted)) return [];
    const os = self.isFlex ? "linux" : (self.os ?? "linux");
    const alternative = env.role === "prod" ? qaAlternative(profile.qa, self, now) : undefined;
    const target =
      alternative ?? newestUsable(facts.stacks.rows, self.language, os, self.extensionMajor, now);
    const command = target ? versionCommand(env, self.versionSetting, target) : undefined;
    const setting = self.versionSetting?.name ?? "version";
    return [
      {
        message: self.stack ? "notOffered" : "notListed",
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
        evidence: {
          setting,
          [env.role]: self.target ?? self.languageVersion,
          ...(env.role === "prod" ? { qa: profile.qa.target ?? languageLabel(profile.qa) } : {}),
          stack: stackLabel(self.stack),
        },
        // QA runs this build on a version ~4 offers: a setting. Otherwise the build must move.
        fix: alternative
          ? configFix(`Run ${languageLabel(self)} as QA does: ${rowVersion(alternative)}.`, command!)
          : codeFix(
              target
                ? `Rebuild and test for ${self.language} ${rowVersion(target)} (${wanted} does not run ` +
                    `${languageLabel(self)}), deploy it, then set ${setting}.`
                : `Rebuild for a ${self.language} version that ${wanted} offers.`,
              ...(command ? [command] : []),
            ),
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
  needs: ["appSettings", "config", "site"],
  appliesTo: imageReason,
  messages: {
    language: "production runs {prod} but QA runs {qa}: a different build",
    version: "production runs {prodLabel} ({setting} {prod}) but QA runs {qaLabel} ({qa})",
  },
  check({ profile, prod, now }) {
    const [a, b] = [profile.qa, profile.prod];
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
    if (!a.languageVersion || !b.languageVersion) return [];
    if (
      a.languageVersion.toLowerCase() === b.languageVersion.toLowerCase() ||
      a.isFlex !== b.isFlex ||
      a.os !== b.os
    )
      return [];
    const qaRow = qaAlternative(a, b, now);
    // Production on a version out of support (or not offered) while QA's is fine: a release defect.
    const severe = qaRow && !isUsable(b.stack, b.extensionMajor, now);
    const command = qaRow ? versionCommand(prod, b.versionSetting, qaRow) : undefined;
    const setting = b.versionSetting?.name ?? "version";
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
          ? configFix(`Run production on the version QA tested (${languageLabel(a)}).`, command)
          : codeFix(
              `Align the language versions: QA runs ${languageLabel(a)}, production ${languageLabel(b)}.`,
            ),
      },
    ];
  },
});
