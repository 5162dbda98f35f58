import type { FactSource } from "../core/facts.js";

/** Rules left without their facts in the fleet view, and the one reason each says it did not run. */
export const NOT_READ: Partial<Record<FactSource, string>> = {
  appSettings: "not read: the fleet view reads app settings only with --read-settings",
  connectionStrings: "not read by the fleet view (run check on the app)",
  slotConfigNames: "not read by the fleet view (run check on the app)",
  functions: "not read by the fleet view (run check on the app)",
  slots: "not read by the fleet view (run check on the app)",
  deployments: "not read by the fleet view (run check on the app)",
  hostStatus: "not read by the fleet view (run check on the app)",
  metrics: "not read by the fleet view (run check on the app)",
  logs: "not read by the fleet view (run check on the app)",
};
