import type { FleetReport } from "../model.js";

/** `critical` → `CRITICAL`, `none` → `OK`: the risk as a report shows it. */
export const riskLabel = (risk: string) => (risk === "none" ? "OK" : risk.toUpperCase());

/** One line for an app: name, kind, stack, hosting, where it runs. */
export function appLine(app: FleetReport["apps"][number]): string {
  const eol = app.runtime.endOfLife ? `, end of life ${app.runtime.endOfLife.slice(0, 10)}` : "";
  const env = app.environment ? `, ${app.environment}` : "";
  return `${app.name} (${app.label}, ${app.runtime.stack}${eol}, ${app.hosting}${env}, ${app.subscriptionId}/${app.resourceGroup})`;
}
