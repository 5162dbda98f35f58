import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { RULES } from "../src/analyse/rules/index.js";
import { useColor } from "../src/cli/color.js";
import { EXIT_CODES, exitCodeFor, type FailOn, type Verdict } from "../src/core/exit-codes.js";
import { UsageError } from "../src/core/errors.js";
import { parseAppId, sameApp } from "../src/core/resource-id.js";
import { parseSince } from "../src/core/time.js";

describe("exit codes", () => {
  const table: [Verdict, Record<FailOn, number>][] = [
    ["PROCEED", { monitor: 0, hotfix: 0, rollback: 0, never: 0 }],
    ["MONITOR", { monitor: 4, hotfix: 0, rollback: 0, never: 0 }],
    ["HOTFIX", { monitor: 5, hotfix: 5, rollback: 0, never: 0 }],
    ["ROLLBACK", { monitor: 6, hotfix: 6, rollback: 6, never: 0 }],
    ["INCONCLUSIVE", { monitor: 3, hotfix: 3, rollback: 3, never: 0 }],
  ];
  for (const [verdict, byFailOn] of table) {
    for (const [failOn, code] of Object.entries(byFailOn)) {
      it(`${verdict} with --fail-on ${failOn} exits ${code}`, () =>
        expect(exitCodeFor(verdict, failOn as FailOn)).toBe(code));
    }
  }
  it("the table is one code per meaning", () => {
    expect(Object.values(EXIT_CODES).map((e) => e.code)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
});

describe("resource IDs", () => {
  const site =
    "/subscriptions/8f3a2c71-5b0e-4d39-9a61-2e7c4b1d9f05/resourceGroups/rg-orders/providers/Microsoft.Web/sites/orders-func";
  it("parses a site and a slot", () => {
    expect(parseAppId(site, "--qa")).toEqual({
      id: site,
      subscriptionId: "8f3a2c71-5b0e-4d39-9a61-2e7c4b1d9f05",
      resourceGroup: "rg-orders",
      site: "orders-func",
    });
    expect(parseAppId(`${site}/slots/staging`, "--qa")).toMatchObject({
      site: "orders-func",
      slot: "staging",
    });
    expect(parseAppId(`${site}/slots/production`, "--qa").slot).toBeUndefined();
  });
  it.each([
    ["orders-func", /^--prod: not a Function App resource ID/],
    [`${site}/functions/x`, /^--prod: not a Function App resource ID/],
    [
      "/subscriptions/8f3a2c71-5b0e-4d39-9a61-2e7c4b1d9f05/resourceGroups/rg/providers/Microsoft.Web/serverfarms/plan",
      /^--prod: not a Function App resource ID/,
    ],
    // The right shape with one part Azure does not allow: the first such part, named, and its rule.
    [
      "/subscriptions/not-a-guid/resourceGroups/rg/providers/Microsoft.Web/sites/a",
      /^--prod: the subscription ID "not-a-guid" is not one Azure allows \(a GUID\)$/,
    ],
    [site.replace(/sites\/.*/, "sites/a"), /^--prod: the site name "a" is not one Azure allows/],
    [`${site}/slots/`, /^--prod: the slot name "" is not one Azure allows/],
    [
      site.replace("/resourceGroups/", "/resourceGroups/rg%20x/x/"),
      /^--prod: not a Function App resource ID/,
    ],
  ])("rejects %s with a usage error naming the flag", (text, message) => {
    expect(() => parseAppId(text, "--prod")).toThrow(UsageError);
    expect(() => parseAppId(text, "--prod")).toThrow(message);
  });
  it("compares IDs case-insensitively, as ARM does", () => {
    expect(
      sameApp(
        parseAppId(site, "a"),
        parseAppId(
          site
            .toUpperCase()
            .replace("8F3A2C71-5B0E-4D39-9A61-2E7C4B1D9F05", "8f3a2c71-5b0e-4d39-9a61-2e7c4b1d9f05"),
          "b",
        ),
      ),
    ).toBe(true);
    expect(sameApp(parseAppId(site, "a"), parseAppId(`${site}/slots/staging`, "b"))).toBe(false);
  });
});

describe("--since", () => {
  const now = new Date("2026-11-20T12:00:00Z");
  it.each([
    ["90m", "2026-11-20T10:30:00.000Z"],
    ["2h", "2026-11-20T10:00:00.000Z"],
    ["1d", "2026-11-19T12:00:00.000Z"],
    ["2026-11-19T18:42:10Z", "2026-11-19T18:42:10.000Z"],
    ["2026-11-19T20:42:10+02:00", "2026-11-19T18:42:10.000Z"],
    ["2026-11-19", "2026-11-19T00:00:00.000Z"],
  ])("%s", (text, iso) => expect(parseSince(text, now).toISOString()).toBe(iso));
  it.each([["yesterday"], ["5"], ["2h ago"], ["2026-13-45"], ["2026-11-21T00:00:00Z"]])(
    "rejects %s",
    (text) => {
      expect(() => parseSince(text, now)).toThrow(UsageError);
    },
  );
});

describe("colour", () => {
  it.each([
    [{}, true, true],
    [{}, false, false],
    [{ TERM: "dumb" }, true, false],
    [{ NO_COLOR: "1" }, true, false],
    [{ NO_COLOR: "" }, true, true],
    [{ FORCE_COLOR: "1" }, false, true],
    [{ FORCE_COLOR: "0" }, true, false],
    [{ FORCE_COLOR: "1", NO_COLOR: "1" }, false, true],
  ] as const)("%o on a TTY=%s → %s", (env, tty, expected) =>
    expect(useColor(env, { isTTY: tty })).toBe(expected),
  );
});

describe("README", () => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  it("documents every exit code as the table defines it", () => {
    for (const { code, meaning } of Object.values(EXIT_CODES))
      expect(readme).toContain(`| ${code} | ${meaning} |`);
  });
  it("lists every rule with its severity and title", () => {
    for (const rule of RULES) expect(readme).toContain(`| ${rule.id} | ${rule.severity} | ${rule.title} |`);
  });
  it("keeps the two quick-start commands", () => {
    expect(readme).toContain("npm ci && npm run demo");
    expect(readme).toMatch(/^npm test /m);
  });
});

describe("clouds and endpoints", () => {
  it("picks the cloud's endpoints and audiences, and lets each be overridden over https only", async () => {
    const { resolveEndpoints } = await import("../src/core/clouds.js");
    expect(resolveEndpoints("AzureUSGovernment", {})).toMatchObject({
      arm: "https://management.usgovcloudapi.net",
      logs: "https://api.loganalytics.us",
      armScope: "https://management.usgovcloudapi.net/.default",
      logsScope: "https://api.loganalytics.us/.default",
    });
    expect(resolveEndpoints("AzureChinaCloud", {})).toMatchObject({
      authority: "https://login.chinacloudapi.cn",
    });
    // A stand-in behind --arm-endpoint also serves metrics; the audience stays the cloud's.
    expect(resolveEndpoints("AzureCloud", { arm: "https://127.0.0.1:8443/" })).toMatchObject({
      arm: "https://127.0.0.1:8443",
      metrics: "https://127.0.0.1:8443",
      armScope: "https://management.azure.com/.default",
    });
    expect(resolveEndpoints("AzureCloud", { metrics: "https://metrics.example" }).metrics).toBe(
      "https://metrics.example",
    );
    expect(() => resolveEndpoints("AzureCloud", { logs: "http://127.0.0.1:1" })).toThrow(
      /--logs-endpoint: must be https:\/\//,
    );
    expect(() => resolveEndpoints("AzureCloud", { arm: "not a url" })).toThrow(/--arm-endpoint: not a URL/);
  });
});
