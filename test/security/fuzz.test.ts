import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Recording } from "../../src/collect/recording.js";
import { azureOutput } from "../../src/report/ci.js";
import type { Report } from "../../src/report/model.js";
import {
  expectNoInjectedCommand,
  expectNoMarkup,
  CONTROL_PAYLOAD,
  CREDENTIAL,
  MARKUP_PAYLOAD,
  RAW_CONTROL,
  readFixture,
  SECRET_SHAPES,
  writeRecording,
} from "./hostile.js";
import { runInProcess } from "../helpers.js";
import { bodyOf, setBody } from "../support/recorded-body.js";
import { rng } from "../support/seeded.mjs";
import { soakCases } from "../support/soak.js";

const SEED = 0x5ec0de;
/** Each fixture in each format twice in 30 cases; 200 under AZFN_SOAK=full. */
const CASES = soakCases(200, 30);
const FIXTURES = [
  "fixtures/healthy-upgrade",
  "fixtures/story-32bit-upgrade",
  "fixtures/regression-5xx",
] as const;
const FORMATS = ["text", "json", "markdown", "junit", "html"] as const;
const HOSTILE_STRINGS = [
  CONTROL_PAYLOAD,
  MARKUP_PAYLOAD,
  ...SECRET_SHAPES("FUZZSECRET"),
  "::error::fuzzed\n##vso[task.complete result=Succeeded;]x",
  "staging$(touch PWNED);`id`|x*",
];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every [parent, key] in a body, so a mutation can land anywhere. */
function slotsOf(value: Json, out: [Json[] | Record<string, Json>, string | number][] = []) {
  if (Array.isArray(value))
    value.forEach((v, i) => {
      out.push([value, i]);
      slotsOf(v, out);
    });
  else if (value && typeof value === "object")
    for (const [k, v] of Object.entries(value)) {
      out.push([value, k]);
      slotsOf(v, out);
    }
  return out;
}

interface Mutated {
  recording: Recording;
  /** A type changed, a field nulled or removed: the body is not the documented shape any more. */
  malformed: boolean;
  what: string[];
}

function mutate(base: Recording, random: () => number): Mutated {
  const recording = structuredClone(base);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  let malformed = false;
  const what: string[] = [];
  const count = 1 + Math.floor(random() * 4);
  for (let n = 0; n < count; n++) {
    const exchange = pick(recording.exchanges);
    const body = bodyOf<Json>(exchange.response);
    const slots = slotsOf(body);
    if (slots.length === 0) continue;
    const [parent, key] = pick(slots);
    const current = (parent as Record<string, Json>)[key as string] ?? null;
    const url = exchange.request.url.replace(/^https:\/\/[^/]+/, "").slice(0, 90);
    const kind = pick(["hostile", "hostile", "hostile", "null", "type", "delete", "key"] as const);
    if (kind === "hostile" && typeof current === "string") {
      (parent as Record<string, Json>)[key as string] = `${current}${pick(HOSTILE_STRINGS)}`;
      what.push(`${url} ${String(key)}: hostile text`);
    } else if (kind === "key" && !Array.isArray(parent)) {
      parent[`${String(key)}${pick(HOSTILE_STRINGS)}`] = current ?? "x";
      what.push(`${url} ${String(key)}: hostile key`);
    } else if (kind === "delete" && !Array.isArray(parent)) {
      delete parent[key as string];
      malformed = true;
      what.push(`${url} ${String(key)}: removed`);
    } else if (kind === "null" || kind === "delete" || kind === "key") {
      (parent as Record<string, Json>)[key as string] = null;
      malformed = true;
      what.push(`${url} ${String(key)}: null`);
    } else {
      const swapped: Json =
        typeof current === "string"
          ? pick([42, true, [current], { value: current }])
          : typeof current === "number"
            ? pick([String(current), -current, 1e308, { n: current }])
            : typeof current === "boolean"
              ? pick([String(current), current ? 1 : 0])
              : Array.isArray(current)
                ? pick([{ 0: current[0] ?? null }, "[]", 7])
                : pick<Json>(["{}", [current ?? null], 0]);
      (parent as Record<string, Json>)[key as string] = swapped;
      malformed = true;
      what.push(
        `${url} ${String(key)}: ${typeof current} -> ${Array.isArray(swapped) ? "array" : typeof swapped}`,
      );
    }
    setBody(exchange.response, body);
  }
  return { recording, malformed, what };
}

/** What every output must hold, whatever the input. */
function expectSafe(name: string, text: string): void {
  expect(text, name).not.toMatch(RAW_CONTROL);
  expect(text, name).not.toContain("FUZZSECRET");
  expect(text, name).not.toMatch(CREDENTIAL);
  expectNoInjectedCommand(name, text);
}

describe("fuzz: mutated recordings through every format", () => {
  const bases = Object.fromEntries(FIXTURES.map((f) => [f, readFixture(f)]));
  const baseVerdicts: Record<string, string> = {};

  it(`${CASES} seeded cases (seed ${SEED}): safe output, exit 0-6 never 1, no confident plan from a malformed body`, async () => {
    for (const fixture of FIXTURES) {
      const run = await runInProcess(["check", "--from", fixture, "--format", "json"]);
      baseVerdicts[fixture] = (JSON.parse(run.stdout) as Report).verdict;
    }
    const random = rng(SEED);
    const started = Date.now();
    const verdicts: Record<string, number> = {};
    for (let n = 0; n < CASES; n++) {
      const fixture = FIXTURES[n % FIXTURES.length]!;
      const format = FORMATS[Math.floor(n / FIXTURES.length) % FORMATS.length]!;
      const { recording, malformed, what } = mutate(bases[fixture]!, random);
      const label = `case ${n} (${fixture}, --format ${format}): ${what.join("; ")}`;
      const out = join(mkdtempSync(join(tmpdir(), "azfn-fuzz-")), "bundle");
      const ci = mkdtempSync(join(tmpdir(), "azfn-fuzz-ci-"));
      const run = await runInProcess(
        [
          "check",
          "--from",
          writeRecording(recording, "azfn-fuzz-rec-"),
          "--format",
          format,
          "--ci",
          "github",
          "--out",
          out,
        ],
        {
          GITHUB_STEP_SUMMARY: join(ci, "summary.md"),
          GITHUB_OUTPUT: join(ci, "output"),
        },
      );
      expect(run.code, `${label}\n${run.stderr}`).toBeGreaterThanOrEqual(0);
      expect(run.code, `${label}\n${run.stderr}`).toBeLessThanOrEqual(6);
      expect(run.code, `${label}\n${run.stderr}`).not.toBe(1);
      expectSafe(`${label} stdout`, run.stdout);
      expectSafe(`${label} stderr`, run.stderr);
      if (!existsSync(out)) {
        // A recording refused as a whole (2) or an app that could not be read at all (3): no report.
        expect([2, 3], `${label}\n${run.stderr}`).toContain(run.code);
        verdicts[`exit ${run.code}`] = (verdicts[`exit ${run.code}`] ?? 0) + 1;
        continue;
      }
      const files = Object.fromEntries(readdirSync(out).map((f) => [f, readFileSync(join(out, f), "utf8")]));
      const report = JSON.parse(files["report.json"]!) as Report;
      verdicts[report.verdict] = (verdicts[report.verdict] ?? 0) + 1;
      const azure = azureOutput(report, "/tmp/s.md");
      for (const [name, text] of [
        ...Object.entries(files),
        ["github summary", readFileSync(join(ci, "summary.md"), "utf8")],
        ["azure lines", azure.lines.join("\n")],
        ["azure summary", azure.files[0]!.text],
      ] as const)
        expectSafe(`${label} ${name}`, text);
      for (const name of ["report.md", "github summary"] as const)
        expectNoMarkup(
          `${label} ${name}`,
          name === "report.md" ? files[name]! : readFileSync(join(ci, "summary.md"), "utf8"),
        );
      expect(files["report.html"], label).not.toMatch(/<(img|script|iframe)\b/i);
      // A body not of the documented shape never makes a confident plan the clean recording did not.
      if (malformed && (report.verdict === "HOTFIX" || report.verdict === "ROLLBACK"))
        expect(["HOTFIX", "ROLLBACK"], `${label}: ${report.verdict} from a malformed body`).toContain(
          baseVerdicts[fixture],
        );
    }
    const seconds = (Date.now() - started) / 1000;
    process.stdout.write(
      `fuzz: ${CASES} cases in ${seconds.toFixed(1)} s; verdicts ${JSON.stringify(verdicts)}\n`,
    );
    expect(Object.keys(verdicts).length).toBeGreaterThan(1);
  }, 900_000);
});
