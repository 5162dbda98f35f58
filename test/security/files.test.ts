import { execFileSync, spawn } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MAX_RECORDING_BYTES } from "../../src/collect/recording.js";
import { MAX_CONFIG_BYTES } from "../../src/config/load.js";
import { readBoundedFile } from "../../src/files/read-bounded.js";
import { writeNewFiles } from "../../src/files/write-new.js";
import { BUNDLE_FILES } from "../../src/report/bundle.js";
import { ROOT, runCli, runInProcess } from "../helpers.js";
import { canMountFuse, mountHangingFile } from "../support/hanging-file.mjs";

const BIN = join(ROOT, "dist/bundle/bin.js");

const HOTFIX = "fixtures/story-32bit-upgrade";

function victim(dir: string): string {
  const path = join(dir, "victim");
  writeFileSync(path, "precious\n");
  chmodSync(path, 0o600);
  return path;
}

describe("files", () => {
  it("the Azure Pipelines summary never follows a symlink planted at the old fixed /tmp name", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "azfn-tmp-"));
    const target = victim(tmp);
    symlinkSync(target, join(tmp, "azfn-health-summary.md"));
    const run = await runCli(["check", "--from", HOTFIX], { TF_BUILD: "True", TMPDIR: tmp });
    expect(run.code, run.stderr).toBe(5);
    expect(readFileSync(target, "utf8")).toBe("precious\n");
    const summary = /^##vso\[task\.uploadsummary\](.*)$/m.exec(run.stdout)?.[1] ?? "";
    expect(summary).toMatch(new RegExp(`^${tmp}/azfn-health-\\w{6}/summary\\.md$`));
    expect(readFileSync(summary, "utf8")).toMatch(/^## .* azfn-health: HOTFIX/);
    // A private directory: only its owner can list or plant anything in it.
    expect(statSync(join(summary, "..")).mode & 0o777).toBe(0o700);
  });

  it("--out writes a fresh bundle: plan.sh 0700, the rest 0600", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "azfn-out-")), "evidence");
    const run = await runInProcess(["check", "--from", HOTFIX, "--out", out]);
    expect(run.code, run.stderr).toBe(5);
    const modes = Object.fromEntries(readdirSync(out).map((f) => [f, statSync(join(out, f)).mode & 0o777]));
    expect(modes["plan.sh"]).toBe(0o700);
    expect(
      Object.entries(modes)
        .filter(([f]) => f !== "plan.sh")
        .every(([, m]) => m === 0o600),
    ).toBe(true);
    expect(Object.keys(modes).length).toBeGreaterThanOrEqual(7);
  });

  it("--out never writes through a symlink planted in the directory, nor over an earlier bundle", async () => {
    const out = mkdtempSync(join(tmpdir(), "azfn-out-"));
    const target = victim(mkdtempSync(join(tmpdir(), "azfn-victim-")));
    symlinkSync(target, join(out, "plan.sh"));
    const run = await runInProcess(["check", "--from", HOTFIX, "--out", out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--out: .*plan\.sh already exists: give a new directory/);
    expect(readFileSync(target, "utf8")).toBe("precious\n");
    expect(statSync(target).mode & 0o777).toBe(0o600);

    const fresh = join(mkdtempSync(join(tmpdir(), "azfn-out-")), "b");
    expect((await runInProcess(["check", "--from", HOTFIX, "--out", fresh])).code).toBe(5);
    const again = await runInProcess(["check", "--from", HOTFIX, "--out", fresh]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
  });

  it("--out at an existing file, or under one, is a usage error in one line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "azfn-out-"));
    const file = join(dir, "file");
    writeFileSync(file, "x");
    for (const out of [file, join(file, "sub")]) {
      const run = await runInProcess(["check", "--from", HOTFIX, "--out", out]);
      expect(run.code, out).toBe(2);
      expect(run.stderr, out).toMatch(/^azfn-health: --out: .*\n$/);
      expect(existsSync(join(file, "sub"))).toBe(false);
    }
    expect(readFileSync(file, "utf8")).toBe("x");
  });
});

describe("a refused --out leaves nothing behind", () => {
  const listing = (dir: string) => readdirSync(dir).sort();

  it("an existing directory holding one of the bundle's names: refused up front, nothing added", async () => {
    const parent = mkdtempSync(join(tmpdir(), "azfn-out-"));
    const out = join(parent, "evidence");
    mkdirSync(out);
    writeFileSync(join(out, "metrics.csv"), "earlier\n");
    const run = await runInProcess(["check", "--from", HOTFIX, "--out", out]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(
      /^azfn-health: --out: .*metrics\.csv already exists: give a new directory.*\n$/,
    );
    expect(listing(out)).toEqual(["metrics.csv"]);
    expect(listing(parent)).toEqual(["evidence"]);
    expect(readFileSync(join(out, "metrics.csv"), "utf8")).toBe("earlier\n");
  });

  it("check, check --watch and preflight refuse a used --out before they read anything", async () => {
    const out = mkdtempSync(join(tmpdir(), "azfn-out-"));
    writeFileSync(join(out, "report.json"), "earlier\n");
    // A recording that does not exist: had anything been read first, that would be the error.
    const missing = join(out, "no-such-recording");
    for (const argv of [
      ["check", "--from", missing, "--out", out],
      ["check", "--from", missing, "--watch", "10m", "--out", out],
      ["preflight", "--from", missing, "--out", out],
    ]) {
      const run = await runInProcess(argv);
      expect(run.code, argv.join(" ")).toBe(2);
      expect(run.stderr, argv.join(" ")).toMatch(/^azfn-health: --out: .*report\.json already exists/);
    }
    expect(listing(out)).toEqual(["report.json"]);
  });

  it("a symlink as --out itself is refused, and the directory it points to stays empty", async () => {
    const parent = mkdtempSync(join(tmpdir(), "azfn-out-"));
    const elsewhere = mkdtempSync(join(tmpdir(), "azfn-elsewhere-"));
    symlinkSync(elsewhere, join(parent, "evidence"));
    const run = await runInProcess(["check", "--from", HOTFIX, "--out", join(parent, "evidence")]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^azfn-health: --out: .* is a symbolic link: give a new directory.*\n$/);
    expect(listing(elsewhere)).toEqual([]);
  });

  it("--out /proc/x and /sys/x are refused in one clear line", async () => {
    for (const out of ["/proc/azfn-x", "/sys/azfn-x"]) {
      const run = await runInProcess(["check", "--from", HOTFIX, "--out", out]);
      expect(run.code, out).toBe(2);
      expect(run.stderr, out).toBe(
        `azfn-health: --out: ${out} is on a kernel file system (/proc, /sys): give a directory on disk\n`,
      );
    }
  });

  it("a write that fails half-way removes what it wrote: no file, no staging directory", async () => {
    const parent = mkdtempSync(join(tmpdir(), "azfn-out-"));
    const existing = join(parent, "existing");
    mkdirSync(existing);
    const files = [
      { name: "a.txt", text: "a", mode: 0o600 },
      { name: "b.txt", text: "b", mode: 0o600 },
      { name: "a.txt", text: "again", mode: 0o600 },
    ];
    for (const dir of [join(parent, "fresh"), existing]) {
      await expect(writeNewFiles("--out", dir, files)).rejects.toThrow(/already exists/);
      expect(listing(parent)).toEqual(["existing"]);
      expect(listing(existing)).toEqual([]);
    }
  });

  it("an existing empty directory gets every file, linked in, and nothing else beside it", async () => {
    const parent = mkdtempSync(join(tmpdir(), "azfn-out-"));
    const out = join(parent, "evidence");
    mkdirSync(out);
    const run = await runInProcess(["check", "--from", HOTFIX, "--out", out]);
    expect(run.code, run.stderr).toBe(5);
    expect(listing(out)).toEqual([...BUNDLE_FILES].sort());
    expect(listing(parent)).toEqual(["evidence"]);
    expect(statSync(join(out, "plan.sh")).nlink).toBe(1);
  });
});

describe("special files as input", () => {
  const fifo = (dir: string, name: string) => {
    const path = join(dir, name);
    execFileSync("mkfifo", [path]);
    return path;
  };

  it("a FIFO as recording.json or as --config is refused at once, in one line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "azfn-fifo-"));
    fifo(dir, "recording.json");
    const replay = await runInProcess(["check", "--from", dir]);
    expect(replay.code).toBe(2);
    expect(replay.stderr).toBe(
      `azfn-health: --from: cannot read ${join(dir, "recording.json")}: a FIFO, not a regular file\n`,
    );
    const config = fifo(dir, "azfn-health.config.yaml");
    const configured = await runInProcess(["check", "--from", HOTFIX, "--config", config]);
    expect(configured.code).toBe(2);
    expect(configured.stderr).toBe(
      `azfn-health: --config: cannot read ${config}: a FIFO, not a regular file\n`,
    );
  });

  // A FUSE file whose reads are never answered (test/support/hanging-file.mjs): root and /dev/fuse only.
  it.skipIf(!canMountFuse())(
    "a recording on a file system that stops answering: the pipeline's SIGTERM ends the read in one line, exit 2",
    async () => {
      const hanging = mountHangingFile();
      try {
        const child = spawn(process.execPath, [BIN, "check", "--from", hanging.dir], {
          cwd: ROOT,
          stdio: ["ignore", "pipe", "pipe"],
          env: { PATH: process.env.PATH, NO_COLOR: "1" },
        });
        let stderr = "";
        child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
        const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
        await hanging.waiting;
        child.kill("SIGTERM");
        expect(await closed).toBe(2);
        expect(stderr).toBe(
          `azfn-health: --from: cannot read ${join(hanging.dir, "recording.json")}: interrupted by a signal while reading it\n`,
        );
      } finally {
        hanging.close();
      }
    },
  );

  it("recording.json linked to /dev/urandom or /dev/zero is refused without reading it", async () => {
    for (const device of ["/dev/urandom", "/dev/zero"]) {
      const dir = mkdtempSync(join(tmpdir(), "azfn-dev-"));
      symlinkSync(device, join(dir, "recording.json"));
      const run = await runInProcess(["check", "--from", dir]);
      expect(run.code, device).toBe(2);
      expect(run.stderr, device).toMatch(/: a device, not a regular file\n$/);
    }
  });

  it("a file larger than any real one is refused by its size; a /proc file is read only up to the limit", async () => {
    const dir = mkdtempSync(join(tmpdir(), "azfn-big-"));
    // Sparse: the size is stated, nothing is written to disk.
    writeFileSync(join(dir, "recording.json"), "");
    truncateSync(join(dir, "recording.json"), MAX_RECORDING_BYTES + 1);
    writeFileSync(join(dir, "azfn-health.config.yaml"), `# ${"x".repeat(MAX_CONFIG_BYTES)}\n`);
    const replay = await runInProcess(["check", "--from", dir]);
    expect(replay.code).toBe(2);
    expect(replay.stderr).toMatch(
      /^azfn-health: --from: cannot read .*: 64 MB, over the 64 MB a real one stays under\n$/,
    );
    const config = await runInProcess([
      "check",
      "--from",
      HOTFIX,
      "--config",
      join(dir, "azfn-health.config.yaml"),
    ]);
    expect(config.code).toBe(2);
    expect(config.stderr).toMatch(
      /^azfn-health: --config: cannot read .*: 1 MB, over the 1 MB a real one stays under\n$/,
    );
    // /proc states size 0 and is not empty: read to its end (under the limit), then judged as text.
    await expect(readBoundedFile("/proc/self/status", "--config", 1024 * 1024)).resolves.toMatch(/^Name:/);
    await expect(readBoundedFile("/proc/self/status", "--config", 16)).rejects.toThrow(
      /--config: cannot read \/proc\/self\/status: over the 16 bytes a real one stays under/,
    );
  });

  it("a regular file is read whole, to the byte, up to exactly the limit; a missing one rejects, never throws", async () => {
    const dir = mkdtempSync(join(tmpdir(), "azfn-read-"));
    // Sizes around the first growth step and multi-byte characters at every offset.
    for (const [i, size] of [0, 1, 4095, 65_535, 65_536, 65_537, 200_001].entries()) {
      const path = join(dir, `f${i}`);
      const text = "aé€😀".repeat(size).slice(0, size);
      writeFileSync(path, text);
      const bytes = statSync(path).size;
      await expect(readBoundedFile(path, "--from", bytes)).resolves.toBe(readFileSync(path, "utf8"));
      if (bytes > 0)
        await expect(readBoundedFile(path, "--from", bytes - 1)).rejects.toThrow(
          /over the .* a real one stays under/,
        );
    }
    const missing = readBoundedFile(join(dir, "none"), "--from", 10);
    await expect(missing).rejects.toThrow(/--from: cannot read .*none: no such file/);
    // A /proc file states size 0 and grows past the first buffer it is read into.
    const maps = await readBoundedFile("/proc/self/smaps", "--config", MAX_RECORDING_BYTES);
    expect(maps).toMatch(/^[0-9a-f]+-[0-9a-f]+ [\s\S]*\nVmFlags: .*\n$/);
  });
});
