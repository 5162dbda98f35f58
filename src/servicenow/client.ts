import { request as httpsRequest } from "node:https";
import { setTimeout as sleep } from "node:timers/promises";
import { maskSecrets, REDACTED_TEXT, stripControls } from "../core/scrub.js";

/**
 * ServiceNow's REST Table and Attachment APIs, through Node's https (ServiceNow is not Azure).
 * Shapes: https://www.servicenow.com/docs/bundle/zurich-api-reference/page/integrate/inbound-rest/concept/c_TableAPI.html
 * and c_AttachmentAPI.html: JSON `result` envelopes, `{"error": {"message", "detail"}, "status": "failure"}`.
 * Credentials come from the environment only, and are masked in every line this module writes.
 */
export interface ServiceNowAuth {
  kind: "basic" | "oauth";
  user: string;
  secret: string;
}

export interface ServiceNowSettings {
  instance: string;
  auth: ServiceNowAuth;
}

export interface HttpRequest {
  method: "GET" | "POST" | "PATCH";
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export type Transport = (request: HttpRequest) => Promise<HttpResponse>;

export class ServiceNowError extends Error {
  override name = "ServiceNowError";
}

/** SERVICENOW_INSTANCE (a name such as `acme`, or https://acme.service-now.com) and credentials. */
export function serviceNowSettings(env: NodeJS.ProcessEnv, configInstance?: string): ServiceNowSettings {
  const raw = (env.SERVICENOW_INSTANCE ?? configInstance ?? "").trim();
  if (!raw)
    throw new ServiceNowError(
      "ServiceNow: set SERVICENOW_INSTANCE (e.g. acme or https://acme.service-now.com)",
    );
  const instance = /^https:\/\//i.test(raw)
    ? raw.replace(/\/+$/, "")
    : /^[a-z0-9-]+$/i.test(raw)
      ? `https://${raw}.service-now.com`
      : undefined;
  if (!instance)
    throw new ServiceNowError(`ServiceNow: SERVICENOW_INSTANCE must be an instance name or an https:// URL`);
  if (env.SERVICENOW_CLIENT_ID && env.SERVICENOW_CLIENT_SECRET)
    return {
      instance,
      auth: { kind: "oauth", user: env.SERVICENOW_CLIENT_ID, secret: env.SERVICENOW_CLIENT_SECRET },
    };
  if (env.SERVICENOW_USERNAME && env.SERVICENOW_PASSWORD)
    return {
      instance,
      auth: { kind: "basic", user: env.SERVICENOW_USERNAME, secret: env.SERVICENOW_PASSWORD },
    };
  throw new ServiceNowError(
    "ServiceNow: set SERVICENOW_USERNAME and SERVICENOW_PASSWORD, or SERVICENOW_CLIENT_ID and SERVICENOW_CLIENT_SECRET (OAuth)",
  );
}

/** No ServiceNow answer this client reads (a change, a token, an error) comes near this; an endless body stops here. */
export const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

export interface TransportOptions {
  ca?: string | Buffer;
  /** How long one call may wait for a silent socket. */
  timeoutMs?: number;
  /** Ends a call, however slowly the server trickles: the remaining --timeout. */
  signal?: AbortSignal;
  maxAnswerBytes?: number;
}

export function httpsTransport(options: TransportOptions = {}): Transport {
  const limit = options.maxAnswerBytes ?? MAX_ANSWER_BYTES;
  return (req) =>
    new Promise((resolve, reject) => {
      if (options.signal?.aborted) return reject(new Error("out of time (--timeout)"));
      const r = httpsRequest(
        req.url,
        {
          method: req.method,
          headers: {
            ...req.headers,
            ...(req.body !== undefined ? { "Content-Length": Buffer.byteLength(req.body) } : {}),
          },
          ...(options.ca ? { ca: options.ca } : {}),
          timeout: options.timeoutMs ?? 30_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (chunk: Buffer) => {
            size += chunk.length;
            // Counted as it arrives, so an endless answer costs at most the limit in memory.
            if (size > limit) r.destroy(new Error(`the answer exceeded ${limit / 1024 / 1024} MB`));
            else chunks.push(chunk);
          });
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString("utf8"),
            }),
          );
          res.on("error", reject);
        },
      );
      const onAbort = () => r.destroy(new Error("out of time (--timeout)"));
      options.signal?.addEventListener("abort", onAbort, { once: true });
      r.on("close", () => options.signal?.removeEventListener("abort", onAbort));
      r.on("timeout", () => r.destroy(new Error("timed out")));
      r.on("error", reject);
      if (req.body !== undefined) r.write(req.body);
      r.end();
    });
}

export interface ClientOptions {
  transport: Transport;
  /** Prints each request instead of sending it; nothing is sent. */
  dryRun?: (line: string) => void;
  maxAttempts?: number;
  /** Upper bound on one wait for Retry-After (429/503). */
  maxRetryAfterMs?: number;
  /** The remaining --timeout: no retry, wait or call starts after it, and the transport ends any call in flight. */
  signal?: AbortSignal;
}

export interface ChangeRequest {
  sys_id: string;
  number: string;
  state?: string;
}

function errorDetail(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown; detail?: unknown } };
    const message = [parsed.error?.message, parsed.error?.detail]
      .filter((v) => typeof v === "string" && v)
      .join(": ");
    return message ? `: ${message.replace(/[\r\n]+/g, " ").slice(0, 200)}` : "";
  } catch {
    return "";
  }
}

/** One client per instance; the OAuth token is fetched once. */
export function serviceNowClient(settings: ServiceNowSettings, options: ClientOptions) {
  const maxAttempts = options.maxAttempts ?? 3;
  const maxWait = options.maxRetryAfterMs ?? 10_000;
  let token: string | undefined;
  const mask = (text: string) => credentialMasker(settings, token)(text);
  const outOfTime = () =>
    new ServiceNowError(`ServiceNow: out of time (--timeout) (${mask(settings.instance)})`);

  async function authorization(): Promise<string> {
    if (settings.auth.kind === "basic")
      return `Basic ${Buffer.from(`${settings.auth.user}:${settings.auth.secret}`).toString("base64")}`;
    if (options.dryRun) return `Bearer ${REDACTED_TEXT}`;
    if (!token) {
      // OAuth client credentials: POST /oauth_token.do (form-encoded), answering {access_token}.
      const form = new URLSearchParams({
        grant_type: "client_credentials",
        client_id: settings.auth.user,
        client_secret: settings.auth.secret,
      }).toString();
      const res = await send(
        {
          method: "POST",
          url: `${settings.instance}/oauth_token.do`,
          headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
          body: form,
        },
        "OAuth sign-in",
      );
      const parsed = JSON.parse(res.body) as { access_token?: unknown };
      if (typeof parsed.access_token !== "string")
        throw new ServiceNowError("ServiceNow: OAuth sign-in answered without an access_token");
      token = parsed.access_token;
    }
    return `Bearer ${token}`;
  }

  async function send(req: HttpRequest, what: string): Promise<HttpResponse> {
    for (let attempt = 1; ; attempt++) {
      if (options.signal?.aborted) throw outOfTime();
      let res: HttpResponse;
      try {
        res = await options.transport(req);
      } catch (error) {
        if (options.signal?.aborted) throw outOfTime();
        if (attempt < maxAttempts && !/exceeded/.test((error as Error).message)) continue;
        throw new ServiceNowError(
          `ServiceNow: ${what}: ${mask((error as Error).message)} (${mask(settings.instance)})`,
        );
      }
      if (res.status >= 200 && res.status < 300) return res;
      if ((res.status === 429 || res.status >= 500) && attempt < maxAttempts) {
        const header = res.headers["retry-after"];
        const seconds = Number(Array.isArray(header) ? header[0] : header);
        await sleep(
          Math.min(maxWait, Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 1000 * attempt),
          undefined,
          options.signal ? { signal: options.signal } : {},
        ).catch(() => undefined);
        continue;
      }
      // Masked whole before it is cut: a credential cut in half is no longer recognisable.
      const detail = mask(errorDetail(mask(res.body)));
      if (res.status === 401)
        throw new ServiceNowError(
          `ServiceNow: ${what}: 401 not authenticated${detail}; check SERVICENOW_USERNAME/SERVICENOW_PASSWORD or the OAuth client`,
        );
      if (res.status === 403)
        throw new ServiceNowError(
          `ServiceNow: ${what}: 403 denied by an ACL${detail}; ask for write access to change_request (role ` +
            `sn_change_write or itil) and create on sys_attachment`,
        );
      if (res.status === 404) throw new ServiceNowError(`ServiceNow: ${what}: 404 not found${detail}`);
      throw new ServiceNowError(
        `ServiceNow: ${what}: HTTP ${res.status}${detail}${attempt > 1 ? ` after ${attempt} attempts` : ""}`,
      );
    }
  }

  async function call(
    method: HttpRequest["method"],
    path: string,
    what: string,
    body?: { json?: unknown; raw?: string; contentType?: string },
  ): Promise<unknown> {
    const headers: Record<string, string> = { Accept: "application/json" };
    let text: string | undefined;
    if (body?.json !== undefined) {
      headers["Content-Type"] = "application/json";
      text = JSON.stringify(body.json);
    } else if (body?.raw !== undefined) {
      headers["Content-Type"] = body.contentType ?? "application/octet-stream";
      text = body.raw;
    }
    const url = `${settings.instance}${path}`;
    if (options.dryRun) {
      const auth =
        settings.auth.kind === "basic"
          ? `Basic ${REDACTED_TEXT} (user ${settings.auth.user})`
          : `Bearer ${REDACTED_TEXT} (client ${settings.auth.user})`;
      options.dryRun(
        `${method} ${mask(url)}\n  Authorization: ${auth}\n${Object.entries(headers)
          .map(([k, v]) => `  ${k}: ${v}\n`)
          .join("")}`,
      );
      if (text !== undefined)
        options.dryRun(
          `${mask(body?.raw !== undefined ? `  (${Buffer.byteLength(text)} bytes)` : text).replace(/^/gm, "  ")}\n`,
        );
      return undefined;
    }
    headers.Authorization = await authorization();
    const res = await send({ method, url, headers, ...(text !== undefined ? { body: text } : {}) }, what);
    try {
      return (JSON.parse(res.body) as { result?: unknown }).result;
    } catch {
      throw new ServiceNowError(`ServiceNow: ${what}: the answer was not JSON`);
    }
  }

  return {
    async findChange(number: string): Promise<ChangeRequest> {
      const query = new URLSearchParams({
        sysparm_query: `number=${number}`,
        sysparm_fields: "sys_id,number,state",
        sysparm_limit: "1",
      });
      const result = await call("GET", `/api/now/table/change_request?${query.toString()}`, `find ${number}`);
      if (options.dryRun) return { sys_id: `SYS_ID_OF_${number}`, number };
      const first = Array.isArray(result) ? (result[0] as Partial<ChangeRequest> | undefined) : undefined;
      if (!first || typeof first.sys_id !== "string")
        throw new ServiceNowError(`ServiceNow: no change request ${number} on ${mask(settings.instance)}`);
      // A sys_id goes into the PATCH path: only ServiceNow's own shape, 32 hex characters, is used.
      if (!SYS_ID.test(first.sys_id))
        throw new ServiceNowError(
          `ServiceNow: the change request ${number} came back with a sys_id that is not 32 hex characters ` +
            `(${JSON.stringify(stripControls(first.sys_id.slice(0, 40)))}); nothing was changed`,
        );
      return {
        sys_id: first.sys_id,
        number,
        ...(typeof first.state === "string" ? { state: first.state } : {}),
      };
    },
    async addWorkNote(change: ChangeRequest, note: string): Promise<void> {
      await call(
        "PATCH",
        `/api/now/table/change_request/${encodeURIComponent(change.sys_id)}`,
        `work note on ${change.number}`,
        {
          json: { work_notes: note },
        },
      );
    },
    async attach(
      change: ChangeRequest,
      fileName: string,
      content: string,
      contentType: string,
    ): Promise<void> {
      const query = new URLSearchParams({
        table_name: "change_request",
        table_sys_id: change.sys_id,
        file_name: fileName,
      });
      await call(
        "POST",
        `/api/now/attachment/file?${query.toString()}`,
        `attach ${fileName} to ${change.number}`,
        {
          raw: content,
          contentType,
        },
      );
    },
    async close(change: ChangeRequest, closeCode: string, notes: string): Promise<void> {
      // State last, as ServiceNow's own DevOps change action sends it: closing needs the code and notes first.
      await call(
        "PATCH",
        `/api/now/table/change_request/${encodeURIComponent(change.sys_id)}`,
        `close ${change.number}`,
        {
          json: { close_code: closeCode, close_notes: notes, state: "3" },
        },
      );
    },
  };
}

export const CHANGE_NUMBER = /^CHG\d{5,}$/;

/** ServiceNow's record ids: a GUID without dashes. */
const SYS_ID = /^[0-9a-f]{32}$/i;

/**
 * Every line this module writes goes through here: the password or client secret in every encoding
 * (raw, URL-encoded, base64 `user:password` as an echoed Authorization header carries it), then the
 * catalogue of credential shapes (a password in the instance URL, bearer tokens, …).
 */
export function credentialMasker(settings: ServiceNowSettings, token?: string): (text: string) => string {
  const known = [
    { secret: settings.auth.secret, user: settings.auth.user },
    ...(token ? [{ secret: token }] : []),
  ];
  return (text) => maskSecrets(text, known);
}
