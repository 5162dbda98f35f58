import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readOnlyPolicy } from "../src/collect/policies.js";
import type { Recording } from "../src/collect/recording.js";
import type { Fault, StandIn } from "./support/azure-stand-in.mjs";
import { loadRecording as load, startLive } from "./support/live-stand-in.mjs";
import { HEALTHY, runCli, runInProcess, STORY } from "./helpers.js";
import { bodyOf, editBody, exchangeOf } from "./support/recorded-body.js";
import { commandsOf } from "./support/plan.js";
import type { PlanStep } from "../src/decide/plan.js";

/** The real CLI against the stand-in, signing in with a client secret that only the stand-in knows. */
let standIn: StandIn | undefined;
afterEach(async () => {
  if (standIn) expect(standIn.state.violations, "the tool must never write to Azure").toEqual([]);
  await standIn?.close();
  standIn = undefined;
});

async function liveCheck(
  recording: Recording,
  options: { faults?: Fault[]; latencyMs?: number; args?: string[]; env?: Record<string, string> } = {},
) {
  const live = await startLive(recording, { faults: options.faults, latencyMs: options.latencyMs });
  standIn = live.standIn;
  const started = Date.now();
  const run = await runCli(live.args("check", "--format", "json", ...(options.args ?? [])), {
    ...live.env,
    ...options.env,
  });
  return { ...run, ms: Date.now() - started, report: run.stdout ? JSON.parse(run.stdout) : undefined };
}

const outline = (report: {
  verdict: string;
  findings: { ruleId: string; environment: string; severity: string }[];
}) => ({
  verdict: report.verdict,
  findings: report.findings.map((f) => `${f.ruleId}/${f.environment}/${f.severity}`),
});

describe("live checks against the Azure stand-in", () => {
  it("reach the same verdict and findings as the replay, signing in once per audience", async () => {
    const replayed = JSON.parse((await runInProcess(["check", "--from", STORY, "--format", "json"])).stdout);
    const live = await liveCheck(load(STORY));
    expect(live.code).toBe(5);
    expect(live.stderr).toBe("");
    expect(outline(live.report)).toEqual(outline(replayed));
    expect(live.report.mode).toBe("live");
    // One token per audience (Resource Manager, Log Analytics), shared by every client.
    expect(standIn!.state.tokenRequests).toBe(2);
    expect(standIn!.state.unauthenticated).toBe(0);
    // Paging went through the stand-in: the second page of production's functions was asked for.
    expect(standIn!.state.requests.filter((r) => r.path.endsWith("orders-func-prod/functions"))).toHaveLength(
      2,
    );
  });

  it("ride out throttling, 503s and dropped connections to the same verdict", async () => {
    const live = await liveCheck(load(STORY), {
      faults: [
        { match: /orders-func-prod\/config\/appsettings\/list$/, status: 429, retryAfter: 1, times: 2 },
        { match: /orders-func-qa\/config\/web$/, status: 503, times: 2 },
        { match: /orders-func-prod\/deployments$/, drop: true, times: 1 },
        { match: /serverfarms\/plan-orders-prod$/, status: 500, times: 1 },
      ],
    });
    expect(live.code).toBe(5);
    expect(outline(live.report)).toEqual({
      verdict: "HOTFIX",
      findings: expect.arrayContaining(["R09/prod/high"]),
    });
    expect(live.report.environments.prod.gaps).toEqual([]);
    expect(
      standIn!.state.requests.filter((r) => r.path.endsWith("orders-func-prod/config/appsettings/list")),
    ).toHaveLength(3);
    expect(live.ms).toBeGreaterThanOrEqual(2000); // Retry-After: 1, twice, was honoured
  });

  it("are INCONCLUSIVE, not ROLLBACK, when production's config stays unread behind a broken release", async () => {
    // The story's 5xx rise comes with a 32-bit worker only config/web shows: without it the tool
    // must not pick a rollback over the hotfix it cannot see (issue 11, found by the fault runs).
    const live = await liveCheck(load(STORY), {
      faults: [{ match: /orders-func-prod\/config\/web$/, status: 403 }],
    });
    expect(live.code).toBe(3);
    expect(live.report.verdict).toBe("INCONCLUSIVE");
    expect(live.report.recommendation.summary).toMatch(/^Production is broken .* prod config: /);
    expect(commandsOf(live.report.recommendation as { plan: PlanStep[] })).toEqual([]);
    expect(live.report.recommendation.alternatives[0]).toMatch(/^Roll back now: az functionapp deployment/);
  });

  it("retry a request slower than --request-timeout", async () => {
    const live = await liveCheck(load(STORY), {
      faults: [{ match: /orders-func-prod\/config\/web$/, delayMs: 4000, times: 1 }],
      args: ["--request-timeout", "1"],
    });
    expect(live.report.verdict).toBe("HOTFIX");
    expect(
      standIn!.state.requests.filter((r) => r.path.endsWith("orders-func-prod/config/web")),
    ).toHaveLength(2);
  });

  it("go on without app settings on a 403, and say which permission is missing", async () => {
    const forbidden = JSON.stringify({
      error: {
        code: "AuthorizationFailed",
        message:
          "The client 'azfn-test-client' does not have authorization to perform action 'Microsoft.Web/sites/config/list/action'.",
      },
    });
    const live = await liveCheck(load(HEALTHY), {
      faults: [{ match: /\/config\/(appsettings|connectionstrings)\/list$/, status: 403, body: forbidden }],
    });
    expect(live.code).toBe(3);
    expect(live.report.verdict).toBe("INCONCLUSIVE");
    expect(live.report.environments.prod.gaps).toEqual(
      expect.arrayContaining([
        {
          source: "appSettings",
          statusCode: 403,
          reason: expect.stringContaining("grant Microsoft.Web/sites/config/list/action"),
        },
      ]),
    );
    expect(live.report.recommendation.summary).toMatch(/list\/action/);
  });

  it("end as INCONCLUSIVE naming the call when --timeout runs out", async () => {
    const live = await liveCheck(load(STORY), {
      faults: [{ match: /sites\/orders-func-prod$/, delayMs: 20_000 }],
      // --timeout counts from the process start (sign-in included): room for a slow machine to start.
      args: ["--timeout", "6"],
    });
    expect(live.code).toBe(3);
    expect(live.stdout).toBe("");
    expect(live.stderr).toMatch(
      /^azfn-health: prod app \/subscriptions\/.*\/sites\/orders-func-prod: could not be read \(timed out: the check's --timeout ran out\)\n$/,
    );
    expect(live.ms).toBeLessThan(10_000);
  });

  it("exit 3 for a site that does not exist", async () => {
    const live = await liveCheck(load(STORY), {
      faults: [
        {
          match: /sites\/orders-func-qa$/,
          status: 404,
          body: JSON.stringify({
            error: {
              code: "ResourceNotFound",
              message:
                "The Resource 'Microsoft.Web/sites/orders-func-qa' under resource group 'rg-orders-qa' was not found.",
            },
          }),
        },
      ],
    });
    expect(live.code).toBe(3);
    expect(live.stderr).toMatch(
      /^azfn-health: qa app .*orders-func-qa: not found \(HTTP 404 ResourceNotFound The Resource/,
    );
  });

  it("degrade to the site state when host status is not there (404), and say so", async () => {
    const live = await liveCheck(load(HEALTHY), {
      faults: [{ match: /hostruntime\/admin\/host\/status$/, status: 404 }],
    });
    expect(live.code).toBe(0);
    expect(live.report.verdict).toBe("PROCEED");
    expect(live.report.findings).toEqual([
      expect.objectContaining({
        ruleId: "H01",
        severity: "info",
        environment: "prod",
        messageId: "unavailable",
        title: expect.stringContaining("(HTTP 404"),
      }),
      expect.objectContaining({ ruleId: "H01", severity: "info", environment: "qa" }),
    ]);
  });

  it("explain a failed sign-in instead of crashing", async () => {
    const live = await liveCheck(load(STORY), { env: { AZURE_CLIENT_SECRET: "wrong" } });
    expect(live.code).toBe(3);
    expect(live.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(live.stderr).toMatch(
      /^azfn-health: sign-in failed: .*\. To fix: set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET/,
    );
    expect(live.stderr).not.toContain("..");
    expect(live.stderr).not.toContain("wrong");
  });

  it("record a check that replays to the same verdict, with no secret, token or SAS on disk or screen", async () => {
    const recording = load(STORY);
    const prodSettings = /orders-func-prod\/config\/appsettings\/list/;
    editBody(recording, prodSettings, (settings) => {
      settings.properties!.WEBSITE_RUN_FROM_PACKAGE =
        "https://stordersprod.blob.core.windows.net/pkg/app.zip?sv=2022-11-02&se=2026-12-30T00%3A00%3A00Z&sr=b&sp=r&sig=TEST-SECRET-sas-signature";
    });
    const dir = mkdtempSync(join(tmpdir(), "azfn-record-"));
    const live = await liveCheck(recording, { args: ["--record", dir] });
    const saved = readFileSync(join(dir, "recording.json"), "utf8");
    for (const text of [saved, live.stdout, live.stderr]) {
      expect(text).not.toMatch(/TEST-SECRET|stand-in-access-token|[?&]sig=|AccountKey=|Authorization/i);
    }
    expect(saved).toMatch(/azfn-health:redacted:[0-9a-f]{12};shape=credential;account=stordersprod/);
    const written = JSON.parse(saved) as Recording;
    expect(written).toMatchObject({
      format: "azfn-health-recording",
      constructed: false,
      apps: recording.apps,
    });
    // Every body is kept as the JSON text replay serves, not as a parsed tree.
    expect(written.exchanges.filter((e) => typeof e.response.body !== "string")).toEqual([]);
    expect(bodyOf(exchangeOf(written, prodSettings).response).properties).toMatchObject({
      WEBSITE_RUN_FROM_PACKAGE: expect.stringMatching(
        /^azfn-health:redacted:[0-9a-f]{12};shape=credential;account=stordersprod;se=2026-12-30T00:00:00.000Z$/,
      ),
    });
    const replayed = JSON.parse((await runInProcess(["check", "--from", dir, "--format", "json"])).stdout);
    expect(outline(replayed)).toEqual(outline(live.report));
    expect(outline(live.report).findings).toContain("R20/prod/medium");
  });

  it("a check recorded with --since 120m replays to the live verdict: the recording keeps the request", async () => {
    const dir = mkdtempSync(join(tmpdir(), "azfn-record-since-"));
    const live = await liveCheck(load(STORY), { args: ["--since", "120m", "--record", dir] });
    expect(live.code).not.toBe(2);
    const saved = JSON.parse(readFileSync(join(dir, "recording.json"), "utf8"));
    expect(saved.request).toEqual({
      since: new Date(Date.parse(saved.recordedAt) - 120 * 60_000).toISOString(),
      settleMinutes: 5,
      baseline: "before",
    });
    const replay = await runInProcess(["check", "--from", dir, "--format", "json"]);
    const replayed = JSON.parse(replay.stdout);
    expect(replay.code).toBe(live.code);
    expect(outline(replayed)).toEqual(outline(live.report));
    expect(replayed.release).toEqual(live.report.release);
    expect(replayed.verdict).not.toBe("INCONCLUSIVE");
  });

  it("`record` writes a recording and says how to replay it", async () => {
    const recording = load(HEALTHY);
    const live = await startLive(recording);
    standIn = live.standIn;
    const dir = mkdtempSync(join(tmpdir(), "azfn-record-"));
    const run = await runCli(live.args("record", "--out", dir), live.env);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `recorded ${dir}/recording.json (verdict when replayed: PROCEED); replay with: azfn-health check --from ${dir}\n`,
    );
    expect((await runInProcess(["check", "--from", dir])).code).toBe(0);
  });
});

describe("the read-only guard", () => {
  const send = (method: string, url: string) =>
    readOnlyPolicy.sendRequest({ method, url } as never, () => Promise.resolve({ status: 200 } as never));
  it.each([
    [
      "PUT",
      "https://management.azure.com/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/sites/a/config/web",
    ],
    [
      "PATCH",
      "https://management.azure.com/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/sites/a",
    ],
    [
      "DELETE",
      "https://management.azure.com/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/sites/a",
    ],
    [
      "POST",
      "https://management.azure.com/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/sites/a/restart",
    ],
    [
      "POST",
      "https://management.azure.com/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/sites/a/host/default/listkeys",
    ],
  ])("refuses %s %s before it leaves the process", async (method, url) => {
    await expect(send(method, url)).rejects.toThrow(/azfn-health is read-only/);
  });
  it.each([
    ["GET", "https://management.azure.com/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/sites/a"],
    [
      "POST",
      "https://management.azure.com/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/sites/a/config/appsettings/list",
    ],
  ])("lets %s %s through", async (method, url) => {
    await expect(send(method, url)).resolves.toMatchObject({ status: 200 });
  });
});
