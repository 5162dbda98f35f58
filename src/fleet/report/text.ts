import { plain } from "../../ledger/render.js";
import { notRunSummary, type FleetReport } from "../model.js";
import { appLine, riskLabel } from "./labels.js";

/** Apps listed one by one in text: beyond them, the JSON, CSV or HTML report holds the rest. */
const LISTED = 200;

/** The terminal report: the verdict, the summaries, then apps and pairs worst first. */
export function renderFleetText(report: FleetReport): string {
  const out: string[] = [];
  const inv = report.inventory;
  out.push(
    `azfn-health fleet: ${report.verdict} (worst finding: ${riskLabel(report.worst)}; exit ${report.exitCode}, --fail-on ${report.failOn})`,
    `${inv.apps} Function App(s) and slot(s) from Resource Graph in ${inv.requests} request(s), ${inv.pages} page(s)` +
      (inv.throttled ? `, ${inv.throttled} throttled answer(s) waited out` : "") +
      (inv.skipped.notFunctionApp ? `; ${inv.skipped.notFunctionApp} web app(s) left out` : "") +
      (inv.settings.read
        ? `; settings read for ${inv.apps - inv.settings.unreadable} app(s)`
        : "; app settings not read (--read-settings)"),
  );
  for (const gap of inv.gaps) out.push(`INCOMPLETE: ${plain(gap)}`);
  if (inv.stacks.note) out.push(`Stacks: ${plain(inv.stacks.note)}; the bundled snapshot was used`);
  out.push("", "By risk:");
  for (const [risk, count] of Object.entries(report.summary.byRisk))
    if (count > 0) out.push(`  ${riskLabel(risk).padEnd(9)}${count}`);
  out.push("", "By stack:");
  for (const s of report.summary.byStack)
    out.push(
      `  ${plain(s.stack).padEnd(28)}${String(s.apps).padStart(5)} app(s), worst ${riskLabel(s.worst)}` +
        (s.endOfLife ? `, end of life ${s.endOfLife.slice(0, 10)}` : ""),
    );
  const risky = report.apps.filter((a) => a.risk !== "none" && a.risk !== "info");
  out.push("", `Apps with findings (${risky.length}), worst first:`);
  for (const app of risky.slice(0, LISTED)) {
    out.push(`  ${riskLabel(app.risk).padEnd(9)}${plain(appLine(app))}`);
    for (const f of app.findings.filter((x) => x.severity !== "info"))
      out.push(`           ${f.ruleId} ${f.severity}: ${plain(f.title)}`);
  }
  if (risky.length > LISTED)
    out.push(`  … and ${risky.length - LISTED} more (--format json, csv or html lists all)`);
  out.push(`  ${report.apps.length - risky.length} app(s) with no finding from what was read`);
  out.push("", `QA/production pairs (${report.pairs.length}):`);
  for (const pair of report.pairs.slice(0, LISTED)) {
    const drift = pair.drift.filter((f) => f.severity !== "info");
    const name = (id: string) => plain(id.split("/").slice(-1)[0]!);
    out.push(
      `  ${riskLabel(pair.risk).padEnd(9)}${name(pair.qa)} → ${name(pair.prod)} (by ${pair.matchedBy}): ` +
        `${drift.length} drift finding(s)`,
    );
    for (const f of drift) out.push(`           ${f.ruleId} ${f.severity}: ${plain(f.title)}`);
    out.push(`           ${pair.command}`);
  }
  if (report.pairs.length > LISTED) out.push(`  … and ${report.pairs.length - LISTED} more`);
  out.push("", "Rules that did not run:");
  for (const n of notRunSummary(report))
    out.push(`  ${n.ruleIds.join(", ")}: ${plain(n.reason)} (${n.apps} app(s))`);
  out.push("", "Not judged by the fleet view:");
  for (const line of report.notJudged) out.push(`  - ${line}`);
  return `${out.join("\n")}\n`;
}
