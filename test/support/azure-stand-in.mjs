// A stand-in for Azure on 127.0.0.1, for tests and benchmarks: HTTPS with a throwaway self-signed
// certificate, Resource Manager and Log Analytics (`/v1/{resourceId}/query`) answers taken from a recording (paged nextLinks rewritten to this
// server, `//subscriptions` paths and percent-encoded query keys accepted), the Entra endpoints a
// client-secret credential calls, fault injection, and a tripwire for any request that writes.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { metricsSlice, requestKey, servedBody } from "../../dist/collect/recording.js";

export const STAND_IN_TOKEN = "stand-in-access-token";
export const STAND_IN_CLIENT = {
  tenant: "azfn-test-tenant",
  clientId: "azfn-test-client",
  secret: "TEST-SECRET-client-secret",
};
const READ_ONLY_POST =
  /\/config\/(appsettings|connectionstrings)\/list$|\/query$|^\/providers\/Microsoft\.ResourceGraph\/resources$/i;

let certificate;
/**
 * One throwaway key pair per process, never committed. A process started with
 * AZFN_STAND_IN_CERT_DIR (and NODE_EXTRA_CA_CERTS at its cert.pem) reuses its parent's.
 */
export function throwawayCertificate() {
  if (certificate) return certificate;
  const shared = process.env.AZFN_STAND_IN_CERT_DIR;
  if (shared) {
    certificate = {
      certPath: join(shared, "cert.pem"),
      cert: readFileSync(join(shared, "cert.pem")),
      key: readFileSync(join(shared, "key.pem")),
    };
    return certificate;
  }
  const dir = mkdtempSync(join(tmpdir(), "azfn-stand-in-"));
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
    ],
    { stdio: "ignore" },
  );
  certificate = {
    dir,
    certPath: join(dir, "cert.pem"),
    cert: readFileSync(join(dir, "cert.pem")),
    key: readFileSync(join(dir, "key.pem")),
  };
  return certificate;
}

const armError = (code, message) => JSON.stringify({ error: { code, message } });

/** A number in [0, 1) from a string: the same request of the same run always draws the same. */
function draw(text) {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  // mulberry32 finaliser, so nearby keys spread
  h = Math.imul(h ^ (h >>> 15), h | 1);
  h ^= h + Math.imul(h ^ (h >>> 7), h | 61);
  return ((h ^ (h >>> 14)) >>> 0) / 4294967296;
}

/**
 * faults: [{ match: RegExp on the path, times = Infinity, status?, retryAfter?, body?, drop?, delayMs? }]
 * applied in order to matching requests until their `times` run out.
 *
 * chaos: { seed, throttle, retryAfter, unavailable, drop, slow, slowMs } — shares of Resource
 * Manager and Log Analytics requests (never Entra's) answered 429 with Retry-After, 503, dropped,
 * or slower by slowMs. Each attempt of each request draws from (seed, request, attempt number),
 * so a run is reproducible whatever order its parallel requests arrive in.
 */
/**
 * routes: answers computed per request (a Resource Graph query, a generated tenant's settings), tried
 * before the recording: `({ method, path, query, body, state }) => { status, body, headers } | undefined`.
 */
export async function startStandIn({ recording, latencyMs = 0, faults = [], chaos, routes }) {
  const { cert, key, certPath } = throwawayCertificate();
  const answers = new Map();
  for (const { request, response } of recording.exchanges)
    answers.set(requestKey(request.method, request.url), response);
  const state = {
    requests: [],
    violations: [],
    tokenRequests: 0,
    unauthenticated: 0,
    faults: faults.map((f) => ({ times: Infinity, ...f })),
    chaos: { throttle: 0, unavailable: 0, drop: 0, slow: 0 },
  };
  const attempts = new Map();
  const chaosFault = (method, path, query) => {
    if (!chaos || /^\/[^/]+\/(v2\.0|oauth2)\//.test(path)) return undefined;
    const key = `${method} ${path}?${query}`;
    const n = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, n);
    const u = draw(`${chaos.seed}|${key}|${n}`);
    const bands = [
      ["throttle", { status: 429, retryAfter: chaos.retryAfter ?? 0 }],
      ["unavailable", { status: 503 }],
      ["drop", { drop: true }],
      ["slow", { delayMs: chaos.slowMs ?? 0 }],
    ];
    let from = 0;
    for (const [name, fault] of bands) {
      const share = chaos[name] ?? 0;
      if (u >= from && u < from + share) {
        state.chaos[name] += 1;
        return fault;
      }
      from += share;
    }
    return undefined;
  };
  let base;

  const server = createServer({ cert, key }, (req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      // Parse by hand: `new URL("//subscriptions/…", base)` would read "subscriptions" as a host.
      const [rawPath, query = ""] = req.url.split("?");
      const path = rawPath.replace(/\/{2,}/g, "/");
      state.requests.push({ method: req.method, path, query });
      const planned = state.faults.find((f) => f.match.test(path) && f.times > 0);
      if (planned) planned.times -= 1;
      const chaotic = chaosFault(req.method, path, query);
      // Chaos strikes on top of a planned fault (an environment's slowness adds to it).
      const fault = chaotic
        ? { ...chaotic, delayMs: (chaotic.delayMs ?? 0) + (planned?.status ? 0 : (planned?.delayMs ?? 0)) }
        : planned;
      if (fault?.drop) return req.socket.destroy();
      const send = (status, text, headers = {}) =>
        setTimeout(
          () => {
            res.writeHead(status, {
              "content-type": "application/json; charset=utf-8",
              "x-ms-request-id": "stand-in",
              ...headers,
            });
            res.end(text);
          },
          latencyMs + (fault?.delayMs ?? 0),
        );
      if (fault?.status)
        return send(
          fault.status,
          fault.body ??
            armError(fault.status === 429 ? "TooManyRequests" : "Fault", `injected ${fault.status}`),
          fault.retryAfter !== undefined ? { "retry-after": String(fault.retryAfter) } : {},
        );

      // Entra: discovery and the client-credentials token endpoint.
      const tenantPath = /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|oauth2\/v2\.0\/token)$/.exec(
        path,
      );
      if (tenantPath) {
        const [, tenant, what] = tenantPath;
        if (what.startsWith("v2.0")) {
          return send(
            200,
            JSON.stringify({
              issuer: `${base}/${tenant}/v2.0`,
              token_endpoint: `${base}/${tenant}/oauth2/v2.0/token`,
              authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/authorize`,
              jwks_uri: `${base}/${tenant}/discovery/v2.0/keys`,
              end_session_endpoint: `${base}/${tenant}/oauth2/v2.0/logout`,
              response_types_supported: ["code", "token"],
              subject_types_supported: ["pairwise"],
              id_token_signing_alg_values_supported: ["RS256"],
              scopes_supported: ["openid"],
              tenant_region_scope: "EU",
            }),
          );
        }
        state.tokenRequests += 1;
        const form = new URLSearchParams(body);
        if (
          form.get("client_secret") !== STAND_IN_CLIENT.secret ||
          form.get("client_id") !== STAND_IN_CLIENT.clientId
        ) {
          return send(
            401,
            JSON.stringify({
              error: "invalid_client",
              error_description: "AADSTS7000215: Invalid client secret provided.",
              error_codes: [7000215],
            }),
          );
        }
        return send(
          200,
          JSON.stringify({
            token_type: "Bearer",
            expires_in: 3599,
            ext_expires_in: 3599,
            access_token: STAND_IN_TOKEN,
          }),
        );
      }

      // Resource Manager.
      if (req.headers.authorization !== `Bearer ${STAND_IN_TOKEN}`) {
        state.unauthenticated += 1;
        return send(
          401,
          armError(
            "AuthenticationFailed",
            "Authentication failed. The 'Authorization' header is missing or invalid.",
          ),
        );
      }
      if (!(req.method === "GET" || (req.method === "POST" && READ_ONLY_POST.test(path)))) {
        state.violations.push(`${req.method} ${path}`);
        return send(405, armError("MethodNotAllowed", "the stand-in is read-only"));
      }
      const routed = routes?.({ method: req.method, path, query, body, state });
      if (routed) return send(routed.status, routed.body ?? "", routed.headers ?? {});
      // A metrics span the recording does not hold verbatim (a watch round): the recorded points inside it.
      const sliced = () => {
        const body = metricsSlice(recording.exchanges, req.method, `https://stand-in${path}?${query}`);
        return body === undefined ? undefined : { status: 200, body };
      };
      const answer = answers.get(requestKey(req.method, `https://stand-in${path}?${query}`)) ?? sliced();
      if (!answer) return send(404, armError("ResourceNotFound", `The resource '${path}' was not found.`));
      // The bytes replay would serve, with Azure's hosts pointed at the stand-in (next links).
      const text = servedBody(answer)
        .replaceAll("https://management.azure.com", base)
        .replaceAll("https://api.loganalytics.io", base);
      send(answer.status, text, answer.headers ?? {});
    });
  });
  // Every TCP connection, handshake or not: a check that ended early (a site it could not read)
  // leaves requests in flight, and closeAllConnections() misses a socket still in its TLS
  // handshake; once through, its keep-alive held close() open for 5 s.
  const sockets = new Set();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `https://127.0.0.1:${server.address().port}`;
  return {
    url: base,
    certPath,
    state,
    close: () =>
      new Promise((resolve) => {
        server.close(resolve);
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** The environment a CLI process needs to sign in to the stand-in, and nothing that reaches Azure. */
export function standInEnv(standIn) {
  return {
    AZURE_TENANT_ID: STAND_IN_CLIENT.tenant,
    AZURE_CLIENT_ID: STAND_IN_CLIENT.clientId,
    AZURE_CLIENT_SECRET: STAND_IN_CLIENT.secret,
    AZURE_AUTHORITY_HOST: standIn.url,
    NODE_EXTRA_CA_CERTS: standIn.certPath,
  };
}
