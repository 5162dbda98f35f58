import type { Argv } from "yargs";
import { FAIL_ON_CHOICES } from "../core/exit-codes.js";
import type { LoadedConfig } from "../config/load.js";
import { FLEET_FORMATS } from "../fleet/report/index.js";
import { PAIR_FLAGS, type FleetArgs } from "../app/fleet.js";
import { accessOptions, configDefaults } from "./check-command.js";

export type { FleetArgs };

/** check's access options (clouds, endpoints, --auth, --timeout), plus the fleet's scope and output. */
export function fleetOptions(yargs: Argv): Argv<FleetArgs> {
  let y = accessOptions(yargs) as unknown as Argv;
  for (const flag of PAIR_FLAGS) y = y.hide(flag);
  return y
    .option("subscription", {
      type: "string",
      array: true,
      describe:
        "A subscription ID to read (repeat for more; default: every subscription the identity can read)",
    })
    .option("management-group", {
      type: "string",
      describe: "Read every subscription under this management group",
    })
    .option("read-settings", {
      type: "boolean",
      describe:
        "Also read each app's settings (worker runtime, host IDs on shared storage); needs Microsoft.Web/sites/config/list/action",
    })
    .option("format", { choices: FLEET_FORMATS, default: "text", describe: "Report format" })
    .option("fail-on", {
      choices: FAIL_ON_CHOICES,
      default: "hotfix",
      describe:
        "Lowest fleet verdict that exits non-zero (critical/high findings: hotfix; medium/low: monitor)",
    })
    .example("$0 fleet", "Every Function App the identity can read, worst first")
    .example(
      "$0 fleet --subscription 0000… --subscription 1111… --format csv > fleet.csv",
      "Two subscriptions, for a spreadsheet",
    )
    .example(
      "$0 fleet --management-group platform --read-settings --format html > fleet.html",
      "One management group, settings too",
    ) as unknown as Argv<FleetArgs>;
}

/** The configuration's values fleet shares with check: the cloud, endpoints, sign-in, timeout, gate. */
const SHARED_DEFAULTS = [
  "failOn",
  "cloud",
  "auth",
  "tenant",
  "timeout",
  "armEndpoint",
  "logsEndpoint",
  "metricsEndpoint",
];

export function fleetDefaults(loaded?: LoadedConfig): Record<string, unknown> {
  const all = configDefaults(loaded);
  return Object.fromEntries(Object.entries(all).filter(([key]) => SHARED_DEFAULTS.includes(key)));
}
