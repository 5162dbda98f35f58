import { arr, obj, opt, siteRoute, str, type AzureResponse } from "./response.js";

/** GET …/config/slotConfigNames: the lists are null when nothing is sticky. */
export const slotConfigNames: AzureResponse<"slotConfigNames"> = {
  source: "slotConfigNames",
  route: siteRoute("/config/slotconfignames"),
  shape: obj({
    properties: obj({
      appSettingNames: opt(arr(str)),
      connectionStringNames: opt(arr(str)),
      azureStorageConfigNames: opt(arr(str)),
    }),
  }),
  keep: {
    id: true,
    name: true,
    type: true,
    properties: { appSettingNames: [true], connectionStringNames: [true], azureStorageConfigNames: [true] },
  },
};
