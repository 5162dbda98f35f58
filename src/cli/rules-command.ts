import { RULES, ruleById } from "../analyse/rules/index.js";
import { READINESS_RULES } from "../analyse/rules/readiness.js";

import { SUCCESS } from "../core/exit-codes.js";
/** Every rule a report can name: check's, and preflight's readiness rules (P*). */
const ALL = [...RULES, ...READINESS_RULES];
import { UsageError } from "../core/errors.js";
import type { Io } from "../app/io.js";

/** `azfn-health rules`: every rule, one line each. */
export function runRulesCommand(io: Io): number {
  const width = Math.max(...ALL.map((r) => r.severity.length));
  io.stdout(`${ALL.map((r) => `${r.id}  ${r.severity.padEnd(width)}  ${r.title}`).join("\n")}\n`);
  return SUCCESS;
}

/** `azfn-health explain <ruleId>`: what a rule checks, why it matters, where Microsoft says so. */
export function runExplainCommand(id: string | undefined, io: Io): number {
  const rule = id
    ? (ruleById(id) ?? READINESS_RULES.find((r) => r.id.toLowerCase() === id.toLowerCase()))
    : undefined;
  if (!rule)
    throw new UsageError(
      `explain: ${id ? `no rule "${id}"` : "name a rule"}; \`azfn-health rules\` lists them`,
    );
  io.stdout(
    [
      `${rule.id}  ${rule.title}`,
      `default severity: ${rule.severity}; judged ${rule.scope === "pair" ? "on QA and production together" : "on each environment"}`,
      "",
      `Why: ${rule.why}`,
      `Reads: ${[...rule.needs, ...(rule.optional ?? []).map((s) => `${s} (optional)`)].join(", ") || "the metric judgments"}`,
      `Says: ${Object.values(rule.messages).join(" | ")}`,
      `Docs: ${rule.docs}`,
      "",
    ].join("\n"),
  );
  return SUCCESS;
}
