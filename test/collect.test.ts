import { describe, expect, it } from "vitest";
import type { HttpClient } from "@azure/core-rest-pipeline";
import { collectCheckFacts } from "../src/collect/azure.js";
import {
  createReplayHttpClient,
  readRecording,
  requestKey,
  type Recording,
} from "../src/collect/recording.js";
import { createRedactor, isNonSecretSetting, redactedMarker } from "../src/collect/redact.js";
import { judge } from "../src/check.js";
import { CollectError, UsageError } from "../src/core/errors.js";
import { parseAppId } from "../src/core/resource-id.js";
import { HASH_KEY, HEALTHY, replayFacts, ROOT, STORY, TEST_CREDENTIAL } from "./helpers.js";

const forbidden = (status: number, code: string, message: string) => ({
  status,
  headers: { "x-ms-failure-cause": "gateway" },
  body: { error: { code, message } },
});

function answer(recording: Recording, urlPart: RegExp, response: Recording["exchanges"][number]["response"]) {
  const hits = recording.exchanges.filter((e) => urlPart.test(e.request.url));
  expect(hits.length).toBeGreaterThan(0);
  for (const hit of hits) hit.response = response;
}

describe("collecting through the SDK (replayed)", () => {
  it("follows nextLink pages as ARM writes them", async () => {
    const facts = await replayFacts(STORY);
    expect(facts.prod.functions?.map((f) => f.name)).toEqual([
      "ProcessOrder",
      "ShipOrder",
      "GetOrderHttp",
      "RefundOrderHttp",
      "NightlyReconcile",
    ]);
  });

  it("reads site, config, plan, host, deployments and slots into facts", async () => {
    const facts = await replayFacts(HEALTHY);
    expect(facts.prod.site).toMatchObject({
      name: "orders-func-prod",
      state: "Running",
      os: "windows",
      lastSwap: { sourceSlot: "staging" },
    });
    expect(facts.prod.config).toMatchObject({ netFrameworkVersion: "v10.0", use32BitWorkerProcess: false });
    expect(facts.prod.plan).toMatchObject({
      name: "plan-orders-prod",
      resourceGroup: "rg-orders-prod",
      skuName: "EP2",
      tier: "ElasticPremium",
      numberOfSites: 1,
    });
    expect(facts.prod.host).toMatchObject({ state: "Running", version: "4.1044.3.25066", errors: [] });
    expect(facts.prod.slots).toEqual([{ name: "staging", state: "Running" }]);
    expect(facts.prod.deployments?.[0]).toMatchObject({
      id: "4c0d2a9e11",
      status: 4,
      endTime: "2026-10-02T08:13:30.000Z",
    });
    expect(facts.prod.gaps).toEqual([]);
  });

  it("keeps allow-listed values, and only names, hashes and account names of the rest", async () => {
    const facts = await replayFacts(STORY);
    const settings = facts.prod.appSettings!;
    expect(settings.FUNCTIONS_EXTENSION_VERSION).toMatchObject({ value: "~4" });
    expect(settings.AzureWebJobsStorage).toEqual({
      hash: expect.stringMatching(/^[0-9a-f]{12}$/),
      storageAccount: "stordersprod",
    });
    expect(settings.ServiceBusConnection?.value).toBeUndefined();
    expect(facts.prod.connectionStrings?.OrdersDb).toEqual({ hash: expect.any(String), type: "SQLAzure" });
    expect(JSON.stringify(facts)).not.toMatch(/TEST-SECRET/);
  });

  it("uses the Stacks API when it answers, the bundled copy when it does not", async () => {
    expect((await replayFacts(STORY)).stacks).toMatchObject({ source: "api" });
    const fallback = (await replayFacts(HEALTHY)).stacks;
    expect(fallback).toMatchObject({
      source: "bundled",
      snapshotDate: "2026-04-24",
      note: expect.stringContaining("404"),
    });
    expect(fallback.rows.find((r) => r.major === "dotnet8" && r.os === "windows")).toMatchObject({
      runtimeVersion: "v8.0",
      workerRuntime: "dotnet",
      use32BitWorkerProcess: true,
      endOfLife: "2026-11-10T00:00:00.000Z",
    });
  });

  it("a 403 on the settings list becomes a gap naming the permission, and the verdict INCONCLUSIVE", async () => {
    const facts = await replayFacts(HEALTHY, (r) =>
      answer(
        r,
        /orders-func-prod\/config\/appsettings\/list/,
        forbidden(
          403,
          "AuthorizationFailed",
          "The client does not have authorization to perform action 'Microsoft.Web/sites/config/list/action'.",
        ),
      ),
    );
    expect(facts.prod.appSettings).toBeUndefined();
    expect(facts.prod.gaps).toEqual([
      {
        source: "appSettings",
        statusCode: 403,
        reason: expect.stringMatching(
          /^HTTP 403 AuthorizationFailed .*; grant Microsoft\.Web\/sites\/config\/list\/action/,
        ),
      },
    ]);
    const result = judge(facts);
    expect(result.recommendation.action).toBe("INCONCLUSIVE");
    expect(result.recommendation.summary).toMatch(/list\/action/);
  });

  it("an unreadable host status blocks PROCEED", async () => {
    const facts = await replayFacts(HEALTHY, (r) =>
      answer(
        r,
        /orders-func-prod\/hostruntime/,
        forbidden(502, "BadGateway", "Encountered an error (ServiceUnavailable) from host runtime."),
      ),
    );
    expect(facts.prod.gaps[0]).toMatchObject({ source: "hostStatus", statusCode: 502 });
    expect(judge(facts).recommendation.action).toBe("INCONCLUSIVE");
  });

  it("a missing site is a CollectError naming the resource and the reason", async () => {
    const run = replayFacts(HEALTHY, (r) =>
      answer(
        r,
        /sites\/orders-func-prod\?api-version/,
        forbidden(
          404,
          "ResourceNotFound",
          "The Resource 'Microsoft.Web/sites/orders-func-prod' under resource group 'rg-orders-prod' was not found.",
        ),
      ),
    );
    await expect(run).rejects.toThrow(CollectError);
    await expect(run).rejects.toThrow(
      /^prod app \/subscriptions\/.*\/sites\/orders-func-prod: not found \(HTTP 404 ResourceNotFound/,
    );
  });

  it("asks for the slot variants when an ID names a slot, and only reads", async () => {
    const recording = await readRecording(`${ROOT}/${STORY}`);
    const replay = createReplayHttpClient(recording);
    const sent: string[] = [];
    const spy: HttpClient = {
      sendRequest: (req) => (
        sent.push(`${req.method} ${new URL(req.url).pathname}`),
        replay.sendRequest(req)
      ),
    };
    const qa = parseAppId(`${recording.apps.qa}/slots/staging`, "--qa");
    await expect(
      collectCheckFacts(
        { credential: TEST_CREDENTIAL, httpClient: spy, retryOptions: { maxRetries: 0 } },
        { qa, prod: parseAppId(recording.apps.prod, "--prod") },
        { now: new Date(recording.recordedAt), hashKey: HASH_KEY },
      ),
    ).rejects.toThrow(/qa app .*slots\/staging: not found/);
    const slotPaths = sent
      .filter((s) => s.includes("/slots/staging"))
      .map((s) => s.replace(/^.*\/slots\/staging/, ""));
    expect(slotPaths.sort()).toEqual(
      [
        "",
        "/config/appsettings/list",
        "/config/connectionstrings/list",
        "/config/web",
        "/deployments",
        "/functions",
        "/hostruntime/admin/host/status",
      ].sort(),
    );
    expect(sent).toContain(`GET ${recording.apps.qa}/config/slotConfigNames`);
    for (const line of sent) expect(line).toMatch(/^GET |^POST .*\/(appsettings|connectionstrings)\/list$/);
  });
});

describe("recordings", () => {
  it("match requests whatever the host, slashes, case and query-key encoding", () => {
    const a = requestKey(
      "GET",
      "https://management.azure.com/subscriptions/S/resourceGroups/RG/providers/Microsoft.Web/sites/A?api-version=2025-05-01",
    );
    expect(
      requestKey(
        "get",
        "https://127.0.0.1:8443//subscriptions/s/resourcegroups/rg/providers/microsoft.web/sites/a/?api%2Dversion=2025-05-01",
      ),
    ).toBe(a);
    expect(requestKey("GET", "https://x//a?b=1&a=2")).toBe(requestKey("GET", "https://y/a?a=2&b=1"));
  });

  it("answer 404 in ARM's error shape for what was not recorded, and repeat the last answer", async () => {
    const client = createReplayHttpClient({
      format: "azfn-health-recording",
      version: 1,
      recordedAt: "2026-11-20T00:00:00Z",
      apps: { qa: "a", prod: "b" },
      exchanges: [
        {
          request: { method: "GET", url: "https://management.azure.com/x?api-version=1" },
          response: { status: 429, headers: { "retry-after": "1" }, body: {} },
        },
        {
          request: { method: "GET", url: "https://management.azure.com/x?api-version=1" },
          response: { status: 200, body: { ok: true } },
        },
      ],
    });
    const send = (url: string) => client.sendRequest({ url, method: "GET" } as never);
    expect((await send("https://management.azure.com/x?api-version=1")).status).toBe(429);
    expect((await send("https://management.azure.com/x?api-version=1")).bodyAsText).toBe('{"ok":true}');
    expect((await send("https://management.azure.com/x?api-version=1")).status).toBe(200);
    const missing = await send("https://management.azure.com/y?api-version=1");
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.bodyAsText!)).toEqual({
      error: { code: "NotInRecording", message: "The recording holds no response for GET /y." },
    });
  });

  it.each([
    ["fixtures/does-not-exist", /cannot read .*recording\.json: no such file/],
    ["test", /cannot read/],
  ])("reading %s is a usage error", async (dir, message) => {
    await expect(readRecording(`${ROOT}/${dir}`)).rejects.toThrow(UsageError);
    await expect(readRecording(`${ROOT}/${dir}`)).rejects.toThrow(message);
  });
});

describe("redaction", () => {
  const redact = createRedactor(HASH_KEY);
  it.each([
    ["FUNCTIONS_EXTENSION_VERSION", "~4", "~4"],
    ["functions_worker_runtime", "dotnet-isolated", "dotnet-isolated"],
    ["WEBSITE_RUN_FROM_PACKAGE", "1", "1"],
    ["WEBSITE_RUN_FROM_PACKAGE", "https://st.blob.core.windows.net/p/app.zip?sig=TEST-SECRET", undefined],
    ["FUNCTIONS_WORKER_RUNTIME", "Endpoint=sb://x/;SharedAccessKey=TEST-SECRET", undefined],
    ["Pricing__ApiKey", "TEST-SECRET-key", undefined],
  ])("%s=%s keeps value %s", (name, value, kept) => {
    expect(redact(name, value).value).toBe(kept);
  });

  it("hashes tell values apart only under the same key", () => {
    expect(redact("A", "one").hash).toBe(redact("B", "one").hash);
    expect(redact("A", "one").hash).not.toBe(redact("A", "two").hash);
    expect(createRedactor(new Uint8Array(32)).call(null, "A", "one").hash).not.toBe(redact("A", "one").hash);
  });

  it("keeps the storage account and the SAS expiry, never the URL", () => {
    expect(
      redact(
        "AzureWebJobsStorage",
        "DefaultEndpointsProtocol=https;AccountName=StOrders;AccountKey=TEST-SECRET",
      ).storageAccount,
    ).toBe("storders");
    expect(redact("AzureWebJobsStorage__accountName", "storders").storageAccount).toBe("storders");
    expect(redact("X__blobServiceUri", "https://storders.blob.core.windows.net").storageAccount).toBe(
      "storders",
    );
    expect(
      redact(
        "WEBSITE_RUN_FROM_PACKAGE",
        "https://st.blob.core.windows.net/p/app.zip?se=2026-12-01T00%3A00%3A00Z&sig=TEST-SECRET",
      ),
    ).toEqual({
      hash: expect.any(String),
      packageUrl: { sasExpiry: "2026-12-01T00:00:00.000Z" },
    });
  });

  it("reads back the marker a recording stores instead of a secret", () => {
    const fact = redact("AzureWebJobsStorage", "AccountName=storders;AccountKey=TEST-SECRET");
    expect(redact("AzureWebJobsStorage", redactedMarker(fact))).toEqual(fact);
    expect(isNonSecretSetting("azurewebjobsfeatureflags")).toBe(true);
    expect(isNonSecretSetting("AzureWebJobsStorage")).toBe(false);
  });
});
