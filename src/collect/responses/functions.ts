import { bool, obj, opt, page, paged, siteRoute, str, type AzureResponse } from "./response.js";

/**
 * GET …/functions (each page): ARM's FunctionEnvelope. `language` is what each deployed function
 * declares to the host: `dotnet-isolated` for an isolated .NET build, `DotNetAssembly` (or `CSharp`,
 * `FSharp` for scripts) for an in-process one, `node`, `python`, `java`, `powershell`, `custom`
 * (azure-functions-host `DotNetScriptTypes`, `RpcWorkerConstants`). It says which worker the
 * deployed payload needs (src/core/payload.ts).
 */
export const functions: AzureResponse<"functions"> = {
  source: "functions",
  route: siteRoute("/functions"),
  shape: page(obj({ name: opt(str), properties: obj({ isDisabled: opt(bool), language: opt(str) }) })),
  keep: paged({
    id: true,
    name: true,
    type: true,
    properties: { name: true, isDisabled: true, language: true },
  }),
};
