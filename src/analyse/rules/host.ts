import { az, configFix, rollbackFix } from "../fixes.js";
import { defineRule, type Detection } from "../rule.js";

/** Host diagnostic events that another rule explains and fixes. */
const AZFD_RULE: Record<string, string> = {
  AZFD0003: "R15",
  AZFD0004: "R13",
  AZFD0005: "R18 (extension versions: update the packages or the bundle and redeploy)",
  AZFD0006: "R20",
  AZFD0011: "R06",
  AZFD0013: "R07",
};

/** H01: the portal's "runtime unreachable" starts here: the site or its host is not running. */
export const hostNotRunning = defineRule({
  id: "H01",
  scope: "each",
  title: "The site and its Functions host are running",
  severity: "critical",
  docs: "https://learn.microsoft.com/azure/azure-functions/functions-recover-storage-account",
  why: 'A host that is not Running serves no triggers; the portal shows "Azure Functions Runtime is unreachable".',
  needs: ["site"],
  // Some hosts do not expose the status pass-through (404): then the site state is all there is.
  optional: ["hostStatus"],
  messages: {
    site: "the {env} site is {state}",
    host: "the {env} Functions host is {state}, not Running",
    unavailable: "the {env} host status is not available ({reason}): judged on the site state alone",
  },
  check({ env }) {
    const site = env.site!;
    if (site.state !== "Running" || !site.enabled) {
      return [
        {
          message: "site",
          args: { env: env.role, state: site.enabled ? site.state : "disabled" },
          environment: env.role,
          evidence: { setting: "site state", [env.role]: site.state },
          fix: configFix("Start the site if it was not stopped on purpose.", az.start(env)),
        },
      ];
    }
    const host = env.host;
    if (!host) {
      const reason = env.gaps.find((g) => g.source === "hostStatus")?.reason ?? "not read";
      return [
        {
          message: "unavailable",
          args: { env: env.role, reason },
          environment: env.role,
          severity: "info",
          evidence: { setting: "host status", [env.role]: "unavailable", detail: reason },
        },
      ];
    }
    if (host.state === "Running") return [];
    return [
      {
        message: "host",
        args: { env: env.role, state: host.state },
        environment: env.role,
        evidence: {
          setting: "host state",
          [env.role]: host.state,
          detail: host.errors[0]?.slice(0, 200) ?? `host ${host.version ?? "version unknown"}`,
        },
        fix: rollbackFix(
          "No configuration finding explains the stopped host: roll back to the last build that ran.",
        ),
      },
    ];
  },
});

/** H02: errors the host reports in its status are what the portal shows as the app's errors. */
export const hostErrors = defineRule({
  id: "H02",
  scope: "each",
  title: "The Functions host reports no errors",
  severity: "critical",
  docs: "https://learn.microsoft.com/azure/azure-functions/errors-diagnostics/diagnostic-events",
  why: "Host status errors (AZFD diagnostic events) are the host failing to start or load functions.",
  needs: [],
  optional: ["hostStatus"],
  messages: { errors: "the {env} host reports {count} error(s): {first}" },
  check({ env }) {
    const errors = env.host?.errors ?? [];
    if (errors.length === 0) return [];
    const codes = [...new Set(errors.flatMap((e) => e.match(/AZFD\d{4}/g) ?? []))];
    const explained = codes.map((c) => AZFD_RULE[c]).filter(Boolean);
    return [
      {
        message: "errors",
        args: { env: env.role, count: String(errors.length), first: errors[0]!.slice(0, 160) },
        environment: env.role,
        evidence: {
          setting: "host status errors",
          [env.role]: codes.join(", ") || `${errors.length} error(s)`,
          detail: errors
            .slice(0, 3)
            .map((e) => e.slice(0, 200))
            .join(" | "),
        },
        fix: rollbackFix(
          explained.length > 0
            ? `See ${explained.join(", ")}; if no configuration fix applies, roll back.`
            : "No known configuration fix: roll back to the last build that ran.",
        ),
      } satisfies Detection,
    ];
  },
});
