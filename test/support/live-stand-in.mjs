// The live set-up the tests and benches share: a fixture's recording served by the HTTPS Azure
// stand-in, and the flags and environment that point the real CLI at it, signing in with a client
// secret only the stand-in accepts, so no request leaves 127.0.0.1.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startStandIn, standInEnv } from "./azure-stand-in.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** A fixture's recording; `dir` as the tests name it ("fixtures/story-32bit-upgrade"). */
export function loadRecording(dir) {
  return JSON.parse(readFileSync(join(ROOT, dir, "recording.json"), "utf8"));
}

/**
 * The flags of a live command against the stand-in: the recording's apps, both endpoints, the
 * environment credential, and judged as of the recording's time, so the metric windows are the
 * recorded ones.
 */
export function standInArgs(recording, standIn) {
  return [
    "--qa",
    recording.apps.qa,
    "--prod",
    recording.apps.prod,
    "--arm-endpoint",
    standIn.url,
    "--logs-endpoint",
    standIn.url,
    "--auth",
    "environment",
    "--until",
    recording.recordedAt,
  ];
}

/** A stand-in serving `recording`, with the command line and environment of a CLI run against it. */
export async function startLive(recording, options = {}) {
  const standIn = await startStandIn({ recording, ...options });
  return {
    recording,
    standIn,
    args: (command, ...extra) => [command, ...standInArgs(recording, standIn), ...extra],
    env: standInEnv(standIn),
  };
}
