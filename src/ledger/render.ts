import { csvRows, type CsvValue } from "../report/csv.js";
import { inert } from "../report/inert.js";
import { esc, tableCells, tableRow } from "../report/markup.js";
import type { SnapshotDiff } from "./diff.js";
import { minutesText, percent, type AppSummary, type LedgerSummary, type Rate } from "./metrics.js";
import { appName, effectiveOutcome, type LedgerEntry, type LedgerRecord } from "./record.js";

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

/** One ledger entry as `ledger list` shows it, in every format (the CSV's columns in this order). */
function listRow(e: LedgerEntry) {
  return {
    id: e.id,
    recordedAt: e.recordedAt,
    app: appName(e),
    release: e.release.time ?? "unknown",
    verdict: e.verdict,
    outcome: effectiveOutcome(e),
    automatic: e.outcome,
    remediation: e.marks.at(-1)?.remediation ?? "",
    findings: e.findings.length,
    mode: e.mode,
  };
}
type ListRow = ReturnType<typeof listRow>;

export function renderList(entries: readonly LedgerEntry[], format: LedgerFormat): string {
  if (format === "json") return json({ records: entries });
  const rows = entries.map(listRow);
  if (format === "csv")
    return csv([
      [
        "id",
        "recorded_at",
        "app",
        "release",
        "verdict",
        "outcome",
        "automatic_outcome",
        "remediation",
        "findings",
        "mode",
      ],
      ...rows.map((r) => Object.values(r)),
    ]);
  if (format === "html") return listHtml(rows);
  if (rows.length === 0) return "The ledger has no records yet.\n";
  const lines = rows.map(
    (r) =>
      `${r.id}  ${r.release.slice(0, 16).padEnd(16)}  ${plain(r.app).padEnd(24)}  ${r.verdict.padEnd(12)}  ` +
      `${r.outcome}${r.outcome !== r.automatic ? " (marked)" : ""}${r.remediation ? `, ${r.remediation}` : ""}`,
  );
  const head = `${"id".padEnd(20)}  ${"release".padEnd(16)}  ${"app".padEnd(24)}  ${"verdict".padEnd(12)}  outcome`;
  return `${head}\n${lines.join("\n")}\n`;
}

const LIST_HEAD = ["id", "checked", "app", "release", "verdict", "outcome", "remediation", "findings"];

function listHtml(rows: readonly ListRow[]): string {
  const body = rows.map(
    (r) =>
      `<tr>${tableCells([r.id, r.recordedAt, r.app, r.release, r.verdict].map(esc))}` +
      `<td class="${esc(r.outcome)}">${esc(r.outcome)}</td>${tableCells([esc(r.remediation), r.findings])}</tr>`,
  );
  return page(
    "azfn-health ledger",
    `<h1>Deployment ledger</h1><table><thead>${tableRow(LIST_HEAD, "th")}</thead><tbody>\n` +
      `${body.join("\n")}\n</tbody></table>`,
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
  if (format === "json") return json({ sinceLastClean: diff ?? null });
  return renderDiffText(diff);
}

// --- report -------------------------------------------------------------------------------

const rateCells = (r: Rate) => [
  r.numerator,
  r.denominator,
  r.rate === null ? "N/A" : Number((r.rate * 100).toFixed(1)),
];

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
    return csv([header, ...summary.apps.map((a) => row(a.app, a)), row("(all)", summary.overall)]);
  }
  if (format === "html") return reportHtml(summary);
  const o = summary.overall;
  const fraction = (r: Rate) => `${r.numerator}/${r.denominator}`;
  const cleanRate = o.cleanRate.rate === null ? "" : ` (${fraction(o.cleanRate)})`;
  const changeFailureRate =
    o.changeFailureRate.rate === null
      ? " (no judged production deployment)"
      : ` (${fraction(o.changeFailureRate)} production deployments)`;
  const recovered = o.recovery.count ? ` (over ${o.recovery.count} with a restored-at time)` : "";
  const lines = [
    `Deployments ${summary.since ? `since ${summary.since.slice(0, 10)}` : "(all time)"} to ` +
      `${summary.until.slice(0, 10)}: ${o.deployments} (${o.clean} clean, ${o.unclean} unclean, ` +
      `${o.inconclusive} inconclusive, not counted)`,
    `  Clean-deployment rate:      ${percent(o.cleanRate)}${cleanRate}`,
    `  Change failure rate (DORA): ${percent(o.changeFailureRate)}${changeFailureRate}`,
    `  Median recovery time:       ${minutesText(o.recovery.median)}${recovered}`,
    `  Remediation: ${Object.entries(o.remediation)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ")}`,
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

/** The clean rate per week as an inline SVG line chart: no script, no external resource. */
export function cleanRateChart(weekly: AppSummary["weekly"]): string {
  const points = weekly.filter((w) => w.cleanRate.rate !== null);
  const width = 640;
  const height = 200;
  const pad = 32;
  if (points.length === 0)
    return (
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="60" role="img" aria-label="No ` +
      `judged deployments"><text x="8" y="34">No judged deployments: N/A</text></svg>`
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
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" ` +
    `height="${height}" role="img" aria-label="Clean-deployment rate per week">${grid}<path d="${path}" ` +
    `class="line"/>${dots}${labels}</svg>`
  );
}

// One rule per line; a line ending in a backslash continues the same line of the stylesheet.
const PAGE_CSS = `
body{font:14px/1.45 system-ui,sans-serif;margin:2rem;color:#1b1f24;background:#fff}
table{border-collapse:collapse;margin:1rem 0}\
th,td{border:1px solid #d0d7de;padding:.3rem .6rem;text-align:left}
th{background:#f6f8fa}\
.clean{color:#1a7f37}\
.unclean{color:#cf222e}\
.inconclusive{color:#9a6700}
svg .line{fill:none;stroke:#0969da;stroke-width:2}\
svg circle{fill:#0969da}\
svg .grid{stroke:#d0d7de}\
svg .axis{font-size:11px;fill:#57606a}
@media (prefers-color-scheme: dark){\
body{background:#0d1117;color:#e6edf3}\
th{background:#161b22}\
th,td{border-color:#30363d}}
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

function reportHtml(summary: LedgerSummary): string {
  const o = summary.overall;
  const rows = summary.apps
    .map((a) =>
      tableRow([
        esc(a.app),
        a.deployments,
        esc(percent(a.cleanRate)),
        esc(percent(a.changeFailureRate)),
        esc(minutesText(a.recovery.median)),
        a.inconclusive,
      ]),
    )
    .join("\n");
  const mix = Object.entries(o.remediation)
    .map(([k, v]) => tableRow([esc(k), v]))
    .join("");
  const period = esc(summary.since ? `Since ${summary.since.slice(0, 10)}` : "All time");
  const appsHead = tableRow(
    ["app", "deployments", "clean rate", "change failure rate", "median recovery", "inconclusive"],
    "th",
  );
  return page(
    "azfn-health ledger report",
    `<h1>Deployment ledger report</h1>
<p>${period} to ${esc(summary.until.slice(0, 10))}: ${o.deployments} deployments, ${o.clean} clean, \
${o.unclean} unclean, ${o.inconclusive} inconclusive (never counted clean).</p>
<table><tbody>
<tr><th>Clean-deployment rate</th><td>${esc(percent(o.cleanRate))}</td></tr>
<tr><th>Change failure rate (DORA, production)</th><td>${esc(percent(o.changeFailureRate))}</td></tr>
<tr><th>Median failed-deployment recovery time</th><td>${esc(minutesText(o.recovery.median))}</td></tr>
</tbody></table>
<h2>Clean-deployment rate per week</h2>
${cleanRateChart(o.weekly)}
<h2>Per app</h2>
<table><thead>${appsHead}</thead><tbody>
${rows}
</tbody></table>
<h2>Remediation of unclean deployments</h2>
<table><tbody>${mix}</tbody></table>`,
  );
}
