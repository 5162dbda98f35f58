import type { Finding, Severity } from "../analyse/rule.js";
import type { Role } from "../core/facts.js";
import { evidenceLine, fixOf, plainEvidence, rulesJudged } from "./comparison.js";
import type { Report } from "./model.js";

/**
 * JUnit XML in the Ant format that Azure DevOps `PublishTestResults@2` (testResultsFormat: JUnit)
 * and GitHub test reporters read: one suite per environment, one test case per rule; a finding is
 * a failure (its severity as the type), a rule that could not judge is an error (when it found
 * nothing else). Info findings pass.
 * The structure is pinned by docs/junit.xsd.
 */
// eslint-disable-next-line no-control-regex -- these are exactly the characters XML 1.0 forbids
const XML_UNSAFE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

function xml(text: string): string {
  return text
    .replace(XML_UNSAFE, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

function failureText(report: Report, f: Finding): string {
  const fix = fixOf(report, f);
  return [
    f.title,
    `evidence: ${plainEvidence(evidenceLine(f.evidence))}`,
    ...(fix ? [`fix: ${fix.summary}`, ...fix.commands] : []),
    `docs: ${f.docs}`,
  ].join("\n");
}

const SEVERITY_ORDER: Severity[] = ["critical", "high", "medium", "low", "info"];

/**
 * One <failure> per test case, whatever the number of findings (M09 may find exceptions and failed
 * requests at once): Azure DevOps and Jenkins keep only a case's first failure. Its type is the
 * most severe, its message every title, its text every finding.
 */
function failure(report: Report, findings: Finding[]): string {
  const worst = [...findings].sort(
    (a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity),
  )[0]!;
  const message = findings.map((f) => f.title).join("; ");
  const text = findings.map((f) => failureText(report, f)).join("\n\n");
  return `      <failure type="${worst.severity}" message="${xml(message)}">${xml(text)}</failure>`;
}

export function renderJunit(report: Report): string {
  const suites = (["prod", "qa"] as Role[]).map((role) => {
    const mine = (f: Finding) => f.environment === role || (f.environment === "both" && role === "prod");
    // A preflight judges its own rule set: no metric rule passes by not running, P rules are cases.
    const cases = rulesJudged(report).map((rule) => {
      const findings = report.findings.filter(
        (f) => f.ruleId === rule.id && mine(f) && f.severity !== "info",
      );
      const unknowns = report.unknowns.filter((u) => u.ruleId === rule.id && u.environment === role);
      // One result element per case: a failure, else one error for whatever could not be judged.
      const reasons = unknowns.map((u) => u.reason).join("; ");
      const body =
        findings.length > 0
          ? [failure(report, findings)]
          : unknowns.length > 0
            ? [
                `      <error type="unknown" message="${xml(`could not judge: ${reasons}`)}">${xml(reasons)}</error>`,
              ]
            : [];
      const open = `    <testcase classname="azfn-health.${role}" name="${xml(`${rule.id} ${rule.title}`)}" time="0"`;
      return {
        failures: findings.length > 0 ? 1 : 0,
        errors: unknowns.length > 0 && findings.length === 0 ? 1 : 0,
        xml: body.length ? `${open}>\n${body.join("\n")}\n    </testcase>` : `${open}/>`,
      };
    });
    const failures = cases.reduce((n, c) => n + c.failures, 0);
    const errors = cases.reduce((n, c) => n + c.errors, 0);
    const env = report.environments[role];
    return {
      failures,
      errors,
      tests: cases.length,
      xml: [
        `  <testsuite name="${xml(`azfn-health ${role}: ${env.name}`)}" tests="${cases.length}" ` +
          `failures="${failures}" errors="${errors}" skipped="0" time="0" ` +
          `timestamp="${report.checkedAt.replace(/\.\d+Z$|Z$/, "")}" hostname="azfn-health">`,
        "    <properties>",
        `      <property name="resourceId" value="${xml(env.id)}"/>`,
        `      <property name="verdict" value="${report.verdict}"/>`,
        `      <property name="exitCode" value="${report.exitCode}"/>`,
        "    </properties>",
        ...cases.map((c) => c.xml),
        "  </testsuite>",
      ].join("\n"),
    };
  });
  const total = (key: "tests" | "failures" | "errors") => suites.reduce((n, s) => n + s[key], 0);
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="azfn-health ${report.verdict}" ` +
    `tests="${total("tests")}" failures="${total("failures")}" errors="${total("errors")}" ` +
    `time="0">\n${suites.map((s) => s.xml).join("\n")}\n</testsuites>\n`
  );
}
