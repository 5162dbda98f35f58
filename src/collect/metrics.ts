import type { MonitorApi } from "./monitor-api.js";
import { METRICS, planHasMetrics, type MetricNamespace, type MetricSpec } from "../core/metric-catalogue.js";
import { weekEarlier, type Window, type Windows } from "../core/windows.js";
import type { MetricsFacts } from "../core/facts.js";
import type { AzureAccess } from "./access.js";
import { ARM_ENDPOINT, armClientOptions, describeError, statusOf } from "./access.js";

/**
 * Azure Monitor metrics of one environment, through `@azure/arm-monitor` (Metrics - List,
 * api-version 2024-02-01): the app's metrics that its metricDefinitions offer, and the plan's
 * where its tier has them, many metrics per request, one request per resource covering both
 * windows when they touch (a last-week baseline needs its own).
 */
/** https://learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/microsoft-web-sites-slots-metrics */
export const SLOT_NAMESPACE = "Microsoft.Web/sites/slots";

export interface MetricsReader {
  /** `afterOnly`: the after-window alone (a watch round reads only its new buckets; the baseline was read once). */
  read(
    windows: Windows,
    plan: { planId?: string; planTier?: string },
    options?: { afterOnly?: boolean },
  ): Promise<MetricsFacts>;
}

/**
 * Starts at once what needs no release time (loading the SDK, the app's metric definitions),
 * so only the metric queries wait for the windows: one round trip, not two.
 */
export function startMetrics(
  access: AzureAccess,
  target: { subscriptionId: string; siteId: string; isSlot?: boolean },
): MetricsReader {
  // A slot is its own resource type: Azure Monitor refuses a slot's ID under the site's namespace (400).
  const siteNamespace = target.isSlot ? SLOT_NAMESPACE : "Microsoft.Web/sites";
  const ready = (async () => {
    const { createMonitorApi } = await import("./monitor-api.js");
    const client = createMonitorApi(access.credential, target.subscriptionId, {
      ...armClientOptions(access),
      endpoint: access.metricsEndpoint ?? access.endpoint ?? ARM_ENDPOINT,
      credentials: { scopes: [access.scope ?? `${ARM_ENDPOINT}/.default`] },
    });
    const offered = new Set<string>();
    for await (const definition of client.metricDefinitions.list(target.siteId, {
      metricnamespace: siteNamespace,
      abortSignal: access.abortSignal,
    })) {
      if (definition.name?.value) offered.add(definition.name.value);
    }
    return { client, offered };
  })();
  ready.catch(() => undefined); // surfaces through read(), or not at all when no windows are read
  return {
    async read(windows, plan, options = {}) {
      const { client, offered } = await ready;
      const unavailable: Record<string, string> = {};
      const siteSpecs = METRICS.filter((m) => m.namespace === "Microsoft.Web/sites");
      const planSpecs = METRICS.filter((m) => m.namespace === "Microsoft.Web/serverfarms");
      for (const spec of siteSpecs.filter((m) => !offered.has(m.name)))
        unavailable[spec.name] = "not offered for this app (its metricDefinitions do not list it)";
      const wanted = siteSpecs.filter((m) => offered.has(m.name));
      const planWanted = plan.planId && planHasMetrics(plan.planTier) ? planSpecs : [];
      if (planWanted.length === 0)
        for (const spec of planSpecs)
          unavailable[spec.name] = plan.planId
            ? `the ${plan.planTier ?? "unknown"} plan tier has no plan metrics`
            : "no plan";
      const series: MetricsFacts["series"] = {};
      // Time of day (issue 9 §4): the after-window's hours a week earlier, in the same wave.
      const lastWeek: Record<string, (number | null)[]> = {};
      const lastWeekReads =
        windows.baselineMode === "before" && !options.afterOnly
          ? [
              readLastWeek(client, access, target.siteId, siteNamespace, wanted, windows, lastWeek),
              ...(planWanted.length > 0
                ? [
                    readLastWeek(
                      client,
                      access,
                      plan.planId!,
                      "Microsoft.Web/serverfarms",
                      planWanted,
                      windows,
                      lastWeek,
                    ),
                  ]
                : []),
            ]
          : [];
      await Promise.all([
        ...lastWeekReads,
        readMetrics(
          client,
          access,
          target.siteId,
          siteNamespace,
          wanted,
          windows,
          series,
          unavailable,
          options.afterOnly,
        ),
        planWanted.length > 0
          ? readMetrics(
              client,
              access,
              plan.planId!,
              "Microsoft.Web/serverfarms",
              planWanted,
              windows,
              series,
              unavailable,
              options.afterOnly,
            )
          : undefined,
      ]);
      for (const [name, values] of Object.entries(lastWeek)) if (series[name]) series[name].lastWeek = values;
      return { series, unavailable };
    },
  };
}

/**
 * The after-window's hours seven days earlier, one request; optional: when it fails (a
 * recording without it, a resource younger than a week) the judgment compares two ways, not three.
 */
async function readLastWeek(
  client: MonitorApi,
  access: AzureAccess,
  resourceId: string,
  namespace: MetricNamespace | typeof SLOT_NAMESPACE,
  specs: MetricSpec[],
  windows: Windows,
  into: Record<string, (number | null)[]>,
): Promise<void> {
  if (specs.length === 0) return;
  const span = weekEarlier(windows.after);
  try {
    const response = await client.metrics.list(resourceId, {
      timespan: `${span.start}/${span.end}`,
      interval: windows.grain,
      metricnames: specs.map((m) => m.name).join(","),
      aggregation: "Average,Total",
      metricnamespace: namespace,
      abortSignal: access.abortSignal,
    });
    const [start, end] = [Date.parse(span.start), Date.parse(span.end)];
    for (const metric of response.value) {
      const spec = specs.find((m) => m.name === metric.name.value);
      if (!spec) continue;
      const values: (number | null)[] = [];
      const data = metric.timeseries?.[0]?.data ?? [];
      const total = spec.aggregation === "Total";
      for (let i = 0; i < data.length; i++) {
        const point = data[i]!;
        const at = point.timeStamp.getTime();
        if (at >= start && at < end) values.push((total ? point.total : point.average) ?? null);
      }
      into[spec.name] = values;
    }
  } catch {
    // Optional evidence: its absence is said by the judgment (no last-week comparison), not an error.
  }
}

async function readMetrics(
  client: MonitorApi,
  access: AzureAccess,
  resourceId: string,
  namespace: MetricNamespace | typeof SLOT_NAMESPACE,
  specs: MetricSpec[],
  windows: Windows,
  series: MetricsFacts["series"],
  unavailable: Record<string, string>,
  afterOnly = false,
): Promise<void> {
  if (specs.length === 0) return;
  // A baseline right before the release is one request with the after-window (the settle minutes
  // between them are dropped); a last-week baseline is a second request, sent at the same time.
  const spans: Window[] = afterOnly
    ? [windows.after]
    : windows.baselineMode === "before"
      ? [{ start: windows.baseline.start, end: windows.after.end }]
      : [windows.baseline, windows.after];
  const query = async (names: MetricSpec[]) => {
    const responses = await Promise.all(
      spans.map((span) =>
        client.metrics.list(resourceId, {
          timespan: `${span.start}/${span.end}`,
          interval: windows.grain,
          metricnames: names.map((m) => m.name).join(","),
          aggregation: "Average,Total",
          metricnamespace: namespace,
          abortSignal: access.abortSignal,
        }),
      ),
    );
    for (const spec of names) series[spec.name] = { baseline: [], after: [] };
    const [baselineStart, baselineEnd, afterStart, afterEnd] = [
      windows.baseline.start,
      windows.baseline.end,
      windows.after.start,
      windows.after.end,
    ].map(Date.parse) as [number, number, number, number];
    for (const response of responses) {
      for (const metric of response.value) {
        const spec = names.find((m) => m.name === metric.name.value);
        if (!spec) continue;
        // Index loops over tens of thousands of points, in code that has not warmed up (issue #19).
        const data = metric.timeseries?.[0]?.data ?? [];
        const total = spec.aggregation === "Total";
        const { baseline, after } = series[spec.name]!;
        for (let i = 0; i < data.length; i++) {
          const point = data[i]!;
          const at = point.timeStamp.getTime();
          const value = (total ? point.total : point.average) ?? null;
          // The newest bucket may hold only a timestamp (ingestion delay): missing, not zero.
          if (at >= baselineStart && at < baselineEnd) baseline.push(value);
          else if (at >= afterStart && at < afterEnd) after.push(value);
        }
      }
    }
  };
  try {
    await query(specs);
  } catch (error) {
    // One unknown metric name fails the whole request (400): ask one by one, so the rest are still judged.
    if (statusOf(error) !== 400 || specs.length === 1) throw error;
    await Promise.all(
      specs.map((spec) =>
        query([spec]).catch((e: unknown) => {
          delete series[spec.name];
          unavailable[spec.name] = `rejected by Azure Monitor (${describeError(e)})`;
        }),
      ),
    );
  }
}
