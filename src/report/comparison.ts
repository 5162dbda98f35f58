import { RULES } from "../analyse/rules/index.js";
import { PREFLIGHT_RULES } from "../analyse/rules/readiness.js";
import { formatValue, groupThousands, signedPercent } from "../core/format.js";
import { runsNow } from "../decide/plan.js";
import type { EnvironmentSummary, Report } from "./model.js";

/** The side-by-side rows both human formats show: label, QA, production. */
export function comparisonRows(
  report: Report,
): { label: string; qa: string; prod: string; differs: boolean }[] {
  const { qa, prod } = report.environments;
  const rows: [string, (e: EnvironmentSummary) => string][] = [
    ["App", (e) => e.name],
    [
      "Runtime",
      (e) =>
        [e.extensionVersion ?? "?", e.hostVersion ? `host ${e.hostVersion}` : undefined]
          .filter(Boolean)
          .join(", "),
    ],
    [".NET target", (e) => e.target ?? "?"],
    [
      "Worker",
      (e) => (e.workerRuntime ? `${e.workerRuntime}${e.workerModel ? ` (${e.workerModel})` : ""}` : "?"),
    ],
    ["Bitness", (e) => e.bitness ?? "?"],
    ["Stack", (e) => e.stack?.name ?? "no matching stack"],
    ["End of life", (e) => e.stack?.endOfLife?.slice(0, 10) ?? (e.stack ? "none announced" : "?")],
    ["OS", (e) => e.os ?? "?"],
    [
      "Plan",
      // No count when Azure gave none (Consumption and Flex plans answer numberOfSites: 0); the
      // site's own tier when the plan could not be read.
      (e) =>
        e.plan
          ? `${e.plan.sku} ${e.plan.tier}${e.plan.appsOnPlan !== null ? `, ${e.plan.appsOnPlan} app(s)` : ""}`
          : e.siteTier
            ? `${e.siteTier} (the site's tier; plan not read)`
            : "?",
    ],
    [
      "Host",
      (e) =>
        [
          e.siteState && e.siteState !== "Running" ? `site ${e.siteState}` : undefined,
          e.hostState ?? "unknown",
        ]
          .filter(Boolean)
          .join(", "),
    ],
    [
      "Functions",
      (e) =>
        e.functions
          ? `${e.functions.total}${e.functions.disabled ? ` (${e.functions.disabled} disabled)` : ""}`
          : "?",
    ],
  ];
  return rows.map(([label, pick]) => {
    const [a, b] = [pick(qa), pick(prod)];
    return {
      label,
      qa: a,
      prod: b,
      differs:
        label === "App" || label === "Runtime"
          ? qa.extensionVersion !== prod.extensionVersion
          : label === "Plan"
            ? planDiffers(qa, prod)
            : a !== b,
    };
  });
}

/**
 * Production on a larger plan of the same tier than QA (EP2 against EP1, more instances) is how
 * teams size them, not a regression: only another tier, or a smaller production, is a difference.
 */
function planDiffers(qa: EnvironmentSummary, prod: EnvironmentSummary): boolean {
  if (!qa.plan || !prod.plan) return (qa.plan?.sku ?? qa.siteTier) !== (prod.plan?.sku ?? prod.siteTier);
  if (qa.plan.tier !== prod.plan.tier) return true;
  const size = (sku: string) => Number(/\d+/.exec(sku)?.[0] ?? 0);
  return size(prod.plan.sku) < size(qa.plan.sku) || (prod.plan.instances ?? 0) < (qa.plan.instances ?? 0);
}

export function releaseLine(report: Report): string {
  const { release } = report;
  return release.time
    ? `${release.time.replace("T", " ").replace(/\.\d+Z$|Z$/, " UTC")} ` +
        `(${release.source === "--since" ? release.detail : `from the ${release.detail}`})`
    : `unknown (${release.detail})`;
}

export function stacksLine(report: Report): string {
  const { stacks } = report;
  if (stacks.source === "api")
    return report.mode === "replay"
      ? "Function App Stacks API, as recorded"
      : "Function App Stacks API (live)";
  // The note carries the SDK's error text; a release manager needs only whether and why it failed.
  const status = /HTTP \d{3}/.exec(stacks.note ?? "")?.[0];
  const why = !stacks.note
    ? ""
    : report.mode === "replay"
      ? ": the recording holds no Stacks API answer"
      : `: the Stacks API did not answer${status ? ` (${status})` : ""}`;
  // The age only when it matters: a copy newer than the check (an old recording), or a stale one.
  const age = stacks.newerThanCheck
    ? " (newer than the check's clock)"
    : (stacks.ageDays ?? 0) > STACKS_STALE_DAYS
      ? ` (${stacks.ageDays} days old: a stack's end of life announced since may be missing)`
      : "";
  return `bundled Core Tools snapshot of ${stacks.snapshotDate}${age}${why}`;
}

/**
 * Microsoft adds a language major and announces end-of-life dates about once a year (each .NET and
 * Node major, yearly): a copy older than that may miss one.
 * https://learn.microsoft.com/azure/azure-functions/language-support-policy
 */
const STACKS_STALE_DAYS = 365;

const minute = (iso: string) => iso.replace("T", " ").replace(/:\d\d(\.\d+)?Z$/, "");
const GRAIN: Record<string, string> = {
  PT1M: "1-minute",
  PT5M: "5-minute",
  PT15M: "15-minute",
  PT1H: "1-hour",
};

/** The metric windows, said once for every metric finding. */
export function windowsLine(report: Report): string | undefined {
  const w = report.metrics.windows;
  if (!w) return undefined;
  const baseline =
    w.baselineMode === "last-week" ? "the same hours a week earlier" : "the same length before";
  return (
    `after the release ${minute(w.after.start)} → ${minute(w.after.end)} UTC against ${baseline} ` +
    `(${minute(w.baseline.start)} → ${minute(w.baseline.end)}), ${GRAIN[w.grain] ?? w.grain} buckets`
  );
}

export function evidenceLine(evidence: Report["findings"][number]["evidence"]): string {
  const parts = [];
  if (evidence.setting) parts.push(evidence.setting);
  const values = [
    evidence.qa !== undefined ? `QA ${evidence.qa}` : undefined,
    evidence.prod !== undefined ? `prod ${evidence.prod}` : undefined,
  ].filter(Boolean);
  if (values.length) parts.push(values.join(", "));
  if (evidence.stack) parts.push(`stack ${evidence.stack}`);
  if (evidence.detail) parts.push(evidence.detail);
  return parts.join("; ");
}

const BLOCKS = "▁▂▃▄▅▆▇█";

/** A Unicode sparkline of a series: its shape, scaled to its own range. */
export function sparkline(values: readonly number[], width = 24): string {
  if (values.length === 0) return "";
  const step = values.length / Math.min(width, values.length);
  const points: number[] = [];
  for (let i = 0; i < values.length; i += step) points.push(values[Math.floor(i)]!);
  const [min, max] = [Math.min(...points), Math.max(...points)];
  return points
    .map((v) => BLOCKS[max === min ? 3 : Math.round(((v - min) / (max - min)) * (BLOCKS.length - 1))])
    .join("");
}

/** The rows of the metrics table: production first, then QA, after against before. */
export function metricRows(report: Report) {
  const rows = report.metrics.judgments.filter(
    (j) => j.comparison === "after-vs-before" && j.outcome !== "unavailable",
  );
  const order = { prod: 0, qa: 1 } as const;
  return rows
    .sort((a, b) => order[a.environment] - order[b.environment])
    .map((j) => ({
      environment: j.environment,
      metric: j.label,
      before: formatValue(j.control.median, j.unit),
      after: formatValue(j.experiment.median, j.unit),
      change: j.change === null ? "" : signedPercent(j.change),
      judgment: j.outcome,
      trend: sparkline(j.trend),
      /** The after-window's values, for a sparkline of another width. */
      values: j.trend,
    }));
}

export function unavailableMetrics(report: Report): string {
  const seen = new Map<string, string>();
  for (const j of report.metrics.judgments)
    if (j.outcome === "unavailable" && !seen.has(j.metric)) seen.set(j.metric, j.reason ?? "");
  return [...seen].map(([metric, reason]) => `${metric} (${reason})`).join("; ");
}

/**
 * What a person must do, counted as the distinct commands of the plan (two findings fixed by one
 * command are one thing to do); the verdict's own summary when there is nothing to run.
 */
export function headline(r: Report["recommendation"]): string {
  const commands = new Set(r.plan.filter(runsNow).map((s) => s.text)).size;
  if ((r.action !== "HOTFIX" && r.action !== "ROLLBACK") || commands === 0) return r.summary;
  const what = r.action === "HOTFIX" ? "Fix production" : "Roll production back";
  return `${what}: ${commands} ${commands === 1 ? "command" : "commands"} to run (the plan), then check again.`;
}

/** The metric windows are said once per report, so each finding's copy of them goes. */
export function plainEvidence(text: string): string {
  return text.replace(/;? ?after \S+\.\.\S+ vs (?:before|a week earlier) \S+\.\.\S+, \S+ buckets/g, "");
}

type Finding = Report["findings"][number];

/** The rules a report's moment runs: a preflight its own set (no metric rule passes by not running). */
export function rulesJudged(report: Report) {
  return report.moment === "preflight" ? PREFLIGHT_RULES : RULES;
}

/**
 * A finding's fix as the decision tells it: the decision's own sentence for a finding it put down to
 * another (M01 explained by R09 in a HOTFIX), the rule's fix otherwise. Every format shows this one.
 */
export function fixOf(report: Report, f: Finding): { summary: string; commands: string[] } | undefined {
  const explained = report.recommendation.explained?.find(
    (e) => e.ruleId === f.ruleId && e.environment === f.environment,
  );
  if (explained) return { summary: explained.fix, commands: [] };
  return f.fix ? { summary: f.fix.summary, commands: f.fix.commands } : undefined;
}

/** A finding the verdict names among its drivers ("R09 (prod): …"): the findings that gate the run. */
export function isGating(report: Report, f: Finding): boolean {
  return report.recommendation.drivers.some((d) => d.startsWith(`${f.ruleId} (${f.environment}): `));
}

/**
 * What a clean verdict rests on, in one line (as Argo Rollouts lists an analysis's measurements):
 * the rules that passed, the metrics judged, and the traffic behind them.
 */
export function judgedLine(report: Report): string {
  const rules = rulesJudged(report).length;
  const after = report.metrics.judgments.filter(
    (j) => j.comparison === "after-vs-before" && j.outcome !== "unavailable",
  );
  const ok = after.filter((j) => j.outcome === "ok" || j.outcome === "better").length;
  const requests = (role: "qa" | "prod") =>
    after.find((j) => j.environment === role && j.metric === "Requests")?.experiment.total;
  const rate = after.find((j) => j.environment === "prod" && j.metric === "Http5xxRate")?.experiment.median;
  const traffic = (["prod", "qa"] as const)
    .map((role) => {
      const n = requests(role);
      return n === undefined || n === null ? undefined : `${role} ${groupThousands(n)}`;
    })
    .filter(Boolean);
  const failed = new Set(report.findings.map((f) => f.ruleId)).size;
  return (
    `Judged: ${rules - failed} of ${rules} rules passed; ${ok} of ${after.length} metric judgments as ` +
    `before or better` +
    (traffic.length > 0 ? `, over ${traffic.join(" and ")} requests after the release` : "") +
    (rate !== undefined && rate !== null ? ` (prod 5xx ${formatValue(rate, "Ratio")})` : "") +
    "."
  );
}
