// Cold install (issue #19): the packed tarball installed as a new user's pipeline job would, into an
// empty prefix with an empty npm cache, then run from there (outside the repository, so bundled
// recordings are found by name). Target: 10 s on this machine. The package is its bundle: no
// runtime dependency to download, no install script to run.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const run = (file, args, options = {}) => {
  const result = spawnSync(file, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], ...options });
  if (result.status !== 0)
    throw new Error(`${file} ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
};

/** Packs ROOT (already built), installs it `runs` times cold, and replays the bundled story from the install. */
export function benchInstall(root, runs) {
  const work = mkdtempSync(join(tmpdir(), "azfn-install-bench-"));
  try {
    const [packed] = JSON.parse(
      run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], { cwd: root }),
    );
    const samples = [];
    let installed;
    for (let i = 0; i < runs; i++) {
      const prefix = mkdtempSync(join(work, "prefix-"));
      const start = process.hrtime.bigint();
      run("npm", [
        "install",
        "--prefix",
        prefix,
        "--cache",
        mkdtempSync(join(work, "cache-")),
        "--no-audit",
        "--no-fund",
        "--no-update-notifier",
        join(work, packed.filename),
      ]);
      samples.push(Number(process.hrtime.bigint() - start) / 1e6);
      installed = prefix;
    }
    const bin = join(installed, "node_modules", ".bin", "azfn-health");
    const verdict = run(
      bin,
      ["check", "--from", "story-32bit-upgrade", "--format", "json", "--fail-on", "never"],
      {
        cwd: work,
      },
    );
    samples.sort((a, b) => a - b);
    return {
      tarballKb: packed.size / 1024,
      files: packed.entryCount,
      medianMs: samples[Math.floor(samples.length / 2)],
      maxMs: samples.at(-1),
      verdict: JSON.parse(verdict).verdict,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
