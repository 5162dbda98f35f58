import type { TokenCredential } from "@azure/core-auth";
import type { WebSiteManagementClient } from "@azure/arm-appservice";
import {
  createWebSiteManagement,
  type WebSiteManagementClientOptionalParams,
} from "@azure/arm-appservice/api";
import { get as getPlan } from "@azure/arm-appservice/api/appServicePlans";
import { listFunctionAppStacks } from "@azure/arm-appservice/api/provider";
import {
  get,
  getConfiguration,
  getConfigurationSlot,
  getSlot,
  listApplicationSettings,
  listApplicationSettingsSlot,
  listConnectionStrings,
  listConnectionStringsSlot,
  listDeployments,
  listDeploymentsSlot,
  listFunctions,
  listInstanceFunctionsSlot,
  listSlotConfigurationNames,
  listSlots,
} from "@azure/arm-appservice/api/webApps";

type Client = WebSiteManagementClient;

/**
 * The App Service operations azfn-health reads, and nothing else. `new WebSiteManagementClient()`
 * builds every one of the SDK's ~1,000 operations (1.4 MB of bundle loaded and compiled on each
 * run); the SDK's modular API (the client's context and one function per operation) lets the bundle
 * keep only these. The same request, pipeline and deserialiser as the client's methods, which call
 * these very functions: a recording still replays through the live run's parsing path.
 */
export interface WebApi {
  /** The context's authenticated pipeline (retries, the read-only guard, the shape checks). */
  pipeline: Client["pipeline"];
  webApps: Pick<
    Client["webApps"],
    | "get"
    | "getSlot"
    | "getConfiguration"
    | "getConfigurationSlot"
    | "listApplicationSettings"
    | "listApplicationSettingsSlot"
    | "listConnectionStrings"
    | "listConnectionStringsSlot"
    | "listSlotConfigurationNames"
    | "listDeployments"
    | "listDeploymentsSlot"
    | "listFunctions"
    | "listInstanceFunctionsSlot"
    | "listSlots"
  >;
  appServicePlans: Pick<Client["appServicePlans"], "get">;
  provider: Pick<Client["provider"], "listFunctionAppStacks">;
}

export function createWebApi(
  credential: TokenCredential,
  subscriptionId: string,
  options: WebSiteManagementClientOptionalParams,
): WebApi {
  const context = createWebSiteManagement(credential, subscriptionId, options);
  return {
    pipeline: context.pipeline,
    webApps: {
      get: (rg, name, o) => get(context, rg, name, o),
      getSlot: (rg, name, slot, o) => getSlot(context, rg, name, slot, o),
      getConfiguration: (rg, name, o) => getConfiguration(context, rg, name, o),
      getConfigurationSlot: (rg, name, slot, o) => getConfigurationSlot(context, rg, name, slot, o),
      listApplicationSettings: (rg, name, o) => listApplicationSettings(context, rg, name, o),
      listApplicationSettingsSlot: (rg, name, slot, o) =>
        listApplicationSettingsSlot(context, rg, name, slot, o),
      listConnectionStrings: (rg, name, o) => listConnectionStrings(context, rg, name, o),
      listConnectionStringsSlot: (rg, name, slot, o) => listConnectionStringsSlot(context, rg, name, slot, o),
      listSlotConfigurationNames: (rg, name, o) => listSlotConfigurationNames(context, rg, name, o),
      listDeployments: (rg, name, o) => listDeployments(context, rg, name, o),
      listDeploymentsSlot: (rg, name, slot, o) => listDeploymentsSlot(context, rg, name, slot, o),
      listFunctions: (rg, name, o) => listFunctions(context, rg, name, o),
      listInstanceFunctionsSlot: (rg, name, slot, o) => listInstanceFunctionsSlot(context, rg, name, slot, o),
      listSlots: (rg, name, o) => listSlots(context, rg, name, o),
    },
    appServicePlans: { get: (rg, name, o) => getPlan(context, rg, name, o) },
    provider: { listFunctionAppStacks: (o) => listFunctionAppStacks(context, o) },
  };
}
