import type { MetricThresholds } from "../analyse/metrics/judge.js";
import type { Policy } from "../analyse/policy.js";
import { clientOptions, type AzureAccess } from "../collect/access.js";
import { collectStacks } from "../collect/stacks.js";
import { createWebApi } from "../collect/web-api.js";
import { exitCodeFor, type FailOn } from "../core/exit-codes.js";
import { fleetVerdict, judgeFleet } from "./analyse.js";
import { readInventory, readSettings, type FleetScope } from "./collect.js";
import { buildFleetReport, type FleetReport } from "./model.js";

export interface FleetRequest {
  access: AzureAccess;
  scope: FleetScope;
  now: Date;
  /** When --timeout runs out, in ms since the epoch. */
  deadlineAt: number;
  hashKey: Uint8Array;
  readSettings: boolean;
  failOn: FailOn;
  toolVersion: string;
  policy?: Policy;
  thresholds?: MetricThresholds;
}

/**
 * collect (Resource Graph, then settings when asked) → analyse (check's rules) → the report model.
 * The Function App Stacks matrix is read once for the fleet (the bundled snapshot when it cannot be).
 */
export async function runFleet(request: FleetRequest): Promise<FleetReport> {
  const { access, scope } = request;
  const inventory = await readInventory(access, scope, { deadlineAt: request.deadlineAt });
  // The stacks matrix (GET /providers/Microsoft.Web/functionAppStacks) needs no subscription.
  const [stacks, settings] = await Promise.all([
    collectStacks(createWebApi(access.credential, "", clientOptions(access)), access, request.now),
    request.readSettings ? readSettings(access, inventory.apps, request.hashKey) : Promise.resolve(undefined),
  ]);
  const judgment = judgeFleet(inventory.apps, stacks, request.now, request.policy);
  const verdict = fleetVerdict(judgment.worst, inventory.gaps.length === 0);
  return buildFleetReport({
    judgment,
    inventory,
    ...(settings ? { settings } : {}),
    stacks,
    scope,
    now: request.now,
    toolVersion: request.toolVersion,
    verdict,
    exitCode: exitCodeFor(verdict, request.failOn),
    failOn: request.failOn,
  });
}
