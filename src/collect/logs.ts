import type { Windows } from "../core/windows.js";
import type { LogsFacts } from "../core/facts.js";
import type { AzureAccess } from "./access.js";
import { armClientOptions } from "./access.js";
import { logsQueryEndpoint } from "../core/clouds.js";

export const LOGS_ENDPOINT = "https://api.loganalytics.io";

/**
 * Counts what Application Insights saw in each window, in one resource-centric query against the
 * component (classic schema: `exceptions`, `requests`, `traces`): exceptions by type, failed
 * requests by operation and result code, and the host's own distress signals.
 */
export function signalsQuery(windows: Windows): string {
  const at = (iso: string) => `datetime(${iso})`;
  return [
    `let baselineStart = ${at(windows.baseline.start)}; let baselineEnd = ${at(windows.baseline.end)};`,
    `let afterStart = ${at(windows.after.start)}; let afterEnd = ${at(windows.after.end)};`,
    "union",
    '  (exceptions | project timestamp, kind = "exception", name = type),',
    '  (requests | where success == false | project timestamp, kind = "failed request", name = strcat(name, " ", resultCode)),',
    '  (traces | where message has "Host thresholds exceeded" or message has "thread pool starvation" or ' +
      'message has "Stopping JobHost" or message matches regex @"AZFD\\d{4}"',
    '     | project timestamp, kind = "host signal", name = case(message has "Host thresholds exceeded", ' +
      '"Host thresholds exceeded", message has "thread pool starvation", "Possible thread pool starvation", ' +
      'message has "Stopping JobHost", "Host restart", extract(@"(AZFD\\d{4})", 1, message)))',
    '| extend window = case(timestamp >= afterStart and timestamp < afterEnd, "after", timestamp >= ' +
      'baselineStart and timestamp < baselineEnd, "baseline", "")',
    "| where isnotempty(window)",
    "| summarize count = count() by window, kind, name",
  ].join("\n");
}

export async function collectLogs(
  access: AzureAccess,
  component: string,
  windows: Windows,
): Promise<LogsFacts> {
  const { LogsQueryClient, LogsQueryResultStatus } = await import("@azure/monitor-query-logs");
  // This client uses its endpoint as given: the /v1 is ours to add, once (reference azure-sdk.md G2).
  const client = new LogsQueryClient(access.credential, {
    ...armClientOptions(access),
    endpoint: logsQueryEndpoint(access.logsEndpoint ?? LOGS_ENDPOINT),
    credentials: { scopes: [access.logsScope ?? `${LOGS_ENDPOINT}/.default`] },
  });
  const first = [windows.baseline.start, windows.after.start].sort()[0]!;
  const result = await client.queryResource(
    component,
    signalsQuery(windows),
    { startTime: new Date(first), endTime: new Date(windows.after.end) },
    { abortSignal: access.abortSignal },
  );
  if (result.status !== LogsQueryResultStatus.Success)
    throw new Error(
      `the query returned ${result.status}: ${result.partialError?.message ?? "partial results"}`,
    );
  const table = result.tables[0];
  const column = (name: string) => table?.columnDescriptors.findIndex((c) => c.name === name) ?? -1;
  const [w, k, n, c] = ["window", "kind", "name", "count"].map(column) as [number, number, number, number];
  return {
    component,
    rows: (table?.rows ?? []).map((row) => ({
      window: row[w] === "after" ? "after" : "baseline",
      kind: row[k] as LogsFacts["rows"][number]["kind"],
      name: typeof row[n] === "string" ? row[n] : "",
      count: Number(row[c] ?? 0),
    })),
  };
}
