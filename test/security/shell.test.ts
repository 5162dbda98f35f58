import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { shellCommand, shellOption, shellQuote } from "../../src/core/shell.js";
import { inert } from "../../src/report/inert.js";
import { runInProcess } from "../helpers.js";
import { readFixture, SHELL_HOSTILE, swappedFrom, writeRecording } from "./hostile.js";
import { editBody } from "../support/recorded-body.js";

/** What bash makes of a command line: the words it passes, NUL-separated. */
function wordsOf(line: string, cwd: string): string[] {
  const run = spawnSync("bash", ["-c", `printf '%s\\0' ${line}`], { cwd, encoding: "utf8" });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout.split("\0").slice(0, -1);
}

/** The argv `az` gets for an option and its value: attached with `=` when the value starts with `-`. */
function argvOf(option: string, value: string): string[] {
  return value.startsWith("-") ? [`${option}=${value}`] : [option, value];
}

/** Whether Python 3 is here to stand in for az's argument parser (argparse); CI installs it. */
const python = spawnSync("python3", ["--version"]).status === 0;

/**
 * Runs plan.sh as a person would who answers yes (`yes yes |`: plan.sh asks for the word), with a fake `az` first on PATH that only logs its
 * argv, in a directory where a `touch PWNED` would show.
 */
function runPlan(bundle: string): { calls: string[][]; dir: string; status: number | null; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), "azfn-plan-run-"));
  const bin = join(dir, "bin");
  const log = join(dir, "calls");
  mkdirSync(bin);
  mkdirSync(log);
  writeFileSync(
    join(bin, "az"),
    '#!/usr/bin/env bash\nn=$(ls "$AZ_LOG" | wc -l)\nprintf \'%s\\0\' "$@" > "$AZ_LOG/$n"\n',
  );
  chmodSync(join(bin, "az"), 0o755);
  const run = spawnSync("bash", ["-c", `yes yes | bash ${shellQuote(join(bundle, "plan.sh"))}`], {
    cwd: dir,
    env: { PATH: `${bin}:${process.env.PATH}`, AZ_LOG: log, HOME: dir },
    encoding: "utf8",
  });
  const calls = readdirSync(log)
    .sort((a, b) => Number(a) - Number(b))
    .map((f) => readFileSync(join(log, f), "utf8").split("\0").slice(0, -1));
  return { calls, dir, status: run.status, stderr: run.stderr };
}

describe("shell quoting", () => {
  it.each(SHELL_HOSTILE)("bash reads %j back as one word, unchanged", (value) => {
    const dir = mkdtempSync(join(tmpdir(), "azfn-quote-"));
    expect(wordsOf(`${shellQuote(value)} ${shellCommand("-n", value, "end")}`, dir)).toEqual([
      value,
      "-n",
      value,
      "end",
    ]);
    expect(existsSync(join(dir, "PWNED"))).toBe(false);
  });

  it("leaves plain names bare and quotes what a shell would expand", () => {
    expect(shellCommand("-g", "rg-orders.prod_1", "--x", "a=b:c,d@e%f+g")).toBe(
      "-g rg-orders.prod_1 --x a=b:c,d@e%f+g",
    );
    expect(shellQuote("~4")).toBe("'~4'");
    expect(shellQuote("=ls")).toBe("'=ls'");
    expect(shellQuote("")).toBe("''");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });

  it.skipIf(!python).each(SHELL_HOSTILE)(
    "az's parser (argparse) reads %j after --slot as the slot, never as another option",
    (value) => {
      const dir = mkdtempSync(join(tmpdir(), "azfn-argparse-"));
      const line = `${shellOption("-g", value)} ${shellOption("--slot", value)} --target-slot production`;
      const parser = [
        "import argparse, json, sys",
        "p = argparse.ArgumentParser(exit_on_error=False)",
        "for o in ('-g', '--slot', '--target-slot', '--subscription'): p.add_argument(o)",
        "print(json.dumps(vars(p.parse_args(sys.argv[1:]))))",
      ].join("\n");
      const run = spawnSync("python3", ["-c", parser, ...wordsOf(line, dir)], { encoding: "utf8" });
      expect(run.status, run.stderr).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({
        g: value,
        slot: value,
        target_slot: "production",
        subscription: null,
      });
      expect(existsSync(join(dir, "PWNED"))).toBe(false);
    },
  );

  it("attaches a value that starts with - to its option", () => {
    expect(shellOption("--slot", "staging")).toBe("--slot staging");
    expect(shellOption("--slot", "-x")).toBe("--slot=-x");
    expect(shellOption("--slot", "--subscription=evil")).toBe("--slot=--subscription=evil");
    expect(shellOption("--slot", "-$(touch PWNED)")).toBe("'--slot=-$(touch PWNED)'");
  });

  it.each(SHELL_HOSTILE)(
    "plan.sh swaps back slot %j with exactly that argv, and nothing else runs",
    async (slot) => {
      const out = join(mkdtempSync(join(tmpdir(), "azfn-out-")), "bundle");
      const run = await runInProcess(["check", "--from", swappedFrom(slot), "--out", out]);
      expect(run.code, run.stderr).toBe(6);
      const plan = runPlan(out);
      expect(plan.status, plan.stderr).toBe(0);
      // The text a report shows is cleaned (a line break reads as a space); the plan swaps that slot.
      expect(plan.calls).toEqual([
        [
          "functionapp",
          "deployment",
          "slot",
          "swap",
          "-g",
          "rg-orders-prod",
          "-n",
          "orders-func-prod",
          ...argvOf("--slot", inert(slot)),
          "--target-slot",
          "production",
        ],
      ]);
      expect(readdirSync(plan.dir).sort()).toEqual(["bin", "calls"]);
      // The same command, as printed in the text report (a long one continues on the next line after
      // a backslash, as a shell reads it), is one word per value too.
      const printed = run.stdout
        .replace(/ \\\n\s*/g, " ")
        .split("\n")
        .find((l) => l.includes("slot swap"))!
        .trim();
      expect(wordsOf(printed.replace(/^az /, ""), plan.dir)).toEqual(plan.calls[0]);
    },
  );

  it("plan.sh sets hostile slot-setting names as data, never as code", async () => {
    const names = ["AzureWebJobsStorage", ...SHELL_HOSTILE.slice(0, 6)];
    const r = readFixture("fixtures/healthy-upgrade");
    editBody(r, /orders-func-prod\/config\/slotConfigNames/, (body) => {
      body.properties = { appSettingNames: names, connectionStringNames: null };
    });
    const out = join(mkdtempSync(join(tmpdir(), "azfn-out-")), "bundle");
    const run = await runInProcess(["check", "--from", writeRecording(r), "--out", out]);
    expect(run.code, run.stderr).toBe(5);
    const plan = runPlan(out);
    expect(plan.status, plan.stderr).toBe(0);
    const prodId = JSON.parse(readFileSync(join(out, "report.json"), "utf8")).environments.prod.id as string;
    expect(plan.calls).toContainEqual([
      "resource",
      "update",
      "--ids",
      `${prodId}/config/slotConfigNames`,
      "--set",
      `properties.appSettingNames=${JSON.stringify(names.slice(1))}`,
    ]);
    expect(readdirSync(plan.dir).sort()).toEqual(["bin", "calls"]);
  });
});
