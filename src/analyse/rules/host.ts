import type { EnvironmentFacts } from "../../core/facts.js";
import { az, configFix, rollbackFix } from "../fixes.js";
import { defineRule, sayOnce, type Detection } from "../rule.js";

function isStopped(env: EnvironmentFacts): boolean {
  return Boolean(env.site && (env.site.state.toLowerCase() !== "running" || !env.site.enabled));
}

/** A stopped site has no host to ask (the status pass-through answers 403): H03 says it, once. */
const hostAnswers = (env: EnvironmentFacts) =>
  isStopped(env) ? "the site is stopped (H03): its Functions host does not run and cannot answer" : undefined;

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
  appliesTo: hostAnswers,
  messages: {
    host: "the {env} Functions host is {state}, not Running",
    unavailable: "the {env} host status is not available ({reason}): judged on the site state alone",
  },
  check({ env }) {
    const host = env.host;
    if (!host) {
      const reason = sayOnce(env.gaps.find((g) => g.source === "hostStatus")?.reason ?? "not read");
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
  appliesTo: hostAnswers,
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

/**
 * H03: a stopped or disabled app serves nothing, and everything downstream (executions at zero,
 * the host status answering 403) follows from it: said once, first, with the way to start it.
 */
export const appStopped = defineRule({
  id: "H03",
  scope: "each",
  title: "The app is started and enabled",
  severity: "critical",
  docs: "https://learn.microsoft.com/cli/azure/functionapp#az-functionapp-start",
  why:
    "A stopped (state Stopped) or disabled (enabled false) Function App runs no triggers and answers no " +
    "requests; its host status is not reachable.",
  needs: ["site"],
  messages: {
    stopped: "the {env} app is {state}: it runs no functions{since}",
  },
  check({ env }) {
    if (!isStopped(env)) return [];
    const site = env.site!;
    const state = [
      site.state.toLowerCase() !== "running" ? `stopped (state ${site.state})` : "",
      site.enabled ? "" : "disabled",
    ]
      .filter(Boolean)
      .join(" and ");
    return [
      {
        message: "stopped",
        args: {
          env: env.role,
          state,
          since: site.lastModified ? ` (site last modified ${site.lastModified})` : "",
        },
        environment: env.role,
        evidence: {
          setting: "state, enabled",
          [env.role]: `state ${site.state}, enabled ${String(site.enabled)}`,
          detail: site.lastModified
            ? `the site last changed at ${site.lastModified}, the latest time it can have been stopped`
            : "the site reports no last-modified time",
        },
        fix: configFix("Start the app if it was not stopped on purpose.", az.start(env)),
      },
    ];
  },
});

/**
 * H04: checks that cannot apply to an app's kind (a Container Apps app has no plan; a stopped app
 * no host to ask) are said with the reason, as information: they neither pass nor block.
 */
export const notApplicable = defineRule({
  id: "H04",
  scope: "each",
  title: "Checks that do not apply to the app's hosting model are named, with why",
  severity: "info",
  docs: "https://learn.microsoft.com/azure/azure-functions/functions-scale",
  why:
    "Some checks only make sense for some hosting models (plans, slots, host status); a report must say " +
    "which it left out rather than pass them silently.",
  needs: [],
  messages: { skipped: "{env}: {count} check(s) do not apply: {list}" },
  check({ env, notApplicable: left }) {
    const mine = left.filter((n) => n.environment === env.role);
    if (mine.length === 0) return [];
    const byReason = new Map<string, string[]>();
    for (const n of mine) byReason.set(n.reason, [...(byReason.get(n.reason) ?? []), n.ruleId]);
    const list = [...byReason].map(([reason, ids]) => `${ids.join(", ")} (${reason})`).join("; ");
    return [
      {
        message: "skipped",
        args: { env: env.role, count: String(mine.length), list },
        environment: env.role,
        evidence: {
          setting: mine.map((n) => n.ruleId).join(", "),
          [env.role]: "not applicable",
          detail: list,
        },
      },
    ];
  },
});
