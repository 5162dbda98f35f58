import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { HttpClient } from "@azure/core-rest-pipeline";
import {
  RECORDING_FILE,
  RECORDING_FORMAT,
  requestKey,
  type RecordedExchange,
  type Recording,
} from "./recording.js";
import { APP_INSIGHTS_TAG } from "./site.js";
import { recordedValue, scrubSecretShaped, type Redactor } from "./redact.js";

/**
 * Wraps the transport of a live check and keeps what Azure answered, redacted as it arrives:
 * setting values become markers (or stay, when allow-listed), secret-shaped strings anywhere are
 * replaced, and no request header (so no token) is ever kept.
 */
export function createRecorder(inner: HttpClient, redact: Redactor) {
  // Keyed by request: a throttled or failed attempt is replaced by the answer that followed it.
  const exchanges = new Map<string, RecordedExchange>();
  const httpClient: HttpClient = {
    async sendRequest(request) {
      const response = await inner.sendRequest(request);
      const contentType = response.headers.get("content-type");
      exchanges.set(requestKey(request.method, request.url), {
        request: { method: request.method, url: request.url },
        response: {
          status: response.status,
          ...(contentType ? { headers: { "content-type": contentType } } : {}),
          body: redactBody(redact, new URL(request.url).pathname, response.bodyAsText ?? ""),
        },
      });
      return response;
    },
  };
  return {
    httpClient,
    recording(meta: {
      recordedAt: Date;
      apps: { qa: string; prod: string };
      description?: string;
    }): Recording {
      return {
        format: RECORDING_FORMAT,
        version: 1,
        recordedAt: meta.recordedAt.toISOString(),
        constructed: false,
        ...(meta.description ? { description: meta.description } : {}),
        apps: meta.apps,
        exchanges: [...exchanges.values()],
      };
    },
  };
}

function redactBody(redact: Redactor, path: string, text: string): unknown {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return text === "" ? undefined : scrubSecretShaped(redact, text);
  }
  // Site tags can carry the Application Insights key or connection string: keep only the link.
  const tags = (body as { tags?: Record<string, string> })?.tags;
  if (tags && /\/providers\/Microsoft\.Web\/sites\/[^/]+(\/slots\/[^/]+)?$/i.test(path)) {
    (body as { tags: Record<string, string> }).tags = Object.fromEntries(
      Object.entries(tags).filter(([key]) => key === APP_INSIGHTS_TAG),
    );
  }
  const properties = (body as { properties?: Record<string, unknown> })?.properties;
  if (properties && /\/config\/appsettings\/list$/i.test(path)) {
    for (const [name, value] of Object.entries(properties))
      properties[name] = recordedValue(
        redact,
        name,
        typeof value === "string" ? value : JSON.stringify(value ?? ""),
      );
  } else if (properties && /\/config\/connectionstrings\/list$/i.test(path)) {
    for (const entry of Object.values(properties) as { value?: string }[])
      if (entry?.value) entry.value = recordedValue(redact, "", entry.value);
  }
  return scrubStrings(redact, body);
}

function scrubStrings(redact: Redactor, value: unknown): unknown {
  if (typeof value === "string") return scrubSecretShaped(redact, value);
  if (Array.isArray(value)) return value.map((item) => scrubStrings(redact, item));
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubStrings(redact, v)]));
  return value;
}

export async function writeRecording(dir: string, recording: Recording): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, RECORDING_FILE);
  await writeFile(path, `${JSON.stringify(recording, null, 2)}\n`, { mode: 0o600 });
  return path;
}
