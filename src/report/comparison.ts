import type { EnvironmentSummary, Report } from "./model.js";

/** The side-by-side rows both human formats show: label, QA, production. */
export function comparisonRows(report: Report): { label: string; qa: string; prod: string; differs: boolean }[] {
  const { qa, prod } = report.environments;
  const rows: [string, (e: EnvironmentSummary) => string][] = [
    ["App", (e) => e.name],
    ["Runtime", (e) => [e.extensionVersion ?? "?", e.hostVersion ? `host ${e.hostVersion}` : undefined].filter(Boolean).join(", ")],
    [".NET target", (e) => e.target ?? "?"],
    ["Worker", (e) => (e.workerRuntime ? `${e.workerRuntime}${e.workerModel ? ` (${e.workerModel})` : ""}` : "?")],
    ["Bitness", (e) => e.bitness ?? "?"],
    ["Stack", (e) => (e.stack ? `${e.stack.major}${e.stack.endOfLife ? `, EOL ${e.stack.endOfLife.slice(0, 10)}` : ""}` : "no matching stack")],
    ["OS", (e) => e.os ?? "?"],
    ["Plan", (e) => (e.plan ? `${e.plan.sku} ${e.plan.tier}, ${e.plan.appsOnPlan ?? "?"} app(s)` : "?")],
    ["Host", (e) => [e.siteState && e.siteState !== "Running" ? `site ${e.siteState}` : undefined, e.hostState ?? "unknown"].filter(Boolean).join(", ")],
    ["Functions", (e) => (e.functions ? `${e.functions.total}${e.functions.disabled ? ` (${e.functions.disabled} disabled)` : ""}` : "?")],
  ];
  return rows.map(([label, pick]) => {
    const [a, b] = [pick(qa), pick(prod)];
    return { label, qa: a, prod: b, differs: label !== "App" && label !== "Runtime" ? a !== b : qa.extensionVersion !== prod.extensionVersion };
  });
}

export function releaseLine(report: Report): string {
  const { release } = report;
  return release.time ? `${release.time.replace("T", " ").replace(/\.\d+Z$|Z$/, " UTC")} (${release.source === "--since" ? release.detail : `from the ${release.detail}`})` : `unknown (${release.detail})`;
}

export function stacksLine(report: Report): string {
  const { stacks } = report;
  if (stacks.source === "api") return "Function App Stacks API (live)";
  return `bundled Core Tools snapshot of ${stacks.snapshotDate} (${stacks.ageDays} days old)${stacks.note ? `: ${stacks.note}` : ""}`;
}

export function evidenceLine(evidence: Report["findings"][number]["evidence"]): string {
  const parts = [];
  if (evidence.setting) parts.push(evidence.setting);
  const values = [evidence.qa !== undefined ? `QA ${evidence.qa}` : undefined, evidence.prod !== undefined ? `prod ${evidence.prod}` : undefined].filter(Boolean);
  if (values.length) parts.push(values.join(", "));
  if (evidence.stack) parts.push(`stack ${evidence.stack}`);
  if (evidence.detail) parts.push(evidence.detail);
  return parts.join("; ");
}
