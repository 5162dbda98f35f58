import { NAME, obj, opt, page, paged, str, type AzureResponse } from "./response.js";

/** GET …/providers/Microsoft.Insights/metricDefinitions (each page), of a site or its plan. */
export const metricDefinitions: AzureResponse<"metricDefinitions"> = {
  source: "metricDefinitions",
  route: /\/providers\/microsoft\.insights\/metricdefinitions$/,
  shape: page(obj({ name: obj({ value: str, localizedValue: opt(str) }) })),
  keep: paged({
    id: true,
    resourceId: true,
    namespace: true,
    name: NAME,
    unit: true,
    primaryAggregationType: true,
    supportedAggregationTypes: [true],
    metricAvailabilities: [{ timeGrain: true, retention: true }],
  }),
};
