import { settingValue } from "../../core/facts.js";
import { az, codeFix, configFix } from "../fixes.js";
import { languageLabel } from "../profile.js";
import { defineRule, type Detection } from "../rule.js";

const MIGRATE_V4 = "https://learn.microsoft.com/azure/azure-functions/migrate-version-3-version-4";

/** R01: with no FUNCTIONS_EXTENSION_VERSION the host cannot start (portal banner). */
export const runtimeVersionMissing = defineRule({
  id: "R01",
  scope: "each",
  title: "FUNCTIONS_EXTENSION_VERSION is set",
  severity: "critical",
  docs: "https://learn.microsoft.com/azure/azure-functions/set-runtime-version",
  why: "Without FUNCTIONS_EXTENSION_VERSION the portal reports that the runtime cannot be started.",
  needs: ["appSettings", "site"],
  messages: {
    missing: "FUNCTIONS_EXTENSION_VERSION is not set in {env}: the Functions runtime cannot start",
  },
  check({ env, self }) {
    if (self.isFlex || self.extensionVersion) return [];
    return [
      {
        message: "missing",
        args: { env: env.role },
        environment: env.role,
        evidence: { setting: "FUNCTIONS_EXTENSION_VERSION", [env.role]: "(not set)" },
        fix: configFix(
          "Set the runtime version to ~4.",
          az.setSetting(env, "FUNCTIONS_EXTENSION_VERSION", "~4"),
        ),
      },
    ];
  },
});

/** R02: runtimes 1.x-3.x are out of support; v3 on Linux Consumption stops running after 2026-09-30. */
export const runtimeVersionUnsupported = defineRule({
  id: "R02",
  scope: "each",
  title: "The Functions runtime version is supported",
  severity: "high",
  docs: "https://learn.microsoft.com/azure/azure-functions/functions-versions",
  why: "Runtimes 2.x and 3.x left extended support on 2022-12-13 and 1.x support ends 2026-09-14; only 4.x gets fixes.",
  needs: ["appSettings", "site"],
  messages: { old: "{env} runs Functions runtime {version}, which is out of support; QA runs {qaVersion}" },
  check({ env, self, qa, profile }) {
    if (self.extensionMajor === undefined || self.extensionMajor >= 4) return [];
    // Production left on 3.x while QA moved to ~4 is release drift, fixed by configuration.
    const qaOnV4 = env.role === "prod" && (profile.qa.extensionMajor ?? 0) >= 4;
    // A build whose language version ~4 does not run (dotnet-isolated on ~3 is .NET 5, Node 12,
    // PowerShell 6) needs a new build before ~4: that is a code change, not a setting. A target
    // that ~4 also runs (.NET 8 left on ~3 by mistake, Node 14) is a setting.
    const rebuild = self.stack !== undefined && !self.stack.extensionVersions.includes("~4");
    return [
      {
        message: "old",
        args: {
          env: env.role,
          version: self.extensionVersion ?? "",
          qaVersion: settingValue(qa, "FUNCTIONS_EXTENSION_VERSION") ?? "(not set)",
        },
        environment: env.role,
        severity: qaOnV4 ? "critical" : "high",
        evidence: {
          setting: "FUNCTIONS_EXTENSION_VERSION",
          qa: profile.qa.extensionVersion ?? "(not set)",
          prod: profile.prod.extensionVersion ?? "(not set)",
        },
        fix: rebuild
          ? codeFix(
              `Rebuild ${languageLabel(self)} for a language version that ~4 runs ` +
                `(${self.workerRuntime === "dotnet-isolated" ? ".NET 8 or later, isolated" : "see the stacks"}), ` +
                `deploy it, then move to ~4 (see ${MIGRATE_V4}).`,
              az.setSetting(env, "FUNCTIONS_EXTENSION_VERSION", "~4"),
            )
          : configFix(
              `Move to ~4 (see ${MIGRATE_V4}).`,
              az.setSetting(env, "FUNCTIONS_EXTENSION_VERSION", "~4"),
            ),
      },
    ];
  },
});

/** R03: an exact pin is "an unsupported runtime version" to the portal; QA and prod must agree. */
export const runtimeVersionPinnedOrDrifted = defineRule({
  id: "R03",
  scope: "pair",
  title: "QA and production run the same runtime version, not an exact pin",
  severity: "medium",
  docs: "https://learn.microsoft.com/azure/azure-functions/set-runtime-version#view-and-update-the-current-runtime-version",
  why: "A pinned version misses platform fixes, and a prod version other than QA's was never tested.",
  needs: ["appSettings"],
  messages: {
    pinned: "{env} pins FUNCTIONS_EXTENSION_VERSION to {version} instead of ~{major}",
    drift: "QA runs FUNCTIONS_EXTENSION_VERSION {qa} but production runs {prod}",
  },
  check({ qa, prod, profile }) {
    const out: Detection[] = [];
    const qaVersion = profile.qa.extensionVersion;
    const prodVersion = profile.prod.extensionVersion;
    if (
      qaVersion &&
      prodVersion &&
      qaVersion !== prodVersion &&
      profile.prod.extensionMajor !== undefined &&
      profile.prod.extensionMajor >= 4
    ) {
      out.push({
        message: "drift",
        args: { qa: qaVersion, prod: prodVersion },
        environment: "prod",
        severity: "high",
        evidence: { setting: "FUNCTIONS_EXTENSION_VERSION", qa: qaVersion, prod: prodVersion },
        fix: configFix(
          "Run production on the version QA tested.",
          az.setSetting(
            prod,
            "FUNCTIONS_EXTENSION_VERSION",
            /^~\d+$/.test(qaVersion) ? qaVersion : `~${profile.qa.extensionMajor ?? 4}`,
          ),
        ),
      });
    }
    for (const env of [qa, prod]) {
      const version = profile[env.role].extensionVersion;
      if (!version || /^~\d+$/.test(version) || /^\d+\.\*$/.test(version)) continue;
      const major = String(profile[env.role].extensionMajor ?? 4);
      out.push({
        message: "pinned",
        args: { env: env.role, version, major },
        environment: env.role,
        evidence: { setting: "FUNCTIONS_EXTENSION_VERSION", [env.role]: version },
        fix: configFix(
          `Use ~${major} so the platform keeps the runtime patched.`,
          az.setSetting(env, "FUNCTIONS_EXTENSION_VERSION", `~${major}`),
        ),
      });
    }
    return out;
  },
});
