#!/usr/bin/env node
// Renders the CLI's help with yargs itself, at build time, for bin.ts's fast path: the root page and
// one per command (bin.ts reads dist/help/<command>.txt for `<command> --help`).
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";

const bin = new URL("../dist/bundle/bin.js", import.meta.url).pathname;
mkdirSync(new URL("../dist/help/", import.meta.url), { recursive: true });
const COMMANDS = ["preflight", "check", "demo", "record", "rules", "explain", "ledger", "fleet"];
for (const [name, args] of [
  ["root", ["--help"]],
  ...COMMANDS.map((command) => [command, [command, "--help"]]),
]) {
  const text = execFileSync(process.execPath, [bin, ...args], {
    env: { ...process.env, AZFN_INTERNAL_NO_FAST_PATH: "1", COLUMNS: "100" },
    encoding: "utf8",
  });
  writeFileSync(new URL(`../dist/help/${name}.txt`, import.meta.url), text);
}
