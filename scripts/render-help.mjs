#!/usr/bin/env node
// Renders the CLI's help with yargs itself, at build time, for bin.ts's fast path: the root page and
// one per command (bin.ts reads dist/help/<command>.txt for `<command> --help`).
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { COMMAND_NAMES } from "../dist/cli/main.js";

const bin = new URL("../dist/bundle/bin.js", import.meta.url).pathname;
// A clean start, as scripts/bundle.mjs makes: a page of a command that is gone must not stay behind.
rmSync(new URL("../dist/help/", import.meta.url), { recursive: true, force: true });
mkdirSync(new URL("../dist/help/", import.meta.url), { recursive: true });
for (const [name, args] of [
  ["root", ["--help"]],
  ...COMMAND_NAMES.map((command) => [command, [command, "--help"]]),
]) {
  const text = execFileSync(process.execPath, [bin, ...args], {
    env: { ...process.env, AZFN_INTERNAL_NO_FAST_PATH: "1", COLUMNS: "100" },
    encoding: "utf8",
  });
  writeFileSync(new URL(`../dist/help/${name}.txt`, import.meta.url), text);
}
