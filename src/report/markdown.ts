import { timelineLines } from "../watch/timeline.js";
import {
  comparisonRows,
  evidenceLine,
  metricRows,
  releaseLine,
  stacksLine,
  unavailableMetrics,
} from "./comparison.js";
import type { Report } from "./model.js";

/** Markdown table cells: no raw pipes or newlines, and no HTML from Azure text. */
function cell(text: string): string {
  return text
    .replace(/\\/g, "\\\\")
    .replace(/\|/g, "\\|")
    .replace(/[<>]/g, (ch) => (ch === "<" ? "&lt;" : "&gt;"))
    .replace(/\r?\n/g, " ");
}

const VERDICT_ICON = {
  PROCEED: "✅",
  MONITOR: "👀",
  HOTFIX: "🛠️",
  ROLLBACK: "⏪",
  INCONCLUSIVE: "❔",
} as const;

/** The same report for a pull request or a change ticket. */
export function renderMarkdown(report: Report): string {
  const r = report.recommendation;
  const out: string[] = [];
  out.push(`## ${VERDICT_ICON[r.action]} azfn-health: ${r.action}`, "");
  out.push(cell(r.summary), "");
  out.push(`- **QA:** \`${report.environments.qa.id}\``);
  out.push(`- **Production:** \`${report.environments.prod.id}\``);
  out.push(`- **Release:** ${cell(releaseLine(report))}`);
  out.push(
    `- **Checked at:** ${report.checkedAt} (${report.mode}${report.recording?.constructed ? ", constructed recording" : ""})`,
  );
  out.push(`- **Stacks:** ${cell(stacksLine(report))}`);
  out.push(`- **Exit code:** ${report.exitCode} (\`--fail-on ${report.failOn}\`)`, "");

  if (report.watch) out.push("### Watch timeline", "", "```", ...timelineLines(report.watch), "```", "");
  out.push("### QA and production", "", "| | QA | Production |", "|---|---|---|");
  for (const row of comparisonRows(report))
    out.push(
      `| ${row.label} | ${cell(row.qa)} | ${row.differs ? `**${cell(row.prod)}** ≠` : cell(row.prod)} |`,
    );
  out.push("");

  out.push(`### Findings (${report.findings.length})`, "");
  if (report.findings.length === 0) out.push("None.", "");
  else {
    out.push("| Severity | Rule | Env | Finding | Evidence | Fix |", "|---|---|---|---|---|---|");
    for (const f of report.findings) {
      const fix = f.fix
        ? [cell(f.fix.summary), ...f.fix.commands.map((cmd) => `\`${cell(cmd)}\``)].join("<br>")
        : "";
      out.push(
        `| ${f.severity} | [${f.ruleId}](${f.docs}) | ${f.environment} | ${cell(f.title)} | ${cell(evidenceLine(f.evidence))} | ${fix} |`,
      );
    }
    out.push("");
  }
  if (report.ignored.length > 0) {
    out.push(`### Ignored by configuration (${report.ignored.length})`, "");
    for (const i of report.ignored)
      out.push(`- **${i.ruleId}** (${i.environment}): ${cell(i.title)}. Reason: ${cell(i.reason)}`);
    out.push("");
  }
  if (report.unknowns.length > 0) {
    out.push(`### Could not judge (${report.unknowns.length})`, "");
    for (const u of report.unknowns) out.push(`- **${u.ruleId}** (${u.environment}): ${cell(u.reason)}`);
    out.push("");
  }
  const windows = report.metrics.windows;
  const rows = metricRows(report);
  if (windows && rows.length > 0) {
    out.push(
      `### Metrics`,
      "",
      `After ${windows.after.start} → ${windows.after.end} against ${windows.baselineMode === "last-week" ? "the same hours a week earlier" : "the same length before the release"}, ${windows.grain} buckets.`,
      "",
    );
    out.push(
      "| Env | Metric | Before | After | Change | Judgment | Trend after |",
      "|---|---|---|---|---|---|---|",
    );
    for (const row of rows)
      out.push(
        `| ${row.environment} | ${cell(row.metric)} | ${row.before} | ${row.after} | ${row.change} | ${row.judgment === "worse" ? "**worse**" : row.judgment} | ${row.trend} |`,
      );
    const unavailable = unavailableMetrics(report);
    if (unavailable) out.push("", `Not judged: ${cell(unavailable)}.`);
    out.push("");
  }
  out.push(`### Recommendation: ${r.action}`, "");
  if (r.drivers.length > 0) {
    out.push("Decided by:", "");
    for (const d of r.drivers) out.push(`- ${cell(d)}`);
    out.push("");
  }
  if (r.steps.length > 0) out.push("Plan:", "", "```sh", ...r.steps, "```", "");
  for (const [title, lines] of [
    ["Alternatives", r.alternatives],
    ["Warnings", r.warnings],
  ] as const) {
    if (lines.length === 0) continue;
    out.push(`${title}:`, "");
    for (const line of lines) out.push(`- ${cell(line)}`);
    out.push("");
  }
  return `${out.join("\n").trimEnd()}\n`;
}
