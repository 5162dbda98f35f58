#!/usr/bin/env node
// npm run check:package: the tarball a user would install, checked as published. `npm pack` runs
// prepack (the build); publint lints the packed package.json and files; attw checks types. This is
// a CLI with no importable entry point (no "main", no "exports"), so attw checks the package root
// with --entrypoints . and ignores "no-resolution" (there is nothing to resolve, by design).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

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
  for (const required of ["LICENSE", "dist/bundle/bin.js", "fixtures/story-32bit-upgrade/recording.json"])
    if (!packed.files.some((f) => f.path === required)) throw new Error(`the tarball lacks ${required}`);
  process.stdout.write(run(bin("publint"), ["run", tarball, "--strict"]));
  process.stdout.write(run(bin("attw"), [tarball, "--entrypoints", ".", "--ignore-rules", "no-resolution"]));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
