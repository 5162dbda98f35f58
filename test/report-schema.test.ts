import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Policy } from "../src/analyse/policy.js";
import { judge } from "../src/check.js";
import type { CheckFacts } from "../src/core/facts.js";
import { buildReport } from "../src/report/model.js";
import { REPORT_SCHEMAS, reportSchemas } from "../scripts/report-schemas.mjs";
import { startStandIn, standInEnv, type StandIn } from "./support/azure-stand-in.mjs";
import { fleetArgs, generateTenant, tenantRoutes } from "./support/fleet-tenant.mjs";
import { generatedPair } from "./support/generate-facts.js";
import { committedSchema, schemaProblems } from "./support/schemas.js";
import { BASE_SEED, seeded } from "./support/seeded.js";
import { HEALTHY, REGRESSION, replayFacts, ROOT, runCli, runInProcess, STORY, variant } from "./helpers.js";

/**
 * The JSON Schemas under schema/ are the `--format json` contract a pipeline can validate against
 * (docs/report-schema.md). They are generated from the types the code builds the reports with
 * (scripts/report-schemas.mjs); here, every kind of report the CLI prints is held to the committed
 * files, which allow no property they do not declare: a field the code adds without its type, a
 * value outside its enum or a number that became null fails here.
 */
const REPORT = "azfn-health.report.schema.json";
const FLEET = "azfn-health.fleet.schema.json";

const RECORDINGS = readdirSync(join(ROOT, "fixtures")).sort();
const json = (stdout: string) => JSON.parse(stdout) as Record<string, unknown>;
let scratch: string;
beforeAll(() => void (scratch = mkdtempSync(join(tmpdir(), "azfn-health-schema-"))));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("the JSON schemas", () => {
  it("the committed files are what the types generate (npm run schema)", { timeout: 60_000 }, () => {
    const generated = reportSchemas();
    expect(Object.keys(generated)).toEqual(REPORT_SCHEMAS.map((entry) => entry.file));
    for (const [file, schema] of Object.entries(generated))
      expect(committedSchema(file), file).toEqual(JSON.parse(JSON.stringify(schema)));
  });

  it("refuse what the contract does not allow: an undeclared field, a verdict outside the five, a missing part, a null count", async () => {
    const report = json(
      (await runInProcess(["check", "--from", STORY, "--format", "json", "--fail-on", "never"])).stdout,
    );
    expect(schemaProblems(REPORT, report)).toEqual([]);
    const finding = (report.findings as Record<string, unknown>[])[0]!;
    const broken: [string, Record<string, unknown>][] = [
      ["an undeclared field", { ...report, extra: 1 }],
      ["an undeclared field in a finding", { ...report, findings: [{ ...finding, score: 3 }] }],
      ["a verdict outside the five", { ...report, verdict: "GO" }],
      [
        "no recommendation",
        Object.fromEntries(Object.entries(report).filter(([key]) => key !== "recommendation")),
      ],
      ["a null exit code", { ...report, exitCode: null }],
      ["a failOn no flag takes", { ...report, failOn: "sometimes" }],
    ];
    for (const [what, document] of broken) expect(schemaProblems(REPORT, document), what).not.toEqual([]);
  });
});

describe("every report the CLI prints is of its schema", () => {
  it.each(RECORDINGS)("check and preflight of the bundled recording %s", async (name) => {
    for (const command of ["check", "preflight"]) {
      const run = await runInProcess([command, "--from", name, "--format", "json", "--fail-on", "never"]);
      expect(run.code, `${command} ${name}: ${run.stderr}`).toBe(0);
      expect(schemaProblems(REPORT, json(run.stdout)), `${command} ${name}`).toEqual([]);
    }
  });

  it("check --watch (a replayed watch: its rounds and evidence)", async () => {
    const run = await runInProcess(["check", "--from", REGRESSION, "--watch", "30m", "--format", "json"]);
    const report = json(run.stdout);
    expect(report.watch).toBeDefined();
    expect(schemaProblems(REPORT, report)).toEqual([]);
  });

  it("check --ledger: recorded (first, then with a diff since the last clean check), and failed", async () => {
    const ledger = join(scratch, "ledger.sqlite");
    const check = async (from: string, where = ledger) =>
      json(
        (
          await runInProcess([
            "check",
            "--from",
            from,
            "--ledger",
            where,
            "--format",
            "json",
            "--fail-on",
            "never",
          ])
        ).stdout,
      );
    // The story's release comes before the healthy one's: marked clean, it is what the healthy check diffs against.
    const story = await check(STORY);
    const id = (story.ledger as { id: string }).id;
    await runInProcess(["ledger", "mark", id, "--clean", "--reason", "ran fine", "--ledger", ledger], {
      USER: "ana",
    });
    const healthy = await check(HEALTHY);
    expect(story.ledger).toMatchObject({ status: "recorded", sinceLastClean: null });
    expect(healthy.ledger).toMatchObject({ status: "recorded", sinceLastClean: { from: { id } } });
    // A directory is no ledger file: the write fails, and the report says so.
    const failed = await check(HEALTHY, scratch);
    expect(failed.ledger).toMatchObject({ status: "failed" });
    for (const report of [story, healthy, failed]) expect(schemaProblems(REPORT, report)).toEqual([]);
    // What the release manager reads back: the record, the deployments, the diff and the report.
    const ledgerJson = async (...args: string[]) => {
      const run = await runInProcess(["ledger", ...args, "--ledger", ledger, "--format", "json"]);
      expect(run.code, `ledger ${args.join(" ")}: ${run.stderr}`).toBe(0);
      return json(run.stdout);
    };
    const healthyId = (healthy.ledger as { id: string }).id;
    const read = {
      "azfn-health.ledger-record.schema.json": await ledgerJson("show", id),
      "azfn-health.ledger-list.schema.json": await ledgerJson("list"),
      "azfn-health.ledger-diff.schema.json": await ledgerJson("diff", healthyId),
      "azfn-health.ledger-report.schema.json": await ledgerJson("report"),
    };
    expect(read["azfn-health.ledger-diff.schema.json"].sinceLastClean).toMatchObject({ from: { id } });
    expect((read["azfn-health.ledger-list.schema.json"].deployments as unknown[]).length).toBe(2);
    for (const [file, document] of Object.entries(read))
      expect(schemaProblems(file, document), file).toEqual([]);
  });

  it("over generated QA and production pairs, with a policy that ignores, reclassifies and mutes rules", async () => {
    const base = variant(await replayFacts(HEALTHY), (facts: CheckFacts) => {
      delete facts.metricWindows;
      for (const env of [facts.qa, facts.prod]) {
        delete env.metrics;
        delete env.logs;
      }
    });
    const policy: Policy = {
      severities: { R09: "low" },
      ignores: [{ ruleId: "R01", environment: "qa", reason: "QA runs its own extension bundle" }],
      reportOnly: ["R03", "D02"],
    };
    const seen = { ignored: 0, reportOnly: 0, verdicts: new Set<string>() };
    for (let i = 0; i < 150; i++) {
      const seed = BASE_SEED + i;
      const { facts } = generatedPair(base, seeded(seed));
      const result = judge(facts, undefined, i % 2 ? policy : undefined);
      const report = buildReport(result, {
        toolVersion: "0.0.0",
        exitCode: 0,
        failOn: "never",
        mode: "replay",
      });
      expect(schemaProblems(REPORT, JSON.parse(JSON.stringify(report))), `seed ${seed}`).toEqual([]);
      seen.ignored += report.ignored.length;
      seen.reportOnly += report.findings.filter((f) => f.reportOnly).length;
      seen.verdicts.add(report.verdict);
    }
    // The cases reached what they are here for: set-aside and muted findings, and more than one verdict.
    expect(seen.ignored).toBeGreaterThan(0);
    expect(seen.reportOnly).toBeGreaterThan(0);
    expect(seen.verdicts.size).toBeGreaterThan(1);
  });
});

describe("every fleet report is of its schema", () => {
  let standIn: StandIn | undefined;
  afterAll(async () => await standIn?.close());

  it(
    "fleet --format json over a generated tenant, with and without its settings",
    { timeout: 180_000 },
    async () => {
      const tenant = generateTenant({ seed: 20261207, units: 120, subscriptions: 2 });
      const routes = tenantRoutes(tenant);
      standIn = await startStandIn({ recording: { exchanges: [] } as never, routes: routes.route });
      for (const extra of [[], ["--read-settings"]]) {
        const run = await runCli(
          fleetArgs(standIn.url, "--format", "json", "--fail-on", "never", ...extra),
          standInEnv(standIn),
        );
        expect(run.code, run.stderr).toBe(0);
        const report = json(run.stdout);
        expect((report.apps as unknown[]).length).toBeGreaterThan(0);
        expect((report.pairs as unknown[]).length).toBeGreaterThan(0);
        expect(schemaProblems(FLEET, report), extra.join(" ")).toEqual([]);
      }
      expect(standIn.state.violations, "the tool must never write to Azure").toEqual([]);
    },
  );
});
