import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Recording } from "../../src/collect/recording.js";
import { main } from "../../src/cli/main.js";
import { ROOT, type CliRun } from "../helpers.js";

/** Values an attacker with write access to an app (or a garbled response) puts where names go. */
export const SHELL_HOSTILE = [
  "staging$(touch PWNED)",
  "a;touch PWNED;",
  "`touch PWNED`",
  "x|touch PWNED",
  "q'uo\"te'$(touch PWNED)'",
  "glob*?[a]{b,c}",
  "line\ntouch PWNED",
  "~root",
  "$HOME&&touch PWNED",
  ">PWNED",
  "--subscription=evil",
];

export type Body = Record<string, unknown> & { properties?: Record<string, unknown> | null };

export function readFixture(dir: string): Recording {
  return JSON.parse(readFileSync(join(ROOT, dir, "recording.json"), "utf8")) as Recording;
}

/** The body of the first exchange whose URL matches. */
export function bodyOf(recording: Recording, pattern: RegExp): Body {
  const exchange = recording.exchanges.find((e) => pattern.test(e.request.url));
  if (!exchange) throw new Error(`no exchange matches ${pattern}`);
  return exchange.response.body as Body;
}

export function writeRecording(recording: Recording, prefix = "azfn-sec-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(dir, "recording.json"), JSON.stringify(recording));
  return dir;
}

/** regression-5xx (a ROLLBACK by swapping the slot back) with the slot renamed. */
export function swappedFrom(slot: string): string {
  const r = readFixture("fixtures/regression-5xx");
  const site = bodyOf(r, /sites\/orders-func-prod\?/);
  (site.properties!.slotSwapStatus as { sourceSlotName: string }).sourceSlotName = slot;
  const slots = bodyOf(r, /sites\/orders-func-prod\/slots\?/) as { value: { name: string }[] };
  slots.value[0]!.name = `orders-func-prod/${slot}`;
  return writeRecording(r);
}

/** The CLI in-process (src/cli/main.ts), as bin.ts wires it, with no CI variables unless given. */
export async function runMain(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    color: false,
    env,
  });
  return { code, stdout, stderr };
}
