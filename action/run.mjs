#!/usr/bin/env node
// The GitHub Action's entry (action.yml): its inputs (INPUT_<NAME>, as the runner names them) become
// azfn-health's flags; the check itself writes the step summary, the annotations and the `verdict`
// and `exit-code` outputs (GITHUB_ACTIONS=true); this adds the `report` and `bundle` paths, says so
// in the summary when there was no verdict, and ends with azfn-health's exit code, so `fail-on`
// decides whether the step fails.
import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Inputs passed through as `--<name> <value>` when set; `command`, `out` and `args` are read below. */
const FLAG_INPUTS = [
  "qa",
  "prod",
  "since",
  "fail-on",
  "watch",
  "from",
  "auth",
  "tenant",
  "config",
  "ledger",
  "servicenow-change",
  "timeout",
];
const COMMANDS = new Set(["check", "preflight"]);

const input = (name) => (process.env[`INPUT_${name.replace(/ /g, "_").toUpperCase()}`] ?? "").trim();
const output = (text) => process.env.GITHUB_OUTPUT && appendFileSync(process.env.GITHUB_OUTPUT, text);
const sizeOf = (path) => (path && existsSync(path) ? statSync(path).size : 0);

function main() {
  const command = input("command") || "check";
  if (!COMMANDS.has(command)) {
    process.stderr.write(
      `azfn-health action: command: expected check or preflight, got ${JSON.stringify(command)}\n`,
    );
    output("verdict=\nexit-code=2\n");
    return 2;
  }
  const out = input("out") || join(process.env.RUNNER_TEMP || tmpdir(), "azfn-health-evidence");
  const args = [command, "--out", out];
  for (const name of FLAG_INPUTS) if (input(name)) args.push(`--${name}`, input(name));
  args.push(...input("args").split(/\s+/).filter(Boolean));
  const cli = process.env.AZFN_ACTION_CLI || join(import.meta.dirname, "..", "dist", "bundle", "bin.js");
  const before = sizeOf(process.env.GITHUB_OUTPUT);
  const run = spawnSync(process.execPath, [cli, ...args], {
    stdio: "inherit",
    env: { ...process.env, GITHUB_ACTIONS: "true" },
  });
  const code = run.status ?? 1;
  // The check wrote verdict= and exit-code= itself when it reached a verdict.
  const written = process.env.GITHUB_OUTPUT
    ? readFileSync(process.env.GITHUB_OUTPUT, "utf8").slice(before)
    : "";
  if (!/^verdict=/m.test(written)) {
    output(`verdict=\nexit-code=${code}\n`);
    if (process.env.GITHUB_STEP_SUMMARY)
      appendFileSync(
        process.env.GITHUB_STEP_SUMMARY,
        `### azfn-health: no verdict (exit ${code})\n\nThe step log says why (a usage or sign-in problem is one line).\n`,
      );
  }
  if (existsSync(join(out, "report.md"))) output(`report=${join(out, "report.md")}\n`);
  if (existsSync(out)) output(`bundle=${out}\n`);
  return code;
}

process.exitCode = main();
