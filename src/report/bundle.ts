import type { CheckFacts } from "../core/facts.js";
import { grainMs } from "../core/windows.js";
import { runsNow, scriptLine, type PlanStep } from "../decide/plan.js";
import { csvRows, type CsvValue } from "./csv.js";
import { renderHtml } from "./html.js";
import { inertDeep } from "./inert.js";
import { renderJunit } from "./junit.js";
import { renderMarkdown } from "./markdown.js";
import type { Report } from "./model.js";

/**
 * The evidence a release manager attaches to the change ticket, as file name → content. Pure;
 * the CLI writes it. The facts are the redacted ones: no setting value but the allow-listed.
 */
export function evidenceBundle(report: Report, facts: CheckFacts): Record<string, string> {
  return {
    "report.html": renderHtml(report),
    "report.md": renderMarkdown(report),
    "report.json": `${JSON.stringify(report, null, 2)}\n`,
    "report.junit.xml": renderJunit(report),
    "facts.json": `${JSON.stringify(inertDeep(facts), null, 2)}\n`,
    "metrics.csv": metricsCsv(facts),
    "plan.sh": planScript(report),
  };
}

/** The files of the bundle, in the order evidenceBundle writes them. */
export const BUNDLE_FILES = [
  "report.html",
  "report.md",
  "report.json",
  "report.junit.xml",
  "facts.json",
  "metrics.csv",
  "plan.sh",
] as const;

/** plan.sh is for its owner to run; the rest only to read, by its owner. */
export const bundleFileMode = (name: string) => (name === "plan.sh" ? 0o700 : 0o600);

/** Every bucket of every metric: environment, metric, window, bucket start, value. */
export function metricsCsv(facts: CheckFacts): string {
  const windows = facts.metricWindows;
  const rows: CsvValue[][] = [["environment", "metric", "window", "bucket_start", "value"]];
  if (windows) {
    const step = grainMs(windows.grain);
    for (const env of [facts.prod, facts.qa]) {
      for (const [metric, series] of Object.entries(env.metrics?.series ?? {})) {
        for (const [window, values] of [
          ["baseline", series.baseline],
          ["after", series.after],
        ] as const) {
          const start = Date.parse(windows[window].start);
          values.forEach((value, i) =>
            rows.push([env.role, metric, window, new Date(start + i * step).toISOString(), value]),
          );
        }
      }
    }
  }
  return csvRows(rows, "\n");
}

/** A step with a `<placeholder>` (a package, a secret from Key Vault) is for a person to complete. */
const PLACEHOLDER = /<[^>]+>/;

const oneLine = (text: string) => text.replace(/[\r\n\u2028\u2029]+/g, " ");

function planLine(step: PlanStep): string {
  // The report's text is already one line (src/report/inert.ts); a line break here would let the
  // rest of a comment run as a command, so plan.sh makes sure of it once more.
  const line = oneLine(scriptLine(step));
  if (!runsNow(step)) return line;
  return PLACEHOLDER.test(line) ? `# Fill in the <…> and run by hand: ${line}` : line;
}

/** The hotfix or rollback as a script to review and run by hand; azfn-health never runs it. */
export function planScript(report: Report): string {
  const r = report.recommendation;
  const commands = r.plan.filter((s) => runsNow(s) && !PLACEHOLDER.test(s.text));
  return [
    "#!/usr/bin/env bash",
    `# azfn-health ${report.tool.version}: ${r.action} for ${report.environments.prod.id}`,
    `# checked ${report.checkedAt}; release ${report.release.time ?? "unknown"} (${report.release.source})`,
    `# ${oneLine(r.summary)}`,
    "# Generated for review: azfn-health never runs it. Read every line before you do.",
    "set -euo pipefail",
    "",
    ...(commands.length === 0
      ? // Every step is then a comment: a command with a placeholder is one too (planLine).
        ["# Nothing to run as it is.", ...r.plan.map(planLine)]
      : [
          'read -r -p "Apply these changes to production? Type yes: " answer',
          '[ "$answer" = yes ] || { echo "Nothing changed."; exit 1; }',
          "",
          ...r.plan.map(planLine),
        ]),
    ...(r.alternatives.length
      ? ["", "# Alternatives:", ...r.alternatives.map((a) => `#   ${oneLine(a)}`)]
      : []),
    ...(r.warnings.length ? ["", "# Warnings:", ...r.warnings.map((w) => `#   ${oneLine(w)}`)] : []),
    "",
  ].join("\n");
}
