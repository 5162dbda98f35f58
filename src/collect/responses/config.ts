import { runtimeStrings } from "../ambiguity.js";
import { bool, num, obj, opt, siteRoute, str, type AzureResponse } from "./response.js";

/** GET …/config/web (the site GET leaves bitness and the .NET target null: read from here). */
export const config: AzureResponse<"config"> = {
  source: "config",
  route: siteRoute("/config/web"),
  shape: obj({
    properties: obj({
      use32BitWorkerProcess: opt(bool),
      alwaysOn: opt(bool),
      netFrameworkVersion: opt(str),
      linuxFxVersion: opt(str),
      powerShellVersion: opt(str),
      javaVersion: opt(str),
      pythonVersion: opt(str),
      nodeVersion: opt(str),
      functionAppScaleLimit: opt(num),
      minimumElasticInstanceCount: opt(num),
    }),
  }),
  ambiguity: runtimeStrings,
  // Real responses carry tags on config/web too: none is kept.
  keep: {
    id: true,
    name: true,
    type: true,
    location: true,
    properties: {
      netFrameworkVersion: true,
      linuxFxVersion: true,
      windowsFxVersion: true,
      powerShellVersion: true,
      javaVersion: true,
      nodeVersion: true,
      pythonVersion: true,
      use32BitWorkerProcess: true,
      alwaysOn: true,
      functionAppScaleLimit: true,
      minimumElasticInstanceCount: true,
      functionsRuntimeScaleMonitoringEnabled: true,
      minTlsVersion: true,
      ftpsState: true,
      http20Enabled: true,
    },
  },
};
