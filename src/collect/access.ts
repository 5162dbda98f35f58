import type { TokenCredential } from "@azure/core-auth";
import type { HttpClient } from "@azure/core-rest-pipeline";
import type { FactSource, Gap } from "../core/facts.js";
import { observerPolicy, perTryTimeoutPolicy, readOnlyPolicy } from "./policies.js";
import { MalformedResponseError, shapePolicy } from "./shapes.js";

/**
 * What every Azure source under collect/ shares: how to reach Azure (credential, transport,
 * endpoints, retries, the read-only guard) and how a failed read becomes a gap.
 */
export const ARM_ENDPOINT = "https://management.azure.com";

export const MAX_LISTED = 200;

export interface AzureAccess {
  credential: TokenCredential;
  /** Replay, recording or a test transport; the SDK's default client otherwise. */
  httpClient?: HttpClient;
  /** Resource Manager; https://management.azure.com unless a cloud or --arm-endpoint says otherwise. */
  endpoint?: string;
  /** The token scope for Resource Manager (the cloud's audience, even behind an overridden endpoint). */
  scope?: string;
  retryOptions?: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };
  /** Each attempt of each request; a slower answer is retried like a dropped connection. */
  perTryTimeoutMs?: number;
  /** Ends the whole check (--timeout). */
  abortSignal?: AbortSignal;
  /** What to tell the user when the credential fails. */
  authHint?: string;
  /** Azure Monitor metrics (Resource Manager's Microsoft.Insights/metrics); the Resource Manager endpoint unless set. */
  metricsEndpoint?: string;
  /** Told of every attempt of every request: progress and --verbose. */
  onRequest?: Parameters<typeof observerPolicy>[0];
  /** Log Analytics (Application Insights queries) and its token scope. */
  logsEndpoint?: string;
  logsScope?: string;
}

/**
 * Throttling (429 + Retry-After) and transient 5xx share one retry budget in the SDK; a
 * subscription that throttles a burst needs more than the default 3 (reference azure-sdk.md §8).
 */
export const RETRY = { maxRetries: 6, retryDelayInMs: 500, maxRetryDelayInMs: 10_000 };

export const PER_TRY_TIMEOUT_MS = 30_000;

export function clientOptions(access: AzureAccess) {
  return {
    endpoint: access.endpoint ?? ARM_ENDPOINT,
    credentials: { scopes: [access.scope ?? `${ARM_ENDPOINT}/.default`] },
    ...armClientOptions(access),
  };
}

/** Transport options every Resource Manager client shares: retries, timeouts, the read-only guard. */
export function armClientOptions(access: AzureAccess) {
  return {
    userAgentOptions: { userAgentPrefix: "azfn-health" },
    retryOptions: access.retryOptions ?? RETRY,
    additionalPolicies: [
      { policy: readOnlyPolicy, position: "perCall" as const },
      // Every body is checked against its documented shape before the SDK deserialises it.
      { policy: shapePolicy, position: "perCall" as const },
      {
        policy: perTryTimeoutPolicy(access.perTryTimeoutMs ?? PER_TRY_TIMEOUT_MS),
        position: "perRetry" as const,
      },
      ...(access.onRequest
        ? [{ policy: observerPolicy(access.onRequest), position: "perRetry" as const }]
        : []),
    ],
    ...(access.httpClient ? { httpClient: access.httpClient } : {}),
  };
}

export function readOrGap<T>(
  gaps: Gap[],
  source: FactSource,
  load: () => Promise<T>,
): Promise<T | undefined> {
  return load().catch((error: unknown) => {
    gaps.push(gapFrom(source, error));
    return undefined;
  });
}

export async function take<T>(items: AsyncIterable<T>, max = MAX_LISTED): Promise<T[]> {
  const result: T[] = [];
  for await (const item of items) {
    result.push(item);
    if (result.length >= max) break;
  }
  return result;
}

export function statusOf(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown })?.statusCode;
  return typeof status === "number" ? status : undefined;
}

export function describeError(error: unknown): string {
  if ((error as Error)?.name === "AbortError") return "timed out: the check's --timeout ran out";
  const status = statusOf(error);
  const code = (error as { code?: unknown })?.code;
  const message = (error instanceof Error ? error.message.split("\n")[0] : String(error))?.trim();
  const prefix = status ? `HTTP ${status}` : undefined;
  // Said once: a message that already names the status (the host's bare "HTTP 403") is not repeated.
  const rest = prefix && message?.startsWith(prefix) ? message.slice(prefix.length).trim() : message;
  return [prefix, typeof code === "string" && code !== rest && code !== message ? code : undefined, rest]
    .filter(Boolean)
    .join(" ");
}

export function armErrorMessage(body: string | undefined): string | undefined {
  try {
    const parsed = JSON.parse(body ?? "") as {
      error?: { code?: string; message?: string };
      Message?: string;
    };
    return parsed.error?.message ?? parsed.Message;
  } catch {
    return undefined;
  }
}

export const REQUIRED_ROLE: Partial<Record<FactSource, string>> = {
  appSettings:
    "Microsoft.Web/sites/config/list/action (Website Contributor, or a custom role; Reader lacks it)",
  connectionStrings:
    "Microsoft.Web/sites/config/list/action (Website Contributor, or a custom role; Reader lacks it)",
};

export function gapFrom(source: FactSource, error: unknown): Gap {
  const statusCode = statusOf(error);
  const needs = statusCode === 403 && REQUIRED_ROLE[source] ? `; grant ${REQUIRED_ROLE[source]}` : "";
  return {
    source,
    reason: `${describeError(error)}${needs}`,
    ...(statusCode ? { statusCode } : {}),
    ...(error instanceof MalformedResponseError ? { malformed: true as const } : {}),
  };
}
