import { lstat, mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { UsageError } from "../core/errors.js";
import type { HttpClient } from "@azure/core-rest-pipeline";
import {
  asciiJson,
  RECORDING_FILE,
  RECORDING_FORMAT,
  requestKey,
  type RecordedExchange,
  type RecordedRequest,
  type Recording,
} from "./recording.js";
import { recordedValue, scrubSecretShaped, type Redactor } from "./redact.js";
import { classify } from "./responses/index.js";
import { ANY, type Keep } from "./responses/response.js";

/**
 * Wraps the transport of a live check and keeps what Azure answered, redacted as it arrives.
 * Each response the check reads has an ALLOW-LIST of the fields kept (`keep` in its module,
 * src/collect/responses/): any other field, known or new, never reaches the file. Real responses
 * carry tags on `config/web`, `appsettings` and `connectionstrings` as well as the site
 * (`hidden-link: /app-insights-instrumentation-key` among them); only the site keeps its
 * Application Insights link and stage tags. Setting values become markers (or stay, when
 * allow-listed), any kept string that looks like a secret is replaced, and no request header (so no
 * token) is ever kept.
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
          body: redactBody(redact, request.url, response.status, response.bodyAsText ?? ""),
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
      request?: RecordedRequest;
    }): Recording {
      return {
        format: RECORDING_FORMAT,
        version: 1,
        recordedAt: meta.recordedAt.toISOString(),
        constructed: false,
        ...(meta.description ? { description: meta.description } : {}),
        apps: meta.apps,
        ...(meta.request ? { request: meta.request } : {}),
        exchanges: [...exchanges.values()],
      };
    },
  };
}

/** What any failed request keeps: ARM's error code and message (scrubbed), nothing else. */
const ERROR_FIELDS: Keep = {
  error: { code: true, message: true, details: [{ code: true, message: true }] },
  Code: true,
  Message: true,
};

/**
 * The body a recording keeps (RecordedExchange's `body`): the JSON text of the kept, redacted fields,
 * which replay serves as is; or, for an answer that is not JSON, its scrubbed first line; or nothing.
 */
export function redactBody(redact: Redactor, url: string, status: number, text: string): string | undefined {
  if (text === "") return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (an HTML error page, plain text): only its first line, scrubbed, for the error message.
    return scrubSecretShaped(redact, text.split("\n")[0]!.slice(0, 500));
  }
  const read = status >= 400 ? undefined : classify(url);
  const kept = keepFields(redact, body, status >= 400 ? ERROR_FIELDS : (read?.keep ?? {}));
  // Setting values: every value becomes what `recordedValue` says (a marker unless allow-listed),
  // computed from the value as Azure sent it. A value of the wrong shape keeps its wrong shape
  // (emptied), so the replay finds the same malformed answer the live check did.
  const raw = (body as { properties?: Record<string, unknown> } | null)?.properties;
  if (kept && raw && typeof raw === "object" && read?.source === "appSettings") {
    (kept as { properties: unknown }).properties = Object.fromEntries(
      Object.entries(raw).map(([name, value]) => [
        name,
        typeof value === "string" ? recordedValue(redact, name, value) : emptied(value),
      ]),
    );
  } else if (kept && raw && typeof raw === "object" && read?.source === "connectionStrings") {
    (kept as { properties: unknown }).properties = Object.fromEntries(
      Object.entries(raw).map(([name, entry]) => {
        if (!entry || typeof entry !== "object" || Array.isArray(entry))
          return [name, typeof entry === "string" ? recordedValue(redact, "", entry) : emptied(entry)];
        const { value, type: kind } = entry as { value?: unknown; type?: unknown };
        return [
          name,
          {
            ...(value === undefined
              ? {}
              : { value: typeof value === "string" ? recordedValue(redact, "", value) : emptied(value) }),
            ...(typeof kind === "string" || typeof kind === "number" ? { type: kind } : {}),
          },
        ];
      }),
    );
  }
  // Nothing kept (a JSON body of the wrong shape): an empty body.
  return kept === undefined ? undefined : JSON.stringify(kept);
}

/** A value of the wrong shape, without its content: a number or boolean stays, an object or list is emptied. */
function emptied(value: unknown): unknown {
  if (Array.isArray(value)) return [];
  if (value && typeof value === "object") return {};
  return value;
}

export function keepFields(redact: Redactor, value: unknown, keep: Keep): unknown {
  if (keep === true) {
    if (typeof value === "string") return scrubSecretShaped(redact, value);
    if (value === null || typeof value === "number" || typeof value === "boolean") return value;
    return undefined;
  }
  if (Array.isArray(keep)) {
    if (!Array.isArray(value)) return value === null ? null : undefined;
    return value.map((item) => keepFields(redact, item, keep[0] as Keep) ?? null);
  }
  if (value === null) return null;
  if (typeof value !== "object" || Array.isArray(value)) return undefined;
  const shape = keep as { readonly [field: string]: Keep };
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const rule = Object.hasOwn(shape, key) && key !== ANY ? shape[key] : shape[ANY];
    if (rule === undefined) continue;
    const kept = keepFields(redact, item, rule);
    if (kept !== undefined) result[key] = kept;
  }
  return result;
}

/**
 * A recording is evidence: its directory must be new or empty, and a real directory (a symlink
 * planted in its place is refused, as for --out). Checked before the run reads anything.
 */
export async function refuseRecordingTarget(dir: string, flag = "--record"): Promise<void> {
  const existing = await lstat(dir).catch(() => undefined);
  if (!existing) return;
  if (!existing.isDirectory())
    throw new UsageError(
      `${flag}: ${dir} exists and is ${existing.isSymbolicLink() ? "a symbolic link" : "not a directory"}: give a new directory`,
    );
  if ((await readdir(dir)).length > 0)
    throw new UsageError(
      `${flag}: ${dir} is not empty: give a new or empty directory (azfn-health never overwrites evidence)`,
    );
}

/** Writes recording.json, created exclusively (O_CREAT|O_EXCL: never over a file, never through a symlink). */
export async function writeRecording(dir: string, recording: Recording, flag = "--record"): Promise<string> {
  await refuseRecordingTarget(dir, flag);
  const path = join(dir, RECORDING_FILE);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(path, `${asciiJson(JSON.stringify(recording, null, 2))}\n`, { flag: "wx", mode: 0o600 });
  } catch (error) {
    const { code } = error as NodeJS.ErrnoException;
    throw new UsageError(
      code === "EEXIST"
        ? `${flag}: ${path} already exists: give a new directory (azfn-health never overwrites evidence)`
        : `${flag}: cannot write to ${path}: ${code ?? (error as Error).message}`,
    );
  }
  return path;
}
