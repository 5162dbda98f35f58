import { csvRows, type CsvValue } from "../report/csv.js";
import { inert } from "../report/inert.js";
import { esc, tableCells, tableRow } from "../report/markup.js";
import type { SnapshotDiff } from "./diff.js";
import {
  deployments,
  minutesText,
  percent,
  type AppSummary,
  type Deployment,
  type FixLanding,
  type LedgerSummary,
  type Rate,
  type UncleanDeployment,
} from "./metrics.js";
import {
  effectiveOutcome,
  type LedgerEntry,
  type LedgerRecord,
  type Outcome,
  type Remediation,
} from "./record.js";

/**
 * The ledger's output formats, pure. Text in ledger records comes from Azure and from people
 * (reasons, titles, app names): CSV cells are made inert for spreadsheets, HTML escapes every
 * text, and terminal text loses its control characters.
 */
export const LIST_FORMATS = ["text", "json", "csv", "html"] as const;
export type LedgerFormat = (typeof LIST_FORMATS)[number];

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
/** One line of terminal text: no escape sequences, no bidi overrides, no line breaks, no CI command. */
export const plain = (text: string): string => inert(text.replace(CONTROL, "?").replace(/[\r\n]+/g, " "));

/** Re-exported for the ledger's tests: the one writer lives in src/report/csv.ts. */
export { csvCell } from "../report/csv.js";
const csv = (rows: CsvValue[][]) => csvRows(rows);

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

function outcomeText(e: LedgerEntry): string {
  const effective = effectiveOutcome(e);
  return effective === e.outcome ? effective : `${effective} (marked; automatic: ${e.outcome})`;
}

// --- list ---------------------------------------------------------------------------------

/**
 * One deployment (the checks of one release of one production app), as `ledger list` shows it:
 * the text and CSV with a line per check (`checkRow`), the JSON with each check as recorded.
 */
export interface DeploymentRow<Check> {
  app: string;
  /** The release time; null when no check of it knew one. */
  release: string | null;
  /** The deployment's outcome: a person's latest mark, else the latest check's own. */
  outcome: Outcome;
  /** The latest check's own outcome, from its verdict. */
  automatic: Outcome;
  /** How the deployment was put right, as the latest mark that says so records it. */
  remediation: Remediation | null;
  checks: Check[];
}

/** `ledger list --format json` (schema/azfn-health.ledger-list.schema.json). */
export interface LedgerListJson {
  /** Oldest release first; each check as recorded, without its facts snapshot (`ledger show` has it). */
  deployments: DeploymentRow<LedgerEntry>[];
}

/** `ledger diff <id> --format json` (schema/azfn-health.ledger-diff.schema.json). */
export interface LedgerDiffJson {
  /** Against the production app's last clean check before this one; null when there is none. */
  sinceLastClean: SnapshotDiff | null;
}

/** One check as `ledger list` shows it inside its deployment. */
function checkRow(e: LedgerEntry) {
  return {
    id: e.id,
    recordedAt: e.recordedAt,
    verdict: e.verdict,
    automatic: e.outcome,
    findings: e.findings.length,
    mode: e.mode,
  };
}

type CheckRow = ReturnType<typeof checkRow>;

function deploymentRow(d: Deployment): DeploymentRow<CheckRow> {
  return {
    app: d.app,
    release: d.record.release.time ?? null,
    outcome: d.outcome,
    automatic: d.record.outcome,
    remediation: [...d.record.marks].reverse().find((m) => m.remediation)?.remediation ?? null,
    checks: d.checks.map(checkRow),
  };
}

/**
 * `ledger list`: one deployment per release, its checks inside (three checks of one release are
 * one deployment, judged by the latest check and any mark, as `ledger report` counts it).
 */
export function renderList(entries: readonly LedgerEntry[], format: LedgerFormat): string {
  const ds = deployments(entries);
  if (format === "json")
    return json({
      deployments: ds.map((d) => ({ ...deploymentRow(d), checks: d.checks })),
    } satisfies LedgerListJson);
  const rows = ds.map(deploymentRow);
  if (format === "csv")
    return csv([
      [
        "app",
        "release",
        "deployment_outcome",
        "automatic_outcome",
        "remediation",
        "checks",
        "id",
        "recorded_at",
        "verdict",
        "findings",
        "mode",
      ],
      ...rows.flatMap((r) =>
        r.checks.map((c) => [
          r.app,
          r.release ?? "unknown",
          r.outcome,
          r.automatic,
          r.remediation ?? "",
          r.checks.length,
          c.id,
          c.recordedAt,
          c.verdict,
          c.findings,
          c.mode,
        ]),
      ),
    ]);
  if (format === "html") return listHtml(rows);
  if (rows.length === 0) return "The ledger has no records yet.\n";
  const lines = [`${"release".padEnd(16)}  ${"app".padEnd(24)}  outcome`];
  for (const r of rows) {
    const marked = r.outcome !== r.automatic ? " (marked)" : "";
    const checks = r.checks.length === 1 ? "1 check" : `${r.checks.length} checks`;
    lines.push(
      `${(r.release ?? "unknown").slice(0, 16).padEnd(16)}  ${plain(r.app).padEnd(24)}  ` +
        `${r.outcome}${marked}${r.remediation ? `, ${r.remediation}` : ""} (${checks})`,
    );
    for (const c of r.checks)
      lines.push(
        `    ${c.id}  checked ${c.recordedAt.slice(0, 16)}  ${c.verdict.padEnd(12)}  ${c.automatic}`,
      );
  }
  return `${lines.join("\n")}\n`;
}

const LIST_HEAD = ["release", "app", "outcome", "remediation", "check", "checked", "verdict", "findings"];

function listHtml(rows: readonly DeploymentRow<CheckRow>[]): string {
  const body = rows.flatMap((r) =>
    r.checks.map((c, i) => {
      const deployment =
        i === 0
          ? `<td rowspan="${r.checks.length}">${esc(r.release ?? "unknown")}</td>` +
            `<td rowspan="${r.checks.length}">${esc(r.app)}</td>` +
            `<td rowspan="${r.checks.length}" class="${esc(r.outcome)}">${esc(r.outcome)}` +
            `${r.outcome !== r.automatic ? " (marked)" : ""}</td>` +
            `<td rowspan="${r.checks.length}">${esc(r.remediation ?? "")}</td>`
          : "";
      return `<tr>${deployment}${tableCells([esc(c.id), esc(c.recordedAt), esc(c.verdict), c.findings])}</tr>`;
    }),
  );
  return page(
    "azfn-health ledger",
    `<h1>Deployment ledger</h1><p>One deployment per release; its checks beside it.</p>` +
      `<div class="scroll"><table><thead>${tableRow(LIST_HEAD, "th")}</thead><tbody>\n` +
      `${body.join("\n")}\n</tbody></table></div>`,
  );
}

// --- show ---------------------------------------------------------------------------------

export function renderShow(record: LedgerRecord, format: "text" | "json"): string {
  if (format === "json") return json(record);
  const deployment = record.release.deploymentId ? `, deployment ${plain(record.release.deploymentId)}` : "";
  const lines = [
    `Record ${record.id}, checked ${record.recordedAt} (${record.mode}, ${plain(record.tool)})`,
    `  QA:          ${plain(record.apps.qa)}`,
    `  Production:  ${plain(record.apps.prod)}${record.production ? "" : " (a slot: not a production deployment)"}`,
    `  Release:     ${record.release.time ?? "unknown"} (${record.release.source}: ` +
      `${plain(record.release.detail)})${deployment}`,
    `  Verdict:     ${record.verdict} (exit ${record.exitCode})`,
    `  Outcome:     ${outcomeText(record)}`,
  ];
  if (record.bundle) lines.push(`  Evidence:    bundle sha256 ${record.bundle.sha256}`);
  if (record.servicenowChange) lines.push(`  Change:      ${plain(record.servicenowChange)}`);
  lines.push(`  Findings:    ${record.findings.length === 0 ? "none" : ""}`);
  for (const f of record.findings)
    lines.push(`    ${f.severity.padEnd(8)} ${f.ruleId} (${f.environment}): ${plain(f.title)}`);
  if (record.marks.length > 0) lines.push("  Marks (latest wins; the automatic outcome is kept):");
  for (const m of record.marks) {
    const remediation = m.remediation ? `, ${m.remediation}` : "";
    const build = m.ciBuild ? ` (build ${plain(m.ciBuild)})` : "";
    const restored = m.restoredAt ? `, restored at ${m.restoredAt}` : "";
    lines.push(
      `    ${m.at} ${m.outcome}${remediation} by ${plain(m.by)}${build}${restored}: ${plain(m.reason)}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

// --- diff ---------------------------------------------------------------------------------

export function renderDiffText(
  diff: SnapshotDiff | undefined,
  heading = "Since the last clean deployment",
): string {
  if (!diff) return `${heading}: no earlier clean deployment of this app in the ledger.\n`;
  const lines = [
    `${heading} (${diff.from.id}, released ${diff.from.release ?? "unknown"}, ${diff.from.verdict}):`,
  ];
  if (diff.fields.length === 0 && diff.settings.length === 0) lines.push("  nothing it runs on changed");
  for (const f of diff.fields)
    lines.push(`  ${f.field}: ${plain(f.before ?? "(none)")} -> ${plain(f.after ?? "(none)")}`);
  for (const s of diff.settings) {
    const values =
      s.before !== undefined || s.after !== undefined
        ? `: ${plain(s.before ?? "(none)")} -> ${plain(s.after ?? "(none)")}`
        : "";
    lines.push(`  ${s.kind} ${plain(s.name)}: ${s.change}${values}`);
  }
  if (diff.notComparable > 0)
    lines.push(
      `  (${diff.notComparable} secret-valued settings in both: values are hashed per check and not comparable)`,
    );
  return `${lines.join("\n")}\n`;
}

export function renderDiff(diff: SnapshotDiff | undefined, format: "text" | "json"): string {
  if (format === "json") return json({ sinceLastClean: diff ?? null } satisfies LedgerDiffJson);
  return renderDiffText(diff);
}

// --- report -------------------------------------------------------------------------------

const rateCells = (r: Rate) => [
  r.numerator,
  r.denominator,
  r.rate === null ? "N/A" : Number((r.rate * 100).toFixed(1)),
];

/** Why a rate is "N/A": the same words in every format. */
export const NO_JUDGED_DEPLOYMENT =
  "no judged deployment in this window (inconclusive ones are never counted)";
export const NO_PRODUCTION_DEPLOYMENT =
  "no judged production deployment in this window: DORA counts live checks of the production app, not a slot " +
  "or a replayed recording";

/** The last day a window holds: `until` is exclusive, so a window ending at midnight ends the day before. */
function lastDay(until: string): string {
  const at = Date.parse(until);
  return new Date(until.endsWith("T00:00:00.000Z") ? at - 1 : at).toISOString().slice(0, 10);
}

function periodText(summary: LedgerSummary): string {
  const range = `${summary.since ? summary.since.slice(0, 10) : "the first record"} to ${lastDay(summary.until)}`;
  return summary.quarter
    ? `${summary.quarter} (${range})`
    : summary.since
      ? range
      : `All time (to ${lastDay(summary.until)})`;
}

function stackText(stack: NonNullable<FixLanding["stack"]>): string {
  const runtime = stack.extensionVersion ? `Functions runtime ${stack.extensionVersion}` : "";
  return [stack.stack, runtime].filter(Boolean).join(" on ") || "stack unknown";
}

/** Where the fix left production, in one phrase: "on the previous build: … END OF LIFE since …". */
export function fixText(fix: FixLanding | null): string {
  if (!fix) return "no remediation recorded";
  const where = fix.build === "previous" ? "the previous build" : "this release's build";
  switch (fix.state) {
    case "end-of-life":
      return `on ${where}, ${stackText(fix.stack!)}: END OF LIFE since ${fix.stack!.endOfLife!.slice(0, 10)}`;
    case "supported":
      return (
        `on ${where}, ${stackText(fix.stack!)}: supported` +
        (fix.stack!.endOfLife ? ` (end of life ${fix.stack!.endOfLife.slice(0, 10)})` : "")
      );
    case "warned":
      return `on ${where}: possibly END OF LIFE; the check warned: ${fix.note ?? ""}`;
    case "unknown":
      return `on ${where}: stack not known (${fix.note ?? ""})`;
  }
}

const uncleanHead = [
  "release",
  "app",
  "verdict",
  "checks",
  "latest_check",
  "reason",
  "marked_by",
  "marked_at",
  "change",
  "drivers",
  "remediation",
  "fix_on",
  "fix_stack",
  "fix_end_of_life",
  "fix_state",
];

const uncleanCsvRow = (u: UncleanDeployment) => [
  u.release,
  u.app,
  u.verdict,
  u.checks,
  u.id,
  u.reason ?? "",
  u.markedBy ?? "",
  u.markedAt ?? "",
  u.change ?? "",
  u.drivers.join("; "),
  u.remediation ?? "",
  u.fix?.build ?? "",
  u.fix?.stack ? stackText(u.fix.stack) : "",
  u.fix?.stack?.endOfLife ?? "",
  u.fix?.state ?? "",
];

function uncleanText(u: UncleanDeployment): string[] {
  const checks = u.checks === 1 ? "1 check" : `${u.checks} checks`;
  const marked = u.markedBy
    ? `${plain(u.reason ?? "")} (marked by ${plain(u.markedBy)} on ${(u.markedAt ?? "").slice(0, 10)})`
    : "not marked: the automatic verdict stands";
  return [
    `  ${u.release.slice(0, 16)}  ${plain(u.app)}  ${u.verdict} (${checks}, latest ${u.id})`,
    `    why:         ${marked}`,
    `    change:      ${u.change ? plain(u.change) : "none recorded"}`,
    `    drivers:     ${u.drivers.length > 0 ? u.drivers.map(plain).join("; ") : "none recorded"}`,
    `    remediation: ${u.remediation ?? "not recorded"}${u.fix ? `, ${plain(fixText(u.fix))}` : ""}`,
  ];
}

export function renderReport(summary: LedgerSummary, format: LedgerFormat): string {
  if (format === "json") return json(summary);
  if (format === "csv") {
    const header = [
      "app",
      "deployments",
      "clean",
      "unclean",
      "inconclusive",
      "clean_n",
      "clean_d",
      "clean_rate_pct",
      "cfr_n",
      "cfr_d",
      "change_failure_rate_pct",
      "median_recovery_min",
      "rollback",
      "hotfix",
      "fix_forward",
      "feature_on_previous_build",
      "unrecorded",
    ];
    const row = (app: string, s: Omit<AppSummary, "app">) => [
      app,
      s.deployments,
      s.clean,
      s.unclean,
      s.inconclusive,
      ...rateCells(s.cleanRate),
      ...rateCells(s.changeFailureRate),
      s.recovery.median === null ? "N/A" : Number(s.recovery.median.toFixed(1)),
      s.remediation.rollback,
      s.remediation.hotfix,
      s.remediation["fix-forward"],
      s.remediation["feature-on-previous-build"],
      s.remediation.unrecorded,
    ];
    // Two tables, a blank line apart: the rates per app, then one row per unclean deployment.
    return (
      csv([header, ...summary.apps.map((a) => row(a.app, a)), row("(all)", summary.overall)]) +
      "\r\n" +
      csv([uncleanHead, ...summary.uncleanDeployments.map(uncleanCsvRow)])
    );
  }
  if (format === "html") return reportHtml(summary);
  const o = summary.overall;
  const fraction = (r: Rate) => `${r.numerator}/${r.denominator}`;
  const cleanRate = o.cleanRate.rate === null ? ` (${NO_JUDGED_DEPLOYMENT})` : ` (${fraction(o.cleanRate)})`;
  const changeFailureRate =
    o.changeFailureRate.rate === null
      ? ` (${NO_PRODUCTION_DEPLOYMENT})`
      : ` (${fraction(o.changeFailureRate)} production deployments)`;
  const recovered = o.recovery.count ? ` (over ${o.recovery.count} with a restored-at time)` : "";
  const lines = [
    `Deployments, ${periodText(summary)}: ${o.deployments} (${o.clean} clean, ${o.unclean} unclean, ` +
      `${o.inconclusive} inconclusive, not counted)`,
    `  Clean-deployment rate:      ${percent(o.cleanRate)}${cleanRate}`,
    `  Change failure rate (DORA): ${percent(o.changeFailureRate)}${changeFailureRate}`,
    `  Median recovery time:       ${minutesText(o.recovery.median)}${recovered}`,
    `  Remediation: ${Object.entries(o.remediation)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}`,
    "",
    summary.uncleanDeployments.length === 0
      ? "Unclean deployments: none."
      : `Unclean deployments (${summary.uncleanDeployments.length}), and why:`,
    ...summary.uncleanDeployments.flatMap(uncleanText),
  ];
  if (summary.apps.length > 0)
    lines.push("", `${"app".padEnd(28)} deploys  clean rate  change failure  recovery`);
  for (const a of summary.apps)
    lines.push(
      `${plain(a.app).padEnd(28)} ${String(a.deployments).padStart(7)}  ` +
        `${percent(a.cleanRate).padStart(10)}  ${percent(a.changeFailureRate).padStart(14)}  ` +
        `${minutesText(a.recovery.median)}`,
    );
  return `${lines.join("\n")}\n`;
}

/**
 * The clean rate per week as an inline SVG line chart: no script, no external resource. It scales
 * with its viewBox, so a phone's 390 px shows the whole chart, not its left half.
 */
export function cleanRateChart(weekly: AppSummary["weekly"]): string {
  const points = weekly.filter((w) => w.cleanRate.rate !== null);
  const width = 640;
  const height = 200;
  const pad = 32;
  if (points.length === 0)
    return (
      `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} 60" class="chart" role="img" ` +
      `aria-label="No judged deployments"><text x="8" y="34">No judged deployments: N/A</text></svg>`
    );
  const x = (i: number) =>
    pad + (points.length === 1 ? (width - 2 * pad) / 2 : (i * (width - 2 * pad)) / (points.length - 1));
  const y = (rate: number) => height - pad - rate * (height - 2 * pad);
  const path = points
    .map((p, i) => `${i === 0 ? "M" : "L"}${x(i).toFixed(1)},${y(p.cleanRate.rate!).toFixed(1)}`)
    .join(" ");
  const dots = points
    .map((p, i) => {
      const { cleanRate } = p;
      const tip = `week of ${p.week}: ${percent(cleanRate)} (${cleanRate.numerator}/${cleanRate.denominator})`;
      return (
        `<circle cx="${x(i).toFixed(1)}" cy="${y(cleanRate.rate!).toFixed(1)}" r="3">` +
        `<title>${esc(tip)}</title></circle>`
      );
    })
    .join("");
  const grid = [0, 0.5, 1]
    .map(
      (r) =>
        `<line x1="${pad}" x2="${width - pad}" y1="${y(r)}" y2="${y(r)}" class="grid"/><text x="2" ` +
        `y="${y(r) + 4}" class="axis">${r * 100}%</text>`,
    )
    .join("");
  const labels = [points[0]!, points.at(-1)!]
    .map(
      (p, i) =>
        `<text x="${i === 0 ? pad : width - pad}" y="${height - 8}" ` +
        `text-anchor="${i === 0 ? "start" : "end"}" class="axis">${esc(p.week)}</text>`,
    )
    .join("");
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" class="chart" ` +
    `role="img" aria-label="Clean-deployment rate per week">${grid}<path d="${path}" ` +
    `class="line"/>${dots}${labels}</svg>`
  );
}

// One rule per line; a line ending in a backslash continues the same line of the stylesheet. Below
// 640 px the per-app and unclean tables become one card per row, each cell labelled (data-label),
// and wide tables scroll inside their box instead of cutting the page.
const PAGE_CSS = `
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1b1f24;background:#fff}
table{border-collapse:collapse;margin:1rem 0}\
th,td{border:1px solid #d0d7de;padding:.3rem .6rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}\
.clean{color:#1a7f37}\
.unclean{color:#cf222e}\
.inconclusive{color:#9a6700}\
.eol{color:#cf222e;font-weight:600}\
.why{color:#57606a}
.scroll{overflow-x:auto;max-width:100%}\
svg.chart{width:100%;max-width:640px;height:auto;display:block}
svg .line{fill:none;stroke:#0969da;stroke-width:2}\
svg circle{fill:#0969da}\
svg .grid{stroke:#d0d7de}\
svg .axis{font-size:11px;fill:#57606a}
@media (max-width:640px){\
body{margin:1rem}\
table.cards,table.cards tbody,table.cards tr,table.cards td{display:block;width:auto}\
table.cards thead{display:none}\
table.cards tr{border:1px solid #d0d7de;margin:0 0 .75rem;padding:.25rem 0}\
table.cards td{border:0;padding:.15rem .6rem;overflow-wrap:anywhere}\
table.cards td::before{content:attr(data-label) ": ";font-weight:600}\
svg .axis{font-size:16px}}
@media (prefers-color-scheme: dark){\
body{background:#0d1117;color:#e6edf3}\
th{background:#161b22}\
th,td,table.cards tr{border-color:#30363d}\
.why{color:#8b949e}}
`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${esc(title)}</title>
<style>${PAGE_CSS}</style></head><body>
${body}
</body></html>
`;
}

/** A table that turns into labelled cards on a narrow screen; cells are already escaped. */
function cardTable(head: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const body = rows
    .map(
      (cells) =>
        `<tr>${cells.map((cell, i) => `<td data-label="${esc(head[i]!)}">${cell}</td>`).join("")}</tr>`,
    )
    .join("\n");
  return `<table class="cards"><thead>${tableRow(head.map(esc), "th")}</thead><tbody>\n${body}\n</tbody></table>`;
}

/** A rate with its reason when it is N/A: the page must say why there is no number. */
const rateHtml = (r: Rate, reason: string) =>
  r.rate === null ? `N/A <span class="why">(${esc(reason)})</span>` : esc(percent(r));

function uncleanHtml(u: UncleanDeployment): (string | number)[] {
  const fix = u.fix ? fixText(u.fix) : "";
  const eol = u.fix?.state === "end-of-life" || u.fix?.state === "warned";
  return [
    esc(u.release.slice(0, 16).replace("T", " ")),
    esc(u.app),
    `<span class="unclean">${esc(u.verdict)}</span> (${u.checks === 1 ? "1 check" : `${u.checks} checks`})`,
    u.markedBy ? esc(u.reason ?? "") : '<span class="why">not marked: the automatic verdict stands</span>',
    esc(u.markedBy ?? ""),
    esc(u.change ?? ""),
    u.drivers.map(esc).join("<br>"),
    `${esc(u.remediation ?? "not recorded")}${fix ? `<br><span class="${eol ? "eol" : "why"}">${esc(fix)}</span>` : ""}`,
  ];
}

function reportHtml(summary: LedgerSummary): string {
  const o = summary.overall;
  const apps = cardTable(
    ["app", "deployments", "clean rate", "change failure rate", "median recovery", "inconclusive"],
    summary.apps.map((a) => [
      esc(a.app),
      a.deployments,
      esc(percent(a.cleanRate)),
      esc(percent(a.changeFailureRate)),
      esc(minutesText(a.recovery.median)),
      a.inconclusive,
    ]),
  );
  const unclean =
    summary.uncleanDeployments.length === 0
      ? "<p>None in this window.</p>"
      : cardTable(
          ["release", "app", "verdict", "reason", "marked by", "change", "drivers", "remediation"],
          summary.uncleanDeployments.map(uncleanHtml),
        );
  const mix = Object.entries(o.remediation)
    .map(([k, v]) => tableRow([esc(k), v]))
    .join("");
  return page(
    "azfn-health ledger report",
    `<h1>Deployment ledger report</h1>
<p>${esc(periodText(summary))}: ${o.deployments} deployments, ${o.clean} clean, \
${o.unclean} unclean, ${o.inconclusive} inconclusive (never counted clean).</p>
<table><tbody>
<tr><th>Clean-deployment rate</th><td>${rateHtml(o.cleanRate, NO_JUDGED_DEPLOYMENT)}</td></tr>
<tr><th>Change failure rate (DORA, production)</th><td>${rateHtml(o.changeFailureRate, NO_PRODUCTION_DEPLOYMENT)}</td></tr>
<tr><th>Median failed-deployment recovery time</th><td>${esc(minutesText(o.recovery.median))}</td></tr>
</tbody></table>
<h2>Unclean deployments, and why</h2>
${unclean}
<h2>Clean-deployment rate per week</h2>
${cleanRateChart(o.weekly)}
<h2>Per app</h2>
${apps}
<h2>Remediation of unclean deployments</h2>
<table><tbody>${mix}</tbody></table>`,
  );
}
