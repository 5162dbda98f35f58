import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { judge } from "../../src/check.js";
import { buildReport, type Report } from "../../src/report/model.js";
import { httpsTransport } from "../../src/servicenow/client.js";
import { updateChangeAfterCheck } from "../../src/servicenow/sink.js";
import { replayFacts, runCli, STORY } from "../helpers.js";
import { throwawayCertificate } from "../support/azure-stand-in.mjs";
import { FAKE_SN, startServiceNowFake, type ServiceNowFake } from "../support/servicenow-fake.mjs";

/**
 * ServiceNow as an attacker or a broken instance would answer: a credential echoed back in every
 * encoding, a sys_id that is a path, a server that trickles, one that never answers, an endless body.
 * Bounds are asserted through deadlines the test controls (a short --timeout, an AbortSignal), never
 * through how long anything took.
 */
const CHANGE = "CHG0031234";
const SYS_ID = "0123456789abcdef0123456789abcdef";
const USER = FAKE_SN.username;
const PASSWORD = FAKE_SN.password;
const BASE64 = Buffer.from(`${USER}:${PASSWORD}`).toString("base64");
/** Every encoding in which a credential may come back: none may be printed. */
const ENCODINGS = [
  PASSWORD,
  BASE64,
  BASE64.replace(/=+$/, ""),
  encodeURIComponent(PASSWORD),
  Buffer.from(PASSWORD).toString("base64"),
];

let report: Report;
let fake: ServiceNowFake;
const hostile: Server[] = [];

beforeAll(async () => {
  const facts = await replayFacts(STORY);
  report = buildReport(judge(facts), { toolVersion: "t", exitCode: 5, failOn: "hotfix", mode: "replay" });
  fake = await startServiceNowFake({ changes: { [CHANGE]: { sys_id: SYS_ID, state: "-1" } } });
});
afterAll(async () => {
  await fake?.close();
  for (const server of hostile) server.close();
});

/** An HTTPS server on 127.0.0.1 with the stand-in's certificate and the given behaviour. */
async function hostileServer(handle: Parameters<typeof createServer>[1]): Promise<string> {
  const { cert, key } = throwawayCertificate();
  const server = createServer({ cert, key }, handle);
  hostile.push(server);
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  // Sockets the handler keeps open must not keep the test file alive.
  server.on("connection", (socket: import("node:net").Socket) => socket.unref());
  return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function run(instance: string, over: Partial<Parameters<typeof updateChangeAfterCheck>[0]> = {}) {
  const lines: string[] = [];
  return updateChangeAfterCheck({
    change: CHANGE,
    env: { SERVICENOW_INSTANCE: instance, SERVICENOW_USERNAME: USER, SERVICENOW_PASSWORD: PASSWORD },
    write: (t) => lines.push(t),
    transport: httpsTransport({
      ca: throwawayCertificate().cert,
      ...(over.signal ? { signal: over.signal } : {}),
    }),
    maxRetryAfterMs: 0,
    report,
    ...over,
  }).then((ok) => ({ ok, text: lines.join("") }));
}

describe("ServiceNow: credentials echoed back", () => {
  it("an error body echoing Authorization (raw, base64, URL-encoded, JSON) prints none of them", async () => {
    const echo = await hostileServer((req, res) => {
      res.writeHead(400, { "Content-Type": "application/json" });
      res.end(
        JSON.stringify({
          error: {
            message: `Bad request; Authorization: ${req.headers.authorization}`,
            detail: `user=${USER}&password=${encodeURIComponent(PASSWORD)} raw ${PASSWORD} b64 ${BASE64} ${Buffer.from(PASSWORD).toString("base64")}`,
          },
          status: "failure",
        }),
      );
    });
    const result = await run(echo);
    expect(result.ok).toBe(false);
    expect(result.text).toMatch(
      /^azfn-health: change ticket not updated: ServiceNow: find CHG0031234: HTTP 400: /,
    );
    for (const encoding of ENCODINGS) expect(result.text).not.toContain(encoding);
    expect(result.text).toContain("<redacted>");
  });

  it("the dry run masks a password in the instance URL as the error path does", async () => {
    const instance = `https://admin:hunter2-${PASSWORD}@127.0.0.1:9`;
    const dry = await run(instance, { dryRun: true });
    const failing = await run(instance);
    for (const text of [dry.text, failing.text]) {
      expect(text).not.toContain("hunter2");
      expect(text).not.toContain("admin:");
      expect(text).toContain("https://<redacted>@127.0.0.1:9");
    }
    expect(dry.ok).toBe(true);
    expect(failing.ok).toBe(false);
  });

  it("--servicenow-change is echoed quoted, its controls visible and inert", async () => {
    const result = await run(fake.url, { change: "CHG1\u001b[2J\u202eevil\nFAKE LINE" });
    expect(result.text).toBe(
      'azfn-health: change ticket not updated: ServiceNow: "CHG1\\\\x1b[2J\\\\u202eevil FAKE LINE" is not a change number (CHG followed by digits)\n',
    );
  });

  it.each([
    "../../sys_user/6816f79cc0a8016401c5a33be04be441",
    "0123456789abcdef0123456789abcdeg",
    "",
    "1".repeat(33),
  ])(
    "a sys_id the server chose (%j) is used in a PATCH path only when it is 32 hex characters",
    async (sysId) => {
      const odd = await startServiceNowFake({ changes: { [CHANGE]: { sys_id: sysId, state: "-1" } } });
      try {
        const result = await run(odd.url);
        expect(result.ok).toBe(false);
        expect(result.text).toContain("came back with a sys_id that is not 32 hex characters");
        expect(odd.state.requests.map((r) => r.method)).toEqual(["GET"]);
      } finally {
        await odd.close();
      }
    },
  );
});

describe("ServiceNow: bounded by --timeout and by size", () => {
  it("a server that accepts and never answers ends with the deadline, as one line", async () => {
    const silent = await hostileServer(() => undefined);
    const result = await run(silent, { signal: AbortSignal.timeout(1500) });
    expect(result).toEqual({
      ok: false,
      text: expect.stringMatching(/not updated: ServiceNow: out of time \(--timeout\)/) as unknown,
    });
  });

  it("a server trickling one byte at a time ends with the deadline, as one line", async () => {
    const trickle = await hostileServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      const timer = setInterval(() => res.write(" "), 50);
      res.on("close", () => clearInterval(timer));
    });
    const result = await run(trickle, { signal: AbortSignal.timeout(1500) });
    expect(result.ok).toBe(false);
    expect(result.text).toMatch(/not updated: ServiceNow: out of time \(--timeout\)/);
  });

  it("an endless 200 body stops at the size limit, as one line", async () => {
    const endless = await hostileServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        while (res.write(chunk));
      };
      res.on("drain", pump);
      pump();
    });
    const result = await run(endless, { signal: AbortSignal.timeout(120_000) });
    expect(result.ok).toBe(false);
    expect(result.text).toMatch(/find CHG0031234: the answer exceeded 4 MB/);
  });

  it("check --timeout bounds the change ticket; the exit code stays the verdict's", async () => {
    const silent = await hostileServer(() => undefined);
    const plain = await runCli(["check", "--from", STORY, "--quiet"]);
    const run = await runCli(
      ["check", "--from", STORY, "--servicenow-change", CHANGE, "--quiet", "--timeout", "3"],
      {
        SERVICENOW_INSTANCE: silent,
        SERVICENOW_USERNAME: USER,
        SERVICENOW_PASSWORD: PASSWORD,
        NODE_EXTRA_CA_CERTS: throwawayCertificate().certPath,
      },
    );
    expect(run.code).toBe(plain.code);
    expect(run.stdout).toBe(plain.stdout);
    expect(run.stderr).toMatch(
      /^azfn-health: change ticket not updated: ServiceNow: out of time \(--timeout\) \(https:\/\/127\.0\.0\.1:\d+\)\n$/,
    );
  });
});
