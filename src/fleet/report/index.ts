import type { FleetReport } from "../model.js";

export const FLEET_FORMATS = ["text", "json", "csv", "html"] as const;
export type FleetFormat = (typeof FLEET_FORMATS)[number];

/** One renderer per format, each loaded only when asked for; JSON is the report itself. */
export async function renderFleet(report: FleetReport, format: FleetFormat): Promise<string> {
  switch (format) {
    case "json":
      return `${JSON.stringify(report, null, 2)}\n`;
    case "csv":
      return (await import("./csv.js")).renderFleetCsv(report);
    case "html":
      return (await import("./html.js")).renderFleetHtml(report);
    case "text":
      return (await import("./text.js")).renderFleetText(report);
  }
}
