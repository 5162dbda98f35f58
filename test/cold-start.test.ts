import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { enUsNumber, groupThousands } from "../src/core/format.js";
import { youngGenerationFlag } from "../src/cli/node-version.js";
import { byCodeUnit, byCodeUnitIgnoringCase } from "../src/core/order.js";
import { BASE_SEED, seeded } from "./support/seeded.js";
import { decoyWorkingDirectory, ROOT, STORY } from "./helpers.js";

/**
 * What keeps a replayed check's start-up short (issue #19; the timings themselves live in
 * `npm run bench`, never in a test): no locale service on the replay path, and no whole SDK client
 * in the bundle.
 */
const PROBE = join(ROOT, "test/support/cold-start-probe.mjs");
const probed = (args: string[], cwd = ROOT) =>
  spawnSync(process.execPath, ["--import", pathToFileURL(PROBE).href, ...args], {
    cwd,
    encoding: "utf8",
    env: { PATH: process.env.PATH, NO_COLOR: "1" },
  });
/** A replayed check under the probe; the story's is run once and read by every test that needs it, as is bare node's. */
const replayed = (from: string, cwd?: string) =>
  probed([`${ROOT}/dist/bundle/bin.js`, "check", "--from", from, "--fail-on", "never"], cwd);
let story: ReturnType<typeof probed> | undefined;
const storyReplay = () => (story ??= replayed(STORY));
let bare: ReturnType<typeof probed> | undefined;
const bareNode = () => (bare ??= probed(["-e", "0"]));
/** V8's young generation at the process's exit (both semi-spaces), in bytes. */
const youngSize = (stderr: string) => Number(/^young-probe: (\d+)$/m.exec(stderr)?.[1]);
const icuCalls = (stderr: string) => stderr.split("\n").filter((line) => line.startsWith("icu-probe:"));
const builtinsLoaded = (stderr: string) =>
  /^builtins-probe: (.*)$/m.exec(stderr)?.[1]?.split(" ").sort(byCodeUnit) ?? ["(no probe line)"];
/**
 * Node's modules for the network, child processes, workers and the performance timeline, and
 * assert: a replay calls none of them. net is not loaded either: the report goes to its pipe
 * straight through the descriptor, not a socket (src/cli/bin.ts), and yargs builds no stream.
 */
const UNUSED_IN_REPLAY = [
  "assert",
  "child_process",
  "dns",
  "http",
  "http2",
  "https",
  "net",
  "perf_hooks",
  "tls",
  "tty",
  "worker_threads",
  "zlib",
];

describe("cold start", () => {
  it("the probe sees a locale call when there is one", () => {
    const run = probed(["-e", '"a".localeCompare("b"); (1234).toLocaleString("en-US")']);
    expect(icuCalls(run.stderr)).toHaveLength(2);
  });

  it("a replayed check loads no ICU data: its first locale call costs tens of ms", () => {
    const run = storyReplay();
    expect(run.stdout).toContain("Verdict: HOTFIX");
    expect(icuCalls(run.stderr)).toEqual([]);
  });

  it("--help and --version load no Node module that `node -e 0` does not", () => {
    const bareLoaded = builtinsLoaded(bareNode().stderr);
    for (const args of [["--help"], ["check", "--help"], ["--version"]]) {
      const run = probed([`${ROOT}/dist/bundle/bin.js`, ...args]);
      expect(run.status, args.join(" ")).toBe(0);
      const loaded = builtinsLoaded(run.stderr);
      expect(loaded, args.join(" ")).toContain("fs");
      expect(
        loaded.filter((name) => !bareLoaded.includes(name)),
        args.join(" "),
      ).toEqual([]);
      // Nor the module code that `node -e` needs and an ES module does not (esbuild's helpers built a require).
      expect(loaded, args.join(" ")).not.toContain("module");
    }
  });

  it("--help and --version read bin.js and their page alone: no chunk of the bundle", () => {
    // bin.js and the help pages, without one chunk beside them: a chunk the fast path imported
    // (esbuild's helpers, whose first line loads Node's module code) would be missing here.
    const dir = mkdtempSync(join(tmpdir(), "azfn-health-fast-path-"));
    mkdirSync(join(dir, "dist/bundle"), { recursive: true });
    cpSync(join(ROOT, "dist/bundle/bin.js"), join(dir, "dist/bundle/bin.js"));
    cpSync(join(ROOT, "dist/help"), join(dir, "dist/help"), { recursive: true });
    cpSync(join(ROOT, "package.json"), join(dir, "package.json"));
    try {
      for (const args of [["--help"], ["check", "--help"], ["--version"]]) {
        const alone = spawnSync(process.execPath, [join(dir, "dist/bundle/bin.js"), ...args], {
          encoding: "utf8",
        });
        const installed = spawnSync(process.execPath, [join(ROOT, "dist/bundle/bin.js"), ...args], {
          encoding: "utf8",
        });
        expect(alone.stderr, args.join(" ")).toBe("");
        expect(alone.status, args.join(" ")).toBe(0);
        expect(alone.stdout, args.join(" ")).toBe(installed.stdout);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a replayed check loads none of Node's network, child-process, worker, timeline or assert modules", () => {
    const run = storyReplay();
    expect(run.stdout).toContain("Verdict: HOTFIX");
    const loaded = builtinsLoaded(run.stderr);
    expect(loaded).toContain("fs");
    expect(loaded.filter((name) => UNUSED_IN_REPLAY.includes(name))).toEqual([]);
  });

  it("the probe sees V8's young generation grow when a run keeps much of it alive", () => {
    const first = youngSize(bareNode().stderr);
    const kept = probed(["-e", "globalThis.kept = Array.from({ length: 400_000 }, (_, i) => ({ i }))"]);
    expect(first).toBeGreaterThan(0);
    expect(youngSize(kept.stderr)).toBeGreaterThan(2 * first);
  });

  it("a replayed check keeps V8's young generation at its first size: fresh memory costs a VM", () => {
    const first = youngSize(bareNode().stderr);
    const run = storyReplay();
    expect(run.stdout).toContain("Verdict: HOTFIX");
    // Both semi-spaces at their first size; V8 would have doubled them to 8 MB each.
    expect(youngSize(run.stderr)).toBeLessThanOrEqual(2 * first);
  });

  it("the young generation's flag is set on the Node majors it is tested on, and on no other", () => {
    const flag = "--semi-space-growth-factor=1";
    for (const version of ["22.13.0", "v22.23.5", "24.0.0", "v24.22.3"])
      expect(youngGenerationFlag(version), version).toBe(flag);
    for (const version of ["20.19.0", "23.11.0", "25.2.1", "26.0.0", "", "garbage"])
      expect(youngGenerationFlag(version), version).toBeUndefined();
    // This test runs on one of them: the flag the CLI sets is one this V8 knows.
    expect(youngGenerationFlag(process.versions.node)).toBe(flag);
  });

  it("a run lists no directory but its own package's, wherever it runs: yargs looked from the working directory up", () => {
    // A directory named with a dot (yargs took it for a file and began at its parent) with a
    // package.json of someone else's.
    const run = replayed(STORY, decoyWorkingDirectory("azfn.cwd-"));
    expect(run.stdout).toContain("Verdict: HOTFIX");
    const listed = [...run.stderr.matchAll(/^readdir-probe: (.*)$/gm)].map((m) => m[1]!);
    // ROOT ends in a slash: the package's own directory, or one inside it.
    expect(listed.filter((dir) => !`${dir}/`.startsWith(ROOT))).toEqual([]);
    expect(listed.length).toBeGreaterThan(0);
    expect(builtinsLoaded(run.stderr).filter((name) => UNUSED_IN_REPLAY.includes(name))).toEqual([]);
  });

  it("a replayed check parses each large body once: the SDK takes the shape check's parse", () => {
    const run = storyReplay();
    expect(run.stdout).toContain("Verdict: HOTFIX");
    const recording = JSON.parse(readFileSync(join(STORY, "recording.json"), "utf8")) as {
      exchanges: { response: { body?: unknown } }[];
    };
    const large = recording.exchanges.filter(
      ({ response }) => typeof response.body === "string" && response.body.length > 10_000,
    ).length;
    expect(large).toBeGreaterThan(5);
    // The recording itself, then each large body the check asks for, at most once (twice before).
    const parses = Number(/^parse-probe: (\d+)$/m.exec(run.stderr)?.[1]);
    expect(parses).toBeGreaterThan(5);
    expect(parses).toBeLessThanOrEqual(1 + large);
  });

  it("the bundle builds no whole App Service or Azure Monitor client, only the operations it calls", () => {
    const dir = join(ROOT, "dist/bundle");
    const whole = readdirSync(dir)
      .filter((file) => file.endsWith(".js"))
      .filter((file) =>
        /class (WebSiteManagementClient|MonitorClient)\b/.test(readFileSync(join(dir, file), "utf8")),
      );
    expect(whole).toEqual([]);
  });

  it("groupThousands writes a whole number as en-US does (generated cases)", () => {
    const g = seeded(BASE_SEED);
    for (let i = 0; i < 2000; i++) {
      const n = (g.chance(0.5) ? -1 : 1) * g.next() * 10 ** g.int(16);
      expect(groupThousands(n), `seed ${g.seed}, case ${i}: ${n}`).toBe(
        Math.round(n).toLocaleString("en-US"),
      );
    }
  });

  it("enUsNumber writes a number as en-US does by default (generated cases)", () => {
    const g = seeded(BASE_SEED + 2);
    const cases = [
      NaN,
      Infinity,
      -Infinity,
      0,
      -0,
      0.0005,
      0.0015,
      1.0005,
      2.675,
      999.9995,
      999_999.9995,
      1e21,
      1.23e-7,
      0.1 + 0.2,
    ];
    for (let i = 0; i < 5000; i++) {
      let n = g.next() * 10 * 10 ** (g.int(34) - 10);
      if (g.chance(0.5)) n = Number(n.toPrecision(1 + g.int(6)));
      cases.push(g.chance(0.2) ? -n : n);
    }
    for (const [i, n] of cases.entries())
      expect(enUsNumber(n), `seed ${g.seed}, case ${i}: ${n}`).toBe(n.toLocaleString("en-US"));
  });

  it("a replayed traffic loss, where the loads do not compare, loads no ICU data either", () => {
    const run = replayed("traffic-loss");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("Verdict:");
    expect(icuCalls(run.stderr)).toEqual([]);
  });

  it("byCodeUnit sorts ISO times by time and ids by their characters, whatever the locale", () => {
    const g = seeded(BASE_SEED + 1);
    const times = Array.from({ length: 500 }, () => new Date(g.int(4e12)).toISOString());
    expect([...times].sort(byCodeUnit).map(Date.parse)).toEqual(times.map(Date.parse).sort((a, b) => a - b));
    expect(["R10", "M03", "R09", "D04", "m01"].sort(byCodeUnit)).toEqual(["D04", "M03", "R09", "R10", "m01"]);
    expect(byCodeUnit("a", "a")).toBe(0);
  });

  it("byCodeUnitIgnoringCase is a total order that keeps case variants side by side (generated texts)", () => {
    const g = seeded(BASE_SEED + 3);
    const letters = ["a", "A", "b", "B", "z", "Z", "-", "/", "0", "9", "é", "É", "ı", "İ", "ß"];
    const texts = Array.from({ length: 300 }, () =>
      Array.from({ length: 1 + g.int(4) }, () => letters[g.int(letters.length)]).join(""),
    );
    const sign = (n: number) => Math.sign(n) || 0;
    const sorted = [...texts].sort(byCodeUnitIgnoringCase);
    for (const [i, a] of sorted.entries())
      for (const b of sorted.slice(i)) {
        expect(byCodeUnitIgnoringCase(a, b), `seed ${g.seed}: ${a} before ${b}`).toBeLessThanOrEqual(0);
        expect(sign(byCodeUnitIgnoringCase(b, a)), `${b}, ${a}`).toBe(
          -sign(byCodeUnitIgnoringCase(a, b)) || 0,
        );
        expect(byCodeUnitIgnoringCase(a, b) === 0, `${a}, ${b}`).toBe(a === b);
      }
    // Case variants of one name are neighbours: each lower-case form occupies one run.
    const runs = sorted.map((t) => t.toLowerCase()).filter((t, i, all) => t !== all[i - 1]);
    expect(new Set(runs).size).toBe(runs.length);
    // Lower-case texts keep plain code-unit order.
    const lower = texts.map((t) => t.toLowerCase());
    expect([...lower].sort(byCodeUnitIgnoringCase)).toEqual([...lower].sort(byCodeUnit));
    expect(["rg-Orders", "RG-apps", "rg-orders", "rg-zeta"].sort(byCodeUnitIgnoringCase)).toEqual([
      "RG-apps",
      "rg-Orders",
      "rg-orders",
      "rg-zeta",
    ]);
  });
});
