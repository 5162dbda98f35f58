import { createColors } from "picocolors";
import type { Severity } from "../analyse/rule.js";
import type { Verdict } from "../core/exit-codes.js";
import {
  comparisonRows,
  evidenceLine,
  metricRows,
  releaseLine,
  stacksLine,
  unavailableMetrics,
} from "./comparison.js";
import type { Report } from "./model.js";
import { timelineLines } from "../watch/timeline.js";

type Colors = ReturnType<typeof createColors>;

const SEVERITY_COLOR: Record<Severity, keyof Colors> = {
  critical: "red",
  high: "red",
  medium: "yellow",
  low: "cyan",
  info: "dim",
};
const VERDICT_COLOR: Record<Verdict, keyof Colors> = {
  PROCEED: "green",
  MONITOR: "yellow",
  HOTFIX: "magenta",
  ROLLBACK: "red",
  INCONCLUSIVE: "yellow",
};

function paint(c: Colors, color: keyof Colors, text: string): string {
  const fn = c[color];
  return typeof fn === "function" ? (fn as (s: string) => string)(text) : text;
}

/** The terminal report. Colour is decided by the CLI (TTY, NO_COLOR, FORCE_COLOR) and passed in. */
export function renderText(report: Report, { color }: { color: boolean }): string {
  const c = createColors(color);
  const out: string[] = [];
  const mode =
    report.mode === "replay"
      ? `replay of ${report.recording?.path}${report.recording?.constructed ? " (constructed recording)" : ""}`
      : "live";
  out.push(`${c.bold(`azfn-health ${report.moment ?? "check"}`)}  ${report.checkedAt}  ${c.dim(mode)}`);
  out.push(`${c.dim("QA  ")}  ${report.environments.qa.id}`);
  out.push(`${c.dim("PROD")}  ${report.environments.prod.id}`);
  out.push(`${c.dim("Release")}  ${releaseLine(report)}`);
  out.push(`${c.dim("Stacks ")}  ${stacksLine(report)}`);
  out.push("");

  const side = comparisonRows(report);
  const w0 = Math.max(...side.map((r) => r.label.length));
  const w1 = Math.max(2, ...side.map((r) => r.qa.length));
  out.push(`${" ".repeat(w0)}  ${c.bold("QA".padEnd(w1))}  ${c.bold("PROD")}`);
  for (const row of side) {
    const prod = row.differs ? paint(c, "yellow", `${row.prod}  ≠`) : row.prod;
    out.push(`${c.dim(row.label.padEnd(w0))}  ${row.qa.padEnd(w1)}  ${prod}`);
  }
  out.push("");

  out.push(c.bold(`Findings (${report.findings.length})`));
  if (report.findings.length === 0) out.push(`  ${c.green("none")}`);
  for (const f of report.findings) {
    out.push(
      `  ${paint(c, SEVERITY_COLOR[f.severity], f.severity.toUpperCase().padEnd(8))} ${f.ruleId.padEnd(3)}  ${f.environment.padEnd(4)}  ${f.title}`,
    );
    out.push(`  ${" ".repeat(21)}${c.dim(evidenceLine(f.evidence))}`);
    if (f.fix)
      out.push(
        `  ${" ".repeat(21)}fix: ${f.fix.summary}${f.fix.commands.map((cmd) => `\n  ${" ".repeat(26)}${c.cyan(cmd)}`).join("")}`,
      );
    out.push(`  ${" ".repeat(21)}${c.dim(`why: azfn-health explain ${f.ruleId}`)}`);
  }
  if (report.ignored.length > 0) {
    out.push("");
    out.push(c.bold(`Ignored by ${report.config ?? "the configuration"} (${report.ignored.length})`));
    for (const i of report.ignored)
      out.push(
        `  ${c.dim("IGNORED ")} ${i.ruleId.padEnd(3)}  ${i.environment.padEnd(4)}  ${i.title} ${c.dim(`(reason: ${i.reason})`)}`,
      );
  }
  if (report.unknowns.length > 0) {
    out.push("");
    out.push(c.bold(`Could not judge (${report.unknowns.length})`));
    for (const u of report.unknowns)
      out.push(
        `  ${paint(c, "yellow", "UNKNOWN ")} ${u.ruleId.padEnd(3)}  ${u.environment.padEnd(4)}  ${u.reason}`,
      );
  }
  out.push("");

  const windows = report.metrics.windows;
  const rows = metricRows(report);
  if (windows && rows.length > 0) {
    out.push(
      c.bold(
        `Metrics: after ${windows.after.start} → ${windows.after.end} against ${windows.baselineMode === "last-week" ? "the same hours a week earlier" : "the same length before the release"} (${windows.grain} buckets)`,
      ),
    );
    const widths = [
      4,
      ...(["metric", "before", "after", "change", "judgment"] as const).map((k) =>
        Math.max(k.length, ...rows.map((row) => row[k].length)),
      ),
    ];
    const line = (cells: string[]) => `  ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("  ")}`;
    out.push(c.dim(line(["env", "metric", "before", "after", "change", "judgment", "trend after"])));
    const judgmentColor: Record<string, keyof Colors> = { worse: "red", better: "green", ok: "dim" };
    for (const row of rows) {
      const cells = line([row.environment, row.metric, row.before, row.after, row.change, row.judgment]);
      out.push(
        `${row.judgment === "worse" || judgmentColor[row.judgment] === undefined ? paint(c, judgmentColor[row.judgment] ?? "yellow", cells) : cells}  ${row.trend}`,
      );
    }
    const unavailable = unavailableMetrics(report);
    if (unavailable) out.push(c.dim(`  not judged: ${unavailable}`));
    out.push("");
  }

  if (report.watch) out.push(...timelineLines(report.watch).map((l, i) => (i === 0 ? c.bold(l) : l)), "");
  const r = report.recommendation;
  out.push(
    `${c.bold("Verdict:")} ${c.bold(paint(c, VERDICT_COLOR[r.action], r.action))}  ${c.dim(`(exit ${report.exitCode} with --fail-on ${report.failOn})`)}`,
  );
  out.push(`  ${r.summary}`);
  if (r.drivers.length > 0) {
    out.push(c.bold("  Because:"));
    for (const d of r.drivers) out.push(`    - ${d}`);
  }
  for (const [title, lines] of [
    ["Plan:", r.steps],
    ["Alternatives:", r.alternatives],
    ["Warnings:", r.warnings],
  ] as const) {
    if (lines.length === 0) continue;
    out.push(c.bold(`  ${title}`));
    for (const line of lines)
      out.push(`    ${line.startsWith("az ") ? c.cyan(line) : title === "Plan:" ? line : `- ${line}`}`);
  }
  return `${out.join("\n")}\n`;
}
