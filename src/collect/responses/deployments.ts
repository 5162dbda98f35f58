import { bool, date, num, obj, opt, page, paged, siteRoute, str, type AzureResponse } from "./response.js";

/** GET …/deployments (each page): Kudu's status is a number, its times dates. */
export const deployments: AzureResponse<"deployments"> = {
  source: "deployments",
  route: siteRoute("/deployments"),
  shape: page(
    obj({
      id: opt(str),
      name: opt(str),
      properties: obj({
        status: opt(num),
        active: opt(bool),
        start_time: opt(date),
        end_time: opt(date),
        author: opt(str),
        deployer: opt(str),
      }),
    }),
  ),
  // No commit message: it is free text the check never reads.
  keep: paged({
    id: true,
    name: true,
    type: true,
    properties: {
      status: true,
      author: true,
      deployer: true,
      start_time: true,
      end_time: true,
      active: true,
    },
  }),
};
