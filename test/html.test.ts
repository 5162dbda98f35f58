import {
  accessSync,
  constants,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { judge } from "../src/check.js";
import type { CheckFacts, PlanFacts } from "../src/core/facts.js";
import { formatValue } from "../src/core/format.js";
import { renderHtml } from "../src/report/html.js";
import { buildReport, type Report } from "../src/report/model.js";
import { summariseLedger } from "../src/ledger/metrics.js";
import { renderReport } from "../src/ledger/render.js";
import { HEALTHY, replayFacts, ROOT, runInProcess, STORY, variant } from "./helpers.js";
import { sampleRecord } from "./ledger-sample.js";

/**
 * Debian's Chromium. The browser test runs wherever it is installed; under CI (CI=true, as .ci/run and
 * every hosted runner set it) it is required and fails without it. On a developer's machine without it,
 * each test is skipped with a note the closing line prints once, with the command that installs it.
 */
const CHROMIUM = "/usr/bin/chromium";
const REQUIRED = Boolean(process.env.CI) && process.env.CI !== "false";
const SKIP_NOTE = `Chromium not found at ${CHROMIUM}: browser test skipped; install it with \`sudo apt-get install chromium\``;
const ARTIFACTS = join(ROOT, "test-results");
let browser: Browser | undefined;

/** An executable file, not merely a name: a path hidden by a bind-mounted /dev/null is not Chromium. */
function installed(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

beforeAll(async () => {
  if (!installed(CHROMIUM)) return; // each test then fails (CI) or skips with the note
  // Flags for a closed network: no background calls that would be refused or probe Google's hosts.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}, 60_000);
/** The launched browser, or the test is skipped (never passed) with the install note. */
function needBrowser(ctx: TestContext): Browser {
  if (browser) return browser;
  if (REQUIRED)
    throw new Error(`${CHROMIUM} is missing and CI requires the browser test: .ci/run installs chromium`);
  return ctx.skip(SKIP_NOTE);
}
afterAll(async () => browser?.close());

async function bundle(dir: string): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), "azfn-html-"));
  const run = await runInProcess(["check", "--from", dir, "--out", out, "--fail-on", "never"]);
  expect(run.code).toBe(0);
  return join(out, "report.html");
}

describe("report.html in a real browser", () => {
  it.for([
    [STORY, "HOTFIX", "light"],
    [HEALTHY, "PROCEED", "dark"],
  ] as const)(
    "%s opens offline with its charts, no console errors (%s, %s mode)",
    async ([dir, verdict, colorScheme], ctx) => {
      const browser = needBrowser(ctx);
      const file = await bundle(dir);
      const html = readFileSync(file, "utf8");
      expect(html).not.toMatch(
        /<script|https?:\/\/(?!learn\.microsoft\.com|docs\.github\.com)[^"'\s]+\.(js|css)/,
      );
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme });
      const errors: string[] = [];
      page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
      page.on("pageerror", (e) => errors.push(String(e)));
      page.on("request", (r) => !r.url().startsWith("file://") && errors.push(`network: ${r.url()}`));
      await page.goto(`file://${file}`);
      expect(await page.locator(".verdict").textContent()).toBe(verdict);
      const beforeAfter = page.locator('figure[data-kind="before-after"] svg.chart');
      const qaProd = page.locator('figure[data-kind="qa-prod"] svg.chart');
      expect(await beforeAfter.count()).toBeGreaterThanOrEqual(19);
      expect(await qaProd.count()).toBeGreaterThanOrEqual(19);
      // Before and after for QA too, and every chart says when: time labels under its axis.
      expect(
        await page.locator('figure[data-kind="before-after"][data-env="qa"] svg.chart').count(),
      ).toBeGreaterThanOrEqual(19);
      expect(await beforeAfter.first().locator("text").allTextContents()).toEqual(
        expect.arrayContaining([expect.stringMatching(/^release \d\d-\d\d \d\d:\d\d$/)]),
      );
      expect(
        await page
          .locator(
            'figure[data-kind="before-after"][data-env="prod"][data-metric="HttpResponseTime"] polyline.after',
          )
          .count(),
      ).toBe(1);
      const box = await beforeAfter.first().boundingBox();
      expect(box!.width).toBeGreaterThan(250);
      expect(box!.height).toBeGreaterThan(80);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({
        path: join(ARTIFACTS, `report-${verdict.toLowerCase()}-${colorScheme}.png`),
        fullPage: true,
      });
      expect(errors).toEqual([]);
      await page.close();
    },
  );

  it("marks what got worse and prints without the screen's colours", async (ctx) => {
    const page = await needBrowser(ctx).newPage();
    await page.goto(`file://${await bundle(STORY)}`);
    expect(
      await page
        .locator('figure[data-metric="PrivateBytes"][data-kind="before-after"][data-env="prod"] .outcome')
        .textContent(),
    ).toBe("worse");
    await page.emulateMedia({ media: "print" });
    const pdf = await page.pdf({ format: "A4" });
    expect(pdf.byteLength).toBeGreaterThan(50_000);
    await page.close();
  });
});

/** report.html from a replayed recording, edited, through the whole pipeline: judge, report, render. */
async function renderFrom(dir: string, edit: (facts: CheckFacts) => void = () => {}) {
  const facts = variant(await replayFacts(dir), edit);
  const report = buildReport(judge(facts), {
    toolVersion: "t",
    exitCode: 0,
    failOn: "never",
    mode: "replay",
  });
  return { report, html: renderHtml(report) };
}

/** One figure of report.html, by its kind and metric: its attributes, caption, legend lines and chart. */
function figureOf(html: string, kind: string, metric: string, env = "prod") {
  const match = new RegExp(
    `<figure data-metric="${metric}" data-kind="${kind}" data-env="${env}"([^>]*)>(.*?)</figure>`,
  ).exec(html);
  if (!match) throw new Error(`no ${kind} figure for ${metric}`);
  const [, attributes, body] = match as unknown as [string, string, string];
  return {
    per: /data-per="(\w+)"/.exec(attributes)?.[1],
    caption: /<figcaption><span>(.*?)<\/span>/.exec(body)?.[1],
    legend: [...body.matchAll(/<div class="legend">(.*?)<\/div>/g)].map((m) => m[1]),
    texts: [...body.matchAll(/<text([^>]*)>(.*?)<\/text>/g)].map((m) => ({ attributes: m[1]!, text: m[2]! })),
  };
}

const median = (report: Report, metric: string, env: "qa" | "prod", comparison = "after-vs-before") =>
  report.metrics.judgments.find(
    (j) => j.metric === metric && j.environment === env && j.comparison === comparison,
  )!;

const plans =
  (qa: Partial<PlanFacts>, prod: Partial<PlanFacts> = {}) =>
  (facts: CheckFacts) => {
    Object.assign(facts.qa.plan!, qa);
    Object.assign(facts.prod.plan!, prod);
  };

describe("report.html: production against QA, normalised when the apps differ in size", () => {
  // healthy-upgrade: QA on EP1 with 1 instance, production on EP2 with 2; the story: EP1, 1 and 2.
  it.for([
    ["the recorded plans (EP1 × 1, EP2 × 2)", HEALTHY, plans({}), "EP1 ElasticPremium × 1 instance", 2, 1],
    ["the story's (EP1 × 1, EP1 × 2)", STORY, plans({}), "EP1 ElasticPremium × 1 instance", 2, 1],
    [
      "only the instance count differs",
      HEALTHY,
      plans({ skuName: "EP2" }),
      "EP2 ElasticPremium × 1 instance",
      2,
      1,
    ],
    ["only the SKU differs", HEALTHY, plans({ capacity: 2 }), "EP1 ElasticPremium × 2 instances", 2, 2],
    [
      "three instances in production",
      HEALTHY,
      plans({}, { capacity: 3 }),
      "EP1 ElasticPremium × 1 instance",
      3,
      1,
    ],
  ] as const)(
    "%s: counts per request or instance, gauges per instance",
    async ([, dir, edit, qaSize, prodN, qaN]) => {
      const { report, html } = await renderFrom(dir, edit);
      expect(html).toContain(`QA runs on ${qaSize}, production on`);
      // Requests per instance: the after-window's median over the plan's instance count.
      const requests = figureOf(html, "qa-prod", "Requests");
      expect(requests.per).toBe("instance");
      expect(requests.caption).toBe("Requests per instance");
      expect(requests.legend[0]).toBe(
        `QA ${formatValue(median(report, "Requests", "qa").experiment.median! / qaN, "Count")}, ` +
          `production ${formatValue(median(report, "Requests", "prod").experiment.median! / prodN, "Count")}`,
      );
      expect(requests.legend[1]).toMatch(
        new RegExp(`^per instance: ÷ ${prodN} instances in production, ${qaN} instances? in QA`),
      );
      // 5xx and memory: the very series M08 judges production against QA by.
      for (const [metric, per, note] of [
        ["Http5xx", "request", /^% of requests: each bucket's count ÷ its requests$/],
        ["MemoryWorkingSet", "instance", /^per instance: Azure averages it over the instances$/],
        ["FunctionExecutionUnits", "execution", /^per execution: each bucket's units ÷ its executions$/],
      ] as const) {
        const figure = figureOf(html, "qa-prod", metric);
        const m08 = median(report, metric, "prod", "prod-vs-qa");
        expect(figure.per, metric).toBe(per);
        expect(figure.legend[0], metric).toBe(
          `QA ${formatValue(m08.control.median, m08.unit)}, production ${formatValue(m08.experiment.median, m08.unit)}`,
        );
        expect(figure.legend[1], metric).toMatch(note);
      }
      // Before and after stay as measured: the same app, the same size.
      expect(figureOf(html, "before-after", "Requests").per).toBeUndefined();
    },
  );

  it.for([
    ["same plan and count (slot swap: a slot and its site)", "fixtures/slot-swap-release", plans({})],
    ["Flex Consumption on both", "fixtures/healthy-flex-consumption", plans({})],
    ["the healthy upgrade with QA sized like production", HEALTHY, plans({ skuName: "EP2", capacity: 2 })],
  ] as const)("%s: raw, and says no normalisation", async ([, dir, edit]) => {
    const { report, html } = await renderFrom(dir, edit);
    expect(report.metrics.prodAgainstQa).toBeUndefined();
    const requests = figureOf(html, "qa-prod", "Requests");
    expect(requests.per).toBeUndefined();
    expect(requests.caption).toBe("Requests");
    expect(requests.legend).toEqual([
      `QA ${formatValue(median(report, "Requests", "qa").experiment.median, "Count")}, ` +
        `production ${formatValue(median(report, "Requests", "prod").experiment.median, "Count")}`,
    ]);
    expect(html).not.toMatch(/data-per=|QA runs on|per instance:/);
  });
});

describe("report.html: y-axes say their scale", () => {
  // A count or a share of requests starts at zero; anything else is drawn over its own range and says so.
  it.for([
    ["MemoryWorkingSet", "before-after", "prod", "its own range, said"],
    ["HttpResponseTime", "before-after", "prod", "its own range, said"],
    ["CpuPercentage", "before-after", "qa", "its own range, said"],
    ["PrivateBytes", "qa-prod", "prod", "its own range, said"],
    ["Requests", "before-after", "prod", "from zero"],
    ["Http5xxRate", "before-after", "prod", "from zero"],
    ["Http5xx", "qa-prod", "prod", "from zero"],
  ] as const)("%s (%s, %s): %s", async ([metric, kind, env, scaleKind]) => {
    const { report, html } = await renderFrom(STORY);
    const j = median(report, metric, env);
    const series = report.metrics.prodAgainstQa!.series.find((s) => s.metric === metric);
    const [values, unit] =
      kind === "before-after"
        ? [[...j.controlTrend, ...j.trend], j.unit]
        : [[...series!.qa.trend, ...series!.prod.trend], series!.unit];
    const texts = figureOf(html, kind, metric, env).texts;
    // The axis' lower label sits on the axis line (y 110), at the left edge.
    const bottom = texts.find((t) => t.attributes === ' x="2" y="110"')!.text;
    const scale = texts.filter((t) => t.attributes.includes('class="scale"')).map((t) => t.text);
    if (scaleKind === "from zero") {
      expect(bottom).toBe(formatValue(0, unit));
      expect(scale).toEqual([]);
    } else {
      expect(Math.min(...values)).toBeGreaterThan(0);
      expect(bottom).toBe(formatValue(Math.min(...values), unit));
      expect(scale).toEqual(["axis does not start at zero"]);
    }
  });

  it("keeps the release label, the time labels and the scale note apart on screen", async (ctx) => {
    const page = await needBrowser(ctx).newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`file://${await bundle(STORY)}`);
    const overlaps = await page.locator("svg.chart").evaluateAll((charts) =>
      charts.flatMap((svg, index) => {
        const boxes = [...svg.querySelectorAll("text")].map((t) => ({
          text: t.textContent,
          box: t.getBBox(),
        }));
        const clash = (a: DOMRect, b: DOMRect) =>
          a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
        return boxes.flatMap((a, i) =>
          boxes
            .slice(i + 1)
            .flatMap((b) => (clash(a.box, b.box) ? [`chart ${index}: ${a.text} / ${b.text}`] : [])),
        );
      }),
    );
    expect(await page.locator("svg.chart text.release").count()).toBeGreaterThanOrEqual(19);
    expect(await page.locator("svg.chart text.scale").count()).toBeGreaterThanOrEqual(6);
    expect(overlaps).toEqual([]);
    await page.close();
  });
});

describe("the ledger report page in Chromium", () => {
  const summary = () => {
    const hero = sampleRecord("hero", "2026-11-19T18:42:10.000Z");
    hero.marks = [
      {
        outcome: "unclean",
        remediation: "feature-on-previous-build",
        reason: "timeouts after the 32-bit upgrade; the feature shipped on the previous build",
        by: "Ana Lima",
        at: "2026-11-20T09:00:00.000Z",
        servicenowChange: "CHG0031234",
      },
    ];
    hero.drivers = [
      "R09 (prod): Production runs a 32-bit worker (use32BitWorkerProcess) while QA ran 64-bit",
    ];
    const previous = sampleRecord("previous", "2026-11-01T00:00:00.000Z");
    Object.assign(previous, {
      verdict: "PROCEED",
      outcome: "clean",
      stack: {
        prod: { extensionVersion: "~3", stack: "dotnetcore3 3.1", endOfLife: "2022-12-03T00:00:00.000Z" },
      },
    });
    const apps = ["orders-func-prod-with-a-long-name", "billing"].map((app, i) => {
      const r = sampleRecord(`app-${i}`, `2026-11-1${i}T00:00:00.000Z`);
      r.apps.prod = r.apps.prod.replace(/sites\/.*/, `sites/${app}`);
      return r;
    });
    return summariseLedger([previous, hero, ...apps], { until: new Date("2026-12-01T00:00:00Z") });
  };

  it.for([1400, 390])(
    "at %i px nothing is cut off: the chart fits and every table cell is on screen",
    async (width, ctx) => {
      const dir = mkdtempSync(join(tmpdir(), "azfn-ledger-html-"));
      const file = join(dir, "ledger.html");
      writeFileSync(file, renderReport(summary(), "html"));
      const page = await needBrowser(ctx).newPage({ viewport: { width, height: 900 } });
      await page.goto(`file://${file}`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBe(0);
      const chart = (await page.locator("svg.chart").boundingBox())!;
      expect(chart.x + chart.width).toBeLessThanOrEqual(width);
      expect(chart.width).toBeGreaterThan(Math.min(width, 640) * 0.8);
      const cells = await page
        .locator("table.cards td")
        .evaluateAll((tds) => tds.map((td) => td.getBoundingClientRect().right));
      expect(cells.length).toBeGreaterThan(0);
      expect(cells.filter((right) => right > width)).toEqual([]);
      await expect
        .poll(() => page.locator("table.cards").first().textContent())
        .toMatch(/END OF LIFE since 2022-12-03/);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, `ledger-report-${width}.png`), fullPage: true });
      await page.close();
    },
  );
});

describe("report.html: read at a desk and on a phone", () => {
  it("an all-zero series is drawn from zero up, never on a negative axis", async () => {
    const { report, html } = await renderFrom(HEALTHY);
    const flat = report.metrics.judgments.filter(
      (j) =>
        j.comparison === "after-vs-before" &&
        j.trend.length > 0 &&
        [...j.trend, ...j.controlTrend].every((v) => v === 0),
    );
    expect(flat.map((j) => `${j.environment} ${j.metric}`)).toEqual(
      expect.arrayContaining(["qa Http5xxRate"]),
    );
    for (const j of flat) {
      // The value labels: the axis' top and bottom, at the left edge.
      const labels = figureOf(html, "before-after", j.metric, j.environment)
        .texts.filter((t) => / x="2" y="\d+"$/.test(t.attributes))
        .map((t) => t.text);
      expect(labels, `${j.environment} ${j.metric}`).toEqual([
        formatValue(j.unit === "Ratio" ? 0.01 : 1, j.unit),
        formatValue(0, j.unit),
      ]);
    }
  });

  it("a larger production plan of the same tier is not marked as a difference; a smaller one is", async () => {
    // healthy-upgrade: QA on EP1, production on EP2.
    const { html } = await renderFrom(HEALTHY);
    expect(html).toMatch(
      /<tr><th>Plan<\/th><td>EP1 ElasticPremium[^<]*<\/td><td>EP2 ElasticPremium[^<]*<\/td>/,
    );
    const smaller = (await renderFrom(HEALTHY, plans({ skuName: "EP3" }))).html;
    expect(smaller).toMatch(/<tr><th>Plan<\/th><td>EP3 [^<]*<\/td><td class="differs">EP2 [^<]*≠<\/td>/);
  });

  it.for([
    [1400, "desk"],
    [390, "phone"],
  ] as const)(
    "at %i px (%s): the key columns never wrap, nothing is cut off",
    { timeout: 60_000 },
    async ([width], ctx) => {
      const page = await needBrowser(ctx).newPage({ viewport: { width, height: 900 } });
      await page.goto(`file://${await bundle(STORY)}`);
      // Severity, rule and environment each on one line ("prod", never "pro/d").
      const wrapped = await page.locator("table.findings td.key").evaluateAll((cells) =>
        cells.flatMap((td) => {
          const range = document.createRange();
          range.selectNodeContents(td);
          const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
          return lines.size > 1 ? [td.textContent] : [];
        }),
      );
      expect(wrapped).toEqual([]);
      // Nothing wider than the screen: no sideways scrolling to reach a fix.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      const fix = await page.locator("table.findings td.fix").first().boundingBox();
      expect(fix!.x + fix!.width).toBeLessThanOrEqual(width);
      expect(fix!.width).toBeGreaterThan(width > 1000 ? 300 : 250);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, `report-story-${width}.png`), fullPage: true });
      await page.close();
    },
  );
});
