import { skuWords } from "../ambiguity.js";
import { ARM, bool, num, obj, opt, str, type AzureResponse } from "./response.js";

const SKU = { name: true, tier: true, size: true, family: true, capacity: true } as const;

/** GET …/serverfarms/{name}. */
export const plan: AzureResponse<"plan"> = {
  source: "plan",
  route: /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.web\/serverfarms\/[^/]+$/,
  shape: obj({
    id: opt(str),
    name: opt(str),
    sku: opt(obj({ name: opt(str), tier: opt(str), capacity: opt(num) })),
    properties: obj({ reserved: opt(bool), numberOfSites: opt(num), maximumElasticWorkerCount: opt(num) }),
  }),
  ambiguity: skuWords,
  keep: {
    ...ARM,
    sku: SKU,
    properties: {
      status: true,
      reserved: true,
      numberOfSites: true,
      maximumElasticWorkerCount: true,
      elasticScaleEnabled: true,
      zoneRedundant: true,
      sku: SKU,
    },
  },
};
