import { obj, opt, page, paged, str, type AzureResponse } from "./response.js";
import { siteKeep } from "./site.js";

/** GET …/sites/{name}/slots (each page): each slot is a site; the check reads its name and state. */
export const slots: AzureResponse<"slots"> = {
  source: "slots",
  route: /^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+\/providers\/microsoft\.web\/sites\/[^/]+\/slots$/,
  shape: page(obj({ name: opt(str), properties: obj({ state: opt(str) }) })),
  keep: paged(siteKeep),
};
