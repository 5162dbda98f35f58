import { readFile } from "node:fs/promises";
import type { FunctionAppStack } from "@azure/arm-appservice";
import { createHttpHeaders } from "@azure/core-rest-pipeline";
import { LOCAL_ONLY_CREDENTIAL } from "./credentials.js";
import { createWebApi } from "./web-api.js";

const BUNDLED = new URL("../../data/function-app-stacks.json", import.meta.url);
const SNAPSHOT_DATE = "2026-04-24";

/**
 * The bundled Core Tools stacks.json, read through the SDK's own deserialiser (served to
 * the same `listFunctionAppStacks` call) so both sources yield the same model.
 */
export async function bundledStacks(): Promise<{ snapshotDate: string; stacks: FunctionAppStack[] }> {
  const body = await readFile(BUNDLED, "utf8");
  // The request never leaves the process, so no real token is needed or fetched.
  const client = createWebApi(LOCAL_ONLY_CREDENTIAL, "", {
    httpClient: {
      sendRequest: (request) =>
        Promise.resolve({
          request,
          status: 200,
          headers: createHttpHeaders({ "content-type": "application/json" }),
          bodyAsText: body,
        }),
    },
    retryOptions: { maxRetries: 0 },
  });
  const stacks: FunctionAppStack[] = [];
  for await (const stack of client.provider.listFunctionAppStacks()) stacks.push(stack);
  return { snapshotDate: SNAPSHOT_DATE, stacks };
}
