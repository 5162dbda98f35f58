import { formatValue } from "../core/format.js";
import type { Judgment } from "../analyse/metrics/judge.js";
import { comparisonRows, evidenceLine, headline, releaseLine, stacksLine } from "./comparison.js";
import { timelineHtml } from "../watch/timeline.js";
import type { Report } from "./model.js";

/**
 * report.html: one self-contained file that opens offline: no script, no external resource. The
 * charts are inline SVG; colours follow the reader's light or dark mode, and it prints.
 */
function esc(text: string | number): string {
  return String(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

const VERDICT_COLOR = {
  PROCEED: "var(--ok)",
  MONITOR: "var(--warn)",
  HOTFIX: "var(--fix)",
  ROLLBACK: "var(--bad)",
  INCONCLUSIVE: "var(--warn)",
} as const;

const CSS = `
:root { --bg:#ffffff; --fg:#1b1f24; --muted:#57606a; --line:#d0d7de; --card:#f6f8fa; --ok:#1a7f37; --warn:#9a6700; --fix:#8250df; --bad:#cf222e; --before:#8c959f; --after:#0969da; --qa:#1a7f37; }
@media (prefers-color-scheme: dark) { :root { --bg:#0d1117; --fg:#e6edf3; --muted:#8d96a0; --line:#30363d; --card:#161b22; --ok:#3fb950; --warn:#d29922; --fix:#a371f7; --bad:#f85149; --before:#6e7681; --after:#58a6ff; --qa:#3fb950; } }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1200px; padding: 24px; background: var(--bg); color: var(--fg); font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
h1 { font-size: 22px; margin: 0 0 8px; } h2 { font-size: 17px; margin: 28px 0 10px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.verdict { display: inline-block; padding: 2px 12px; border-radius: 999px; color: #fff; font-weight: 700; letter-spacing: .04em; }
.meta { color: var(--muted); margin: 6px 0; } code, pre { font: 12.5px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
pre { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; overflow-x: auto; white-space: pre-wrap; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; vertical-align: top; padding: 6px 8px; border-bottom: 1px solid var(--line); }
th { color: var(--muted); font-weight: 600; } td, code, li, p { overflow-wrap: anywhere; }
td pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 6px 0 0; } td.fix { width: 38%; min-width: 22em; } td.differs { color: var(--fix); font-weight: 600; }
.sev { font-weight: 700; text-transform: uppercase; font-size: 11px; } .sev-critical, .sev-high { color: var(--bad); } .sev-medium { color: var(--warn); } .sev-low, .sev-info { color: var(--muted); }
.evidence { color: var(--muted); font-size: 12.5px; } a { color: var(--after); }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(330px, 1fr)); gap: 14px; }
figure { margin: 0; background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; break-inside: avoid; }
figcaption { display: flex; justify-content: space-between; gap: 8px; font-weight: 600; } figcaption .outcome { font-weight: 700; font-size: 12px; }
.outcome-worse { color: var(--bad); } .outcome-better, .outcome-ok { color: var(--ok); } .outcome-other { color: var(--warn); }
svg { display: block; width: 100%; height: auto; } svg text { fill: var(--muted); font: 10px system-ui, sans-serif; }
.legend { color: var(--muted); font-size: 12px; } .swatch { display: inline-block; width: 10px; height: 3px; vertical-align: middle; margin: 0 4px 0 10px; }
@media print { body { max-width: none; padding: 0; } .charts { grid-template-columns: repeat(2, 1fr); } a { color: inherit; text-decoration: none; } }
`;

/** Two series side by side (before | after) or overlaid (QA and production), scaled together. */
const clock = (iso: string) => iso.slice(5, 16).replace("T", " ");

/**
 * Two series side by side (before | after) or overlaid (QA and production), scaled together. Counts
 * start at zero, so a small wiggle does not look like a cliff; other units say their range on the axis.
 * Time labels sit under the axis at both ends and the release under its marker, clear of each other.
 */
function chart(
  kind: "before-after" | "qa-prod",
  a: number[],
  b: number[],
  unit: Judgment["unit"],
  label: string,
  times: { start: string; release?: string; end: string } | undefined,
): string {
  const [W, H, top, bottom, left] = [360, 140, 12, 30, 46];
  const all = [...a, ...b];
  if (all.length === 0) return "";
  let [min, max] = [Math.min(...all), Math.max(...all)];
  if (unit === "Count" && min > 0) min = 0;
  if (min === max) [min, max] = [min - 1, max + 1];
  const y = (v: number) => (top + (H - top - bottom) * (1 - (v - min) / (max - min))).toFixed(1);
  const line = (values: number[], x0: number, x1: number, color: string, name: string) =>
    values.length === 0
      ? ""
      : `<polyline class="${name}" fill="none" stroke="${color}" stroke-width="1.6" ` +
        `points="${values.map((v, i) => `${(x0 + ((x1 - x0) * i) / Math.max(1, values.length - 1)).toFixed(1)},${y(v)}`).join(" ")}"/>`;
  const right = W - 4;
  const mid = left + (right - left) / 2;
  const axis = H - bottom;
  const label1 = axis + 12;
  const label2 = axis + 24;
  const timeLabels = times
    ? `<text x="${left}" y="${label1}">${esc(clock(times.start))}</text><text x="${right}" y="${label1}" ` +
      `text-anchor="end">${esc(clock(times.end))}</text>`
    : "";
  const body =
    kind === "before-after"
      ? `${line(a, left, mid - 8, "var(--before)", "before")}${line(b, mid + 8, right, "var(--after)", "after")}<line x1="${mid}" x2="${mid}" y1="${top - 4}" y2="${axis}" stroke="var(--bad)" stroke-dasharray="4 3"/><text class="release" x="${mid}" y="${label2}" text-anchor="middle">release${times?.release ? ` ${esc(clock(times.release))}` : ""}</text>`
      : `${line(a, left, right, "var(--qa)", "qa")}${line(b, left, right, "var(--after)", "prod")}`;
  return (
    `<svg class="chart" role="img" aria-label="${esc(label)}" viewBox="0 0 ${W} ${H}" ` +
    `xmlns="http://www.w3.org/2000/svg"><line x1="${left}" x2="${right}" y1="${axis}" y2="${axis}" ` +
    `stroke="var(--line)"/><text x="2" y="${top + 4}">${esc(formatValue(max, unit))}</text><text x="2" ` +
    `y="${axis}">${esc(formatValue(min, unit))}</text>${timeLabels}${body}</svg>`
  );
}

function outcomeClass(outcome: string): string {
  return outcome === "worse"
    ? "outcome-worse"
    : outcome === "ok" || outcome === "better"
      ? `outcome-${outcome}`
      : "outcome-other";
}

export function renderHtml(report: Report): string {
  const r = report.recommendation;
  const judged = report.metrics.judgments.filter(
    (j) =>
      j.comparison === "after-vs-before" &&
      j.outcome !== "unavailable" &&
      (j.trend.length > 0 || j.controlTrend.length > 0),
  );
  const prod = judged.filter((j) => j.environment === "prod");
  const qaOf = (metric: string) => judged.find((j) => j.environment === "qa" && j.metric === metric);
  const windows = report.metrics.windows;
  const times = (kind: "before-after" | "qa-prod") =>
    windows
      ? kind === "before-after"
        ? { start: windows.baseline.start, release: report.release.time ?? undefined, end: windows.after.end }
        : { start: windows.after.start, end: windows.after.end }
      : undefined;
  const figure = (j: Judgment, kind: "before-after" | "qa-prod") => {
    const qa = kind === "qa-prod" ? qaOf(j.metric) : undefined;
    if (kind === "qa-prod" && !qa) return "";
    const title =
      kind === "before-after"
        ? `${j.label}, ${j.environment === "qa" ? "QA" : "production"}: before and after the release`
        : `${j.label}: QA and production after the release`;
    const numbers =
      kind === "before-after"
        ? `median ${formatValue(j.control.median, j.unit)} → ` +
          `${formatValue(j.experiment.median, j.unit)}${j.change === null ? "" : ` (${j.change >= 0 ? "+" : ""}${(j.change * 100).toFixed(0)} %)`}`
        : `QA ${formatValue(qa!.experiment.median, j.unit)}, production ${formatValue(j.experiment.median, j.unit)}`;
    return (
      `<figure data-metric="${esc(j.metric)}" data-kind="${kind}" ` +
      `data-env="${j.environment}"><figcaption><span>${esc(j.label)}</span><span class="outcome ` +
      `${outcomeClass(j.outcome)}">${esc(kind === "before-after" ? j.outcome : "")}</span></figcaption>${chart(kind, kind === "before-after" ? j.controlTrend : qa!.trend, j.trend, j.unit, title, times(kind))}<div class="legend">${esc(numbers)}</div></figure>`
    );
  };
  const rows = comparisonRows(report);
  const qaJudged = judged.filter((j) => j.environment === "qa");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="color-scheme" content="light dark">
<title>azfn-health: ${esc(r.action)} — ${esc(report.environments.prod.name)}</title><style>${CSS}</style></head>
<body>
<header>
<h1>azfn-health <span class="verdict" style="background:${VERDICT_COLOR[r.action]}">${esc(r.action)}</span></h1>
<p>${esc(headline(r))}</p>
<p class="meta">QA <code>${esc(report.environments.qa.id)}</code><br>Production <code>${esc(report.environments.prod.id)}</code><br>
Release ${esc(releaseLine(report))} · checked ${esc(report.checkedAt)} (${esc(report.mode)}${report.recording?.constructed ? ", constructed recording" : ""}) · exit ${report.exitCode} with --fail-on ${esc(report.failOn)}<br>Stacks: ${esc(stacksLine(report))}</p>
</header>
${r.drivers.length ? `<h2>Why</h2><ul>${r.drivers.map((d) => `<li>${esc(d)}</li>`).join("")}</ul>` : ""}
${r.steps.length ? `<h2>Plan</h2><pre>${esc(r.steps.join("\n"))}</pre>` : ""}
${r.alternatives.length ? `<h2>Alternatives</h2><ul>${r.alternatives.map((a) => `<li>${esc(a)}</li>`).join("")}</ul>` : ""}
${r.warnings.length ? `<h2>Warnings</h2><ul>${r.warnings.map((w) => `<li>${esc(w)}</li>`).join("")}</ul>` : ""}
${report.watch ? timelineHtml(report.watch, esc) : ""}
<h2>QA and production</h2>
<table><thead><tr><th></th><th>QA</th><th>Production</th></tr></thead><tbody>${rows.map((row) => `<tr><th>${esc(row.label)}</th><td>${esc(row.qa)}</td><td${row.differs ? ' class="differs"' : ""}>${esc(row.prod)}${row.differs ? " ≠" : ""}</td></tr>`).join("")}</tbody></table>
<h2>Findings (${report.findings.length})</h2>
${
  report.findings.length === 0
    ? "<p>None.</p>"
    : `<table><thead><tr><th>Severity</th><th>Rule</th><th>Env</th><th>Finding and evidence</th><th>Fix</th></tr></thead><tbody>${report.findings
        .map(
          (f) =>
            `<tr><td class="sev sev-${f.severity}">${esc(f.severity)}</td><td><a ` +
            `href="${esc(f.docs)}">${esc(f.ruleId)}</a></td><td>${esc(f.environment)}</td><td>${esc(f.title)}<div ` +
            `class="evidence">${esc(evidenceLine(f.evidence))}</div></td><td ` +
            `class="fix">${f.fix ? `${esc(f.fix.summary)}${f.fix.commands.map((c) => `<pre>${esc(c)}</pre>`).join("")}` : ""}</td></tr>`,
        )
        .join("")}</tbody></table>`
}
${
  report.ignored.length
    ? `<h2>Ignored by configuration ` +
      `(${report.ignored.length})</h2><ul>${report.ignored.map((i) => `<li><strong>${esc(i.ruleId)}</strong> (${esc(i.environment)}): ${esc(i.title)}. <em>Reason: ${esc(i.reason)}</em></li>`).join("")}</ul>`
    : ""
}
${report.unknowns.length ? `<h2>Could not judge (${report.unknowns.length})</h2><ul>${report.unknowns.map((u) => `<li><strong>${esc(u.ruleId)}</strong> (${esc(u.environment)}): ${esc(u.reason)}</li>`).join("")}</ul>` : ""}
${
  windows && prod.length
    ? `<h2>Metrics: before and after the release</h2><p class="meta">Baseline ${esc(windows.baseline.start)} → ${esc(windows.baseline.end)}${windows.baselineMode === "last-week" ? " (a week earlier)" : ""}, after ${esc(windows.after.start)} → ${esc(windows.after.end)}, ${esc(windows.grain)} buckets.<span class="swatch" style="background:var(--before)"></span>before<span class="swatch" style="background:var(--after)"></span>after</p>
<h3>Production</h3><div class="charts">${prod.map((j) => figure(j, "before-after")).join("")}</div>
${qaJudged.length ? `<h3>QA</h3><div class="charts">${qaJudged.map((j) => figure(j, "before-after")).join("")}</div>` : ""}
<h2>Production against QA, after the release</h2><p class="meta"><span class="swatch" style="background:var(--qa)"></span>QA<span class="swatch" style="background:var(--after)"></span>production</p>
<div class="charts">${prod.map((j) => figure(j, "qa-prod")).join("")}</div>`
    : ""
}
<p class="meta">azfn-health ${esc(report.tool.version)} · report schema ${report.schemaVersion}</p>
</body></html>
`;
}
