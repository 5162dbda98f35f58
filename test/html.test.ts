import { existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { HEALTHY, ROOT, runCli, STORY } from "./helpers.js";

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

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) return; // each test then fails (CI) or skips with the note
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
  const run = await runCli(["check", "--from", dir, "--out", out, "--fail-on", "never"]);
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
