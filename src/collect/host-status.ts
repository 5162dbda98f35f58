import { createDefaultHttpClient, createPipelineRequest } from "@azure/core-rest-pipeline";
import type { EnvironmentFacts } from "../core/facts.js";
import type { AppRef } from "../core/resource-id.js";
import { ARM_ENDPOINT, armErrorMessage, type AzureAccess } from "./access.js";
import type { WebApi } from "./web-api.js";

/** Not in the SDK or the REST specs: ARM's pass-through to the Functions host, as the portal uses it. */
export const HOST_STATUS_API_VERSION = "2022-03-01";

/** The running host, as the portal shows it: sent through the client's own authenticated pipeline. */
export async function hostStatus(
  client: WebApi,
  access: AzureAccess,
  ref: AppRef,
): Promise<EnvironmentFacts["host"]> {
  const url = `${access.endpoint ?? ARM_ENDPOINT}${ref.id}/hostruntime/admin/host/status?api-version=${HOST_STATUS_API_VERSION}`;
  const response = await client.pipeline.sendRequest(
    access.httpClient ?? createDefaultHttpClient(),
    createPipelineRequest({ url, method: "GET", abortSignal: access.abortSignal }),
  );
  if (response.status >= 400)
    throw Object.assign(
      new Error(armErrorMessage(response.bodyAsText ?? undefined) ?? `HTTP ${response.status}`),
      { statusCode: response.status },
    );
  const body = JSON.parse(response.bodyAsText ?? "{}") as {
    state?: string;
    version?: string;
    errors?: unknown;
    extensionBundle?: { id?: string; version?: string };
  };
  return {
    state: body.state ?? "unknown",
    version: body.version,
    errors: Array.isArray(body.errors) ? body.errors.map(String) : [],
    extensionBundle: body.extensionBundle?.id
      ? { id: body.extensionBundle.id, version: body.extensionBundle.version ?? "" }
      : undefined,
  };
}
