import { arr, obj, opt, siteRoute, str, type AzureResponse } from "./response.js";

/**
 * ARM's pass-through to the host (`HostStatus` in Azure/azure-functions-host,
 * src/WebJobs.Script.WebHost/Models/HostStatus.cs): `state` is always written.
 */
export const hostStatus: AzureResponse<"hostStatus"> = {
  source: "hostStatus",
  route: siteRoute("/hostruntime/admin/host/status"),
  shape: obj({
    state: str,
    version: opt(str),
    errors: opt(arr(str)),
    extensionBundle: opt(obj({ id: opt(str), version: opt(str) })),
  }),
  keep: {
    id: true,
    state: true,
    version: true,
    errors: [true],
    extensionBundle: { id: true, version: true },
  },
};
