import { createColors } from "picocolors";
import type { Finding, Severity } from "../analyse/rule.js";
import type { Verdict } from "../core/exit-codes.js";
import {
  comparisonRows,
  evidenceLine,
  fixOf,
  judgedLine,
  plainEvidence,
  headline,
  metricRows,
  releaseLine,
  sparkline,
  stacksLine,
  unavailableMetrics,
  windowsLine,
} from "./comparison.js";
import { labelOf, runsNow, scriptLine, type PlanStep } from "../decide/plan.js";
import type { Report } from "./model.js";
import { timelineLines } from "./timeline.js";

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

/**
 * The width when the terminal's is not known (not a TTY: a pipe, a CI log): no line of the report is
 * longer; long prose wraps, long commands continue with a backslash.
 */
export const DEFAULT_WIDTH = 100;
/** Narrower than this, the verbose metrics table does not fit: the report wraps at this width still. */
const MIN_WIDTH = 80;

function paint(c: Colors, color: keyof Colors, text: string): string {
  const fn = c[color];
  return typeof fn === "function" ? (fn as (s: string) => string)(text) : text;
}

/** Word-wraps `text` after `first` (the first line's prefix); later lines start with `next`. */
export function wrapWords(text: string, first: string, next: string, width = DEFAULT_WIDTH): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  // A word longer than a line (an Azure resource ID) breaks after a "/", else anywhere.
  const room = Math.max(20, width - next.length);
  const words = text.split(/ +/).flatMap((word) => {
    const pieces: string[] = [];
    while (word.length > room) {
      const cut = word.lastIndexOf("/", room - 1) + 1 || room;
      pieces.push(word.slice(0, cut));
      word = word.slice(cut);
    }
    return [...pieces, word];
  });
  for (const word of words) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = next + word;
    } else line = empty ? line + word : `${line} ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines;
}

/**
 * A shell command too long for one line, split before its options with a trailing backslash, so it
 * still pastes and runs as one command. `lead` starts every line (e.g. "  " or "  #   ").
 */
export function wrapCommand(command: string, lead: string, width = DEFAULT_WIDTH): string[] {
  if (lead.length + command.length <= width) return [lead + command];
  const parts = command.split(/ (?=--?[a-z])/);
  const lines: string[] = [];
  let line = parts.shift()!;
  for (const part of parts) {
    if (lead.length + line.length + part.length + 3 > width) {
      lines.push(`${lead}${line} \\`);
      line = `  ${part}`;
    } else line = `${line} ${part}`;
  }
  lines.push(lead + line);
  return lines;
}

const isShellCommand = (text: string) => /^(az|azfn-health) /.test(text);

/** One step of the plan, kept under the width: commands split at options, comments wrap as comments. */
function planLines(s: PlanStep, lead: string, width: number): string[] {
  const line = scriptLine(s);
  if (lead.length + line.length <= width) return [lead + line];
  if (runsNow(s))
    return isShellCommand(s.text)
      ? wrapCommand(s.text, lead, width)
      : wrapWords(s.text, lead, `${lead}  `, width);
  // The comment's own mark ("# ", or "#   " under a rebuild), then its words or its label and command.
  const mark = line.slice(0, line.length - s.text.length);
  const label = labelOf(s);
  if (label !== undefined && isShellCommand(s.command!))
    return [lead + mark + label, ...wrapCommand(s.command!, `${lead}#   `, width)];
  return wrapWords(s.text, `${lead}${mark}`, `${lead}#   `, width);
}

const SUBJECT = /^(Production|QA)(?=\s)/;
/** "Production runs …" and "QA runs …" as "QA and production run …"; undefined if not that shape. */
function bothTitle(prodTitle: string): string | undefined {
  if (!SUBJECT.test(prodTitle)) return undefined;
  const rest = prodTitle.replace(SUBJECT, "").trimStart();
  const [verb = "", ...words] = rest.split(" ");
  const plural =
    verb === "is" ? "are" : verb === "has" ? "have" : /[^s]s$/.test(verb) ? verb.slice(0, -1) : undefined;
  return plural ? `QA and production ${[plural, ...words].join(" ")}` : undefined;
}

interface Line {
  finding: Finding;
  /** QA's copy of the same finding, when the line says both. */
  twin?: Finding;
  environment: string;
  title: string;
}

/** Findings as a person reads them: one per line, the same finding in QA and production said once. */
export function findingLines(findings: readonly Finding[]): Line[] {
  const subjectless = (f: Finding) => `${f.ruleId}|${f.severity}|${f.title.replace(SUBJECT, "")}`;
  const qa = new Map(findings.filter((f) => f.environment === "qa").map((f) => [subjectless(f), f]));
  const merged = new Set<Finding>();
  const lines: Line[] = [];
  for (const f of findings) {
    if (merged.has(f)) continue;
    const twin = f.environment === "prod" ? qa.get(subjectless(f)) : undefined;
    const title = twin ? bothTitle(f.title) : undefined;
    if (twin && title) {
      merged.add(twin);
      lines.push({ finding: f, twin, environment: "both", title });
    } else lines.push({ finding: f, environment: f.environment, title: f.title });
  }
  return lines;
}

/**
 * The terminal report. Colour and width are decided by the CLI (TTY, NO_COLOR, FORCE_COLOR; the
 * terminal's columns) and passed in.
 */
export function renderText(
  report: Report,
  { color, verbose = false, width: columns }: { color: boolean; verbose?: boolean; width?: number },
): string {
  const width = Math.max(MIN_WIDTH, columns ?? DEFAULT_WIDTH);
  const wrap = (text: string, first: string, next: string) => wrapWords(text, first, next, width);
  const c = createColors(color);
  const out: string[] = [];
  const r = report.recommendation;
  const runsSomething = r.plan.some(runsNow);

  // What to do, first: the verdict and its exit code, why, and the plan.
  out.push(
    `${c.bold("Verdict:")} ${c.bold(paint(c, VERDICT_COLOR[r.action], r.action))}  ` +
      `${c.dim(`(exit ${report.exitCode} with --fail-on ${report.failOn})`)}`,
  );
  out.push(...wrap(headline(r), "  ", "    "));
  // A clean verdict says what it rests on: nothing found is not the same as nothing looked at.
  if (r.action === "PROCEED") out.push(...wrap(judgedLine(report), "  ", "    "));
  if (r.drivers.length > 0) {
    out.push(c.bold("Why:"));
    for (const d of r.drivers) out.push(...wrap(d, "  - ", "    "));
  }
  if (r.plan.length > 0) {
    out.push(c.bold("Plan:"));
    // Steps that are only comments (no command to run) are advice, not a script: said as a list.
    for (const step of r.plan)
      for (const line of runsSomething ? planLines(step, "  ", width) : wrap(step.text, "  - ", "    "))
        out.push(runsNow(step) ? c.cyan(line) : line);
  }
  for (const [title, lines] of [
    ["Alternatives:", r.alternatives],
    ["Warnings:", r.warnings],
  ] as const) {
    if (lines.length === 0) continue;
    out.push(c.bold(title));
    for (const line of lines) out.push(...wrap(line, "  - ", "    "));
  }
  out.push("");

  // Then one line per finding.
  const lines = findingLines(report.findings);
  const both = report.findings.length - lines.length;
  out.push(
    c.bold(`Findings (${lines.length}${both > 0 ? `; ${both} of them in both QA and production` : ""})`),
  );
  if (lines.length === 0) out.push(`  ${c.green("none")}`);
  for (const { finding: f, twin, environment, title } of lines) {
    const head =
      `  ${paint(c, SEVERITY_COLOR[f.severity], f.severity.toUpperCase().padEnd(8))} ${f.ruleId.padEnd(3)}  ` +
      `${environment.padEnd(4)}  `;
    out.push(...wrapWords(title, head, " ".repeat(24), width + (head.length - 22)));
    if (!verbose) continue;
    for (const x of twin ? [twin, f] : [f]) {
      const evidence = plainEvidence(evidenceLine(x.evidence));
      out.push(
        ...wrap(evidence, `${" ".repeat(23)}${twin ? `${x.environment}: ` : ""}`, " ".repeat(25)).map((l) =>
          c.dim(l),
        ),
      );
      const fix = fixOf(report, x);
      if (fix)
        out.push(
          ...wrap(`fix: ${fix.summary}`, " ".repeat(23), " ".repeat(28)),
          ...fix.commands.flatMap((cmd) => wrapCommand(cmd, " ".repeat(28), width).map((l) => c.cyan(l))),
        );
    }
    out.push(c.dim(`${" ".repeat(23)}why: azfn-health explain ${f.ruleId}`));
  }
  if (report.ignored.length > 0) {
    out.push("");
    out.push(c.bold(`Ignored by ${report.config ?? "the configuration"} (${report.ignored.length})`));
    for (const i of report.ignored)
      out.push(
        ...wrap(
          `${i.title} ${c.dim(`(reason: ${i.reason})`)}`,
          `  ${c.dim("IGNORED ")} ${i.ruleId.padEnd(3)}  ${i.environment.padEnd(4)}  `,
          " ".repeat(24),
        ),
      );
  }
  if (report.unknowns.length > 0) {
    out.push("");
    out.push(c.bold(`Could not judge (${report.unknowns.length})`));
    for (const u of report.unknowns)
      out.push(
        ...wrap(
          u.reason,
          `  ${paint(c, "yellow", "UNKNOWN ")} ${u.ruleId.padEnd(3)}  ${u.environment.padEnd(4)}  `,
          " ".repeat(24),
        ),
      );
  }
  out.push("");

  // Then what was compared: the apps, the release, where the stacks came from, the windows.
  const mode =
    report.mode === "replay"
      ? `replay of ${report.recording?.path}${report.recording?.constructed ? " (constructed recording)" : ""}`
      : "live";
  const command = `azfn-health ${report.moment ?? "check"}`;
  const head = `${command}  ${report.checkedAt.replace("T", " ").replace(/(:\d\d)\.\d+Z$|(:\d\d)Z$/, "$1$2 UTC")}  `;
  // Wrapped uncoloured (colour codes would count as width), then painted.
  out.push(
    ...wrap(mode, head, "  ").map((l, i) =>
      i === 0
        ? c.bold(command) + l.slice(command.length, head.length) + c.dim(l.slice(head.length))
        : c.dim(l),
    ),
  );
  out.push(...wrap(report.environments.qa.id, `${c.dim("QA  ")}  `, " ".repeat(6)));
  out.push(...wrap(report.environments.prod.id, `${c.dim("PROD")}  `, " ".repeat(6)));
  out.push(...wrap(releaseLine(report), `${c.dim("Release")}  `, " ".repeat(9)));
  out.push(...wrap(stacksLine(report), `${c.dim("Stacks ")}  `, " ".repeat(9)));
  const windows = windowsLine(report);
  if (windows) out.push(...wrap(windows, `${c.dim("Metrics")}  `, " ".repeat(9)));

  // Without --verbose, the side-by-side shows only where QA and production differ.
  const side = comparisonRows(report).filter((row) => verbose || row.differs);
  if (side.length > 0) {
    if (verbose) out.push("");
    const w0 = Math.max(...side.map((row) => row.label.length));
    const w1 = Math.max(2, ...side.map((row) => row.qa.length));
    out.push(`${" ".repeat(w0)}  ${c.bold("QA".padEnd(w1))}  ${c.bold("PROD")}`);
    for (const row of side) {
      const prod = row.differs ? paint(c, "yellow", `${row.prod}  ≠`) : row.prod;
      out.push(`${c.dim(row.label.padEnd(w0))}  ${row.qa.padEnd(w1)}  ${prod}`);
    }
  }

  const rows = metricRows(report);
  if (verbose && rows.length > 0) {
    out.push("");
    const widths = [
      4,
      ...(["metric", "before", "after", "change", "judgment"] as const).map((k) =>
        Math.max(k.length, ...rows.map((row) => row[k].length)),
      ),
    ];
    const line = (cells: string[]) => `  ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("  ")}`;
    // The trend gets what the line has left: a shorter sparkline, or none under 8 characters.
    const room = width - line(["", "", "", "", "", ""]).length - 2;
    const trend = (values: readonly number[]) => (room >= 8 ? sparkline(values, Math.min(24, room)) : "");
    out.push(
      c.dim(
        line([
          "env",
          "metric",
          "before",
          "after",
          "change",
          "judgment",
          room >= 11 ? "trend after" : "",
        ]).trimEnd(),
      ),
    );
    const judgmentColor: Record<string, keyof Colors> = { worse: "red", better: "green", ok: "dim" };
    for (const row of rows) {
      const cells = line([row.environment, row.metric, row.before, row.after, row.change, row.judgment]);
      // Worse is red; a judgment with no colour of its own (unavailable, not enough data) is yellow.
      const color = judgmentColor[row.judgment];
      const shown =
        row.judgment === "worse" || color === undefined ? paint(c, color ?? "yellow", cells) : cells;
      out.push(`${shown}  ${trend(row.values)}`.trimEnd());
    }
  }

  if (report.watch) out.push(...timelineLines(report.watch).map((l, i) => (i === 0 ? c.bold(l) : l)), "");
  const unavailable = unavailableMetrics(report);
  if (verbose && unavailable) out.push(...wrap(unavailable, c.dim("  not judged: "), "    "));
  if (verbose) out.push("");
  const explain = lines[0]?.finding.ruleId ?? "<rule id>";
  const closing = verbose
    ? `Also as JSON (--format json) and HTML with charts (--format html); a rule explained: azfn-health explain ${explain}`
    : `Evidence, every metric and the full comparison: --verbose, --format json or --format html; a rule ` +
      `explained: azfn-health explain ${explain}`;
  out.push(...wrap(closing, "", "").map((l) => c.dim(l)));
  return `${out.join("\n")}\n`;
}
