// A fake ServiceNow instance on 127.0.0.1 for the tests: HTTPS with the stand-in's throwaway
// certificate, the Table API's change_request GET and PATCH, the Attachment API's POST /file and
// OAuth's /oauth_token.do, answering in the documented shapes (`{"result": …}` envelopes,
// `{"error": {"message", "detail"}, "status": "failure"}`), recording every request as sent.
import { createServer } from "node:https";
import { throwawayCertificate } from "./azure-stand-in.mjs";

export const FAKE_SN = {
  username: "azfn.bot",
  password: "TEST-SECRET-sn-password",
  clientId: "azfn-sn-client",
  clientSecret: "TEST-SECRET-sn-client-secret",
  token: "TEST-SECRET-sn-access-token",
};

const failure = (message, detail) => JSON.stringify({ error: { message, detail }, status: "failure" });

/** changes: { CHG0031234: { sys_id, state } }; faults: [{ match: RegExp on "METHOD path", status, times, retryAfter, body }] */
export async function startServiceNowFake({ changes = {}, faults = [] } = {}) {
  const { cert, key, certPath } = throwawayCertificate();
  const state = {
    requests: [],
    faults: faults.map((f) => ({ times: Infinity, ...f })),
    changes: structuredClone(changes),
  };
  const server = createServer({ cert, key }, (req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const url = new URL(req.url, "https://127.0.0.1");
      const entry = {
        method: req.method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body,
      };
      state.requests.push(entry);
      const send = (status, text, headers = {}) => {
        res.writeHead(status, { "Content-Type": "application/json", ...headers });
        res.end(text);
      };
      const fault = state.faults.find((f) => f.times > 0 && f.match.test(`${req.method} ${url.pathname}`));
      if (fault) {
        fault.times--;
        return send(
          fault.status,
          fault.body ?? failure("Fault", `injected ${fault.status}`),
          fault.retryAfter !== undefined ? { "Retry-After": String(fault.retryAfter) } : {},
        );
      }
      if (req.method === "POST" && url.pathname === "/oauth_token.do") {
        const form = new URLSearchParams(body);
        if (
          form.get("grant_type") !== "client_credentials" ||
          form.get("client_id") !== FAKE_SN.clientId ||
          form.get("client_secret") !== FAKE_SN.clientSecret
        )
          return send(401, JSON.stringify({ error: "access_denied", error_description: "access_denied" }));
        return send(
          200,
          JSON.stringify({
            access_token: FAKE_SN.token,
            token_type: "Bearer",
            expires_in: 1799,
            scope: "useraccount",
          }),
        );
      }
      const basic = `Basic ${Buffer.from(`${FAKE_SN.username}:${FAKE_SN.password}`).toString("base64")}`;
      if (req.headers.authorization !== basic && req.headers.authorization !== `Bearer ${FAKE_SN.token}`)
        return send(401, failure("User Not Authenticated", "Required to provide Auth information"));
      if (req.method === "GET" && url.pathname === "/api/now/table/change_request") {
        const number = /^number=(.+)$/.exec(url.searchParams.get("sysparm_query") ?? "")?.[1];
        const change = number && state.changes[number];
        return send(
          200,
          JSON.stringify({ result: change ? [{ sys_id: change.sys_id, number, state: change.state }] : [] }),
        );
      }
      const patch = /^\/api\/now\/table\/change_request\/([0-9a-f]{32})$/.exec(url.pathname);
      if (req.method === "PATCH" && patch) {
        const change = Object.entries(state.changes).find(([, c]) => c.sys_id === patch[1]);
        if (!change)
          return send(
            404,
            failure("No Record found", "Record doesn't exist or ACL restricts the record retrieval"),
          );
        const fields = JSON.parse(body);
        if (fields.state) change[1].state = fields.state;
        return send(
          200,
          JSON.stringify({ result: { sys_id: patch[1], number: change[0], state: change[1].state } }),
        );
      }
      if (req.method === "POST" && url.pathname === "/api/now/attachment/file") {
        return send(
          201,
          JSON.stringify({
            result: {
              sys_id: "a".repeat(32),
              file_name: url.searchParams.get("file_name"),
              table_name: url.searchParams.get("table_name"),
              table_sys_id: url.searchParams.get("table_sys_id"),
              size_bytes: String(Buffer.byteLength(body)),
            },
          }),
        );
      }
      send(400, failure("Invalid request", `${req.method} ${url.pathname}`));
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `https://127.0.0.1:${server.address().port}`;
  return { url, cert, certPath, state, close: () => new Promise((resolve) => server.close(resolve)) };
}
