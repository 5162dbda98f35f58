import { join } from "node:path";
import type { HttpClient, PipelineRequest, PipelineResponse } from "@azure/core-rest-pipeline";
import { createHttpHeaders } from "@azure/core-rest-pipeline";
import { UsageError } from "../core/errors.js";
import { byCodeUnit } from "../core/order.js";
import type { BaselineMode } from "../core/windows.js";
import { readBoundedFile } from "../files/read-bounded.js";
import { classify, routeOfPathname } from "./responses/index.js";
import { isObject } from "./responses/response.js";

/**
 * A recording is the raw HTTP exchanges of one check. Replay hands them back to the same
 * SDK clients through their `httpClient` option, so a replayed check deserialises and
 * judges exactly what a live one would.
 */
export const RECORDING_FORMAT = "azfn-health-recording";
export const RECORDING_FILE = "recording.json";
/**
 * A recording of one check is 0.7-1.5 MB (fixtures/); a week's metrics at one-minute grain for every
 * metric of both apps stays under 20 MB. Past this it is not a recording.
 */
export const MAX_RECORDING_BYTES = 64 * 1024 * 1024;

/**
 * JSON text with every character past ASCII written as its \uXXXX escape: the same JSON value, in
 * ASCII. Both writers of recordings (the recorder, scripts/fixtures) write through it, because Node
 * decodes a UTF-8 file holding any byte past ASCII into a two-byte string: twice the memory, and
 * 12 ms of decoding for the story's 1.6 MB over its 8 "MB·ms" (Azure Monitor's localizedValue of
 * FunctionExecutionUnits), against about 1 ms for the same file in ASCII (issue #19).
 */
export function asciiJson(json: string): string {
  return json.replace(/[^\0-\x7f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

export interface RecordedExchange {
  request: { method: string; url: string };
  response: {
    status: number;
    headers?: Record<string, string>;
    /**
     * A string is the body exactly as replay serves it: the JSON text Azure sent, after redaction
     * (the recorder writes `JSON.stringify` of the fields it keeps), or, for an answer that was not
     * JSON (an HTML error page), its scrubbed first line. Any other value is a JSON value (older and
     * hand-written recordings), served as `JSON.stringify(body)`: the same bytes the text would be.
     * Absent: an empty body. Text keeps replay cheap: reading a recording builds no object per metric
     * point, and the SDK parses each body once, as it parses Azure's.
     */
    body?: unknown;
  };
}

export interface Recording {
  format: typeof RECORDING_FORMAT;
  version: 1;
  /** The check's clock in replay. */
  recordedAt: string;
  /** True for recordings built by hand from documented API shapes rather than captured. */
  constructed?: boolean;
  description?: string;
  apps: { qa: string; prod: string };
  /**
   * The check's request as it was made live: its release time (--since, as a time) and metric
   * windows. A replay judges the same windows, so it reaches the live verdict.
   */
  request?: RecordedRequest;
  exchanges: RecordedExchange[];
}

export interface RecordedRequest {
  since?: string;
  settleMinutes?: number;
  baseline?: BaselineMode;
}

export async function readRecording(dir: string): Promise<Recording> {
  const path = join(dir, RECORDING_FILE);
  const text = await readBoundedFile(path, "--from", MAX_RECORDING_BYTES);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--from: ${path} is not valid JSON (${(error as Error).message})`);
  }
  const problem = recordingProblem(data);
  if (problem) throw new UsageError(`--from: ${path} is not an azfn-health recording: ${problem}`);
  return data as Recording;
}

function requestProblem(request: unknown): string | undefined {
  if (typeof request !== "object" || request === null) return `"request" must be an object`;
  const { since, settleMinutes, baseline } = request as RecordedRequest;
  if (since !== undefined && (typeof since !== "string" || Number.isNaN(Date.parse(since))))
    return `"request.since" must be an ISO 8601 time`;
  if (settleMinutes !== undefined && !(typeof settleMinutes === "number" && settleMinutes >= 0))
    return `"request.settleMinutes" must be minutes (0 or more)`;
  if (baseline !== undefined && baseline !== "before" && baseline !== "last-week")
    return `"request.baseline" must be "before" or "last-week"`;
  return undefined;
}

function recordingProblem(data: unknown): string | undefined {
  if (typeof data !== "object" || data === null) return "expected a JSON object";
  const r = data as Partial<Recording>;
  if (r.format !== RECORDING_FORMAT) return `"format" must be "${RECORDING_FORMAT}"`;
  if (r.version !== 1) return `unsupported "version" ${JSON.stringify(r.version)} (this build reads 1)`;
  if (typeof r.recordedAt !== "string" || Number.isNaN(Date.parse(r.recordedAt)))
    return `"recordedAt" must be an ISO 8601 time`;
  if (typeof r.apps?.qa !== "string" || typeof r.apps?.prod !== "string")
    return `"apps.qa" and "apps.prod" must be resource IDs`;
  if (r.request !== undefined && requestProblem(r.request)) return requestProblem(r.request);
  if (!Array.isArray(r.exchanges)) return `"exchanges" must be an array`;
  const bad = r.exchanges.findIndex(
    (e) =>
      typeof e?.request?.method !== "string" ||
      typeof e?.request?.url !== "string" ||
      typeof e?.response?.status !== "number",
  );
  if (bad >= 0) return `exchanges[${bad}] needs request.method, request.url and response.status`;
  return undefined;
}

/**
 * Requests are matched on method, path and query, whatever the host: ARM paths are
 * case-insensitive, the SDKs may write `//subscriptions`, and some percent-encode query keys
 * (`api%2Dversion`). A request asked for more often than it was recorded gets its last answer.
 */
export function requestKey(method: string, url: string, { ignoreApiVersion = false } = {}): string {
  return keyOf(method, parsedRequestUrl(url), ignoreApiVersion);
}

const parsedRequestUrl = (url: string) => new URL(url.replace(/^(https?:\/\/[^/]+)\/+/, "$1/"));

/** requestKey of a parsed URL: replay keys each exchange two ways, from one parse. */
function keyOf(method: string, parsed: URL, ignoreApiVersion: boolean): string {
  const path = routeOfPathname(parsed.pathname);
  const query = [...parsed.searchParams.entries()]
    .map(([key, value]) => [key.toLowerCase(), value] as const)
    .filter(([key]) => !(ignoreApiVersion && key === "api-version"))
    .sort(([a], [b]) => byCodeUnit(a, b))
    .map(([key, value]) => `${key}=${value}`)
    .join("&");
  return `${method.toUpperCase()} ${path}?${query}`;
}

export function createReplayHttpClient(recording: Recording): HttpClient {
  const exact = new Map<string, RecordedExchange[]>();
  const loose = new Map<string, RecordedExchange[]>();
  for (const exchange of recording.exchanges) {
    const { method, url } = exchange.request;
    const parsed = parsedRequestUrl(url);
    for (const [map, key] of [
      [exact, keyOf(method, parsed, false)],
      [loose, keyOf(method, parsed, true)],
    ] as const) {
      map.set(key, [...(map.get(key) ?? []), exchange]);
    }
  }
  const served = new Map<string, number>();
  return {
    sendRequest(request: PipelineRequest): Promise<PipelineResponse> {
      const parsed = parsedRequestUrl(request.url);
      const key = keyOf(request.method, parsed, false);
      const candidates = exact.get(key) ?? loose.get(keyOf(request.method, parsed, true));
      if (!candidates) {
        const sliced = metricsSlice(recording.exchanges, request.method, request.url);
        return Promise.resolve(
          sliced
            ? {
                request,
                status: 200,
                headers: createHttpHeaders({ "content-type": "application/json; charset=utf-8" }),
                bodyAsText: JSON.stringify(sliced),
              }
            : notRecorded(request),
        );
      }
      const count = served.get(key) ?? 0;
      served.set(key, count + 1);
      const { response } = candidates[Math.min(count, candidates.length - 1)]!;
      return Promise.resolve({
        request,
        status: response.status,
        headers: createHttpHeaders({
          "content-type": "application/json; charset=utf-8",
          ...response.headers,
        }),
        bodyAsText: servedBody(response),
      });
    },
  };
}

/** The text a recorded response is served as (see RecordedExchange's `body`), by replay and the tests' stand-in. */
export function servedBody(response: RecordedExchange["response"]): string {
  const { body } = response;
  return body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body);
}

/** What ARM says for a resource that is not there, so a gap in a recording reads like one in Azure. */
function notRecorded(request: PipelineRequest): PipelineResponse {
  const path = new URL(request.url).pathname.replace(/\/{2,}/g, "/");
  return {
    request,
    status: 404,
    headers: createHttpHeaders({
      "content-type": "application/json; charset=utf-8",
      "x-ms-failure-cause": "gateway",
    }),
    bodyAsText: JSON.stringify({
      error: {
        code: "NotInRecording",
        message: `The recording holds no response for ${request.method} ${path}.`,
      },
    }),
  };
}

/**
 * A metrics request for a timespan the recording does not hold verbatim (a `check --watch` round
 * asks only for its new buckets): served from a recorded request for the same resource, metrics,
 * grain and aggregation whose timespan covers it, keeping only the points inside the asked span.
 * This is what Azure Monitor would answer for the narrower span, so replay and the stand-in can
 * advance a watch through a recorded window.
 */
export function metricsSlice(exchanges: readonly RecordedExchange[], method: string, url: string): unknown {
  if (method.toUpperCase() !== "GET") return undefined;
  const isMetrics = (u: string) => classify(u)?.source === "metrics";
  if (!isMetrics(url)) return undefined;
  const span = timespanOf(parsedRequestUrl(url).searchParams.get("timespan"));
  if (!span) return undefined;
  const without = (u: string) => {
    const copy = parsedRequestUrl(u);
    copy.searchParams.delete("timespan");
    return keyOf("GET", copy, true);
  };
  const wanted = without(url);
  const source = exchanges.find((e) => {
    if (e.response.status !== 200 || !isMetrics(e.request.url)) return false;
    const recorded = timespanOf(parsedRequestUrl(e.request.url).searchParams.get("timespan"));
    return (
      recorded !== undefined &&
      recorded.start <= span.start &&
      recorded.end >= span.end &&
      without(e.request.url) === wanted
    );
  });
  const body = source && valueOf(source);
  // A body that is not a JSON object has no points to keep: the span is not in the recording.
  if (!isObject(body)) return undefined;
  const inSpan = (point: unknown) => {
    const at = Date.parse(String(isObject(point) ? point.timeStamp : undefined));
    return at >= span.start && at < span.end;
  };
  // New objects, not an edited copy: the parsed source is cached and shared by every slice of it.
  const slicedSeries = (series: unknown) =>
    isObject(series) ? { ...series, data: (listOf(series.data) ?? []).filter(inSpan) } : series;
  const slicedMetric = (metric: unknown) => {
    const series = isObject(metric) ? listOf(metric.timeseries) : undefined;
    return series ? { ...(metric as Record<string, unknown>), timeseries: series.map(slicedSeries) } : metric;
  };
  const metrics = listOf(body.value);
  return {
    ...body,
    timespan: `${new Date(span.start).toISOString()}/${new Date(span.end).toISOString()}`,
    ...(metrics ? { value: metrics.map(slicedMetric) } : {}),
  };
}

const listOf = (value: unknown): unknown[] | undefined =>
  Array.isArray(value) ? (value as unknown[]) : undefined;

/** Each metrics exchange's body parsed once, when a slice first needs it (most replays never do). */
const parsedBodies = new WeakMap<RecordedExchange, unknown>();

/** The JSON value of an exchange's body; undefined when it has none or its text is not JSON. */
function valueOf(exchange: RecordedExchange): unknown {
  if (!parsedBodies.has(exchange)) {
    const { body } = exchange.response;
    let value: unknown = body;
    if (typeof body === "string")
      try {
        value = JSON.parse(body);
      } catch {
        value = undefined;
      }
    parsedBodies.set(exchange, value);
  }
  return parsedBodies.get(exchange);
}

function timespanOf(text: string | null): { start: number; end: number } | undefined {
  const [start, end] = (text ?? "").split("/").map(Date.parse);
  return start !== undefined && end !== undefined && Number.isFinite(start) && Number.isFinite(end)
    ? { start, end }
    : undefined;
}
