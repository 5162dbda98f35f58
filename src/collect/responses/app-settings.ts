import { settingNames } from "../ambiguity.js";
import { ANY, obj, record, siteRoute, str, type AzureResponse } from "./response.js";

/**
 * POST …/config/appsettings/list: a StringDictionary, every value a string. The recorder turns
 * each value into what `recordedValue` says (a marker unless allow-listed, src/collect/redact.ts).
 */
export const appSettings: AzureResponse<"appSettings"> = {
  source: "appSettings",
  route: siteRoute("/config/appsettings/list"),
  shape: obj({ properties: record(str) }),
  ambiguity: settingNames,
  keep: { id: true, name: true, type: true, location: true, properties: { [ANY]: true } },
};
