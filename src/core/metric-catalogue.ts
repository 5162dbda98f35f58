/**
 * The metrics judged, from Microsoft Learn "Supported metrics" for Microsoft.Web/sites and
 * Microsoft.Web/serverfarms (reference azure-sdk.md §7). `bad` is the direction that hurts:
 * more memory, CPU, errors, latency or threads; fewer requests or executions.
 */
export type MetricNamespace = "Microsoft.Web/sites" | "Microsoft.Web/serverfarms";

export interface MetricSpec {
  name: string;
  label: string;
  namespace: MetricNamespace;
  aggregation: "Total" | "Average";
  unit: "Count" | "Bytes" | "Seconds" | "Percent";
  bad: "increase" | "decrease";
  /** A metric whose absence means the check cannot judge the release. */
  essential?: boolean;
}

export const METRICS: readonly MetricSpec[] = [
  {
    name: "Requests",
    label: "Requests",
    namespace: "Microsoft.Web/sites",
    aggregation: "Total",
    unit: "Count",
    bad: "decrease",
    essential: true,
  },
  {
    name: "Http5xx",
    label: "HTTP 5xx",
    namespace: "Microsoft.Web/sites",
    aggregation: "Total",
    unit: "Count",
    bad: "increase",
    essential: true,
  },
  {
    name: "Http4xx",
    label: "HTTP 4xx",
    namespace: "Microsoft.Web/sites",
    aggregation: "Total",
    unit: "Count",
    bad: "increase",
  },
  {
    name: "HttpResponseTime",
    label: "Response time",
    namespace: "Microsoft.Web/sites",
    aggregation: "Average",
    unit: "Seconds",
    bad: "increase",
  },
  {
    name: "MemoryWorkingSet",
    label: "Memory working set",
    namespace: "Microsoft.Web/sites",
    aggregation: "Average",
    unit: "Bytes",
    bad: "increase",
    essential: true,
  },
  {
    name: "AverageMemoryWorkingSet",
    label: "Avg memory working set",
    namespace: "Microsoft.Web/sites",
    aggregation: "Average",
    unit: "Bytes",
    bad: "increase",
  },
  {
    name: "PrivateBytes",
    label: "Private bytes",
    namespace: "Microsoft.Web/sites",
    aggregation: "Average",
    unit: "Bytes",
    bad: "increase",
  },
  {
    name: "Threads",
    label: "Threads",
    namespace: "Microsoft.Web/sites",
    aggregation: "Average",
    unit: "Count",
    bad: "increase",
  },
  {
    name: "Handles",
    label: "Handles",
    namespace: "Microsoft.Web/sites",
    aggregation: "Average",
    unit: "Count",
    bad: "increase",
  },
  {
    name: "CpuTime",
    label: "CPU time",
    namespace: "Microsoft.Web/sites",
    aggregation: "Total",
    unit: "Seconds",
    bad: "increase",
  },
  {
    name: "FunctionExecutionCount",
    label: "Executions",
    namespace: "Microsoft.Web/sites",
    aggregation: "Total",
    unit: "Count",
    bad: "decrease",
  },
  {
    name: "FunctionExecutionUnits",
    label: "Execution units (MB·ms)",
    namespace: "Microsoft.Web/sites",
    aggregation: "Total",
    unit: "Count",
    bad: "increase",
  },
  {
    name: "Gen0Collections",
    label: "Gen 0 GCs",
    namespace: "Microsoft.Web/sites",
    aggregation: "Total",
    unit: "Count",
    bad: "increase",
  },
  {
    name: "Gen1Collections",
    label: "Gen 1 GCs",
    namespace: "Microsoft.Web/sites",
    aggregation: "Total",
    unit: "Count",
    bad: "increase",
  },
  {
    name: "Gen2Collections",
    label: "Gen 2 GCs",
    namespace: "Microsoft.Web/sites",
    aggregation: "Total",
    unit: "Count",
    bad: "increase",
  },
  {
    name: "AppConnections",
    label: "Connections",
    namespace: "Microsoft.Web/sites",
    aggregation: "Average",
    unit: "Count",
    bad: "increase",
  },
  {
    name: "CpuPercentage",
    label: "Plan CPU",
    namespace: "Microsoft.Web/serverfarms",
    aggregation: "Average",
    unit: "Percent",
    bad: "increase",
  },
  {
    name: "MemoryPercentage",
    label: "Plan memory",
    namespace: "Microsoft.Web/serverfarms",
    aggregation: "Average",
    unit: "Percent",
    bad: "increase",
  },
  {
    name: "HttpQueueLength",
    label: "HTTP queue",
    namespace: "Microsoft.Web/serverfarms",
    aggregation: "Average",
    unit: "Count",
    bad: "increase",
  },
  {
    name: "DiskQueueLength",
    label: "Disk queue",
    namespace: "Microsoft.Web/serverfarms",
    aggregation: "Average",
    unit: "Count",
    bad: "increase",
  },
];

export function metricSpec(name: string): MetricSpec | undefined {
  return METRICS.find((m) => m.name === name);
}

/**
 * "App Service plan metrics are available only for plans in Basic, Standard, and Premium
 * tiers": not Consumption (Dynamic), Flex, Free or Shared (Learn, web-sites-monitor).
 */
export function planHasMetrics(tier: string | undefined): boolean {
  return !/^(Dynamic|FlexConsumption|Free|Shared)$/i.test(tier ?? "");
}
