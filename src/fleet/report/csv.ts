import { csvCell } from "../../ledger/render.js";
import type { FleetReport } from "../model.js";

const HEADER = [
  "risk",
  "app",
  "id",
  "kind",
  "environment",
  "stack",
  "end_of_life",
  "hosting",
  "os",
  "subscription",
  "resource_group",
  "location",
  "rule",
  "severity",
  "finding",
  "fix",
];

/**
 * For spreadsheets: one row per finding, worst app first; an app with no finding has one row with the
 * rule columns empty. Cells go through the one CSV escape (src/ledger/render.ts, OWASP's advice).
 */
export function renderFleetCsv(report: FleetReport): string {
  const rows: (string | number | undefined)[][] = [HEADER];
  for (const app of report.apps) {
    const base = [
      app.risk,
      app.name,
      app.id,
      app.label,
      app.environment,
      app.runtime.stack,
      app.runtime.endOfLife?.slice(0, 10),
      app.hosting,
      app.os,
      app.subscriptionId,
      app.resourceGroup,
      app.location,
    ];
    if (app.findings.length === 0) rows.push([...base, "", "", "", ""]);
    for (const f of app.findings) rows.push([...base, f.ruleId, f.severity, f.title, f.fix?.summary]);
  }
  return rows.map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}
