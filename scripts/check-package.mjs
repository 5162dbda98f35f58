#!/usr/bin/env node
// npm run check:package: the tarball a user would install, checked as published. `npm pack` runs
// prepack (the build); publint lints the packed package.json and files; attw checks types. This is
// a CLI with no importable entry point (no "main", no "exports"), so attw checks the package root
// with --entrypoints . and ignores "no-resolution" (there is nothing to resolve, by design).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const INSTALL_SCRIPTS = new Set(["preinstall", "install", "postinstall", "prepare"]);
// The bundle holds every library (the ledger's SQLite is Node's own node:sqlite): no runtime dependency.
const ALLOWED_RUNTIME = new Set([]);
const bin = (name) => join(import.meta.dirname, "..", "node_modules", ".bin", name);
const run = (file, args) =>
  execFileSync(file, args, { stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" });
const dir = mkdtempSync(join(tmpdir(), "azfn-pack-"));
try {
  const [packed] = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", dir]));
  const tarball = join(dir, packed.filename);
  console.log(
    `packed ${packed.filename}: ${packed.entryCount} files, ${(packed.size / 1024).toFixed(0)} KiB`,
  );
  for (const required of [
    "LICENSE",
    "dist/bundle/bin.js",
    "dist/bundle/THIRD-PARTY-NOTICES.txt",
    "fixtures/story-32bit-upgrade/recording.json",
    // The JSON output's contract, which docs/report-schema.md tells a pipeline to validate against.
    "schema/azfn-health.report.schema.json",
    "schema/azfn-health.fleet.schema.json",
  ])
    if (!packed.files.some((f) => f.path === required)) throw new Error(`the tarball lacks ${required}`);
  // The package is its bundle: nothing to download beside it, nothing to run on install.
  const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  const scripts = Object.keys(manifest.scripts ?? {}).filter((name) => INSTALL_SCRIPTS.has(name));
  if (scripts.length > 0) throw new Error(`the package runs ${scripts.join(", ")} on install`);
  const runtime = Object.keys(manifest.dependencies ?? {}).filter((name) => !ALLOWED_RUNTIME.has(name));
  if (runtime.length > 0)
    throw new Error(`${runtime.join(", ")}: bundled code belongs in devDependencies, not dependencies`);
  process.stdout.write(run(bin("publint"), ["run", tarball, "--strict"]));
  process.stdout.write(run(bin("attw"), [tarball, "--entrypoints", ".", "--ignore-rules", "no-resolution"]));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
