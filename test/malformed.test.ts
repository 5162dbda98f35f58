import { mkdtempSync, readdirSync, readFileSync, existsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { judge } from "../src/check.js";
import { main } from "../src/cli/main.js";
import { duplicateKeyPath, durationMs } from "../src/collect/ambiguity.js";
import type { Recording } from "../src/collect/recording.js";
import { shapeProblem, shapeSourceOf, type ShapeSource } from "../src/collect/shapes.js";
import { CollectError } from "../src/core/errors.js";
import type { CheckFacts, FactSource, Role } from "../src/core/facts.js";
import { HEALTHY, replayFacts, REGRESSION, ROOT, STORY } from "./helpers.js";
import { commandsOf, kindsOf } from "./support/plan.js";
import { bodyOf, setBody } from "./support/recorded-body.js";
import type { PlanStep } from "../src/decide/plan.js";

/**
 * Garbled answers, each replayed through the real SDK clients (the replaying transport sits
 * under the same pipeline and deserialisers as a live check): every one must end INCONCLUSIVE
 * with a gap naming its source, and no fix or rollback may be planned from it.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- recorded JSON bodies, edited in place
type J = any;
type Body = Recording["exchanges"][number]["response"]["body"];
type Edit = (body: Record<string, J>) => Body;

const HTML = "<!DOCTYPE html><html><head><title>Sign in</title></head><body>Proxy login</body></html>";

interface Case {
  name: string;
  source: FactSource;
  /** The request path (prod's unless it says otherwise). */
  url: RegExp;
  edit: Edit | { text: string; contentType?: string };
  reason: RegExp;
  role?: Role;
}

const PROD = "orders-func-prod";
const path = (tail: string) => new RegExp(`sites/${PROD}${tail}\\?`);

const CASES: Case[] = [
  // config/web
  {
    name: "config properties null",
    source: "config",
    url: path("/config/web"),
    edit: (b) => ({ ...b, properties: null }),
    reason: /properties is null, expected an object/,
  },
  {
    name: "config use32BitWorkerProcess as a string",
    source: "config",
    url: path("/config/web"),
    edit: (b) => ({ ...b, properties: { ...b.properties, use32BitWorkerProcess: "false" } }),
    reason: /use32BitWorkerProcess is a string, expected a boolean/,
  },
  {
    name: "config alwaysOn as a number",
    source: "config",
    url: path("/config/web"),
    edit: (b) => ({ ...b, properties: { ...b.properties, alwaysOn: 1 } }),
    reason: /alwaysOn is a number, expected a boolean/,
  },
  {
    name: "config netFrameworkVersion as an object",
    source: "config",
    url: path("/config/web"),
    edit: (b) => ({ ...b, properties: { ...b.properties, netFrameworkVersion: { v: 6 } } }),
    reason: /netFrameworkVersion is an object, expected a string/,
  },
  {
    name: "config as an array",
    source: "config",
    url: path("/config/web"),
    edit: () => [1, 2],
    reason: /the body is an array, expected an object/,
  },
  {
    name: "config HTML page",
    source: "config",
    url: path("/config/web"),
    edit: { text: HTML, contentType: "text/html" },
    reason: /markup page \(text\/html\), expected JSON/,
  },
  // app settings
  {
    name: "app settings properties null",
    source: "appSettings",
    url: path("/config/appsettings/list"),
    edit: (b) => ({ ...b, properties: null }),
    reason: /properties is null, expected an object/,
  },
  {
    name: "app setting value a number",
    source: "appSettings",
    url: path("/config/appsettings/list"),
    edit: (b) => ({ ...b, properties: { ...b.properties, FUNCTIONS_EXTENSION_VERSION: 4 } }),
    reason: /properties\[…\] is a number, expected a string/,
  },
  {
    name: "app settings properties an array",
    source: "appSettings",
    url: path("/config/appsettings/list"),
    edit: (b) => ({ ...b, properties: ["~4"] }),
    reason: /properties is an array, expected an object/,
  },
  {
    name: "app settings empty body",
    source: "appSettings",
    url: path("/config/appsettings/list"),
    edit: { text: "" },
    reason: /the body is empty/,
  },
  {
    name: "app settings HTML as JSON",
    source: "appSettings",
    url: path("/config/appsettings/list"),
    edit: { text: HTML },
    reason: /markup page \(application\/json\), expected JSON/,
  },
  {
    name: "app settings JSON null",
    source: "appSettings",
    url: path("/config/appsettings/list"),
    edit: () => null,
    reason: /the body is null, expected an object/,
  },
  // connection strings
  {
    name: "connection strings properties null",
    source: "connectionStrings",
    url: path("/config/connectionstrings/list"),
    edit: (b) => ({ ...b, properties: null }),
    reason: /properties is null/,
  },
  {
    name: "connection string entry a string",
    source: "connectionStrings",
    url: path("/config/connectionstrings/list"),
    edit: (b) => ({ ...b, properties: { OrdersDb: "Server=tcp:x" } }),
    reason: /properties\[…\] is a string, expected an object/,
  },
  // slotConfigNames
  {
    name: "sticky names a string",
    source: "slotConfigNames",
    url: path("/config/slotConfigNames"),
    edit: (b) => ({ ...b, properties: { ...b.properties, appSettingNames: "FUNCTIONS_EXTENSION_VERSION" } }),
    reason: /appSettingNames is a string, expected an array/,
  },
  {
    name: "sticky names properties null",
    source: "slotConfigNames",
    url: path("/config/slotConfigNames"),
    edit: (b) => ({ ...b, properties: null }),
    reason: /properties is null/,
  },
  // plan
  {
    name: "plan properties null",
    source: "plan",
    url: /serverfarms\/plan-orders-prod\?/,
    edit: (b) => ({ ...b, properties: null }),
    reason: /properties is null/,
  },
  {
    name: "plan capacity a string",
    source: "plan",
    url: /serverfarms\/plan-orders-prod\?/,
    edit: (b) => ({ ...b, sku: { ...b.sku, capacity: "2" } }),
    reason: /sku\.capacity is a string, expected a number/,
  },
  {
    name: "plan reserved a string",
    source: "plan",
    url: /serverfarms\/plan-orders-prod\?/,
    edit: (b) => ({ ...b, properties: { ...b.properties, reserved: "false" } }),
    reason: /reserved is a string, expected a boolean/,
  },
  // functions
  {
    name: "functions value null",
    source: "functions",
    url: path("/functions"),
    edit: (b) => ({ ...b, value: null }),
    reason: /value is null, expected an array/,
  },
  {
    name: "function isDisabled a string",
    source: "functions",
    url: path("/functions"),
    edit: (b) => ({
      ...b,
      value: b.value.map((f: J) => ({ ...f, properties: { ...f.properties, isDisabled: "yes" } })),
    }),
    reason: /value\[0\]\.isDisabled is a string, expected a boolean/,
  },
  // slots
  {
    name: "slots value an object",
    source: "slots",
    url: path("/slots"),
    edit: (b) => ({ ...b, value: { staging: {} } }),
    reason: /value is an object, expected an array/,
  },
  {
    name: "slot properties null",
    source: "slots",
    url: path("/slots"),
    edit: (b) => ({ ...b, value: b.value.map((s: J) => ({ ...s, properties: null })) }),
    reason: /value\[0\]\.properties is null, expected an object/,
  },
  // deployments
  {
    name: "a bad deployment time",
    source: "deployments",
    url: path("/deployments"),
    edit: (b) => ({
      ...b,
      value: b.value.map((d: J) => ({ ...d, properties: { ...d.properties, end_time: "yesterday-ish" } })),
    }),
    reason: /value\[0\]\.end_time is not a date/,
  },
  {
    name: "deployment status a string",
    source: "deployments",
    url: path("/deployments"),
    edit: (b) => ({
      ...b,
      value: b.value.map((d: J) => ({ ...d, properties: { ...d.properties, status: "4" } })),
    }),
    reason: /value\[0\]\.status is a string, expected a number/,
  },
  // host status
  {
    name: "host state 42",
    source: "hostStatus",
    url: path("/hostruntime/admin/host/status"),
    edit: (b) => ({ ...b, state: 42 }),
    reason: /state is a number, expected a string/,
  },
  {
    name: "host state missing",
    source: "hostStatus",
    url: path("/hostruntime/admin/host/status"),
    edit: ({ state: _s, ...rest }) => rest,
    reason: /state is missing, expected a string/,
  },
  {
    name: "host errors a string",
    source: "hostStatus",
    url: path("/hostruntime/admin/host/status"),
    edit: (b) => ({ ...b, errors: "boom" }),
    reason: /errors is a string, expected an array/,
  },
  {
    name: "host status HTML",
    source: "hostStatus",
    url: path("/hostruntime/admin/host/status"),
    edit: { text: HTML, contentType: "text/html" },
    reason: /markup page/,
  },
  {
    name: "host status plain text",
    source: "hostStatus",
    url: path("/hostruntime/admin/host/status"),
    edit: { text: "Running", contentType: "text/plain" },
    reason: /text\/plain, expected JSON/,
  },
  // metrics
  {
    name: "metric definitions name null",
    source: "metrics",
    url: new RegExp(`sites/${PROD}/providers/Microsoft.Insights/metricDefinitions`),
    edit: (b) => ({ ...b, value: b.value.map((d: J) => ({ ...d, name: null })) }),
    reason: /value\[0\]\.name is null, expected an object/,
  },
  {
    name: "metric point total a string",
    source: "metrics",
    url: new RegExp(`sites/${PROD}/providers/Microsoft.Insights/metrics\\?`),
    edit: (b) => ({
      ...b,
      value: b.value.map((m: J) => ({
        ...m,
        timeseries: m.timeseries.map((t: J) => ({
          ...t,
          data: t.data.map((p: J) => ({ ...p, total: String(p.total) })),
        })),
      })),
    }),
    reason: /value\[0\]\.timeseries\[0\]\.data\[0\]\.total is a string, expected a number/,
  },
  {
    name: "metric timeStamp garbage",
    source: "metrics",
    url: new RegExp(`sites/${PROD}/providers/Microsoft.Insights/metrics\\?`),
    edit: (b) => ({
      ...b,
      value: b.value.map((m: J) => ({
        ...m,
        timeseries: m.timeseries.map((t: J) => ({ ...t, data: [{ timeStamp: "not a time", total: 1 }] })),
      })),
    }),
    reason: /timeStamp is not a date/,
  },
  {
    name: "metrics value null",
    source: "metrics",
    url: new RegExp(`sites/${PROD}/providers/Microsoft.Insights/metrics\\?`),
    edit: (b) => ({ ...b, value: null }),
    reason: /value is null, expected an array/,
  },
  // logs
  {
    name: "log rows of the wrong types",
    source: "logs",
    url: /components\/appi-orders-prod\/query/,
    edit: (b) => ({
      ...b,
      tables: b.tables.map((t: J) => ({ ...t, rows: t.rows.map(() => [1, 2, 3, "x"]) })),
    }),
    reason: /tables\[0\]\.rows\[0\]\[window\] is a number, expected one of baseline, after/,
  },
  {
    name: "log count a string",
    source: "logs",
    url: /components\/appi-orders-prod\/query/,
    edit: (b) => ({
      ...b,
      tables: b.tables.map((t: J) => ({ ...t, rows: t.rows.map((r: J[]) => [...r.slice(0, 3), "12"]) })),
    }),
    reason: /\[count\] is a string, expected a count/,
  },
  {
    name: "log row too short",
    source: "logs",
    url: /components\/appi-orders-prod\/query/,
    edit: (b) => ({
      ...b,
      tables: b.tables.map((t: J) => ({ ...t, rows: t.rows.map((r: J[]) => r.slice(0, 2)) })),
    }),
    reason: /has 2 cells for 4 columns/,
  },
  {
    name: "log kind unknown",
    source: "logs",
    url: /components\/appi-orders-prod\/query/,
    edit: (b) => ({
      ...b,
      tables: b.tables.map((t: J) => ({
        ...t,
        rows: t.rows.map((r: J[]) => [r[0], "\u001b[2Jcleared", r[2], r[3]]),
      })),
    }),
    reason: /\[kind\] is not one of exception, failed request, host signal/,
  },
  {
    name: "log tables null",
    source: "logs",
    url: /components\/appi-orders-prod\/query/,
    edit: () => ({ tables: null }),
    reason: /tables is null, expected an array/,
  },
];

function edited(base: Recording, url: RegExp, edit: Case["edit"]): Recording {
  const recording = structuredClone(base);
  const hits = recording.exchanges.filter((e) => url.test(e.request.url));
  expect(hits.length, `the fixture answers ${url}`).toBeGreaterThan(0);
  for (const hit of hits) {
    if (typeof edit === "function") {
      const body = edit(bodyOf<Record<string, J>>(hit.response));
      // A string is the body's raw text (withMembers), served as is; any other value, its JSON text.
      if (typeof body === "string") hit.response.body = body;
      else setBody(hit.response, body);
    } else {
      hit.response.body = edit.text;
      hit.response.headers = { "content-type": edit.contentType ?? "application/json; charset=utf-8" };
    }
  }
  return recording;
}

const load = (dir: string) =>
  JSON.parse(readFileSync(join(ROOT, dir, "recording.json"), "utf8")) as Recording;

function expectNoPlan(result: ReturnType<typeof judge>) {
  expect(result.recommendation.action).toBe("INCONCLUSIVE");
  // No command is planned: the only step is advice.
  expect(kindsOf(result.recommendation)).toEqual(["advice"]);
  expect(result.recommendation.steps.join("\n")).not.toMatch(
    /FUNCTIONS_EXTENSION_VERSION|AzureWebJobsStorage|az /,
  );
}

async function judged(dir: string, c: Case) {
  const facts: CheckFacts = await replayFacts(dir, (r) => Object.assign(r, edited(r, c.url, c.edit)));
  return judge(facts);
}

describe("a malformed answer from any source is a gap, never a plan", () => {
  for (const c of CASES) {
    it(`${c.name}: INCONCLUSIVE, gap on ${c.source}`, async () => {
      const result = await judged(HEALTHY, c);
      const env = result.facts[c.role ?? "prod"];
      expect(env.gaps).toContainEqual({
        source: c.source,
        reason: expect.stringMatching(c.reason),
        malformed: true,
      });
      expectNoPlan(result);
      expect(result.recommendation.summary).toContain(`${c.role ?? "prod"} ${c.source}: malformed answer:`);
      // What was malformed was not used: the fact stays unread.
      if (c.source === "config") expect(env.config).toBeUndefined();
      if (c.source === "appSettings") expect(env.appSettings).toBeUndefined();
      if (c.source === "hostStatus") expect(env.host).toBeUndefined();
      if (c.source === "logs") expect(env.logs).toBeUndefined();
      if (c.source === "metrics") expect(env.metrics).toBeUndefined();
    });
  }

  // A release that needs a fix (story: 32-bit worker) and one that needs a rollback (5xx):
  // garbled answers still plan nothing, whatever else the data says.
  for (const [dir, name] of [
    [STORY, "config use32BitWorkerProcess as a string"],
    [STORY, "host state 42"],
    [STORY, "app settings properties null"],
    [REGRESSION, "log rows of the wrong types"],
    [REGRESSION, "a bad deployment time"],
  ] as const) {
    it(`${dir}: ${name} plans nothing`, async () => {
      const c = CASES.find((x) => x.name === name)!;
      const clean = judge(await replayFacts(dir));
      expect(["HOTFIX", "ROLLBACK"]).toContain(clean.recommendation.action);
      const result = await judged(dir, c);
      expect(result.facts.prod.gaps).toContainEqual(
        expect.objectContaining({ source: c.source, malformed: true }),
      );
      expectNoPlan(result);
    });
  }

  it("a malformed Stacks API answer falls back to the bundled matrix and says why", async () => {
    const result = judge(
      await replayFacts(STORY, (r) =>
        Object.assign(
          r,
          edited(r, /functionAppStacks/, (b) => ({
            ...b,
            value: b.value.map((s: J) => ({ ...s, properties: null })),
          })),
        ),
      ),
    );
    expect(result.facts.stacks.source).toBe("bundled");
    expect(result.facts.stacks.note).toMatch(
      /malformed answer: value\[0\]\.properties is null, expected an object/,
    );
  });
});

describe("a malformed site (nothing can be judged without it)", () => {
  const SITE_CASES: [string, Case["edit"], RegExp][] = [
    ["properties null", (b) => ({ ...b, properties: null }), /properties is null, expected an object/],
    [
      "state a number",
      (b) => ({ ...b, properties: { ...b.properties, state: 42 } }),
      /state is a number, expected a string/,
    ],
    ["tags an array", (b) => ({ ...b, tags: ["x"] }), /tags is an array, expected an object/],
    [
      "last modified garbage",
      (b) => ({ ...b, properties: { ...b.properties, lastModifiedTimeUtc: "soon" } }),
      /lastModifiedTimeUtc is not a date/,
    ],
    ["HTML page", { text: HTML, contentType: "text/html" }, /markup page \(text\/html\), expected JSON/],
  ];
  for (const [name, edit, reason] of SITE_CASES) {
    it(`${name}: exit 3 naming the site and the problem`, async () => {
      const failure = replayFacts(HEALTHY, (r) =>
        Object.assign(r, edited(r, new RegExp(`sites/${PROD}\\?`), edit)),
      );
      await expect(failure).rejects.toBeInstanceOf(CollectError);
      await expect(failure).rejects.toThrow(reason);
      await expect(failure).rejects.toThrow(
        /prod app .*orders-func-prod: could not be read \(malformed answer: /,
      );
    });
  }
});

/** The real CLI entry point, in-process, on a recording written to a temporary directory. */
async function cli(recording: Recording, args: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), "azfn-malformed-"));
  writeFileSync(join(dir, "recording.json"), JSON.stringify(recording));
  let stdout = "";
  let stderr = "";
  const code = await main(["check", "--from", dir, "--format", "json", ...args], {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    color: false,
  });
  return { code, stdout, stderr };
}

describe("an HTML page with status 200 (a proxy's sign-in page)", () => {
  const html = (recording: Recording, keep?: RegExp) => {
    const copy = structuredClone(recording);
    for (const e of copy.exchanges) {
      if (keep?.test(e.request.url)) continue;
      e.response = { status: 200, headers: { "content-type": "text/html; charset=utf-8" }, body: HTML };
    }
    return copy;
  };

  it("for every request: INCONCLUSIVE (exit 3) in one line, no report, no plan", async () => {
    for (const dir of [HEALTHY, STORY]) {
      const run = await cli(html(load(dir)));
      expect(run.code).toBe(3);
      expect(run.stdout).toBe("");
      expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(run.stderr).toMatch(
        /^azfn-health: (qa|prod) app .*: could not be read \(malformed answer: the body is a markup page/,
      );
      expect(run.stderr).not.toMatch(/FUNCTIONS_EXTENSION_VERSION|AzureWebJobsStorage|Proxy login|at .*\.js/);
    }
  });

  it("for every request but the sites: INCONCLUSIVE naming every source, no setting is planned", async () => {
    const run = await cli(html(load(HEALTHY), /sites\/orders-func-(qa|prod)\?/));
    expect(run.code).toBe(3);
    const report = JSON.parse(run.stdout) as {
      verdict: string;
      recommendation: { plan: PlanStep[] };
      environments: Record<Role, { gaps: { source: string; malformed?: boolean }[] }>;
    };
    expect(report.verdict).toBe("INCONCLUSIVE");
    expect(JSON.stringify(report.recommendation)).not.toMatch(
      /FUNCTIONS_EXTENSION_VERSION|AzureWebJobsStorage/,
    );
    expect(commandsOf(report.recommendation)).toEqual([]);
    for (const role of ["qa", "prod"] as const) {
      const sources = report.environments[role].gaps.filter((g) => g.malformed).map((g) => g.source);
      expect(new Set(sources)).toEqual(
        new Set([
          "config",
          "appSettings",
          "connectionStrings",
          "slotConfigNames",
          "plan",
          "functions",
          "slots",
          "deployments",
          "hostStatus",
          "metrics",
          "logs",
        ]),
      );
    }
  });
});

describe("every real answer is accepted", () => {
  it("the fixtures' recorded bodies, the REST examples and the bundled stacks fit their shapes", () => {
    const bodies: [string, ShapeSource, unknown][] = [];
    for (const dir of readdirSync(join(ROOT, "fixtures"))) {
      for (const e of load(`fixtures/${dir}`).exchanges) {
        const source = shapeSourceOf(e.request.url);
        expect(source, `${e.request.url} has a shape`).toBeDefined();
        if (e.response.status < 300) bodies.push([`${dir} ${e.request.url}`, source!, bodyOf(e.response)]);
      }
    }
    const examples = "/work/shared/reference/data/azure-rest-examples";
    const rest: Record<string, ShapeSource> = {
      "GetAppServicePlan.json": "plan",
      "GetFunctionAppStacks.trimmed.json": "stacks",
      "GetMetricDefinitions_MicrosoftWebSites_2018-01-01.json": "metricDefinitions",
      "GetMetric_2018-01-01.json": "metrics",
      "GetSiteConfig.json": "config",
      "GetWebApp.json": "site",
      "ListAppSettings.json": "appSettings",
    };
    if (existsSync(examples))
      for (const [file, source] of Object.entries(rest)) {
        const json = JSON.parse(readFileSync(join(examples, file), "utf8")) as {
          responses?: Record<string, { body: unknown }>;
        };
        bodies.push([file, source, json.responses?.["200"]?.body ?? json]);
      }
    bodies.push([
      "bundled stacks",
      "stacks",
      JSON.parse(readFileSync(join(ROOT, "data/function-app-stacks.json"), "utf8")),
    ]);
    // The captured corpus of real bodies, where it is in the tree.
    const corpus = join(ROOT, "test/corpus");
    if (existsSync(corpus))
      for (const file of readdirSync(corpus).filter((f) => f.endsWith(".json"))) {
        const source: ShapeSource = /appsettings/.test(file)
          ? "appSettings"
          : /config-web/.test(file)
            ? "config"
            : /slot-config-names/.test(file)
              ? "slotConfigNames"
              : /^plan-/.test(file)
                ? "plan"
                : "site";
        const json = JSON.parse(readFileSync(join(corpus, file), "utf8")) as {
          responses?: Record<string, { body: unknown }>;
        };
        bodies.push([file, source, json.responses?.["200"]?.body ?? json]);
      }
    expect(bodies.length).toBeGreaterThan(100);
    const rejected = bodies
      .map(([name, source, body]) => [name, shapeProblem(source, body)])
      .filter(([, p]) => p);
    expect(rejected).toEqual([]);
  });

  it("Azure's nulls and empty strings are accepted", () => {
    expect(
      shapeProblem("slotConfigNames", { properties: { appSettingNames: null, connectionStringNames: null } }),
    ).toBeUndefined();
    expect(
      shapeProblem("config", {
        properties: { linuxFxVersion: "", use32BitWorkerProcess: null, functionAppScaleLimit: null },
      }),
    ).toBeUndefined();
    expect(
      shapeProblem("site", {
        id: null,
        properties: { state: "Running", slotSwapStatus: null, functionAppConfig: null, tags: null },
      }),
    ).toBeUndefined();
    expect(
      shapeProblem("deployments", {
        value: [{ properties: { status: 4, end_time: null, author: null } }],
        nextLink: null,
      }),
    ).toBeUndefined();
    expect(
      shapeProblem("hostStatus", { state: "Running", errors: null, extensionBundle: null }),
    ).toBeUndefined();
    // …and a wrong type next to them is not.
    expect(
      shapeProblem("config", { properties: { linuxFxVersion: "", use32BitWorkerProcess: "false" } }),
    ).toBe("use32BitWorkerProcess is a string, expected a boolean");
  });

  it("never quotes Azure text in its messages", () => {
    const problem = shapeProblem("appSettings", { properties: { "$(touch PWNED)\u001b]0;x\u0007": 1 } });
    expect(problem).toBe("properties[…] is a number, expected a string");
    const logs = shapeProblem("logs", {
      tables: [
        {
          columns: [
            ...["window", "kind", "name", "count"].map((name) => ({ name, type: "string" })),
            { name: "constructor", type: "__proto__" },
          ],
          rows: [["after", "exception", "x", 1, "y"]],
        },
      ],
    });
    expect(logs).toBeUndefined();
  });
});

/**
 * Plausible values that are wrong: each fits its documented shape and can be read two ways
 * (src/collect/ambiguity.ts). Named as ambiguous, a gap for its source, never the basis of a plan:
 * a healthy release is INCONCLUSIVE, and the story's HOTFIX and the regression's ROLLBACK plan nothing.
 */
/** The body as raw JSON text with `extra` members first in its properties (replay serves a string as is). */
const withMembers = (extra: string) => (b: Record<string, J>) =>
  JSON.stringify(b).replace('"properties":{', `"properties":{${extra}`);
const AMBIGUOUS: Case[] = [
  {
    name: "a setting name with a trailing space",
    source: "appSettings",
    url: path("/config/appsettings/list"),
    edit: (b) => ({ ...b, properties: { ...b.properties, "FUNCTIONS_EXTENSION_VERSION ": "~3" } }),
    reason: /setting \d+ has a name with leading or trailing space/,
  },
  {
    name: "two settings differing only by case",
    source: "appSettings",
    url: path("/config/appsettings/list"),
    edit: (b) => ({ ...b, properties: { ...b.properties, functions_extension_version: "~3" } }),
    reason: /settings \d+ and \d+ have names that differ only by case/,
  },
  {
    name: "a key given twice in the JSON body",
    source: "config",
    url: path("/config/web"),
    edit: withMembers('"use32BitWorkerProcess":true,'),
    reason: /an object at depth 2 names one key twice/,
  },
  {
    name: "a linuxFxVersion holding a line break on a Windows app",
    source: "config",
    url: path("/config/web"),
    edit: (b) => ({ ...b, properties: { ...b.properties, linuxFxVersion: "DOTNET-ISOLATED|8.0\nNODE|20" } }),
    reason: /linuxFxVersion holds a line break/,
  },
  {
    name: "a SKU name with a space",
    source: "plan",
    url: /serverfarms\/plan-orders-prod\?/,
    edit: (b) => ({ ...b, sku: { ...b.sku, name: "EP1 " } }),
    reason: /sku\.name is not one word/,
  },
  {
    name: "a metric series whose interval does not match its timestamps",
    source: "metrics",
    url: /sites\/orders-func-prod\/providers\/microsoft\.insights\/metrics\?/i,
    edit: (b) => ({ ...b, interval: b.interval === "PT1M" ? "PT5M" : "PT1M" }),
    reason: /data\[1\] is not one interval \(PT\dM\) after the point before it/,
  },
];

describe("a plausible value that is wrong is named ambiguous, never the basis of a plan", () => {
  for (const c of AMBIGUOUS) {
    for (const dir of [HEALTHY, STORY, REGRESSION]) {
      it(`${dir}: ${c.name}`, async () => {
        const result = await judged(dir, c);
        expect(result.facts.prod.gaps).toContainEqual({
          source: c.source,
          reason: expect.stringMatching(c.reason),
          malformed: true,
        });
        expect(result.facts.prod.gaps.find((g) => g.source === c.source)?.reason).toMatch(
          /^ambiguous answer: /,
        );
        if (dir === HEALTHY) expect(result.recommendation.action).toBe("INCONCLUSIVE");
        expect(result.recommendation.action).not.toBe("PROCEED");
        expectNoPlan(result);
      });
    }
  }

  it("keys are compared unescaped, arrays hold no keys, and a clean body has no duplicate", () => {
    expect(duplicateKeyPath('{"a":1,"\\u0061":2}')).toMatch(/names one key twice/);
    expect(duplicateKeyPath('{"a":["a","a"],"b":{"a":1}}')).toBeUndefined();
    expect(duplicateKeyPath('{"a":"x\\"a\\":1","a2":1}')).toBeUndefined();
    expect(durationMs("PT1M")).toBe(60_000);
    expect(durationMs("P1D")).toBe(86_400_000);
    expect(durationMs("PT")).toBeUndefined();
  });
});
