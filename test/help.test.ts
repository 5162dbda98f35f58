import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COMMAND_NAMES } from "../src/cli/main.js";
import { closest, onlyCompletion } from "../src/core/suggest.js";
import { ROOT, runCli, runInProcess } from "./helpers.js";

/** A directory outside the repository: what a user who installed the package runs from. */
const elsewhere = () => mkdtempSync(join(tmpdir(), "azfn-help-"));

describe("--from, once installed", () => {
  it.each([
    ["a bundled name", "story-32bit-upgrade"],
    ["the help's fixtures/ path, from another directory", "fixtures/story-32bit-upgrade"],
    ["a recording.json", join(ROOT, "fixtures/story-32bit-upgrade/recording.json")],
  ])("%s", async (_what, from) => {
    const run = await runCli(
      ["check", "--from", from, "--format", "json", "--fail-on", "never"],
      {},
      elsewhere(),
    );
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).verdict).toBe("HOTFIX");
  });

  it("a typo: did you mean, and the bundled names", async () => {
    const run = await runCli(["check", "--from", "story-32bit-upgade"], {}, elsewhere());
    expect(run.code).toBe(2);
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain("(did you mean story-32bit-upgrade?)");
    for (const name of ["healthy-upgrade", "regression-5xx", "story-32bit-upgrade"])
      expect(run.stderr).toContain(name);
  });

  it("a name typed in part: the one recording it begins, and no guess when it begins two", async () => {
    for (const [typed, meant] of [
      ["story", "story-32bit-upgrade"],
      ["fixtures/slot-swap", "slot-swap-release"],
      ["healthy", undefined],
      ["st", undefined],
    ] as const) {
      const run = await runInProcess(["check", "--from", typed]);
      expect(run.code).toBe(2);
      expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
      if (meant) expect(run.stderr, typed).toContain(`(did you mean ${meant}?)`);
      else expect(run.stderr, typed).not.toContain("did you mean");
    }
    expect(onlyCompletion("STORY-32", ["story-32bit-upgrade", "scale-out"])).toBe("story-32bit-upgrade");
    expect(onlyCompletion("sto", [])).toBeUndefined();
  });
});

describe("each command's help", () => {
  it("ledger --help lists its own exit codes, not the verdict table", async () => {
    const run = await runCli(["ledger", "--help"]);
    expect(run.stdout).toMatch(/Exit codes:\n {2}0 {2}done\n/);
    expect(run.stdout).not.toMatch(/ROLLBACK|HOTFIX: a configuration/);
  });

  it("preflight --help offers no Application Insights option (preflight reads no logs), and preflight refuses one", async () => {
    const help = await runCli(["preflight", "--help"]);
    expect(help.stdout).not.toContain("app-insights");
    const run = await runCli(["preflight", "--from", "story-32bit-upgrade", "--qa-app-insights", "x"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown option --qa-app-insights");
  });

  it.each(["check", "preflight", "demo"])(
    "%s --help starts with --qa, --prod, --since, --format, --fail-on",
    async (command) => {
      const run = await runCli([command, "--help"], { AZFN_INTERNAL_NO_FAST_PATH: "1" });
      const first = run.stdout.slice(run.stdout.indexOf("Start with:"), run.stdout.indexOf("\nOptions:"));
      const order = [...first.matchAll(/^ {6}--([a-z-]+)/gm)].map((m) => m[1]);
      const expected = ["qa", "prod", "since", "format", "fail-on", "from"].filter((o) =>
        run.stdout.includes(`--${o} `),
      );
      expect(order).toEqual(expected);
      expect(run.stdout.indexOf("Start with:")).toBeLessThan(run.stdout.indexOf("\nOptions:"));
    },
  );

  /** The help a run prints at a width, from the fast path (where it takes it) and from yargs itself. */
  const fastAndYargs = (args: string[], columns: number) =>
    Promise.all([
      runCli(args, { COLUMNS: String(columns) }),
      runCli(args, { AZFN_INTERNAL_NO_FAST_PATH: "1", COLUMNS: String(columns) }),
    ]);
  const widest = (text: string) => Math.max(...text.split("\n").map((line) => line.length));

  it("the fast path's help is the same text yargs renders, for every command", async () => {
    for (const args of [["--help"], ["-h"], ...COMMAND_NAMES.map((command) => [command, "--help"])]) {
      const [fast, rendered] = await fastAndYargs(args, 100);
      expect(fast.stdout, args.join(" ")).toBe(rendered.stdout);
      expect(fast.stdout, args.join(" ")).toMatch(/^azfn-health /);
    }
    expect(readdirSync(join(ROOT, "dist/help")).sort()).toEqual(
      ["root", ...COMMAND_NAMES].map((name) => `${name}.txt`).sort(),
    );
  });

  it("a terminal narrower than the pages gets yargs' help, wrapped to its width", async () => {
    for (const args of [["--help"], ["check", "--help"], ["ledger", "--help"]]) {
      const [fast, rendered] = await fastAndYargs(args, 72);
      expect(fast.stdout, args.join(" ")).toBe(rendered.stdout);
      expect(widest(fast.stdout), args.join(" ")).toBeLessThanOrEqual(72);
    }
  });

  // util-linux's script(1) runs the CLI on a pseudo-terminal of a chosen width (Debian has it in
  // bsdutils); skipped where there is no script or no pseudo-terminal to open.
  it.skipIf(spawnSync("script", ["-qec", "true", "/dev/null"]).status !== 0)(
    "on a terminal: a 70-column one gets help wrapped to 70, a 140-column one the 100-column page",
    () => {
      const helpOn = (columns: number) =>
        spawnSync(
          "script",
          [
            "-qec",
            `stty cols ${columns}; exec "${process.execPath}" "${ROOT}/dist/bundle/bin.js" --help`,
            "/dev/null",
          ],
          { encoding: "utf8", env: { ...process.env, COLUMNS: "" } },
        ).stdout.replaceAll("\r", "");
      const [narrow, wide] = [helpOn(70), helpOn(140)];
      expect(narrow).toMatch(/^azfn-health <command> \[options\]/);
      expect(widest(narrow)).toBeLessThanOrEqual(70);
      expect(wide).toBe(readFileSync(join(ROOT, "dist/help/root.txt"), "utf8").replaceAll("\r", ""));
    },
  );

  it("a command with no help page (a typo) gets yargs' answer, not a page", async () => {
    const run = await runCli(["chek", "--help"]);
    expect(run.stdout).toMatch(/^azfn-health <command> \[options\]/);
  });
});

describe("unknown options and commands", () => {
  it("--fial-on: the suggestion, said once, never its camelCase twin", async () => {
    const run = await runCli(["check", "--from", "story-32bit-upgrade", "--fial-on", "never"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe("azfn-health: unknown option --fial-on (did you mean --fail-on?)\n");
  });

  it("a mistyped command gets the command", async () => {
    const run = await runCli(["chekc"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("(did you mean check?)");
  });

  it("over generated typos of every option name: a swap, a dropped or a doubled letter finds the option", () => {
    const options = [
      "qa",
      "prod",
      "since",
      "format",
      "fail-on",
      "from",
      "timeout",
      "request-timeout",
      "settle",
      "baseline",
      "watch",
      "interval",
      "failure-limit",
      "ledger",
      "servicenow-change",
      "servicenow-close",
      "servicenow-dry-run",
      "record",
      "out",
      "config",
      "auth",
      "tenant",
      "cloud",
      "verbose",
      "quiet",
      "until",
    ];
    const seed = Number(process.env.TYPO_SEED ?? 20261206);
    let state = seed;
    const random = () => (state = (state * 16807) % 2147483647) / 2147483647;
    for (let n = 0; n < 300; n++) {
      const option = options[Math.floor(random() * options.length)]!;
      if (option.length < 5) continue; // two letters off a short name is another word
      const i = 1 + Math.floor(random() * (option.length - 2));
      const typo = [
        option.slice(0, i) + option[i + 1] + option[i] + option.slice(i + 2), // swap
        option.slice(0, i) + option.slice(i + 1), // drop
        option.slice(0, i) + option[i] + option.slice(i), // double
      ][Math.floor(random() * 3)]!;
      const guess = closest(typo, options);
      // Another option as close as the intended one is a fair guess too; none at all is not.
      expect(guess, `seed ${seed}: ${typo} (from ${option})`).toBeDefined();
      if (guess !== option) expect(closest(typo, [guess!]), `seed ${seed}: ${typo}`).toBe(guess);
    }
    expect(closest("format", options)).toBe("format");
    expect(closest("zzzzzz", options)).toBeUndefined();
  });
});
