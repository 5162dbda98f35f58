import type { Finding } from "../analyse/rule.js";
import { fixOf, headline, isGating } from "./comparison.js";
import { renderMarkdown } from "./markdown.js";
import type { Report } from "./model.js";

/**
 * What azfn-health says to a CI runner: annotations, the verdict as an output, the Markdown
 * summary. Pure: it returns the lines to print and the files to write; the CLI does the I/O.
 */
export type CiDialect = "github" | "azure" | "none";
export { CI_CHOICES } from "./ci-choices.js";
import type { CI_CHOICES } from "./ci-choices.js";

export function detectCi(env: NodeJS.ProcessEnv, choice: (typeof CI_CHOICES)[number]): CiDialect {
  if (choice !== "auto") return choice;
  if (env.TF_BUILD?.toLowerCase() === "true") return "azure";
  if (env.GITHUB_ACTIONS === "true") return "github";
  return "none";
}

export interface CiOutput {
  lines: string[];
  files: { path: string; text: string; append: boolean }[];
}

/** Both runners cap annotations per step; the most severe go first (findings are sorted so). */
const MAX_PER_LEVEL = 10;

interface Annotation {
  level: "error" | "warning" | "notice";
  finding?: Finding;
  title: string;
  message: string;
}

/**
 * Only what fails the run is an error: a finding the verdict names among its drivers, on a run that
 * exits non-zero. Every other finding (a QA-only end of life on a run that exits 0) is a warning or a
 * notice, so a green run shows no red.
 */
function annotated(report: Report): Annotation[] {
  const fails = report.exitCode !== 0;
  const level = (f: Finding): Annotation["level"] =>
    fails && isGating(report, f) ? "error" : f.severity === "low" ? "notice" : "warning";
  const counts = { error: 0, warning: 0, notice: 0 };
  const fix = (f: Finding) => {
    const summary = fixOf(report, f)?.summary;
    return summary ? `. Fix: ${summary}` : "";
  };
  const out: Annotation[] = [];
  const findings = report.findings.filter((x) => x.severity !== "info");
  // Gating findings first: a runner shows at most 10 per level, and the reader stops early.
  const ordered = [
    ...findings.filter((f) => level(f) === "error"),
    ...findings.filter((f) => level(f) !== "error"),
  ];
  for (const f of ordered) {
    const l = level(f);
    if (++counts[l] > MAX_PER_LEVEL) continue;
    out.push({
      level: l,
      finding: f,
      title: `${f.ruleId} ${f.environment}: ${f.severity}`,
      message: `${f.title}${fix(f)} (azfn-health explain ${f.ruleId})`,
    });
  }
  for (const u of report.unknowns.slice(0, MAX_PER_LEVEL))
    out.push({
      level: "warning",
      title: `${u.ruleId} ${u.environment}: unknown`,
      message: `could not judge: ${u.reason}`,
    });
  return out;
}

// GitHub: https://github.com/actions/toolkit/blob/main/packages/core/src/command.ts (escapeData, escapeProperty)
const githubData = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const githubProperty = (s: string) => githubData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

export function githubOutput(report: Report, env: NodeJS.ProcessEnv): CiOutput {
  // The verdict first, at the level of what it does to the run: red only when the run fails.
  const verdictLevel = report.exitCode !== 0 ? "error" : report.verdict === "PROCEED" ? "notice" : "warning";
  const verdict = `${headline(report.recommendation)} Exit ${report.exitCode}.`;
  const lines = [
    `::${verdictLevel} title=${githubProperty(`azfn-health: ${report.verdict}`)}::${githubData(verdict)}`,
    ...annotated(report).map(
      (a) => `::${a.level} title=${githubProperty(a.title)}::${githubData(a.message)}`,
    ),
  ];
  const files: CiOutput["files"] = [];
  if (env.GITHUB_STEP_SUMMARY)
    files.push({ path: env.GITHUB_STEP_SUMMARY, text: renderMarkdown(report), append: true });
  if (env.GITHUB_OUTPUT)
    files.push({
      path: env.GITHUB_OUTPUT,
      text: `verdict=${report.verdict}\nexit-code=${report.exitCode}\n`,
      append: true,
    });
  return { lines, files };
}

// Azure Pipelines: https://github.com/microsoft/azure-pipelines-task-lib/blob/master/node/taskcommand.ts
const azureData = (s: string) => s.replace(/%/g, "%AZP25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const azureProperty = (s: string) => azureData(s).replace(/;/g, "%3B").replace(/]/g, "%5D");

export function azureOutput(report: Report, summaryPath: string): CiOutput {
  const lines = annotated(report)
    .filter((a) => a.level !== "notice")
    .map((a) => {
      const code = azureProperty(a.finding?.ruleId ?? "unknown");
      return `##vso[task.logissue type=${a.level};code=${code}]${azureData(`${a.title}: ${a.message}`)}`;
    });
  lines.push(`##vso[task.setvariable variable=verdict;isOutput=true]${report.verdict}`);
  lines.push(`##vso[task.setvariable variable=exitCode;isOutput=true]${report.exitCode}`);
  lines.push(`##vso[task.uploadsummary]${azureData(summaryPath)}`);
  // A logged issue alone does not mark the step: MONITOR is "succeeded with issues".
  if (report.verdict === "MONITOR") lines.push("##vso[task.complete result=SucceededWithIssues;]MONITOR");
  return { lines, files: [{ path: summaryPath, text: renderMarkdown(report), append: false }] };
}
