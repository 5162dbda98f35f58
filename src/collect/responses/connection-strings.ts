import { settingNames } from "../ambiguity.js";
import { ANY, either, num, obj, opt, record, siteRoute, str, type AzureResponse } from "./response.js";

/**
 * POST …/config/connectionstrings/list. `type` is the ConnectionStringType enum (a name; old APIs a
 * number). The recorder turns each value into a marker (src/collect/redact.ts).
 */
export const connectionStrings: AzureResponse<"connectionStrings"> = {
  source: "connectionStrings",
  route: siteRoute("/config/connectionstrings/list"),
  shape: obj({ properties: record(obj({ value: opt(str), type: opt(either(str, num)) })) }),
  ambiguity: settingNames,
  keep: {
    id: true,
    name: true,
    type: true,
    location: true,
    properties: { [ANY]: { value: true, type: true } },
  },
};
