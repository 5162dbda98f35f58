import { formatValue, signedPercent } from "../core/format.js";
import type {
  AppSize,
  Judgment,
  Normalisation,
  NormalisedSeries,
  ProdAgainstQa,
} from "../analyse/metrics/judge.js";
import type { Finding } from "../analyse/rule.js";
import {
  comparisonRows,
  evidenceLine,
  fixOf,
  headline,
  judgedLine,
  plainEvidence,
  releaseLine,
  stacksLine,
} from "./comparison.js";
import { timelineHtml } from "./timeline.js";
import { esc } from "./markup.js";
import type { Report } from "./model.js";

/**
 * report.html: one self-contained file that opens offline: no script, no external resource. The
 * charts are inline SVG; colours follow the reader's light or dark mode, and it prints.
 */
const VERDICT_COLOR = {
  PROCEED: "var(--ok)",
  MONITOR: "var(--warn)",
  HOTFIX: "var(--fix)",
  ROLLBACK: "var(--bad)",
  INCONCLUSIVE: "var(--warn)",
} as const;

// One rule per line; a line ending in a backslash continues the same line of the stylesheet.
const CSS = `
:root { --bg:#ffffff; --fg:#1b1f24; --muted:#57606a; --line:#d0d7de; --card:#f6f8fa; \
--ok:#1a7f37; --warn:#9a6700; --fix:#8250df; --bad:#cf222e; --before:#8c959f; --after:#0969da; --qa:#1a7f37; }
@media (prefers-color-scheme: dark) { :root { --bg:#0d1117; --fg:#e6edf3; --muted:#8d96a0; --line:#30363d; \
--card:#161b22; --ok:#3fb950; --warn:#d29922; --fix:#a371f7; --bad:#f85149; --before:#6e7681; --after:#58a6ff; \
--qa:#3fb950; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1200px; padding: 24px; background: var(--bg); color: var(--fg); \
font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
h1 { font-size: 22px; margin: 0 0 8px; } \
h2 { font-size: 17px; margin: 28px 0 10px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.verdict { display: inline-block; padding: 2px 12px; border-radius: 999px; color: #fff; font-weight: 700; letter-spacing: .04em; }
.meta { color: var(--muted); margin: 6px 0; } \
code, pre { font: 12.5px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; overflow-x: auto; \
white-space: pre-wrap; }
table { border-collapse: collapse; width: 100%; } \
th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
th { color: var(--muted); font-weight: 600; } \
td, code, li, p { overflow-wrap: anywhere; }
td pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 6px 0 0; } \
td.fix { width: 38%; min-width: 22em; } \
td.key, th.key { white-space: nowrap; overflow-wrap: normal; } \
td.differs { color: var(--fix); font-weight: 600; }
.sev { font-weight: 700; text-transform: uppercase; font-size: 11px; } \
.sev-critical, .sev-high { color: var(--bad); } \
.sev-medium { color: var(--warn); } \
.sev-low, .sev-info { color: var(--muted); }
.evidence { color: var(--muted); font-size: 12.5px; } \
a { color: var(--after); }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(330px, 1fr)); gap: 14px; }
figure { margin: 0; background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; \
break-inside: avoid; }
figcaption { display: flex; justify-content: space-between; gap: 8px; font-weight: 600; } \
figcaption .outcome { font-weight: 700; font-size: 12px; }
.outcome-worse { color: var(--bad); } \
.outcome-better, .outcome-ok { color: var(--ok); } \
.outcome-other { color: var(--warn); }
svg { display: block; width: 100%; height: auto; } \
svg text { fill: var(--muted); font: 10px system-ui, sans-serif; } \
svg text.scale { font-style: italic; }
.legend { color: var(--muted); font-size: 12px; } \
.swatch { display: inline-block; width: 10px; height: 3px; vertical-align: middle; margin: 0 4px 0 10px; }
@media (max-width: 640px) { body { padding: 12px; } \
table.findings thead { display: none; } \
table.findings tr { display: block; padding: 8px 0; border-bottom: 1px solid var(--line); } \
table.findings td { display: block; border: 0; padding: 2px 0; } \
table.findings td.key { display: inline-block; margin-right: 10px; } \
td.fix { width: auto; min-width: 0; } \
table.findings td.fix:not(:empty)::before { content: "Fix: "; font-weight: 600; } \
.charts { grid-template-columns: 1fr; } }
@media print { body { max-width: none; padding: 0; } \
.charts { grid-template-columns: repeat(2, 1fr); } \
a { color: inherit; text-decoration: none; } }
`;

const HEAD_META =
  '<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
  '<meta name="color-scheme" content="light dark">';

const clock = (iso: string) => iso.slice(5, 16).replace("T", " ");

type ChartKind = "before-after" | "qa-prod";
interface ChartTimes {
  start: string;
  release?: string;
  end: string;
}

/** The chart's box in SVG units: the plot sits right of the value labels and above the time labels. */
const FRAME = { width: 360, height: 140, top: 12, bottom: 30, left: 46 };
const PLOT = {
  right: FRAME.width - 4,
  axis: FRAME.height - FRAME.bottom,
  mid: FRAME.left + (FRAME.width - 4 - FRAME.left) / 2,
  /** The two rows of labels under the axis: the window's ends, then the release. */
  timeRow: FRAME.height - FRAME.bottom + 12,
  releaseRow: FRAME.height - FRAME.bottom + 24,
};

/** Counts and shares of requests start at zero, so a small wiggle does not look like a cliff. */
const ZERO_BASED: ReadonlySet<Judgment["unit"]> = new Set(["Count", "Ratio"]);

/** The value range a chart shows: from zero for counts, the data's own range for other units. */
function valueRange(values: number[], unit: Judgment["unit"]): [number, number] {
  let [min, max] = [Math.min(...values), Math.max(...values)];
  if (ZERO_BASED.has(unit) && min > 0) min = 0;
  if (min === max) {
    // A flat series gets room around it, never a negative range it cannot have: an all-zero error
    // rate is drawn at the foot of 0 %…1 %, not across −100 %…100 %.
    const room = min === 0 ? (unit === "Ratio" ? 0.01 : 1) : Math.abs(min) * 0.1;
    [min, max] = [min >= 0 ? Math.max(0, min - room) : min - room, max + room];
  }
  return [min, max];
}

/**
 * An axis cut above zero says so in words, left on the release's row: the release label is
 * centred under its marker, so the two never meet (and the time labels have a row of their own).
 */
const scaleNote = (min: number) =>
  min > 0 ? `<text class="scale" x="2" y="${PLOT.releaseRow}">axis does not start at zero</text>` : "";

function polyline(
  values: number[],
  x0: number,
  x1: number,
  y: (v: number) => string,
  color: string,
  name: string,
): string {
  if (values.length === 0) return "";
  const x = (i: number) => (x0 + ((x1 - x0) * i) / Math.max(1, values.length - 1)).toFixed(1);
  const points = values.map((v, i) => `${x(i)},${y(v)}`).join(" ");
  return `<polyline class="${name}" fill="none" stroke="${color}" stroke-width="1.6" points="${points}"/>`;
}

/** The window's start and end under the axis, at both ends. */
function timeLabels(times: ChartTimes | undefined): string {
  if (!times) return "";
  const { timeRow } = PLOT;
  return (
    `<text x="${FRAME.left}" y="${timeRow}">${esc(clock(times.start))}</text>` +
    `<text x="${PLOT.right}" y="${timeRow}" text-anchor="end">${esc(clock(times.end))}</text>`
  );
}

/** A dashed line at the release, labelled on the row below the time labels so they never overlap. */
function releaseMarker(release: string | undefined): string {
  const { mid, axis, releaseRow } = PLOT;
  const when = release ? ` ${esc(clock(release))}` : "";
  return (
    `<line x1="${mid}" x2="${mid}" y1="${FRAME.top - 4}" y2="${axis}" stroke="var(--bad)" stroke-dasharray="4 3"/>` +
    `<text class="release" x="${mid}" y="${releaseRow}" text-anchor="middle">release${when}</text>`
  );
}

/**
 * Two series side by side (before | after) or overlaid (QA and production), scaled together, the
 * range's ends labelled on the axis. Counts start at zero; any other axis that does not says so.
 * Time labels sit under the axis at both ends and the release under its marker, clear of each other.
 */
function chart(
  kind: ChartKind,
  a: number[],
  b: number[],
  unit: Judgment["unit"],
  label: string,
  times: ChartTimes | undefined,
): string {
  const { width, height, top, bottom, left } = FRAME;
  const { right, mid, axis } = PLOT;
  const all = [...a, ...b];
  if (all.length === 0) return "";
  const [min, max] = valueRange(all, unit);
  const y = (v: number) => (top + (height - top - bottom) * (1 - (v - min) / (max - min))).toFixed(1);
  const series =
    kind === "before-after"
      ? polyline(a, left, mid - 8, y, "var(--before)", "before") +
        polyline(b, mid + 8, right, y, "var(--after)", "after") +
        releaseMarker(times?.release)
      : polyline(a, left, right, y, "var(--qa)", "qa") + polyline(b, left, right, y, "var(--after)", "prod");
  return (
    `<svg class="chart" role="img" aria-label="${esc(label)}" viewBox="0 0 ${width} ${height}" ` +
    `xmlns="http://www.w3.org/2000/svg">` +
    `<line x1="${left}" x2="${right}" y1="${axis}" y2="${axis}" stroke="var(--line)"/>` +
    `<text x="2" y="${top + 4}">${esc(formatValue(max, unit))}</text>` +
    `<text x="2" y="${axis}">${esc(formatValue(min, unit))}</text>` +
    `${scaleNote(min)}${timeLabels(times)}${series}</svg>`
  );
}

function outcomeClass(outcome: string): string {
  return outcome === "worse"
    ? "outcome-worse"
    : outcome === "ok" || outcome === "better"
      ? `outcome-${outcome}`
      : "outcome-other";
}

/** A heading and a bulleted list of items already escaped; nothing when there is no item. */
function listSection(heading: string, items: readonly string[]): string {
  if (items.length === 0) return "";
  return `<h2>${heading}</h2><ul>${items.map((item) => `<li>${item}</li>`).join("")}</ul>`;
}

/** A swatch of the chart's colour beside the series' name, for the legends above the charts. */
const swatch = (color: string, name: string) =>
  `<span class="swatch" style="background:var(--${color})"></span>${name}`;

function header(report: Report): string {
  const r = report.recommendation;
  const { qa, prod } = report.environments;
  const constructed = report.recording?.constructed ? ", constructed recording" : "";
  const verdict = `<span class="verdict" style="background:${VERDICT_COLOR[r.action]}">${esc(r.action)}</span>`;
  return `<header>
<h1>azfn-health ${verdict}</h1>
<p>${esc(headline(r))}</p>${r.action === "PROCEED" ? `<p>${esc(judgedLine(report))}</p>` : ""}
<p class="meta">QA <code>${esc(qa.id)}</code><br>Production <code>${esc(prod.id)}</code><br>
Release ${esc(releaseLine(report))} · checked ${esc(report.checkedAt)} (${esc(report.mode)}${constructed}) · \
exit ${report.exitCode} with --fail-on ${esc(report.failOn)}<br>Stacks: ${esc(stacksLine(report))}</p>
</header>`;
}

function comparisonTable(report: Report): string {
  const rows = comparisonRows(report).map((row) => {
    const prod = row.differs ? `<td class="differs">${esc(row.prod)} ≠</td>` : `<td>${esc(row.prod)}</td>`;
    return `<tr><th>${esc(row.label)}</th><td>${esc(row.qa)}</td>${prod}</tr>`;
  });
  return `<table><thead><tr><th></th><th>QA</th><th>Production</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

/** One finding: severity, rule and environment never wrap; on a phone the row is a card. */
function findingRow(report: Report, f: Finding): string {
  const given = fixOf(report, f);
  const fix = given
    ? `${esc(given.summary)}${given.commands.map((c) => `<pre>${esc(c)}</pre>`).join("")}`
    : "";
  return (
    `<tr><td class="key sev sev-${f.severity}">${esc(f.severity)}</td>` +
    `<td class="key"><a href="${esc(f.docs)}">${esc(f.ruleId)}</a></td><td class="key">${esc(f.environment)}</td>` +
    `<td>${esc(f.title)}<div class="evidence">${esc(plainEvidence(evidenceLine(f.evidence)))}</div></td>` +
    `<td class="fix">${fix}</td></tr>`
  );
}

function findingsTable(report: Report): string {
  if (report.findings.length === 0) return "<p>None.</p>";
  const head =
    '<tr><th class="key">Severity</th><th class="key">Rule</th><th class="key">Env</th>' +
    "<th>Finding and evidence</th><th>Fix</th></tr>";
  const rows = report.findings.map((f) => findingRow(report, f)).join("");
  return `<table class="findings"><thead>${head}</thead><tbody>${rows}</tbody></table>`;
}

/** The judged metrics the charts draw: after against before, with something to draw. */
function chartedJudgments(report: Report): Judgment[] {
  return report.metrics.judgments.filter(
    (j) =>
      j.comparison === "after-vs-before" &&
      j.outcome !== "unavailable" &&
      (j.trend.length > 0 || j.controlTrend.length > 0),
  );
}

/** What one figure shows: its caption, the chart, and the lines under it. */
interface FigureParts {
  metric: string;
  kind: ChartKind;
  environment: string;
  caption: string;
  outcome: string;
  chart: string;
  legend: string[];
  per?: Normalisation["per"];
}

function figure(parts: FigureParts): string {
  const per = parts.per ? ` data-per="${parts.per}"` : "";
  const legend = parts.legend.map((line) => `<div class="legend">${esc(line)}</div>`).join("");
  return (
    `<figure data-metric="${esc(parts.metric)}" data-kind="${parts.kind}" data-env="${parts.environment}"${per}>` +
    `<figcaption><span>${esc(parts.caption)}</span>` +
    `<span class="outcome ${outcomeClass(parts.outcome)}">${esc(parts.outcome)}</span></figcaption>` +
    `${parts.chart}${legend}</figure>`
  );
}

function beforeAfterFigure(j: Judgment, times: ChartTimes): string {
  const change = j.change === null ? "" : ` (${signedPercent(j.change)})`;
  const title = `${j.label}, ${j.environment === "qa" ? "QA" : "production"}: before and after the release`;
  return figure({
    metric: j.metric,
    kind: "before-after",
    environment: j.environment,
    caption: j.label,
    outcome: j.outcome,
    chart: chart("before-after", j.controlTrend, j.trend, j.unit, title, times),
    legend: [
      `median ${formatValue(j.control.median, j.unit)} → ${formatValue(j.experiment.median, j.unit)}${change}`,
    ],
  });
}

const instanceCount = (n: number | null) => `${n ?? "?"} instance${n === 1 ? "" : "s"}`;

/** The figure's own account of its normalisation, so a reader never compares raw with normalised. */
function normalisationNote(series: NormalisedSeries, sizes: ProdAgainstQa["sizes"]): string {
  switch (series.by) {
    case "Requests":
      return "% of requests: each bucket's count ÷ its requests";
    case "FunctionExecutionCount":
      return "per execution: each bucket's units ÷ its executions";
    case "instances":
      return (
        `per instance: ÷ ${instanceCount(sizes.prod.instances)} in production, ` +
        `${instanceCount(sizes.qa.instances)} in QA (the plans' counts at the check)`
      );
    case undefined:
      return series.per === "request"
        ? "per request: Azure averages it over the requests"
        : "per instance: Azure averages it over the instances";
  }
}

/**
 * Production over QA in the same after-window. When the apps differ in size, the series the
 * analysis normalised (per request, per execution or per instance); a metric it could not
 * normalise is drawn as measured and says so.
 */
function qaProdFigure(j: Judgment, qa: Judgment, normalised: ProdAgainstQa | undefined, times: ChartTimes) {
  const series = normalised?.series.find((s) => s.metric === j.metric);
  const view = series
    ? { label: series.label, unit: series.unit, qa: series.qa, prod: series.prod }
    : {
        label: j.label,
        unit: j.unit,
        qa: { median: qa.experiment.median, trend: qa.trend },
        prod: { median: j.experiment.median, trend: j.trend },
      };
  const title = `${view.label}: QA and production after the release`;
  const medians = `QA ${formatValue(view.qa.median, view.unit)}, production ${formatValue(view.prod.median, view.unit)}`;
  // Not normalised by the analysis: the error rate is a share of requests already; anything else is raw.
  const asMeasured =
    j.unit === "Ratio" ? "% of requests, as the error rate is judged" : "as measured: not normalised";
  const note = series ? normalisationNote(series, normalised!.sizes) : normalised ? asMeasured : undefined;
  return figure({
    metric: j.metric,
    kind: "qa-prod",
    environment: j.environment,
    caption: view.label,
    outcome: "",
    chart: chart("qa-prod", view.qa.trend, view.prod.trend, view.unit, title, times),
    legend: note ? [medians, note] : [medians],
    ...(series ? { per: series.per } : {}),
  });
}

const sizeText = (size: AppSize) => `${size.sku} ${size.tier} × ${instanceCount(size.instances)}`;

function metricsSection(report: Report): string {
  const windows = report.metrics.windows;
  const judged = chartedJudgments(report);
  const prod = judged.filter((j) => j.environment === "prod");
  if (!windows || prod.length === 0) return "";
  const qaJudged = judged.filter((j) => j.environment === "qa");
  const beforeAfter: ChartTimes = {
    start: windows.baseline.start,
    release: report.release.time ?? undefined,
    end: windows.after.end,
  };
  const after: ChartTimes = { start: windows.after.start, end: windows.after.end };
  const normalised = report.metrics.prodAgainstQa;
  const qaProd = prod.flatMap((j) => {
    const qa = qaJudged.find((q) => q.metric === j.metric);
    return qa ? [qaProdFigure(j, qa, normalised, after)] : [];
  });
  const charts = (figures: string[]) => `<div class="charts">${figures.join("")}</div>`;
  const lastWeek = windows.baselineMode === "last-week" ? " (a week earlier)" : "";
  const windowsMeta =
    `Baseline ${esc(windows.baseline.start)} → ${esc(windows.baseline.end)}${lastWeek}, ` +
    `after ${esc(windows.after.start)} → ${esc(windows.after.end)}, ${esc(windows.grain)} buckets.`;
  const sizes = normalised
    ? esc(
        `QA runs on ${sizeText(normalised.sizes.qa)}, production on ${sizeText(normalised.sizes.prod)}: ` +
          "each chart compares them per request, per execution or per instance, as it says under it.",
      ) + "<br>"
    : "";
  return `<h2>Metrics: before and after the release</h2><p class="meta">${windowsMeta}\
${swatch("before", "before")}${swatch("after", "after")}</p>
<h3>Production</h3>${charts(prod.map((j) => beforeAfterFigure(j, beforeAfter)))}
${qaJudged.length ? `<h3>QA</h3>${charts(qaJudged.map((j) => beforeAfterFigure(j, beforeAfter)))}` : ""}
<h2>Production against QA, after the release</h2><p class="meta">${sizes}${swatch("qa", "QA")}${swatch("after", "production")}</p>
${charts(qaProd)}`;
}

export function renderHtml(report: Report): string {
  const r = report.recommendation;
  const strong = (text: string) => `<strong>${esc(text)}</strong>`;
  const ignored = report.ignored.map(
    (i) => `${strong(i.ruleId)} (${esc(i.environment)}): ${esc(i.title)}. <em>Reason: ${esc(i.reason)}</em>`,
  );
  const unknowns = report.unknowns.map(
    (u) => `${strong(u.ruleId)} (${esc(u.environment)}): ${esc(u.reason)}`,
  );
  return `<!doctype html>
<html lang="en"><head>${HEAD_META}
<title>azfn-health: ${esc(r.action)} — ${esc(report.environments.prod.name)}</title><style>${CSS}</style></head>
<body>
${header(report)}
${listSection("Why", r.drivers.map(esc))}
${r.steps.length ? `<h2>Plan</h2><pre>${esc(r.steps.join("\n"))}</pre>` : ""}
${listSection("Alternatives", r.alternatives.map(esc))}
${listSection("Warnings", r.warnings.map(esc))}
${report.watch ? timelineHtml(report.watch, esc) : ""}
<h2>QA and production</h2>
${comparisonTable(report)}
<h2>Findings (${report.findings.length})</h2>
${findingsTable(report)}
${listSection(`Ignored by configuration (${report.ignored.length})`, ignored)}
${listSection(`Could not judge (${report.unknowns.length})`, unknowns)}
${metricsSection(report)}
<p class="meta">azfn-health ${esc(report.tool.version)} · report schema ${report.schemaVersion}</p>
</body></html>
`;
}
