import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { HttpClient } from "@azure/core-rest-pipeline";
import { collectCheckFacts } from "../src/collect/azure.js";
import {
  asciiJson,
  createReplayHttpClient,
  metricsSlice,
  readRecording,
  requestKey,
  type Recording,
} from "../src/collect/recording.js";
import { createRedactor, isNonSecretSetting, redactedMarker } from "../src/collect/redact.js";
import { judge } from "../src/check.js";
import { CollectError, UsageError } from "../src/core/errors.js";
import { parseAppId } from "../src/core/resource-id.js";
import { BASE_SEED, seeded } from "./support/seeded.js";
import {
  HASH_KEY,
  HEALTHY,
  REGRESSION,
  replayFacts,
  ROOT,
  runInProcess,
  STORY,
  TEST_CREDENTIAL,
} from "./helpers.js";
import { type Body, bodyOf, editBody, setBody } from "./support/recorded-body.js";

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
      shape: "credential",
      storageAccount: "stordersprod",
    });
    expect(settings.ServiceBusConnection?.value).toBeUndefined();
    expect(facts.prod.connectionStrings?.OrdersDb).toEqual({
      hash: expect.any(String),
      shape: "credential",
      type: "SQLAzure",
    });
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
  it("are written in ASCII that parses to the same value, over generated text", () => {
    // Code units from every plane: ASCII, Latin-1 ("MB·ms"), the BMP, surrogate pairs and lone
    // surrogates (JSON.stringify escapes those itself), and the controls JSON must escape.
    const units = [0x41, 0x22, 0x5c, 0x0a, 0x1f, 0x7f, 0x80, 0xb7, 0x2026, 0xfeff, 0xd83d, 0xde00, 0xdfff];
    for (let n = 0; n < 500; n++) {
      const g = seeded(BASE_SEED + n);
      const text = () =>
        String.fromCharCode(
          ...Array.from({ length: g.int(12) }, () => (g.chance(0.5) ? g.pick(units) : g.int(0x10000))),
        );
      const value = { [text()]: [text(), { [text()]: text() }, g.int(100)] };
      const json = asciiJson(JSON.stringify(value, null, g.int(3)));
      expect(json, `seed ${g.seed}`).toMatch(/^[\0-\x7f]*$/);
      expect(JSON.parse(json), `seed ${g.seed}`).toEqual(value);
    }
    expect(asciiJson(JSON.stringify({ localizedValue: "Execution units (MB·ms)" }))).toBe(
      '{"localizedValue":"Execution units (MB\\u00b7ms)"}',
    );
  });

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

  it("serve a text body byte for byte, a JSON value as its JSON text, and no body as nothing", async () => {
    const served: [body: unknown, text: string][] = [
      ['{"b": 1,  "a":[2]}', '{"b": 1,  "a":[2]}'], // as stored: never parsed and written again
      ["<html><head><title>Sign in", "<html><head><title>Sign in"], // a non-JSON answer's first line
      [{ b: 1, a: [2] }, '{"b":1,"a":[2]}'], // an older or hand-written recording's value
      [null, "null"],
      [undefined, ""],
    ];
    const url = (n: number) => `https://management.azure.com/x${n}?api-version=1`;
    const client = createReplayHttpClient({
      format: "azfn-health-recording",
      version: 1,
      recordedAt: "2026-11-20T00:00:00Z",
      apps: { qa: "a", prod: "b" },
      exchanges: served.map(([body], n) => ({
        request: { method: "GET", url: url(n) },
        response: { status: 200, ...(body === undefined ? {} : { body }) },
      })),
    });
    for (const [n, [, text]] of served.entries())
      expect((await client.sendRequest({ url: url(n), method: "GET" } as never)).bodyAsText).toBe(text);
  });

  it("slice a metrics span from a text body as from its value, leaving the parsed source unchanged", async () => {
    const recording = await readRecording(`${ROOT}/${STORY}`);
    const source = recording.exchanges.find(
      (e) =>
        /orders-func-prod\/providers\/Microsoft\.Insights\/metrics\?/i.test(e.request.url) &&
        e.response.status === 200,
    )!;
    expect(typeof source.response.body).toBe("string");
    const asValue = { ...source, response: { ...source.response, body: bodyOf(source.response) } };
    const recorded = new URL(source.request.url).searchParams.get("timespan")!;
    const [start, end] = recorded.split("/").map(Date.parse) as [number, number];
    const within = (from: number, to: number) => {
      const url = new URL(source.request.url);
      url.searchParams.set("timespan", `${new Date(from).toISOString()}/${new Date(to).toISOString()}`);
      return url.toString();
    };
    const points = (body: unknown) =>
      (body as { value: { timeseries: { data: unknown[] }[] }[] }).value.flatMap((m) =>
        m.timeseries.flatMap((t) => t.data),
      ).length;
    const narrow = within(start + 10 * 60_000, start + 20 * 60_000);
    const fromText = metricsSlice([source], "GET", narrow);
    expect(fromText).toEqual(metricsSlice([asValue], "GET", narrow));
    expect(points(fromText)).toBeGreaterThan(0);
    expect(points(fromText)).toBeLessThan(points(asValue.response.body));
    // The whole span after a narrow slice of the same (cached) source: every recorded point is still there.
    const whole = metricsSlice([source], "GET", within(start, end));
    expect(points(whole)).toBe(points(asValue.response.body));
    expect(whole).toEqual({ ...(asValue.response.body as object), timespan: expect.any(String) });
  });

  it("replay to identical reports whether their bodies are text or JSON values (the story)", async () => {
    const recording = JSON.parse(readFileSync(join(ROOT, STORY, "recording.json"), "utf8")) as Recording;
    expect(recording.exchanges.filter((e) => typeof e.response.body !== "string")).toEqual([]);
    // The same recording as an older one holds it: each body the JSON value itself.
    for (const exchange of recording.exchanges) exchange.response.body = bodyOf(exchange.response);
    const dir = mkdtempSync(join(tmpdir(), "azfn-values-"));
    writeFileSync(join(dir, "recording.json"), JSON.stringify(recording));
    for (const args of [
      ["--format", "json"],
      ["--format", "text"],
      ["--format", "markdown", "--baseline", "last-week"],
    ]) {
      const fromText = await runInProcess(["check", "--from", STORY, ...args]);
      const fromValues = await runInProcess(["check", "--from", dir, ...args]);
      expect(fromText.stdout.length, args.join(" ")).toBeGreaterThan(500);
      expect(fromValues.code, args.join(" ")).toBe(fromText.code);
      expect(fromValues.stdout.replaceAll(dir, STORY), args.join(" ")).toBe(fromText.stdout);
    }
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
      shape: "credential",
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

describe("recordings keep an allow-list of fields per response type", () => {
  // An instrumentation key's shape, kept apart from its `InstrumentationKey=` so no committed line
  // carries a credential-shaped value.
  const IKEY = "0f8fad5b-d9cb-469f-a165-70867728950e";
  const TAGS = {
    "hidden-link: /app-insights-instrumentation-key": `LEAK-TAG-ikey-${IKEY}`,
    "hidden-link: /app-insights-conn-string": `LEAK-TAG-InstrumentationKey=${IKEY}`,
    owner: "LEAK-TAG-owner",
  };
  let marker = 0;
  /** A marker in every object Azure might grow a field in, and tags on every resource. */
  function poison(value: unknown, top = false): unknown {
    if (Array.isArray(value)) return value.map((v) => poison(v));
    if (!value || typeof value !== "object") return value;
    const copy = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, poison(v)]));
    copy[`unexpectedField${marker}`] = `LEAK-MARKER-${marker++}`;
    if (top) copy.tags = { ...TAGS, ...(copy.tags as object | undefined) };
    return copy;
  }

  async function recordThrough(recording: Recording) {
    const redact = createRedactor(HASH_KEY);
    const { createRecorder } = await import("../src/collect/recorder.js");
    const recorder = createRecorder(createReplayHttpClient(recording), redact);
    const apps = { qa: parseAppId(recording.apps.qa, "qa"), prod: parseAppId(recording.apps.prod, "prod") };
    const options = {
      now: new Date(recording.recordedAt),
      hashKey: HASH_KEY,
      metrics: { settleMinutes: 5, baseline: "before" as const },
    };
    const original = await collectCheckFacts(
      { credential: TEST_CREDENTIAL, httpClient: recorder.httpClient, retryOptions: { maxRetries: 0 } },
      apps,
      options,
    );
    const saved = recorder.recording({ recordedAt: new Date(recording.recordedAt), apps: recording.apps });
    const replayed = await collectCheckFacts(
      {
        credential: TEST_CREDENTIAL,
        httpClient: createReplayHttpClient(saved),
        retryOptions: { maxRetries: 0 },
      },
      apps,
      options,
    );
    return { original, saved, replayed };
  }

  it("no tag but the Application Insights link and the stage tags, no unexpected field, and the same facts on replay", async () => {
    const recording = await readRecording(`${ROOT}/${HEALTHY}`);
    for (const exchange of recording.exchanges) {
      const body = poison(bodyOf(exchange.response), true) as Body;
      // A bare string among the connection strings is a malformed body (test/malformed.test.ts): here
      // each entry carries its unexpected field inside, as Azure would add one.
      if (/connectionstrings\/list/.test(exchange.request.url))
        for (const [key, value] of Object.entries(body.properties!))
          if (typeof value === "string") delete body.properties![key];
      setBody(exchange.response, body);
    }
    const { original, saved, replayed } = await recordThrough(recording);
    expect(JSON.stringify(saved)).not.toMatch(/LEAK-|TEST-SECRET|0f8fad5b/);
    // A new key in a settings list is a setting: its name is kept, its value never.
    const outsideSettings = saved.exchanges.filter(
      (e) => !/(appsettings|connectionstrings)\/list/.test(e.request.url),
    );
    expect(JSON.stringify(outsideSettings)).not.toMatch(/unexpectedField/);
    // The poisoned bodies did reach the collector: the markers were there to drop.
    expect(JSON.stringify(recording)).toMatch(/LEAK-MARKER-\d+/);
    const bodies = saved.exchanges.map((e) => ({
      path: new URL(e.request.url).pathname,
      body: bodyOf(e.response),
    }));
    for (const path of [
      /\/config\/web$/,
      /\/config\/appsettings\/list$/,
      /\/config\/connectionstrings\/list$/,
    ]) {
      const hits = bodies.filter((b) => path.test(b.path));
      expect(hits.length).toBeGreaterThan(0);
      for (const hit of hits) expect(hit.body).not.toHaveProperty("tags");
    }
    const site = bodies.find((b) => /sites\/orders-func-prod$/.test(b.path))!.body as { tags: object };
    expect(Object.keys(site.tags).sort()).toEqual(["environment", "hidden-link: /app-insights-resource-id"]);
    expect(replayed).toEqual(original);
    expect(original.prod.logs?.rows.length).toBeGreaterThan(0);
    expect(Object.keys(original.prod.metrics?.series ?? {}).length).toBeGreaterThan(0);
  });

  it.each([
    STORY,
    REGRESSION,
    "fixtures/healthy-flex-consumption",
    "fixtures/healthy-linux-python",
    "fixtures/slot-swap-release",
  ])("%s recorded through the allow-list replays to the same facts and verdict", async (dir) => {
    const recording = await readRecording(`${ROOT}/${dir}`);
    const { original, saved, replayed } = await recordThrough(recording);
    // Kept as the JSON text replay serves (RecordedExchange's `body`), and replayed from that text.
    expect(saved.exchanges.filter((e) => typeof e.response.body !== "string")).toEqual([]);
    expect(replayed).toEqual(original);
    expect(judge(replayed).recommendation).toEqual(judge(original).recommendation);
    expect(JSON.stringify(saved)).not.toMatch(/TEST-SECRET/);
  });

  it.each([
    ["site", "/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/sites/a"],
    ["site", "/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/sites/a/slots/staging"],
    ["slots", "/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/sites/a/slots"],
    ["config", "/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/sites/a/slots/b/config/web"],
    [
      "appSettings",
      "//subscriptions/s/resourceGroups/r/providers/Microsoft.Web/sites/a/config/appsettings/list",
    ],
    [
      "connectionStrings",
      "/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/sites/a/config/connectionstrings/list",
    ],
    [
      "slotConfigNames",
      "/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/sites/a/config/slotConfigNames",
    ],
    ["plan", "/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/serverfarms/p"],
    ["deployments", "/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/sites/a/slots/b/deployments"],
    ["functions", "/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/sites/a/functions"],
    [
      "hostStatus",
      "/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/sites/a/hostruntime/admin/host/status",
    ],
    [
      "metrics",
      "/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/sites/a/providers/Microsoft.Insights/metrics",
    ],
    [
      "metricDefinitions",
      "/subscriptions/s/providers/Microsoft.Web/sites/a/providers/microsoft.insights/metricDefinitions",
    ],
    ["logs", "/v1//subscriptions/s/resourceGroups/r/providers/microsoft.insights/components/c/query"],
    ["stacks", "/providers/Microsoft.Web/functionAppStacks"],
    [undefined, "/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/sites/a/host/default/listkeys"],
  ])("a request is read as %s: %s", async (type, path) => {
    const { classify } = await import("../src/collect/responses/index.js");
    expect(classify(`https://management.azure.com${path}?api-version=1`)?.source).toBe(type);
  });

  it("an unknown response type keeps nothing; an error keeps its code and scrubbed message", async () => {
    const { redactBody } = await import("../src/collect/recorder.js");
    const redact = createRedactor(HASH_KEY);
    const keys = JSON.stringify({ masterKey: "LEAK-host-key", functionKeys: { default: "LEAK" } });
    // A recording keeps a body as the JSON text of what it kept; a body that is not JSON, its first line.
    expect(redactBody(redact, "https://h/x/host/default/listkeys", 200, keys)).toBe("{}");
    const error = JSON.stringify({
      error: { code: "Conflict", message: "bad AccountKey=TEST-SECRET", target: "LEAK" },
      extra: "LEAK",
    });
    const kept = redactBody(
      redact,
      "https://h/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/sites/a",
      409,
      error,
    );
    expect(JSON.parse(kept!)).toEqual({
      error: { code: "Conflict", message: expect.stringMatching(/^azfn-health:redacted:/) },
    });
    expect(redactBody(redact, "https://h/x", 502, "<html>\nLEAK body</html>")).toBe("<html>");
  });
});

describe("slots, host errors, stacks age and endpoints", () => {
  it("a slot's metrics are asked for on the slot's own resource type", async () => {
    const recording = await readRecording(`${ROOT}/${HEALTHY}`);
    const site = recording.exchanges.find((e) => /sites\/orders-func-qa\?/.test(e.request.url))!;
    recording.exchanges.push({
      request: {
        method: "GET",
        url: site.request.url.replace("orders-func-qa?", "orders-func-qa/slots/staging?"),
      },
      response: site.response,
    });
    const replay = createReplayHttpClient(recording);
    const sent: URL[] = [];
    const spy: HttpClient = { sendRequest: (req) => (sent.push(new URL(req.url)), replay.sendRequest(req)) };
    await collectCheckFacts(
      { credential: TEST_CREDENTIAL, httpClient: spy, retryOptions: { maxRetries: 0 } },
      {
        qa: parseAppId(`${recording.apps.qa}/slots/staging`, "qa"),
        prod: parseAppId(recording.apps.prod, "prod"),
      },
      {
        now: new Date(recording.recordedAt),
        hashKey: HASH_KEY,
        metrics: { settleMinutes: 5, baseline: "before" },
      },
    );
    const metricCalls = sent.filter((u) => /microsoft\.insights\/metric/i.test(u.pathname));
    const slotCalls = metricCalls.filter((u) => u.pathname.includes("/slots/staging/"));
    expect(slotCalls.length).toBeGreaterThan(0);
    for (const url of slotCalls)
      expect(url.searchParams.get("metricnamespace")).toBe("Microsoft.Web/sites/slots");
    const siteCalls = metricCalls.filter((u) => /sites\/orders-func-prod\/providers/.test(u.pathname));
    expect(siteCalls.length).toBeGreaterThan(0);
    for (const url of siteCalls) expect(url.searchParams.get("metricnamespace")).toBe("Microsoft.Web/sites");
  });

  it("a host status refused with no message says its status once", async () => {
    const facts = await replayFacts(HEALTHY, (r) =>
      answer(r, /orders-func-prod\/hostruntime/, { status: 403, body: "" }),
    );
    expect(facts.prod.gaps).toContainEqual({ source: "hostStatus", statusCode: 403, reason: "HTTP 403" });
    const { describeError } = await import("../src/collect/access.js");
    expect(
      describeError(Object.assign(new Error("HTTP 409 Conflict"), { statusCode: 409, code: "Conflict" })),
    ).toBe("HTTP 409 Conflict");
    expect(
      describeError(Object.assign(new Error("Site stopped"), { statusCode: 403, code: "Forbidden" })),
    ).toBe("HTTP 403 Forbidden Site stopped");
  });

  it.each([
    ["2026-05-04T00:00:00Z", { ageDays: 10 }],
    ["2026-04-24T23:00:00Z", { ageDays: 0 }],
    ["2025-01-01T00:00:00Z", { ageDays: 0, newerThanCheck: true }],
  ])("the bundled stacks' age on a clock of %s", async (now, age) => {
    const { snapshotAge } = await import("../src/collect/stacks.js");
    expect(snapshotAge("2026-04-24", new Date(now))).toEqual(age);
  });

  it("replaying an old recording: the bundled stacks are newer than the check, never a negative age", async () => {
    const facts = await replayFacts(HEALTHY, (r) => {
      r.recordedAt = "2025-06-01T00:00:00Z";
    });
    expect(facts.stacks).toMatchObject({ source: "bundled", ageDays: 0, newerThanCheck: true });
    const { stacksLine } = await import("../src/report/comparison.js");
    const line = stacksLine({
      stacks: { source: "bundled", snapshotDate: "2026-04-24", ageDays: 0, newerThanCheck: true },
    } as never);
    expect(line).toBe("bundled Core Tools snapshot of 2026-04-24 (newer than the check's clock)");
  });

  it.each([
    "https://logs.example",
    "https://logs.example/",
    "https://logs.example/v1",
    "https://logs.example/v1/",
    "https://logs.example//v1//",
  ])("--logs-endpoint %s reaches Log Analytics at one /v1", async (endpoint) => {
    const { resolveEndpoints } = await import("../src/core/clouds.js");
    const { collectLogs } = await import("../src/collect/logs.js");
    const logs = resolveEndpoints("AzureCloud", { logs: endpoint }).logs;
    expect(logs).toBe("https://logs.example");
    const facts = await replayFacts(HEALTHY);
    const sent: string[] = [];
    const httpClient: HttpClient = {
      sendRequest: (req) => (
        sent.push(req.url),
        Promise.resolve({ request: req, status: 404, headers: req.headers, bodyAsText: "{}" })
      ),
    };
    await expect(
      collectLogs(
        { credential: TEST_CREDENTIAL, httpClient, retryOptions: { maxRetries: 0 }, logsEndpoint: endpoint },
        "/subscriptions/s/resourceGroups/r/providers/microsoft.insights/components/c",
        facts.metricWindows!,
      ),
    ).rejects.toThrow();
    expect(sent[0]).toMatch(/^https:\/\/logs\.example\/v1\/+subscriptions\/s\//);
    expect(sent[0]).not.toMatch(/v1\/v1|example\/\/v1/);
  });
});

describe("the bundled recordings of other kinds of app", () => {
  it("Flex Consumption: runtime and scale from functionAppConfig, FC1 plan with no count of apps", async () => {
    const facts = await replayFacts("fixtures/healthy-flex-consumption");
    for (const env of [facts.qa, facts.prod]) {
      expect(env.site).toMatchObject({
        os: "linux",
        sku: "FlexConsumption",
        flexRuntime: { name: "python", version: "3.12" },
        flexScale: { instanceMemoryMB: 2048, maximumInstanceCount: 100 },
      });
      expect(env.plan).toMatchObject({ skuName: "FC1", tier: "FlexConsumption", os: "linux" });
      expect(env.plan?.numberOfSites).toBeUndefined();
      expect(env.config?.linuxFxVersion).toBeUndefined();
      expect(Object.keys(env.appSettings ?? {}).filter((k) => /^FUNCTIONS_/.test(k))).toEqual([]);
      expect(env.metrics?.unavailable.FunctionExecutionCount).toMatch(/not offered/);
      expect(env.gaps).toEqual([]);
    }
  });

  it("Linux Python: linuxFxVersion beside the leftover netFrameworkVersion, Linux plan", async () => {
    const facts = await replayFacts("fixtures/healthy-linux-python");
    expect(facts.prod.site).toMatchObject({ os: "linux", kind: "functionapp,linux" });
    expect(facts.prod.config).toMatchObject({ linuxFxVersion: "Python|3.12", netFrameworkVersion: "v4.0" });
    expect(facts.prod.plan).toMatchObject({ skuName: "EP1", os: "linux", numberOfSites: 1 });
    expect(facts.prod.appSettings?.FUNCTIONS_WORKER_RUNTIME?.value).toBe("python");
    expect(facts.stacks.source).toBe("api");
    expect(facts.prod.gaps).toEqual([]);
  });

  it("slot swap: the staging slot read through the slot calls, its metrics on the slot type, sticky names", async () => {
    const facts = await replayFacts("fixtures/slot-swap-release");
    expect(facts.qa.ref.slot).toBe("staging");
    expect(facts.qa.site?.name).toBe("orders-func-prod/staging");
    expect(facts.qa.slotSettingNames).toEqual(["Environment__Name"]);
    expect(facts.prod.site?.lastSwap).toMatchObject({ sourceSlot: "staging", destinationSlot: "production" });
    expect(Object.keys(facts.qa.metrics?.series ?? {})).toContain("Requests");
    expect(facts.qa.gaps).toEqual([]);
    expect(facts.prod.gaps).toEqual([]);
  });

  it.each([
    ["fixtures/healthy-linux-python", "PROCEED"],
    ["fixtures/slot-swap-release", "PROCEED"],
    // Each environment has its own identity-based storage account (AzureWebJobsStorage__accountName)
    // by design: R13/R15 judge storage, D01 does not call it drift.
    ["fixtures/healthy-flex-consumption", "PROCEED"],
  ])("%s is a healthy release: %s, nothing blocks it", async (dir, verdict) => {
    const result = judge(await replayFacts(dir));
    expect(result.recommendation.action).toBe(verdict);
    expect(result.analysis.unknowns).toEqual([]);
    const warnings = result.analysis.findings.filter((f) => f.severity !== "info");
    if (verdict === "PROCEED") expect(warnings).toEqual([]);
    else
      expect(warnings.map((f) => [f.ruleId, f.evidence.setting])).toEqual([
        ["D01", "AzureWebJobsStorage__accountName"],
      ]);
  });
});

describe("Container Apps hosting", () => {
  it("reads no plan for an app on Container Apps, even when its body names a server farm", async () => {
    const recording = await readRecording(`${ROOT}/${HEALTHY}`);
    editBody(recording, /sites\/orders-func-prod\?/, (site) => {
      site.kind = "functionapp,linux,container,azurecontainerapps";
      site.properties!.managedEnvironmentId =
        "/subscriptions/8f3a2c71-5b0e-4d39-9a61-2e7c4b1d9f05/resourceGroups/rg-orders-prod/providers/Microsoft.App/managedEnvironments/env";
    });
    const replay = createReplayHttpClient(recording);
    const sent: string[] = [];
    const spy: HttpClient = {
      sendRequest: (req) => (sent.push(new URL(req.url).pathname), replay.sendRequest(req)),
    };
    const facts = await collectCheckFacts(
      { credential: TEST_CREDENTIAL, httpClient: spy, retryOptions: { maxRetries: 0 } },
      { qa: parseAppId(recording.apps.qa, "qa"), prod: parseAppId(recording.apps.prod, "prod") },
      { now: new Date(recording.recordedAt), hashKey: HASH_KEY },
    );
    expect(facts.prod.site).toMatchObject({
      os: "linux",
      managedEnvironmentId: expect.stringMatching(/managedEnvironments\/env$/),
    });
    expect(facts.prod.plan).toBeUndefined();
    expect(facts.prod.site?.planId).toBeUndefined();
    expect(sent.filter((p) => /serverfarms\/plan-orders-prod/i.test(p))).toEqual([]);
    expect(sent.filter((p) => /serverfarms\/plan-orders-qa/i.test(p))).toHaveLength(1);
  });
});
