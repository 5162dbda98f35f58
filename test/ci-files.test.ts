import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Validator, type Schema } from "@cfworker/json-schema";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROOT } from "./helpers.js";

const read = (path: string) => readFileSync(join(ROOT, path), "utf8");
const action = parse(read("action.yml")) as {
  inputs: Record<string, { default?: string }>;
  outputs: Record<string, { value: string }>;
  runs: {
    using: string;
    steps: { id?: string; uses?: string; env?: Record<string, string>; run?: string }[];
  };
};
const VERSION = (JSON.parse(read("package.json")) as { version: string }).version;

/** The action's entry as the composite step runs it: every input as INPUT_<NAME> (empty when unset). */
function runAction(inputs: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), "azfn-action-"));
  const files = { output: join(dir, "output"), summary: join(dir, "summary.md") };
  writeFileSync(files.output, "earlier-step=kept\n");
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    NO_COLOR: "1",
    RUNNER_TEMP: dir,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    AZFN_ACTION_CLI: join(ROOT, "dist/bundle/bin.js"),
  };
  for (const name of Object.keys(action.inputs)) env[`INPUT_${name.toUpperCase()}`] = inputs[name] ?? "";
  // Outside the repository, as on a runner: a bundled recording is found by its name.
  const run = spawnSync(process.execPath, [join(ROOT, "action/run.mjs")], {
    cwd: dir,
    env,
    encoding: "utf8",
  });
  const outputs = Object.fromEntries(
    readFileSync(files.output, "utf8")
      .trim()
      .split("\n")
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
  const summary = existsSync(files.summary) ? readFileSync(files.summary, "utf8") : "";
  return { run, outputs, summary, dir };
}

describe("the GitHub Action (action.yml, action/run.mjs)", () => {
  it("on a bundled recording: fails the step by fail-on, and gives verdict, exit-code, report, bundle and the summary", () => {
    const { run, outputs, summary, dir } = runAction({ from: "story-32bit-upgrade", "fail-on": "hotfix" });
    expect(run.status, run.stderr).toBe(5);
    expect(outputs).toEqual({
      "earlier-step": "kept",
      verdict: "HOTFIX",
      "exit-code": "5",
      report: join(dir, "azfn-health-evidence", "report.md"),
      bundle: join(dir, "azfn-health-evidence"),
    });
    expect(readFileSync(outputs.report!, "utf8")).toContain("azfn-health: HOTFIX");
    expect(readdirSync(outputs.bundle!)).toContain("plan.sh");
    expect(summary).toContain("azfn-health: HOTFIX");
    // The verdict is the first annotation, an error when the step fails.
    expect(run.stdout.split("\n").find((l) => l.startsWith("::"))).toMatch(
      /^::error title=azfn-health%3A HOTFIX::/,
    );
  });

  it("below fail-on the step passes and still says the verdict", () => {
    const { run, outputs } = runAction({ from: "healthy-upgrade", "fail-on": "never", command: "check" });
    expect(run.status, run.stderr).toBe(0);
    expect(outputs).toMatchObject({ verdict: "PROCEED", "exit-code": "0" });
  });

  it("no verdict (a usage error): exit 2, an empty verdict, and the summary says so", () => {
    const { run, outputs, summary } = runAction({ from: "story-32bit-upgrade", "fail-on": "sometimes" });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("fail-on");
    expect(outputs).toMatchObject({ verdict: "", "exit-code": "2" });
    expect(summary).toContain("no verdict (exit 2)");
  });

  it("passes every input to the entry as the runner names it, pins this package version, and sets up Node", () => {
    const steps = action.runs.steps;
    expect(action.runs.using).toBe("composite");
    expect(steps[0]!.uses).toMatch(/^actions\/setup-node@v\d+$/);
    const entry = steps.find((s) => s.id === "run")!;
    expect(entry.run).toBe('node "$GITHUB_ACTION_PATH/action/run.mjs"');
    for (const name of Object.keys(action.inputs).filter(
      (n) => !["node-version", "registry-url"].includes(n),
    ))
      expect(entry.env![`INPUT_${name.toUpperCase()}`], name).toBe(`\${{ inputs.${name} }}`);
    expect(steps.find((s) => s.id === "install")!.env!.AZFN_HEALTH_VERSION).toBe(VERSION);
    expect(Object.keys(action.outputs).sort()).toEqual(["bundle", "exit-code", "report", "verdict"]);
  });
});

/** Every workflow and action file in the repository, for the linter; every Azure Pipelines file. */
const GITHUB_FILES = ["action.yml", "docs/github-actions.yml"];
const PIPELINE_FILES = [
  "pipelines/azfn-health.yml",
  "pipelines/azfn-health-step.yml",
  "docs/azure-pipelines.yml",
];

describe("workflow and pipeline files", () => {
  it.each(GITHUB_FILES)("%s passes @action-validator/cli", (file) => {
    const run = spawnSync(join(ROOT, "node_modules/.bin/action-validator"), [join(ROOT, file)], {
      encoding: "utf8",
    });
    expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);
  });

  it("the linter does fail: a composite step without a shell", () => {
    const dir = mkdtempSync(join(tmpdir(), "azfn-lint-"));
    writeFileSync(
      join(dir, "action.yml"),
      "name: x\ndescription: y\nruns:\n  using: composite\n  steps:\n    - run: echo\n",
    );
    expect(
      spawnSync(join(ROOT, "node_modules/.bin/action-validator"), [join(dir, "action.yml")]).status,
    ).toBe(1);
  });

  const schema = JSON.parse(read("test/vendor/azure-pipelines/service-schema.json")) as Schema & {
    definitions: { task: { anyOf: object[] } };
  };
  // The vendored schema names UseNode@1 but has no branch for its inputs (test/vendor/azure-pipelines/SOURCE.md):
  // https://learn.microsoft.com/azure/devops/pipelines/tasks/reference/use-node-v1
  schema.definitions.task.anyOf.push({
    properties: {
      task: { pattern: "^UseNode@1$" },
      inputs: {
        properties: {
          version: { type: "string" },
          checkLatest: { type: "boolean" },
          force32bit: { type: "boolean" },
          retryCountOnDownloadFails: { type: "string" },
          delayBetweenRetries: { type: "string" },
        },
        additionalProperties: false,
      },
    },
  });
  const pipelines = new Validator(schema, "7", false);
  /** Azure Pipelines YAML as the service reads it: every scalar a string (the schema types them so). */
  const pipelineYaml = (text: string) => parse(text, { schema: "failsafe" }) as unknown;

  /**
   * A template as Azure DevOps expands it before the schema applies: `${{ parameters.x }}` replaced
   * (a whole value by the parameter itself, e.g. a stepList), from the caller's values over the
   * template's defaults. An undeclared or unset parameter fails the test: a typo in a template.
   */
  function expand(
    template: { parameters: { name: string; default?: unknown }[] },
    given: Record<string, unknown>,
  ) {
    const values: Record<string, unknown> = Object.fromEntries(
      template.parameters.filter((p) => p.default !== undefined).map((p) => [p.name, p.default]),
    );
    Object.assign(values, given);
    const value = (name: string) => {
      if (!(name in values)) throw new Error(`parameters.${name}: not declared or not given`);
      return values[name];
    };
    const walk = (node: unknown): unknown => {
      if (typeof node === "string") {
        const whole = /^\$\{\{\s*parameters\.(\w+)\s*\}\}$/.exec(node);
        if (whole) return value(whole[1]!);
        return node.replace(/\$\{\{\s*parameters\.(\w+)\s*\}\}/g, (_, name: string) => String(value(name)));
      }
      if (Array.isArray(node)) return node.map(walk);
      if (node && typeof node === "object")
        return Object.fromEntries(Object.entries(node).map(([key, v]) => [walk(key) as string, walk(v)]));
      return node;
    };
    const { parameters: _declared, ...body } = template;
    return walk(body);
  }

  const expectValid = (document: unknown, name: string) => {
    const result = pipelines.validate(document);
    // The deepest errors say what is wrong; the rest are the branches that did not apply.
    const deepest = [...result.errors].sort((a, b) => b.instanceLocation.length - a.instanceLocation.length);
    expect(deepest.slice(0, 5), name).toEqual([]);
    expect(result.valid).toBe(true);
  };

  const example = pipelineYaml(read("docs/azure-pipelines.yml")) as {
    stages: { template: string; parameters: Record<string, unknown> }[];
  };
  type Template = { parameters: { name: string; default?: unknown }[]; stages?: unknown; steps?: unknown[] };
  const stagesTemplate = pipelineYaml(read("pipelines/azfn-health.yml")) as Template;

  it("docs/azure-pipelines.yml is valid Azure Pipelines YAML (Microsoft's schema)", () => {
    expectValid(example, "docs/azure-pipelines.yml");
    expect(example.stages[0]!.template).toBe("pipelines/azfn-health.yml@azfn_health");
  });

  it("pipelines/azfn-health.yml, expanded with the example's parameters, is valid", () => {
    expectValid(expand(stagesTemplate, example.stages[0]!.parameters), "pipelines/azfn-health.yml");
  });

  it("pipelines/azfn-health-step.yml, expanded as the stages template calls it, is valid and pins this version", () => {
    const step = pipelineYaml(read("pipelines/azfn-health-step.yml")) as Template;
    const calls: Record<string, unknown>[] = [];
    const collect = (node: unknown) => {
      if (!node || typeof node !== "object") return;
      const call = node as { template?: string; parameters?: Record<string, unknown> };
      if (call.template === "azfn-health-step.yml") calls.push(call.parameters!);
      else Object.values(node).forEach(collect);
    };
    collect(expand(stagesTemplate, example.stages[0]!.parameters));
    expect(calls).toHaveLength(2);
    for (const parameters of calls) expectValid(expand(step, parameters), "pipelines/azfn-health-step.yml");
    const declared = Object.fromEntries(step.parameters.map((p) => [p.name, p.default]));
    expect(declared.package).toBe(`azfn-health@${VERSION}`);
    expect(Object.fromEntries(stagesTemplate.parameters.map((p) => [p.name, p.default])).package).toBe(
      `azfn-health@${VERSION}`,
    );
  });

  it("the schema does fail: a misspelt key and NodeTool@0's inputs under UseNode@1", () => {
    expect(pipelines.validate(parse("steps:\n  - task: UseNode@1\n    inputz: {}\n")).valid).toBe(false);
    expect(
      pipelines.validate(parse("steps:\n  - task: UseNode@1\n    inputs: { versionSpec: 20.x }\n")).valid,
    ).toBe(false);
  });

  it("no example or template pins Node 20 or the deprecated NodeTool@0", () => {
    for (const file of [...GITHUB_FILES, ...PIPELINE_FILES, "README.md"]) {
      const text = read(file);
      expect(text, file).not.toMatch(/NodeTool@0/);
      expect(text, file).not.toMatch(/node-version:\s*["']?20\b|versionSpec:\s*["']?20/);
    }
    expect(read("pipelines/azfn-health-step.yml")).toContain("task: UseNode@1");
  });
});
