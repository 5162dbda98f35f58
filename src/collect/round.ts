import type { EnvironmentFacts, Gap, MetricsFacts, Role } from "../core/facts.js";
import type { AppRef } from "../core/resource-id.js";
import type { Windows } from "../core/windows.js";
import { clientOptions, gapFrom, type AzureAccess } from "./access.js";
import { hostStatus } from "./host-status.js";
import { startMetrics, type MetricsReader } from "./metrics.js";
import { siteFacts } from "./site.js";
import { createWebApi, type WebApi } from "./web-api.js";

/** What one watch round reads of one environment: its state, its host, and the new metric buckets. */
export interface RoundFacts {
  site?: EnvironmentFacts["site"];
  host?: EnvironmentFacts["host"];
  metrics?: MetricsFacts;
  gaps: Gap[];
}

export interface RoundReader {
  /** Kept across rounds: the metric definitions are read once, with the first round. */
  readers: Record<Role, MetricsReader>;
  /**
   * One wave, every request at once: site and host status (a stopped app or a host error stops the
   * watch), and the after-window buckets only, never the baseline. `windows` undefined: no metrics.
   */
  read(
    windows: Windows | undefined,
    plans: Record<Role, { planId?: string; planTier?: string }>,
    abortSignal?: AbortSignal,
  ): Promise<Record<Role, RoundFacts>>;
}

export function createRoundReader(access: AzureAccess, apps: Record<Role, AppRef>): RoundReader {
  const readers = {
    qa: startMetrics(access, {
      subscriptionId: apps.qa.subscriptionId,
      siteId: apps.qa.id,
      isSlot: apps.qa.slot !== undefined,
    }),
    prod: startMetrics(access, {
      subscriptionId: apps.prod.subscriptionId,
      siteId: apps.prod.id,
      isSlot: apps.prod.slot !== undefined,
    }),
  };
  const clients = new Map<string, WebApi>();
  const clientFor = (subscriptionId: string) => {
    let client = clients.get(subscriptionId);
    if (!client)
      clients.set(
        subscriptionId,
        (client = createWebApi(access.credential, subscriptionId, clientOptions(access))),
      );
    return client;
  };
  const readOne = async (
    role: Role,
    windows: Windows | undefined,
    plan: { planId?: string; planTier?: string },
    roundAccess: AzureAccess,
  ): Promise<RoundFacts> => {
    const ref = apps[role];
    const client = clientFor(ref.subscriptionId);
    const o = { abortSignal: roundAccess.abortSignal };
    const gaps: Gap[] = [];
    const [site, host, metrics] = await Promise.all([
      (ref.slot
        ? client.webApps.getSlot(ref.resourceGroup, ref.site, ref.slot, o)
        : client.webApps.get(ref.resourceGroup, ref.site, o)
      ).then(siteFacts, (error: unknown) => void gaps.push(gapFrom("site", error))),
      hostStatus(client, roundAccess, ref).catch(
        (error: unknown) => void gaps.push(gapFrom("hostStatus", error)),
      ),
      windows
        ? readers[role]
            .read(windows, plan, { afterOnly: true })
            .catch((error: unknown) => void gaps.push(gapFrom("metrics", error)))
        : undefined,
    ]);
    return { ...(site ? { site } : {}), ...(host ? { host } : {}), ...(metrics ? { metrics } : {}), gaps };
  };
  return {
    readers,
    async read(windows, plans, abortSignal) {
      const roundAccess = abortSignal ? { ...access, abortSignal } : access;
      const [qa, prod] = await Promise.all([
        readOne("qa", windows, plans.qa, roundAccess),
        readOne("prod", windows, plans.prod, roundAccess),
      ]);
      return { qa, prod };
    },
  };
}
