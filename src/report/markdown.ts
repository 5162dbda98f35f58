import { timelineLines } from "./timeline.js";
import {
  comparisonRows,
  evidenceLine,
  fixOf,
  headline,
  isGating,
  judgedLine,
  metricRows,
  plainEvidence,
  releaseLine,
  stacksLine,
  unavailableMetrics,
  windowsLine,
} from "./comparison.js";
import type { Report } from "./model.js";

/**
 * Report text (Azure text inside) as Markdown text that is never markup: GitHub renders the step
 * summary, and pull-request and ServiceNow viewers render report.md, so a slot name or a host
 * error must not become a link, an image, HTML, a mention or a table column. Every inline markup
 * character is escaped (CommonMark lets any ASCII punctuation be), and what GitHub would link
 * without markup (a URL, `www.`, an e-mail address) is shown as code.
 * https://github.github.com/gfm/#backslash-escapes https://github.github.com/gfm/#autolinks-extension-
 */
function cell(text: string): string {
  return (
    text
      .replace(/[\r\n]+/g, " ")
      .split(LINKABLE)
      .map((part, i) => (i % 2 === 1 ? code(part) : part.replace(/[\\`*_[\]!|~<>&@]/g, escaped)))
      .join("")
      // What starts a block (a heading, a list, a quote) only at the start of a cell or list item.
      .replace(/^(\s*)([#+=-]|\d+(?=[.)]))/, "$1\\$2")
  );
}

/** Text GitHub links on its own; split() keeps it as the odd parts. */
const LINKABLE = /((?:[a-z][a-z0-9+.-]*:\/\/|www\.)\S*|[^\s@]+@[^\s@]+)/i;

function escaped(ch: string): string {
  if (ch === "<") return "&lt;";
  if (ch === ">") return "&gt;";
  if (ch === "&") return "&amp;";
  return `\\${ch}`;
}

/** A code span that holds any text: a fence longer than its longest run of backticks; pipes escaped for tables. */
function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  const body = text.replace(/[\r\n]+/g, " ").replace(/\|/g, "\\|");
  const pad = /^[` ]|[` ]$/.test(body) ? " " : "";
  return `${fence}${pad}${body}${pad}${fence}`;
}

/** A fenced block no line of the plan can close: longer than any run of backticks in it. */
function fenced(lines: string[], info: string): string[] {
  const longest = Math.max(0, ...lines.flatMap((l) => [...l.matchAll(/`+/g)].map((m) => m[0].length)));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return [`${fence}${info}`, ...lines.map((l) => l.replace(/[\r\n]+/g, " ")), fence];
}

const VERDICT_ICON = {
  PROCEED: "✅",
  MONITOR: "👀",
  HOTFIX: "🛠️",
  ROLLBACK: "⏪",
  INCONCLUSIVE: "❔",
} as const;

type Finding = Report["findings"][number];

function findingsTable(report: Report, findings: readonly Finding[]): string[] {
  const rows = findings.map((f) => {
    const fix = fixOf(report, f);
    const fixCell = fix ? [cell(fix.summary), ...fix.commands.map((cmd) => code(cmd))].join("<br>") : "";
    return (
      `| ${f.severity} | [${f.ruleId}](${f.docs}) | ${f.environment} | ${cell(f.title)} | ` +
      `${cell(plainEvidence(evidenceLine(f.evidence)))} | ${fixCell} |`
    );
  });
  return ["| Severity | Rule | Env | Finding | Evidence | Fix |", "|---|---|---|---|---|---|", ...rows, ""];
}

/**
 * The same report for a pull request or a change ticket, read top down where people stop reading:
 * the verdict, what decided it and the plan first; the rest of the findings and the context after;
 * the metrics table folded. Each finding's evidence leaves out the metric windows, said once.
 */
export function renderMarkdown(report: Report): string {
  const r = report.recommendation;
  const out: string[] = [];
  out.push(`## ${VERDICT_ICON[r.action]} azfn-health: ${r.action}`, "");
  out.push(`**${cell(headline(r))}**`, "");
  if (r.action === "PROCEED") out.push(cell(judgedLine(report)), "");
  out.push(`Exit code ${report.exitCode} (\`--fail-on ${report.failOn}\`).`, "");

  const gating = report.findings.filter((f) => isGating(report, f));
  const others = report.findings.filter((f) => !isGating(report, f));
  // Drivers that are not findings (a rule that could not judge, a malformed answer) as a list.
  const loose = r.drivers.filter(
    (d) => !gating.some((f) => d.startsWith(`${f.ruleId} (${f.environment}): `)),
  );
  if (gating.length > 0 || loose.length > 0) {
    out.push(`### Decided by`, "");
    if (gating.length > 0) out.push(...findingsTable(report, gating));
    if (loose.length > 0) out.push(...loose.map((d) => `- ${cell(d)}`), "");
  }
  if (r.steps.length > 0) out.push("### Plan", "", ...fenced(r.steps, "sh"), "");
  for (const [title, lines] of [
    ["Alternatives", r.alternatives],
    ["Warnings", r.warnings],
  ] as const) {
    if (lines.length === 0) continue;
    out.push(`**${title}:**`, "");
    for (const line of lines) out.push(`- ${cell(line)}`);
    out.push("");
  }
  if (report.watch) out.push("### Watch timeline", "", "```", ...timelineLines(report.watch), "```", "");

  if (others.length > 0)
    out.push(`### Other findings (${others.length})`, "", ...findingsTable(report, others));
  if (report.unknowns.length > 0) {
    out.push(`### Could not judge (${report.unknowns.length})`, "");
    for (const u of report.unknowns) out.push(`- **${u.ruleId}** (${u.environment}): ${cell(u.reason)}`);
    out.push("");
  }
  if (report.ignored.length > 0) {
    out.push(`### Ignored by configuration (${report.ignored.length})`, "");
    for (const i of report.ignored)
      out.push(`- **${i.ruleId}** (${i.environment}): ${cell(i.title)}. Reason: ${cell(i.reason)}`);
    out.push("");
  }

  out.push("### What was compared", "");
  out.push(`- **QA:** \`${report.environments.qa.id}\``);
  out.push(`- **Production:** \`${report.environments.prod.id}\``);
  out.push(`- **Release:** ${cell(releaseLine(report))}`);
  out.push(
    `- **Checked at:** ${report.checkedAt} (${report.mode}${report.recording?.constructed ? ", constructed recording" : ""})`,
  );
  out.push(`- **Stacks:** ${cell(stacksLine(report))}`);
  const windows = windowsLine(report);
  if (windows) out.push(`- **Metrics:** ${cell(windows)}`);
  out.push("", "| | QA | Production |", "|---|---|---|");
  for (const row of comparisonRows(report))
    out.push(
      `| ${row.label} | ${cell(row.qa)} | ${row.differs ? `**${cell(row.prod)}** ≠` : cell(row.prod)} |`,
    );
  out.push("");

  const rows = metricRows(report);
  if (rows.length > 0) {
    const worse = rows.filter((row) => row.judgment === "worse").length;
    // GitHub renders Markdown inside <details> only after a blank line.
    out.push(
      "<details>",
      `<summary>Metrics: ${rows.length} judged after against before, ${worse} worse</summary>`,
      "",
      "| Env | Metric | Before | After | Change | Judgment | Trend after |",
      "|---|---|---|---|---|---|---|",
    );
    for (const row of rows)
      out.push(
        `| ${row.environment} | ${cell(row.metric)} | ${row.before} | ${row.after} | ${row.change} | ` +
          `${row.judgment === "worse" ? "**worse**" : row.judgment} | ${row.trend} |`,
      );
    const unavailable = unavailableMetrics(report);
    if (unavailable) out.push("", `Not judged: ${cell(unavailable)}.`);
    out.push("", "</details>", "");
  }
  return `${out.join("\n").trimEnd()}\n`;
}
