import { existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HEALTHY, ROOT, runCli, STORY } from "./helpers.js";

/** Debian's Chromium, installed by .ci/run; the test fails, never skips, without it. */
const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = join(ROOT, "test-results");
let browser: Browser;

beforeAll(async () => {
  expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: .ci/run installs Debian's chromium`).toBe(true);
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
afterAll(async () => browser?.close());

async function bundle(dir: string): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), "azfn-html-"));
  const run = await runCli(["check", "--from", dir, "--out", out, "--fail-on", "never"]);
  expect(run.code).toBe(0);
  return join(out, "report.html");
}

describe("report.html in a real browser", () => {
  it.each([
    [STORY, "HOTFIX", "light"],
    [HEALTHY, "PROCEED", "dark"],
  ] as const)(
    "%s opens offline with its charts, no console errors (%s, %s mode)",
    async (dir, verdict, colorScheme) => {
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
      expect(
        await page
          .locator('figure[data-kind="before-after"][data-metric="HttpResponseTime"] polyline.after')
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

  it("marks what got worse and prints without the screen's colours", async () => {
    const page = await browser.newPage();
    await page.goto(`file://${await bundle(STORY)}`);
    expect(
      await page
        .locator('figure[data-metric="PrivateBytes"][data-kind="before-after"] .outcome')
        .textContent(),
    ).toBe("worse");
    await page.emulateMedia({ media: "print" });
    const pdf = await page.pdf({ format: "A4" });
    expect(pdf.byteLength).toBeGreaterThan(50_000);
    await page.close();
  });
});
