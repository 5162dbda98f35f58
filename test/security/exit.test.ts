import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describeError } from "../../src/cli/main.js";
import { ROOT, runInProcess } from "../helpers.js";
import { readFixture, writeRecording } from "./hostile.js";
import { editBody } from "../support/recorded-body.js";

const BIN = join(ROOT, "dist/bundle/bin.js");
const ROLLBACK = "fixtures/regression-5xx";
const HOTFIX = "fixtures/story-32bit-upgrade";

/** The CLI's exit code when its stdout goes where `shell` sends it (bash, pipefail off: PIPESTATUS). */
function exitThrough(args: string, shell: string): { code: number; stdout: string; stderr: string } {
  const run = spawnSync("bash", ["-c", `node ${BIN} ${args} ${shell}; echo "exit=\${PIPESTATUS[0]}" >&2`], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: "1" },
    encoding: "utf8",
  });
  return {
    code: Number(/exit=(\d+)/.exec(run.stderr)?.[1]),
    stdout: run.stdout,
    stderr: run.stderr.replace(/exit=\d+\n$/, ""),
  };
}

describe("exit codes and streams", () => {
  it.each([
    ["json", "| head -1", ROLLBACK, 6],
    ["html", "| head -c 10", ROLLBACK, 6],
    ["json", "| head -1", HOTFIX, 5],
    ["html", "| head -c 10", HOTFIX, 5],
    ["text", "| head -1", ROLLBACK, 6],
    ["markdown", "| head -1", HOTFIX, 5],
    ["junit", "| head -c 10", HOTFIX, 5],
  ])("--format %s %s keeps the failing code", (format, pipe, fixture, code) => {
    expect(exitThrough(`check --from ${fixture} --format ${format}`, `${pipe} >/dev/null`).code).toBe(code);
  });

  it("a reader slower than the report still gets all of it, and the failing code", () => {
    // The reader takes one byte, then waits a second before reading on: the report is out only
    // when the reader has it, and the process must not end before then.
    const count = (pipe: string) => {
      const run = exitThrough(`check --from ${HOTFIX} --format json`, `${pipe} | wc -c`);
      return { bytes: Number(run.stdout.trim()), code: run.code };
    };
    const whole = count("");
    expect(whole.bytes).toBeGreaterThan(2 * 65_536); // more than a pipe holds
    expect(count("| (dd bs=1 count=1 2>/dev/null; sleep 1; cat)")).toEqual({ bytes: whole.bytes, code: 5 });
  });

  // A text report goes straight to the descriptor, a JSON one (over 16 KiB) through the stream (src/cli/bin.ts).
  it.each(["json", "text"])(
    "a full disk on stdout (--format %s) is one line and exit 2, no stack",
    (format) => {
      const run = exitThrough(`check --from ${ROLLBACK} --format ${format}`, "> /dev/full");
      expect(run.code).toBe(2);
      expect(run.stderr).toBe("azfn-health: cannot write the report to stdout: ENOSPC\n");
    },
  );

  const bomb = join(mkdtempSync(join(tmpdir(), "azfn-bomb-")), "azfn-health.config.yaml");
  writeFileSync(
    bomb,
    `a: &a ["x","x","x","x","x","x","x","x","x"]\n${["b", "c", "d", "e", "f", "g"]
      .map((k, i) => `${k}: &${k} [${Array(9).fill(`*${"abcdef"[i]}`).join(",")}]`)
      .join("\n")}\n`,
  );

  it.each([
    [["--qa", "x", "--qa", "y"], /--qa given 2 times/],
    [["--format"], /--format: needs a value/],
    [["--fail-on"], /--fail-on: needs a value/],
    [["--config"], /--config: needs a value/],
    [["--out"], /--out: needs a value/],
    [["--format", "--quiet"], /--format: needs a value/],
    [["--since", ""], /--since: needs a value/],
    [["--since", "100000d"], /more than 93 days before .*Azure Monitor keeps 93 days/],
    [["--since", "1970-01-01"], /more than 93 days/],
    [
      ["--until", "2026-11-24T07:00:00Z", "--since", "2026-11-24T07:15:30Z"],
      /--until .* is before the release/,
    ],
    [["--config", bomb], /alias/i],
  ])("check %j is a usage error (exit 2)", async (extra, message) => {
    const run = await runInProcess(["check", "--from", ROLLBACK, ...extra]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.split("\n").length).toBeLessThanOrEqual(3);
  });

  it("an unknown AZFN_HEALTH_* variable is named", () => {
    const run = spawnSync("node", [BIN, "check", "--from", ROLLBACK], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, AZFN_HEALTH_FAIL_ONN: "never" },
      encoding: "utf8",
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^azfn-health: AZFN_HEALTH_FAIL_ONN: not an azfn-health setting/);
    expect(run.stderr).not.toMatch(/Unknown argument/);
  });

  it("an unexpected error is one line without JavaScript internals", () => {
    const error = new TypeError("Cannot read properties of null (reading 'map')");
    const told = describeError(error, false);
    expect(told.exitCode).toBe(1);
    expect(told.text).toBe(
      "azfn-health: unexpected error (a bug: please report it). Run with --debug for details.\n",
    );
    expect(describeError(error, true).text).toContain("reading 'map'");
    const full = Object.assign(new Error("ENOSPC: no space left on device, write"), {
      code: "ENOSPC",
      syscall: "write",
    });
    expect(describeError(full, false)).toEqual({
      text: "azfn-health: cannot write the output: no space left on the device (ENOSPC)\n",
      exitCode: 2,
    });
  });

  it.each([["not a date"], ["2026-13-45T99:99:99Z"], [42], [null]])(
    "a deployment time of %j in a recording is never a crash",
    async (time) => {
      const r = readFixture(HOTFIX);
      editBody<{ value: { properties: Record<string, unknown> }[] }>(
        r,
        /orders-func-prod\/deployments/,
        (deployments) => {
          for (const d of deployments.value) {
            d.properties.end_time = time;
            d.properties.start_time = time;
          }
        },
      );
      const run = await runInProcess(["check", "--from", writeRecording(r), "--format", "json"]);
      expect(run.code, run.stderr).not.toBe(1);
      expect(run.stderr).not.toMatch(/unexpected error|at \w+ \(/);
    },
  );
});
