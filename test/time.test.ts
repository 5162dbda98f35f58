import { describe, expect, it } from "vitest";
import { parseDuration, parseSince } from "../src/core/time.js";
import { UsageError } from "../src/core/errors.js";
import { EXIT_CODES } from "../src/core/exit-codes.js";
import { HEALTHY, runInProcess } from "./helpers.js";

/** One duration grammar (src/core/time.ts) for --watch, --interval, --since and --until. */
const NOW = new Date("2026-11-24T12:00:00Z");
const UNITS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const AMOUNTS = ["1", "2", "7", "30", "90", "1.5", "0.25", "120"];

describe("one duration grammar", () => {
  it("every amount and unit means the same span as a duration and as a time ago", () => {
    for (const [unit, ms] of Object.entries(UNITS)) {
      for (const amount of AMOUNTS) {
        const text = `${amount}${unit}`;
        expect(parseDuration(text, "--watch"), text).toBe(Number(amount) * ms);
        expect(NOW.getTime() - parseSince(text, NOW).getTime(), text).toBe(Number(amount) * ms);
      }
    }
  });

  it("what one refuses the other refuses too, with the flag named", () => {
    for (const text of ["0m", "0s", "5", "1w", "m", "-5m", "1 h", "soon", "1e3s", ""]) {
      expect(() => parseDuration(text, "--interval"), text).toThrow(UsageError);
      expect(() => parseDuration(text, "--interval"), text).toThrow(/^--interval: expected a duration/);
      expect(() => parseSince(text, NOW, "--until"), text).toThrow(/^--until: expected an ISO 8601 time/);
    }
  });

  it("check accepts --watch 1d and --since 30s alike", async () => {
    const run = await runInProcess([
      "check",
      "--from",
      HEALTHY,
      "--watch",
      "1d",
      "--interval",
      "12h",
      "--quiet",
    ]);
    expect(run.stderr).not.toMatch(/expected a duration/);
    expect([EXIT_CODES.PROCEED.code, EXIT_CODES.MONITOR.code, EXIT_CODES.INCONCLUSIVE.code]).toContain(
      run.code,
    );
    const since = await runInProcess([
      "check",
      "--from",
      HEALTHY,
      "--since",
      "30s",
      "--quiet",
      "--format",
      "json",
    ]);
    expect(since.stderr).not.toMatch(/expected an ISO 8601 time/);
    expect(JSON.parse(since.stdout).release).toMatchObject({ source: "--since" });
  });
});
