import type { Verdict } from "../core/exit-codes.js";
import type { Mark } from "../ledger/record.js";
import { esc } from "../report/markup.js";
import type { Report } from "../report/model.js";

/**
 * What goes on the change ticket, pure. Work notes are plain text; ServiceNow renders what sits
 * between `[code]` and `[/code]` as HTML in journal fields, so the plan goes in one such block with
 * its text HTML-escaped, and any `[code]` marker inside Azure's or a person's text is defused: a
 * hostile setting name or host error must not become markup on the ticket. No secret reaches
 * here: the report carries only redacted facts.
 */
export type CloseCode = "successful" | "successful_issues" | "unsuccessful";
export type CloseMapping = Partial<Record<Exclude<Verdict, "INCONCLUSIVE">, CloseCode>>;

export const DEFAULT_CLOSE_CODES: Required<CloseMapping> = {
  PROCEED: "successful",
  MONITOR: "successful",
  HOTFIX: "successful_issues",
  ROLLBACK: "unsuccessful",
};

/** INCONCLUSIVE is never closed: the ticket gets a work note only. */
export function closeCodeFor(verdict: Verdict, mapping: CloseMapping = {}): CloseCode | undefined {
  if (verdict === "INCONCLUSIVE") return undefined;
  return mapping[verdict] ?? DEFAULT_CLOSE_CODES[verdict];
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** Text from Azure or a person, safe in a journal field: no control characters, no `[code]` markers. */
export function noteText(text: string): string {
  return text.replace(CONTROL, "?").replace(/\[(\/?)code\]/gi, "($1code)");
}

const MAX_FINDINGS = 5;

export function checkWorkNote(
  report: Report,
  options: { attached?: string; ledgerId?: string } = {},
): string {
  const r = report.recommendation;
  const severe = [...report.findings].sort(
    (a, b) =>
      ["critical", "high", "medium", "low", "info"].indexOf(a.severity) -
      ["critical", "high", "medium", "low", "info"].indexOf(b.severity),
  );
  const lines = [
    `azfn-health ${report.tool.version}: ${report.verdict} (exit ${report.exitCode})`,
    `Production: ${noteText(report.environments.prod.name)}; QA: ${noteText(report.environments.qa.name)}`,
    `Release: ${report.release.time ?? "unknown"} (${noteText(report.release.detail)})`,
    `Checked: ${report.checkedAt}${report.mode === "replay" ? " (replayed recording)" : ""}`,
    "",
    `Why: ${noteText(r.summary)}`,
  ];
  if (severe.length > 0) {
    lines.push("", `Top findings (${Math.min(MAX_FINDINGS, severe.length)} of ${severe.length}):`);
    for (const f of severe.slice(0, MAX_FINDINGS))
      lines.push(`- ${f.severity.toUpperCase()} ${f.ruleId} (${f.environment}): ${noteText(f.title)}`);
  }
  if (report.unknowns.length > 0)
    lines.push("", `Not judged: ${report.unknowns.map((u) => `${u.ruleId} (${u.environment})`).join(", ")}`);
  if (r.steps.length > 0) {
    lines.push("", "Plan:");
    lines.push(`[code]<pre>${esc(noteText(r.steps.join("\n")))}</pre>[/code]`);
  }
  if (options.attached) lines.push("", `Evidence: ${options.attached} attached to this change.`);
  if (options.ledgerId) lines.push(`Ledger record: ${options.ledgerId}`);
  return lines.join("\n");
}

export function closeNotes(report: Report): string {
  return noteText(`azfn-health ${report.verdict}: ${report.recommendation.summary}`);
}

export function markWorkNote(recordId: string, mark: Mark): string {
  return [
    `azfn-health ledger: deployment ${recordId} marked ${mark.outcome.toUpperCase()} by ` +
      `${noteText(mark.by)}${mark.ciBuild ? ` (build ${noteText(mark.ciBuild)})` : ""} at ${mark.at}`,
    ...(mark.remediation ? [`Remediation: ${mark.remediation}`] : []),
    ...(mark.restoredAt ? [`Restored at: ${mark.restoredAt}`] : []),
    `Reason: ${noteText(mark.reason)}`,
  ].join("\n");
}
