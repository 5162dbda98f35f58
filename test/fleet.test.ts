import { afterEach, describe, expect, it } from "vitest";
import { RISKS, type Risk } from "../src/fleet/analyse.js";
import { appFromRow, FLEET_QUERY, fleetKind, PAGE_SIZE, throttleWaitMs } from "../src/fleet/collect.js";
import type { FleetReport } from "../src/fleet/model.js";
import { shellCommand } from "../src/core/shell.js";
import { startStandIn, standInEnv, type StandIn } from "./support/azure-stand-in.mjs";
import { fleetArgs, generateTenant, tenantRoutes } from "./support/fleet-tenant.mjs";
import { runCli } from "./helpers.js";

/**
 * `azfn-health fleet`, the built CLI against a Resource Graph and Resource Manager stand-in serving a
 * generated tenant (test/support/fleet-tenant.mjs). Every expectation comes from the generator's
 * record of what it made (`truth`), never from a previous run; the seed is in each test's name.
 */
const SEED = Number(process.env.FLEET_SEED ?? 20261206);

let standIn: StandIn | undefined;
afterEach(async () => {
  if (standIn) expect(standIn.state.violations, "the tool must never write to Azure").toEqual([]);
  await standIn?.close();
  standIn = undefined;
});

async function fleet(
  tenant: ReturnType<typeof generateTenant>,
  args: string[] = [],
  options: Parameters<typeof tenantRoutes>[1] = {},
) {
  const routes = tenantRoutes(tenant, options);
  standIn = await startStandIn({ recording: { exchanges: [] } as never, routes: routes.route });
  const run = await runCli(fleetArgs(standIn.url, "--timeout", "60", ...args), standInEnv(standIn));
  const json = args.includes("json") && run.stdout ? (JSON.parse(run.stdout) as FleetReport) : undefined;
  return { ...run, report: json, counters: routes.counters };
}

const lower = (ids: string[]) => ids.map((id) => id.toLowerCase()).sort();
const ruleIds = (app: FleetReport["apps"][number]) => app.findings.map((f) => f.ruleId);

// Each run spawns the CLI over a tenant of hundreds to thousands of apps: minutes on a loaded machine.
describe("fleet: the inventory from Resource Graph", { timeout: 180_000 }, () => {
  it(`lists every Function App and Logic App once and no web app, in pages of 1,000 (seed ${SEED})`, async () => {
    const tenant = generateTenant({ seed: SEED, units: 1500, subscriptions: 3 });
    const { code, stderr, report, counters } = await fleet(tenant, ["--format", "json"]);
    expect(stderr).toBe("");
    const listed = report!.apps.map((a) => a.id);
    expect(lower(listed)).toEqual(lower([...tenant.truth.functionApps, ...tenant.truth.logicApps]));
    expect(new Set(lower(listed)).size).toBe(listed.length);
    const web = new Set(lower(tenant.truth.webApps));
    expect(listed.filter((id) => web.has(id.toLowerCase()))).toEqual([]);
    const logic = new Set(lower(tenant.truth.logicApps));
    for (const app of report!.apps)
      expect(app.label).toBe(logic.has(app.id.toLowerCase()) ? "Logic App (Standard)" : "Function App");
    // One query, paged: ⌈apps / 1,000⌉ requests, each asking for 1,000 rows of the same query.
    expect(report!.inventory.requests).toBe(Math.ceil(listed.length / PAGE_SIZE));
    expect(counters.queries).toBe(report!.inventory.requests);
    for (const body of counters.bodies as { query: string; options: { $top: number } }[]) {
      expect(body.query).toBe(FLEET_QUERY);
      expect(body.options.$top).toBe(PAGE_SIZE);
    }
    // Worst first, and the exit code from the worst finding: stopped apps are critical (H03).
    const ranks = report!.apps.map((a) => RISKS.indexOf(a.risk));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    const stopped = new Set(lower(tenant.truth.stopped));
    expect(stopped.size).toBeGreaterThan(0);
    for (const app of report!.apps)
      expect(ruleIds(app).includes("H03")).toBe(stopped.has(app.id.toLowerCase()));
    expect(report!.worst).toBe("critical");
    expect([code, report!.exitCode, report!.verdict]).toEqual([5, 5, "HOTFIX"]);
    // Without --read-settings, the rules that need settings say so instead of judging.
    for (const app of report!.apps) {
      const notRun = app.notRun.flatMap((n) => n.ruleIds);
      expect(notRun).toEqual(expect.arrayContaining(["R01", "R06", "R09", "R11", "M00"]));
      expect(app.notRun.find((n) => n.ruleIds.includes("R09"))!.reason).toMatch(/--read-settings/);
    }
  });

  it(`finds the QA/production pairs by name, tag and slot, with the check to run (seed ${SEED + 1})`, async () => {
    const tenant = generateTenant({ seed: SEED + 1, units: 300 });
    const { report } = await fleet(tenant, ["--format", "json", "--fail-on", "never"]);
    expect(report!.exitCode).toBe(0);
    const key = (p: { qa: string; prod: string }) => `${p.qa.toLowerCase()} → ${p.prod.toLowerCase()}`;
    const found = new Map(report!.pairs.map((p) => [key(p), p]));
    expect([...found.keys()].sort()).toEqual(tenant.truth.pairs.map(key).sort());
    for (const expected of tenant.truth.pairs) {
      const pair = found.get(key(expected))!;
      expect(pair.matchedBy).toBe(expected.by);
      expect(pair.command).toBe(shellCommand("azfn-health", "check", "--qa", pair.qa, "--prod", pair.prod));
      // Drift comes from the D rules (and R07), nothing else.
      for (const f of pair.drift) expect(f.ruleId).toMatch(/^(D\d\d|R07)$/);
    }
  });

  it(`with --read-settings: 32-bit workers and colliding host IDs across the fleet (seed ${SEED + 2})`, async () => {
    const tenant = generateTenant({ seed: SEED + 2, units: 300 });
    const { report, counters } = await fleet(tenant, ["--format", "json", "--read-settings"]);
    expect(report!.inventory.settings).toMatchObject({ read: true, unreadable: 0 });
    expect(counters.settings).toBe(report!.apps.length);
    const byId = new Map(report!.apps.map((a) => [a.id.toLowerCase(), a]));
    expect(tenant.truth.thirtyTwoBit.length).toBeGreaterThan(0);
    for (const id of tenant.truth.thirtyTwoBit) expect(ruleIds(byId.get(id.toLowerCase())!)).toContain("R09");
    for (const id of tenant.truth.collisions.flat()) {
      const collision = byId.get(id.toLowerCase())!.findings.find((f) => f.ruleId === "R13");
      expect(collision?.severity).toBe("critical");
    }
    // Secrets in the settings never reach the report.
    expect(JSON.stringify(report)).not.toMatch(/AccountKey|c2VjcmV0/);
    // The stacks are told apart by the settings now: none is left unidentified.
    expect(report!.apps.filter((a) => a.runtime.stack.startsWith("unidentified (settings"))).toEqual([]);
  });

  it("waits out Resource Graph's 429s as long as it asks (Retry-After, x-ms-user-quota-resets-after)", async () => {
    const tenant = generateTenant({ seed: SEED + 3, units: 700 });
    for (const throttle of [
      { every: 2, retryAfter: 1 },
      { every: 2, resetsAfter: "00:00:01" },
    ]) {
      const { report, counters, stderr } = await fleet(tenant, ["--format", "json"], { throttle });
      expect(stderr).toBe("");
      expect(counters.throttled).toBeGreaterThan(0);
      expect(report!.inventory.throttled).toBe(counters.throttled);
      expect(report!.inventory.requests).toBe(report!.inventory.pages + counters.throttled);
      expect(report!.apps.length).toBe(tenant.truth.functionApps.length + tenant.truth.logicApps.length);
      await standIn!.close();
      standIn = undefined;
    }
  });

  it("stops with one line and exit 3 when Resource Graph asks for a wait past --timeout", async () => {
    const tenant = generateTenant({ seed: SEED + 4, units: 20 });
    const routes = tenantRoutes(tenant, { throttle: { every: 1, retryAfter: 120 } });
    standIn = await startStandIn({ recording: { exchanges: [] } as never, routes: routes.route });
    const run = await runCli(fleetArgs(standIn.url, "--timeout", "20"), standInEnv(standIn));
    expect(run.code).toBe(3);
    expect(run.stdout).toBe("");
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
    expect(run.stderr).toMatch(/wait 120 s \(throttled\), past --timeout/);
  });

  it("scopes the query to the subscriptions given, and renders CSV and HTML worst first", async () => {
    const tenant = generateTenant({ seed: SEED + 5, units: 200, subscriptions: 3 });
    const [a, b] = tenant.subscriptions;
    const scoped = ["--subscription", a!, "--subscription", b!];
    const { stdout: csv, counters } = await fleet(tenant, [...scoped, "--format", "csv"]);
    expect((counters.bodies[0] as { subscriptions: string[] }).subscriptions).toEqual([a, b]);
    const lines = csv.trimEnd().split("\r\n");
    // Every cell is quoted (OWASP's CSV guidance); the ids hold no comma.
    expect(lines[0]).toMatch(/^"risk","app","id","kind","environment","stack"/);
    const ids = new Set(lines.slice(1).map((line) => line.split(",")[2]!.replace(/^"|"$/g, "")));
    const expected = [...tenant.truth.functionApps, ...tenant.truth.logicApps].filter(
      (id) => id.includes(a!) || id.includes(b!),
    );
    expect([...ids].sort()).toEqual([...expected].sort());
    const risks = lines.slice(1).map((line) => RISKS.indexOf(line.split(",")[0] as Risk));
    expect(risks).toEqual([...risks].sort((x, y) => x - y));
    await standIn!.close();
    standIn = undefined;
    const { stdout: html } = await fleet(tenant, [...scoped, "--format", "html"]);
    expect(html).toMatch(/<h2>By risk<\/h2>/);
    expect(html).toMatch(/<h2>By stack<\/h2>/);
    expect(html).not.toMatch(/<script/i);
    for (const id of expected) expect(html).toContain(id.split("/").pop()!);
  });
});

describe("fleet: usage", { timeout: 60_000 }, () => {
  it.each([
    [["--qa", "/subscriptions/x"], /--qa is check's/],
    [["--subscription", "not-a-guid"], /--subscription: not a subscription ID/],
    [["--management-group", "a b"], /--management-group: not a management group ID/],
    [["--arm-endpoint", "http://127.0.0.1:1"], /must be https/],
    [["--format", "xml"], /Invalid values/],
  ])("%j is one line and exit 2", async (args, message) => {
    const run = await runCli(["fleet", "--auth", "environment", ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("fleet: reading Resource Graph's rows and headers", () => {
  it("labels Logic Apps Standard, leaves web apps out", () => {
    expect(fleetKind("functionapp,workflowapp")).toBe("Logic App (Standard)");
    expect(fleetKind("functionapp,linux,container,azurecontainerapps")).toBe("Function App");
    expect(fleetKind("app,linux")).toBeUndefined();
    expect(fleetKind("")).toBeUndefined();
  });

  it("turns a malformed row into a count, not a crash", () => {
    for (const row of [
      null,
      7,
      {},
      { id: 1, name: "x" },
      { id: "/not/a/site", name: "x", kind: "functionapp" },
    ])
      expect(appFromRow(row)).toBe("malformed");
  });

  it("waits the longer of Retry-After and x-ms-user-quota-resets-after", () => {
    const headers = (h: Record<string, string>) => (name: string) => h[name];
    expect(throttleWaitMs(headers({ "retry-after": "3" }))).toBe(3000);
    expect(throttleWaitMs(headers({ "x-ms-user-quota-resets-after": "00:01:02" }))).toBe(62_000);
    expect(
      throttleWaitMs(headers({ "retry-after": "1", "x-ms-user-quota-resets-after": "00:00:04.5" })),
    ).toBe(4500);
    expect(throttleWaitMs(headers({}))).toBeUndefined();
    expect(throttleWaitMs(headers({ "retry-after": "soon" }))).toBeUndefined();
  });
});

describe("fleet: hostile text from Resource Graph", () => {
  it("is escaped in HTML, made text in CSV and inert in every format", async () => {
    const { judgeFleet } = await import("../src/fleet/analyse.js");
    const { buildFleetReport } = await import("../src/fleet/model.js");
    const { renderFleet } = await import("../src/fleet/report/index.js");
    const { bundledStacks } = await import("../src/collect/bundled-stacks.js");
    const { stackRows } = await import("../src/collect/stacks.js");
    const hostile = '<script>alert(1)</script>"=cmd|\x1b[31m::error::x';
    const app = appFromRow({
      id: "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.Web/sites/evil-prod",
      name: "evil-prod",
      kind: "functionapp,linux",
      location: `=HYPERLINK("x")${hostile}`,
      site: { state: hostile, enabled: true, reserved: true, sku: hostile },
      config: { linuxFxVersion: `Python|${hostile}` },
    });
    if (typeof app === "string") throw new Error(`row not read: ${app}`);
    const stacks = { source: "bundled" as const, rows: stackRows((await bundledStacks()).stacks) };
    const judgment = judgeFleet([app], stacks, new Date("2026-12-06T00:00:00Z"));
    const report = buildFleetReport({
      judgment,
      inventory: {
        apps: [app],
        requests: 1,
        pages: 1,
        throttled: 0,
        skipped: { notFunctionApp: 0, malformed: 0 },
        gaps: [],
      },
      stacks,
      scope: { subscriptions: [] },
      now: new Date("2026-12-06T00:00:00Z"),
      toolVersion: "test",
      verdict: "HOTFIX",
      exitCode: 5,
      failOn: "hotfix",
    });
    // The stopped-looking state is judged (H03), so the hostile text reaches findings too.
    expect(report.apps[0]!.findings.map((f) => f.ruleId)).toContain("H03");
    const html = await renderFleet(report, "html");
    expect(html).not.toMatch(/<script>/);
    expect(html).toContain("&lt;script&gt;");
    const csv = await renderFleet(report, "csv");
    expect(csv).toContain(`"'=HYPERLINK(`);
    for (const format of ["text", "json", "csv", "html"] as const) {
      const out = await renderFleet(report, format);
      expect(out).not.toContain("\x1b");
      expect(out).not.toContain("::error::");
    }
  });
});
