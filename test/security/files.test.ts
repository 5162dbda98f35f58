import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers.js";
import { runMain } from "./hostile.js";

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
    const run = await runMain(["check", "--from", HOTFIX, "--out", out]);
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
    const run = await runMain(["check", "--from", HOTFIX, "--out", out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--out: .*plan\.sh already exists: give a new directory/);
    expect(readFileSync(target, "utf8")).toBe("precious\n");
    expect(statSync(target).mode & 0o777).toBe(0o600);

    const fresh = join(mkdtempSync(join(tmpdir(), "azfn-out-")), "b");
    expect((await runMain(["check", "--from", HOTFIX, "--out", fresh])).code).toBe(5);
    const again = await runMain(["check", "--from", HOTFIX, "--out", fresh]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
  });

  it("--out at an existing file, or under one, is a usage error in one line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "azfn-out-"));
    const file = join(dir, "file");
    writeFileSync(file, "x");
    for (const out of [file, join(file, "sub")]) {
      const run = await runMain(["check", "--from", HOTFIX, "--out", out]);
      expect(run.code, out).toBe(2);
      expect(run.stderr, out).toMatch(/^azfn-health: --out: .*\n$/);
      expect(existsSync(join(file, "sub"))).toBe(false);
    }
    expect(readFileSync(file, "utf8")).toBe("x");
  });
});
