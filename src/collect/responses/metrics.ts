import { metricSpacing } from "../ambiguity.js";
import { arr, date, NAME, num, obj, opt, str, type AzureResponse } from "./response.js";

const point = obj({
  timeStamp: date,
  average: opt(num),
  total: opt(num),
  minimum: opt(num),
  maximum: opt(num),
  count: opt(num),
});

/**
 * GET …/providers/Microsoft.Insights/metrics, of a site or its plan (a plan's metrics live under
 * …/serverfarms/{name}/providers/…). A replay serves a narrower timespan from a recorded wider one
 * (src/collect/recording.ts).
 */
export const metrics: AzureResponse<"metrics"> = {
  source: "metrics",
  route: /\/providers\/microsoft\.insights\/metrics$/,
  shape: obj({
    timespan: opt(str),
    interval: opt(str),
    value: arr(obj({ name: obj({ value: str }), timeseries: opt(arr(obj({ data: opt(arr(point)) }))) })),
  }),
  ambiguity: metricSpacing,
  keep: {
    cost: true,
    timespan: true,
    interval: true,
    namespace: true,
    resourceregion: true,
    value: [
      {
        id: true,
        type: true,
        name: NAME,
        unit: true,
        errorCode: true,
        timeseries: [
          {
            metadatavalues: [{ name: NAME, value: true }],
            data: [
              { timeStamp: true, average: true, total: true, minimum: true, maximum: true, count: true },
            ],
          },
        ],
      },
    ],
  },
};
