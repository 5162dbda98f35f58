import { readdirSync } from "node:fs";
import type { HttpClient } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import { collectCheckFacts } from "../src/collect/azure.js";
import { createReplayHttpClient, readRecording } from "../src/collect/recording.js";
import { classify, RESPONSES } from "../src/collect/responses/index.js";
import { unkeptFields, type Keep } from "../src/collect/responses/response.js";
import { functions } from "../src/collect/responses/functions.js";
import { parseAppId } from "../src/core/resource-id.js";
import { HASH_KEY, HEALTHY, replayFacts, ROOT, STORY, TEST_CREDENTIAL } from "./helpers.js";
import { BASE_SEED, seeded, type Seeded } from "./support/seeded.js";

/**
 * The Azure response catalogue (src/collect/responses/): one module per response, one classifier of
 * URLs. What the live path asks for must be classified (or its shape goes unchecked and a recording
 * keeps nothing of it), and a recording must keep every field a shape guard checks (or a replay judges
 * less than the live check did, silently).
 */
const FIXTURES = readdirSync(`${ROOT}/fixtures`, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => `fixtures/${entry.name}`);

describe("the classifier", () => {
  it.each(FIXTURES)("classifies every request the collectors send for %s", async (dir) => {
    const recording = await readRecording(`${ROOT}/${dir}`);
    const replay = createReplayHttpClient(recording);
    const asked: string[] = [];
    const spy: HttpClient = {
      sendRequest(request) {
        asked.push(`${request.method} ${request.url}`);
        return replay.sendRequest(request);
      },
    };
    await collectCheckFacts(
      { credential: TEST_CREDENTIAL, httpClient: spy, retryOptions: { maxRetries: 0 } },
      { qa: parseAppId(recording.apps.qa, "qa"), prod: parseAppId(recording.apps.prod, "prod") },
      {
        now: new Date(recording.recordedAt),
        hashKey: HASH_KEY,
        metrics: { settleMinutes: 5, baseline: "before" },
      },
    );
    // Every read of the live path: the site and slots, config, settings, functions, deployments, host
    // status, plan, stacks, metric definitions and metrics, and the logs query when a component is linked.
    expect(asked.length).toBeGreaterThan(10);
    expect(asked.filter((request) => !classify(request.split(" ")[1]!))).toEqual([]);
    const recorded = recording.exchanges.map((e) => e.request.url).filter((url) => !classify(url));
    expect(recorded).toEqual([]);
  });

  it("reaches every response module over the bundled recordings", async () => {
    const seen = new Set<string>();
    for (const dir of FIXTURES)
      for (const exchange of (await readRecording(`${ROOT}/${dir}`)).exchanges)
        seen.add(classify(exchange.request.url)?.source ?? "unclassified");
    expect([...seen].sort()).toEqual(RESPONSES.map((r) => r.source).sort());
  });

  it("gives every response its own route: each module's sample path reads as that module alone", () => {
    const site = "/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/sites/a";
    const plan = "/subscriptions/s/resourceGroups/r/providers/Microsoft.Web/serverfarms/p";
    const samples: Record<string, string> = {
      site,
      config: `${site}/config/web`,
      appSettings: `${site}/config/appsettings/list`,
      connectionStrings: `${site}/config/connectionstrings/list`,
      slotConfigNames: `${site}/config/slotConfigNames`,
      plan,
      functions: `${site}/slots/staging/functions`,
      slots: `${site}/slots`,
      deployments: `${site}/deployments`,
      hostStatus: `${site}/hostruntime/admin/host/status`,
      metricDefinitions: `${plan}/providers/microsoft.insights/metricDefinitions`,
      metrics: `${plan}/providers/Microsoft.Insights/metrics`,
      logs: "/v1/subscriptions/s/resourceGroups/r/providers/microsoft.insights/components/c/query",
      stacks: "/providers/Microsoft.Web/functionAppStacks",
    };
    expect(Object.keys(samples).sort()).toEqual(RESPONSES.map((r) => r.source).sort());
    for (const [source, path] of Object.entries(samples)) {
      const normalised = new URL(`https://h${path}`).pathname.toLowerCase();
      expect(
        RESPONSES.filter((r) => r.route.test(normalised)).map((r) => r.source),
        path,
      ).toEqual([source]);
    }
  });
});

describe("what a recording keeps", () => {
  it.each(RESPONSES.map((r) => [r.source, r] as const))(
    "%s: every field its shape guard checks is kept",
    (_source, response) => {
      expect(response.shape.fields, "a response guard looks inside the body").toBeDefined();
      expect(unkeptFields(response.shape.fields, response.keep)).toEqual([]);
    },
  );

  it("a field the guard checks and the keep forgets is named", () => {
    const properties = { name: true, isDisabled: true } as const;
    const forgetful: Keep = { value: [{ id: true, name: true, properties }], nextLink: true };
    expect(unkeptFields(functions.shape.fields, forgetful)).toEqual(["value[].properties.language"]);
    expect(unkeptFields(functions.shape.fields, { nextLink: true })).toEqual(["value"]);
    expect(unkeptFields({ tags: { "*": true } }, { tags: { environment: true } })).toEqual([]);
    expect(unkeptFields({ tags: { "*": { a: true } } }, { tags: { env: true } })).toEqual(["tags.env"]);
  });
});

describe("the functions list", () => {
  it("gives the languages the deployed functions declare, as Azure writes them", async () => {
    // An isolated build (healthy-upgrade) and an in-process one (the 32-bit story).
    const [healthy, story] = await Promise.all([replayFacts(HEALTHY), replayFacts(STORY)]);
    expect(healthy.prod.deployedLanguages).toEqual(["dotnet-isolated"]);
    expect(story.prod.deployedLanguages).toEqual(["DotNetAssembly"]);
    const unread = await replayFacts(HEALTHY, (recording) => {
      recording.exchanges = recording.exchanges.filter(
        (e) => !/orders-func-prod\/functions/.test(e.request.url),
      );
    });
    expect(unread.prod.deployedLanguages).toBeUndefined();
    expect(unread.prod.gaps.map((g) => g.source)).toContain("functions");
  });

  it("a language that is not a string is a malformed functions list", () => {
    const body = { value: [{ name: "a/f", properties: { isDisabled: false, language: 7 } }] };
    expect(functions.shape(body, "")).toMatch(/language is a number, expected a string/);
  });
});

describe("the metrics guard", () => {
  /** A well-shaped answer: metrics × series × points, as Azure Monitor sends them. */
  const body = (g: Seeded) => ({
    interval: "PT1M",
    value: Array.from({ length: 1 + g.int(3) }, () => ({
      name: { value: "Requests" },
      timeseries: Array.from({ length: 1 + g.int(3) }, () => ({
        data: Array.from({ length: 1 + g.int(40) }, (_, i) => ({
          timeStamp: new Date(Date.UTC(2026, 10, 12) + i * 60_000).toISOString(),
          average: g.next(),
        })),
      })),
    })),
  });
  // What is wrong with one point, and how the guard names it at `path`.
  const FAULTS: [(point: Record<string, unknown>) => void, (path: string) => string][] = [
    [(p) => (p.timeStamp = "not a time"), (path) => `${path}.timeStamp is not a date`],
    [(p) => delete p.timeStamp, (path) => `${path}.timeStamp is missing, expected a date`],
    [(p) => (p.average = "1"), (path) => `${path}.average is a string, expected a number`],
    [(p) => (p.count = Infinity), (path) => `${path}.count is a number, expected a number`],
  ];

  it("accepts a well-shaped answer and names the first point that does not fit, wherever it is (generated)", () => {
    const metrics = RESPONSES.find((response) => response.source === "metrics")!;
    for (let i = 0; i < 300; i++) {
      const g = seeded(BASE_SEED + i);
      const answer = body(g);
      expect(metrics.shape(answer, ""), `seed ${g.seed}`).toBeUndefined();
      // Two faults; the one earlier in document order is named.
      const places = [0, 1].map(() => {
        const m = g.int(answer.value.length);
        const t = g.int(answer.value[m]!.timeseries.length);
        const p = g.int(answer.value[m]!.timeseries[t]!.data.length);
        return { m, t, p, fault: g.pick(FAULTS) };
      });
      for (const { m, t, p, fault } of places) fault[0](answer.value[m]!.timeseries[t]!.data[p]!);
      const first = [...places].sort((a, b) => a.m - b.m || a.t - b.t || a.p - b.p)[0]!;
      const sameFirst = places.filter((x) => x.m === first.m && x.t === first.t && x.p === first.p);
      const problem = metrics.shape(answer, "");
      const path = `value[${first.m}].timeseries[${first.t}].data[${first.p}]`;
      // Two faults in one point: either may be the one checked first (field order).
      expect(
        sameFirst.map(({ fault }) => fault[1](path)),
        `seed ${g.seed}`,
      ).toContain(problem);
    }
  });
});
