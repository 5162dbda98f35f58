import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { judge } from "../src/check.js";
import { buildReport, type Report } from "../src/report/model.js";
import { httpsTransport } from "../src/servicenow/client.js";
import { checkWorkNote, closeCodeFor, noteText } from "../src/servicenow/note.js";
import { updateChangeAfterCheck } from "../src/servicenow/sink.js";
import { replayFacts, runCli, STORY } from "./helpers.js";
import { FAKE_SN, startServiceNowFake, type ServiceNowFake } from "./support/servicenow-fake.mjs";

const SYS_ID = "0123456789abcdef0123456789abcdef";
const CHANGE = "CHG0031234";
let fake: ServiceNowFake;
let report: Report;

beforeAll(async () => {
  fake = await startServiceNowFake({ changes: { [CHANGE]: { sys_id: SYS_ID, state: "-1" } } });
  const facts = await replayFacts(STORY);
  report = buildReport(judge(facts), { toolVersion: "t", exitCode: 5, failOn: "hotfix", mode: "replay" });
});
afterAll(() => fake?.close());
beforeEach(() => {
  fake.state.requests.length = 0;
  fake.state.changes[CHANGE]!.state = "-1";
});

const basicEnv = () => ({
  SERVICENOW_INSTANCE: fake.url,
  SERVICENOW_USERNAME: FAKE_SN.username,
  SERVICENOW_PASSWORD: FAKE_SN.password,
});
const BASIC = `Basic ${Buffer.from(`${FAKE_SN.username}:${FAKE_SN.password}`).toString("base64")}`;

function run(over: Partial<Parameters<typeof updateChangeAfterCheck>[0]> = {}) {
  const lines: string[] = [];
  const done = updateChangeAfterCheck({
    change: CHANGE,
    env: basicEnv(),
    write: (t) => lines.push(t),
    transport: httpsTransport({ ca: fake.cert }),
    maxRetryAfterMs: 0,
    report,
    ...over,
  });
  return done.then((ok) => ({ ok, text: lines.join("") }));
}

describe("ServiceNow change ticket", () => {
  it("finds the change, adds the work note, attaches report.html and closes it: the exact requests", async () => {
    const html = "<!doctype html><title>r</title>";
    const result = await run({ close: true, reportHtml: html, ledgerId: "20261201T000000Z-abcd" });
    expect(result).toEqual({
      ok: true,
      text: `azfn-health: work note added to ${CHANGE}; report.html attached; closed (successful_issues)\n`,
    });
    const [find, note, attach, close, ...rest] = fake.state.requests;
    expect(rest).toEqual([]);
    expect(find).toMatchObject({
      method: "GET",
      path: "/api/now/table/change_request",
      query: { sysparm_query: `number=${CHANGE}`, sysparm_fields: "sys_id,number,state", sysparm_limit: "1" },
      headers: { authorization: BASIC, accept: "application/json" },
    });
    expect(note).toMatchObject({
      method: "PATCH",
      path: `/api/now/table/change_request/${SYS_ID}`,
      headers: { "content-type": "application/json", authorization: BASIC },
    });
    const workNotes = (JSON.parse(note!.body) as { work_notes: string }).work_notes;
    expect(Object.keys(JSON.parse(note!.body) as object)).toEqual(["work_notes"]);
    expect(workNotes).toMatch(/^azfn-health t: HOTFIX \(exit 5\)\n/);
    expect(workNotes).toContain("Top findings (5 of ");
    expect(workNotes).toContain("- CRITICAL M01 (prod): ");
    expect(workNotes).toMatch(/Plan:\n\[code\]<pre>[^]*az functionapp[^]*<\/pre>\[\/code\]/);
    expect(workNotes).toContain("Evidence: report.html attached to this change.");
    expect(workNotes).toContain("Ledger record: 20261201T000000Z-abcd");
    expect(attach).toMatchObject({
      method: "POST",
      path: "/api/now/attachment/file",
      query: { table_name: "change_request", table_sys_id: SYS_ID, file_name: "report.html" },
      headers: { "content-type": "text/html" },
      body: html,
    });
    expect(close!.body).toBe(
      JSON.stringify({
        close_code: "successful_issues",
        close_notes: `azfn-health HOTFIX: ${report.recommendation.summary}`,
        state: "3",
      }),
    );
    for (const r of fake.state.requests) expect(r.body).not.toMatch(/TEST-SECRET|AccountKey=/);
    expect(fake.state.changes[CHANGE]!.state).toBe("3");
  });

  it.each([
    ["PROCEED", "successful"],
    ["MONITOR", "successful"],
    ["HOTFIX", "successful_issues"],
    ["ROLLBACK", "unsuccessful"],
    ["INCONCLUSIVE", undefined],
  ] as const)("%s closes with %s by default", (verdict, code) => expect(closeCodeFor(verdict)).toBe(code));

  it("the configuration overrides the mapping; INCONCLUSIVE is never closed", async () => {
    expect(closeCodeFor("MONITOR", { MONITOR: "successful_issues" })).toBe("successful_issues");
    const result = await run({ close: true, report: { ...report, verdict: "INCONCLUSIVE" } });
    expect(result.text).toContain("not closed: an INCONCLUSIVE check never closes a change");
    expect(fake.state.requests.map((r) => r.method)).toEqual(["GET", "PATCH"]);
    expect(fake.state.changes[CHANGE]!.state).toBe("-1");
    fake.state.requests.length = 0;
    await run({ close: true, config: { closeCodes: { HOTFIX: "unsuccessful" } } });
    expect(JSON.parse(fake.state.requests.at(-1)!.body)).toMatchObject({
      close_code: "unsuccessful",
      state: "3",
    });
  });

  it("OAuth client credentials: one token request, then Bearer", async () => {
    const result = await run({
      env: {
        SERVICENOW_INSTANCE: fake.url,
        SERVICENOW_CLIENT_ID: FAKE_SN.clientId,
        SERVICENOW_CLIENT_SECRET: FAKE_SN.clientSecret,
      },
    });
    expect(result.ok).toBe(true);
    const [token, find, note] = fake.state.requests;
    expect(token).toMatchObject({
      method: "POST",
      path: "/oauth_token.do",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(Object.fromEntries(new URLSearchParams(token!.body))).toEqual({
      grant_type: "client_credentials",
      client_id: FAKE_SN.clientId,
      client_secret: FAKE_SN.clientSecret,
    });
    expect(find!.headers.authorization).toBe(`Bearer ${FAKE_SN.token}`);
    expect(note!.headers.authorization).toBe(`Bearer ${FAKE_SN.token}`);
    expect(fake.state.requests).toHaveLength(3);
  });

  it.each([
    ["401", { SERVICENOW_PASSWORD: "wrong" }, [], /401 not authenticated: User Not Authenticated/],
    [
      "403",
      {},
      [
        {
          match: /^PATCH /,
          status: 403,
          body: JSON.stringify({
            error: {
              message: "Operation Failed",
              detail: "ACL Exception Update Failed due to security constraints",
            },
            status: "failure",
          }),
        },
      ],
      /403 denied by an ACL: Operation Failed: ACL Exception[^]*role sn_change_write or itil/,
    ],
    ["unknown change", {}, [], /no change request CHG0099999 on https:\/\/127\.0\.0\.1/],
    [
      "5xx thrice",
      {},
      [{ match: /^GET /, status: 503, retryAfter: 0 }],
      /HTTP 503: Fault: injected 503 after 3 attempts/,
    ],
  ])("%s is one clear line and never the secret", async (_name, env, faults, message) => {
    const broken = await startServiceNowFake({
      changes: { [CHANGE]: { sys_id: SYS_ID, state: "-1" } },
      faults,
    });
    try {
      const lines: string[] = [];
      const ok = await updateChangeAfterCheck({
        change: _name === "unknown change" ? "CHG0099999" : CHANGE,
        env: { ...basicEnv(), SERVICENOW_INSTANCE: broken.url, ...env },
        write: (t) => lines.push(t),
        transport: httpsTransport({ ca: broken.cert }),
        maxRetryAfterMs: 0,
        report,
      });
      expect(ok).toBe(false);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^azfn-health: change ticket not updated: ServiceNow: .*\n$/);
      expect(lines[0]).toMatch(message);
      expect(lines[0]).not.toMatch(/TEST-SECRET|wrong/);
    } finally {
      await broken.close();
    }
  });

  it("429 with Retry-After is retried and then succeeds", async () => {
    const busy = await startServiceNowFake({
      changes: { [CHANGE]: { sys_id: SYS_ID, state: "-1" } },
      faults: [{ match: /^PATCH /, status: 429, retryAfter: 0, times: 2 }],
    });
    try {
      const ok = await updateChangeAfterCheck({
        change: CHANGE,
        env: { ...basicEnv(), SERVICENOW_INSTANCE: busy.url },
        write: () => undefined,
        transport: httpsTransport({ ca: busy.cert }),
        report,
      });
      expect(ok).toBe(true);
      expect(busy.state.requests.map((r) => r.method)).toEqual(["GET", "PATCH", "PATCH", "PATCH"]);
    } finally {
      await busy.close();
    }
  });

  it("dry run prints the requests, masks the credentials, and sends nothing", async () => {
    const result = await run({ dryRun: true, close: true, reportHtml: "<p>x</p>" });
    expect(fake.state.requests).toEqual([]);
    expect(result.text).toContain(
      `GET ${fake.url}/api/now/table/change_request?sysparm_query=number%3D${CHANGE}`,
    );
    expect(result.text).toContain(`PATCH ${fake.url}/api/now/table/change_request/SYS_ID_OF_${CHANGE}`);
    expect(result.text).toContain("POST ");
    expect(result.text).toContain(`Authorization: Basic <redacted> (user ${FAKE_SN.username})`);
    expect(result.text).toContain('"state":"3"');
    expect(result.text).not.toContain(FAKE_SN.password);
    expect(result.text).not.toContain(BASIC.slice(6));
    expect(result.text).toContain("(dry run) work note added");
  });

  it("hostile text cannot open a [code] block or carry markup onto the ticket", () => {
    expect(noteText("x[code]<img src=x onerror=alert(1)>[/CODE]\u001b[31m")).toBe(
      "x(code)<img src=x onerror=alert(1)>(/code)?[31m",
    );
    const hostile = {
      ...report,
      recommendation: {
        ...report.recommendation,
        steps: ["az x --name '</pre>[/code]<script>alert(1)</script>'"],
      },
    };
    const note = checkWorkNote(hostile);
    expect(note.match(/\[code\]/g)).toHaveLength(1);
    expect(note.match(/\[\/code\]/g)).toHaveLength(1);
    expect(note).not.toContain("<script>");
    expect(note).toContain("&lt;/pre&gt;(/code)&lt;script&gt;");
  });
});

describe("the CLI and the change ticket", () => {
  const cliEnv = () => ({ ...basicEnv(), NODE_EXTRA_CA_CERTS: fake.certPath });

  it("check --servicenow-change posts the note and report.html; the exit code stays the verdict's", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "azfn-sn-")), "evidence");
    const run = await runCli(
      [
        "check",
        "--from",
        STORY,
        "--servicenow-change",
        CHANGE,
        "--servicenow-close",
        "--out",
        out,
        "--quiet",
      ],
      cliEnv(),
    );
    expect(run.code).toBe(5);
    expect(run.stderr).toContain(
      `work note added to ${CHANGE}; report.html attached; closed (successful_issues)`,
    );
    const attach = fake.state.requests.find((r) => r.path === "/api/now/attachment/file");
    expect(attach?.body).toBe(readFileSync(join(out, "report.html"), "utf8"));
  });

  it("a failing ServiceNow is one line and changes nothing else", async () => {
    const plain = await runCli(["check", "--from", STORY, "--quiet"]);
    const run = await runCli(["check", "--from", STORY, "--servicenow-change", CHANGE, "--quiet"], {
      ...cliEnv(),
      SERVICENOW_PASSWORD: "wrong",
    });
    expect(run.code).toBe(plain.code);
    expect(run.stdout).toBe(plain.stdout);
    expect(run.stderr).toBe(
      "azfn-health: change ticket not updated: ServiceNow: find CHG0031234: 401 not authenticated: User Not Authenticated: Required to provide Auth information; check SERVICENOW_USERNAME/SERVICENOW_PASSWORD or the OAuth client\n",
    );
  });

  it("ledger mark --servicenow-change adds the person's judgment as a work note", async () => {
    const ledger = join(mkdtempSync(join(tmpdir(), "azfn-sn-")), "l.sqlite");
    const check = await runCli(["check", "--from", STORY, "--ledger", ledger, "--format", "json"]);
    const id = (JSON.parse(check.stdout) as { ledger: { id: string } }).ledger.id;
    fake.state.requests.length = 0;
    const mark = await runCli(
      [
        "ledger",
        "mark",
        id,
        "--unclean",
        "--remediation",
        "rollback",
        "--reason",
        "5xx",
        "--servicenow-change",
        CHANGE,
        "--ledger",
        ledger,
      ],
      { ...cliEnv(), USER: "ana" },
    );
    expect(mark.code).toBe(0);
    expect(mark.stderr).toContain(`work note added to ${CHANGE}`);
    const note = (JSON.parse(fake.state.requests[1]!.body) as { work_notes: string }).work_notes;
    expect(note).toMatch(new RegExp(`^azfn-health ledger: deployment ${id} marked UNCLEAN by ana at `));
    expect(note).toContain("Remediation: rollback\nReason: 5xx");
  });
});
