import type { TokenCredential } from "@azure/core-auth";
import type { MonitorClient } from "@azure/arm-monitor";
import { createMonitor, type MonitorClientOptionalParams } from "@azure/arm-monitor/api";
// arm-monitor 8 (pinned exactly in package.json) exports no subpath per operation group, as
// arm-appservice does: its metrics operations are taken from their files, under the same context.
import { list as listMetricDefinitions } from "../../node_modules/@azure/arm-monitor/dist/esm/api/metricDefinitions/index.js";
import { list as listMetrics } from "../../node_modules/@azure/arm-monitor/dist/esm/api/metrics/index.js";

/**
 * The Azure Monitor operations azfn-health reads. `new MonitorClient()` builds every operation
 * group (395 KB of bundle loaded on each run); the SDK's context and these two functions are what
 * the client's `metrics.list` and `metricDefinitions.list` call: the same request and deserialiser.
 */
export interface MonitorApi {
  metrics: Pick<MonitorClient["metrics"], "list">;
  metricDefinitions: Pick<MonitorClient["metricDefinitions"], "list">;
}

export function createMonitorApi(
  credential: TokenCredential,
  subscriptionId: string,
  options: MonitorClientOptionalParams,
): MonitorApi {
  const context = createMonitor(credential, subscriptionId, options);
  return {
    metrics: { list: (resourceUri, o) => listMetrics(context, resourceUri, o) },
    metricDefinitions: { list: (resourceUri, o) => listMetricDefinitions(context, resourceUri, o) },
  };
}
