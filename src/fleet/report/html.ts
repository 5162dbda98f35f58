import { esc, tableRow } from "../../report/markup.js";
import { notRunSummary, type FleetReport } from "../model.js";
import { riskLabel } from "./labels.js";

const CSS = `
:root { --bg:#fff; --fg:#1b1f24; --muted:#57606a; --line:#d0d7de; --bad:#cf222e; --warn:#9a6700; --ok:#1a7f37; }
@media (prefers-color-scheme: dark) { :root { --bg:#0d1117; --fg:#e6edf3; --muted:#8d96a0; --line:#30363d; \
--bad:#f85149; --warn:#d29922; --ok:#3fb950; } }
body { margin: 0 auto; max-width: 1200px; padding: 24px; background: var(--bg); color: var(--fg); \
font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; }
h2 { font-size: 17px; margin: 28px 0 10px; border-bottom: 1px solid var(--line); }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; vertical-align: top; padding: 5px 8px; \
border-bottom: 1px solid var(--line); overflow-wrap: anywhere; } th { color: var(--muted); }
code { font: 12.5px ui-monospace, Menlo, Consolas, monospace; } .meta { color: var(--muted); }
.risk-critical, .risk-high { color: var(--bad); font-weight: 700; } .risk-medium { color: var(--warn); font-weight: 700; }
.risk-none { color: var(--ok); }
`.replace(/\\\n/g, "");

const risk = (r: string) => `<span class="risk-${esc(r)}">${esc(riskLabel(r))}</span>`;
const findingList = (findings: FleetReport["apps"][number]["findings"]) =>
  findings
    .filter((f) => f.severity !== "info")
    .map((f) => `<div><code>${esc(f.ruleId)}</code> ${esc(f.severity)}: ${esc(f.title)}</div>`)
    .join("");

/** A self-contained page (no script, no external resource): summaries by risk and by stack, then every app. */
export function renderFleetHtml(report: FleetReport): string {
  const inv = report.inventory;
  const byRisk = Object.entries(report.summary.byRisk)
    .filter(([, n]) => n > 0)
    .map(([r, n]) => tableRow([risk(r), n]))
    .join("");
  const byStack = report.summary.byStack
    .map((s) => tableRow([esc(s.stack), s.apps, risk(s.worst), esc(s.endOfLife?.slice(0, 10) ?? "")]))
    .join("");
  const apps = report.apps
    .map((a) =>
      tableRow([
        risk(a.risk),
        `<code>${esc(a.name)}</code><div class="meta">${esc(a.label)} · ${esc(a.subscriptionId)}/${esc(a.resourceGroup)}</div>`,
        esc(a.runtime.stack),
        esc(a.hosting),
        findingList(a.findings),
      ]),
    )
    .join("");
  const pairs = report.pairs
    .map((p) =>
      tableRow([
        risk(p.risk),
        `<code>${esc(p.qa.split("/").pop() ?? "")}</code> → <code>${esc(p.prod.split("/").pop() ?? "")}</code> (${esc(p.matchedBy)})`,
        findingList(p.drift),
        `<code>${esc(p.command)}</code>`,
      ]),
    )
    .join("");
  const notRun = notRunSummary(report)
    .map((n) => tableRow([esc(n.ruleIds.join(", ")), esc(n.reason), n.apps]))
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>azfn-health fleet: ${esc(report.verdict)}</title><style>${CSS}</style></head><body>
<h1>Fleet: ${esc(report.verdict)} (worst finding ${risk(report.worst)})</h1>
<p class="meta">${inv.apps} app(s) from Resource Graph in ${inv.requests} request(s); \
generated ${esc(report.generatedAt)} by azfn-health ${esc(report.tool.version)}; \
exit ${report.exitCode} (--fail-on ${esc(report.failOn)})</p>
${inv.gaps.map((g) => `<p class="risk-high">Incomplete: ${esc(g)}</p>`).join("")}
<h2>By risk</h2><table>${tableRow(["Risk", "Apps"], "th")}${byRisk}</table>
<h2>By stack</h2><table>${tableRow(["Stack", "Apps", "Worst", "End of life"], "th")}${byStack}</table>
<h2>Apps, worst first</h2><table>${tableRow(["Risk", "App", "Stack", "Hosting", "Findings"], "th")}${apps}</table>
<h2>QA/production pairs</h2><table>${tableRow(["Risk", "Pair", "Drift", "Check it"], "th")}${pairs}</table>
<h2>Rules that did not run</h2><table>${tableRow(["Rules", "Why", "Apps"], "th")}${notRun}</table>
<h2>Not judged by the fleet view</h2><ul>${report.notJudged.map((l) => `<li>${esc(l)}</li>`).join("")}</ul>
</body></html>
`;
}
