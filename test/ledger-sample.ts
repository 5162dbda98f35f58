import { spawn } from "node:child_process";
import type { LedgerRecord } from "../src/ledger/record.js";
import { ROOT } from "./helpers.js";

export const PROD =
  "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.Web/sites/orders";

/** A small record for the store tests: what a HOTFIX check of one deployment leaves. */
export function sampleRecord(id: string, recordedAt = "2026-11-01T00:00:00.000Z"): LedgerRecord {
  return {
    version: 1,
    id,
    recordedAt,
    tool: "azfn-health test",
    mode: "live",
    apps: { qa: `${PROD}-qa`, prod: PROD },
    production: true,
    release: { time: recordedAt, source: "deployment", detail: "end of deployment d1", deploymentId: "d1" },
    verdict: "HOTFIX",
    exitCode: 5,
    findings: [{ ruleId: "R09", severity: "high", environment: "prod", title: "32-bit worker" }],
    outcome: "unclean",
    snapshot: {
      qa: { id: `${PROD}-qa`, gaps: [] },
      prod: {
        id: PROD,
        gaps: [],
        appSettings: { FUNCTIONS_WORKER_RUNTIME: { value: "dotnet", hash: "abc" } },
      },
    },
    marks: [],
  };
}

/** A seeded generator (Park-Miller): the same seed gives the same cases; print it on failure. */
export function seeded(seed: number): () => number {
  let state = seed % 2147483647 || 1;
  return () => (state = (state * 16807) % 2147483647) / 2147483647;
}

/**
 * A writer process as a pipeline is one: it opens the ledger (SQLite file or Azure Table URL) through
 * the built store, appends `count` records whose ids all come from the same millisecond (the worst
 * case for collisions), marks each, and prints each id once its append has resolved (so a test
 * that kills it knows what it was told was recorded).
 */
export function spawnWriter(
  ledger: string,
  env: NodeJS.ProcessEnv,
  name: string,
  count: number,
): import("node:child_process").ChildProcessWithoutNullStreams {
  const script = `
    import { randomBytes } from "node:crypto";
    import { openLedger } from ${JSON.stringify(`${ROOT}/dist/ledger/store.js`)};
    import { recordId } from ${JSON.stringify(`${ROOT}/dist/ledger/record.js`)};
    const base = ${JSON.stringify(sampleRecord("x"))};
    const sameMillisecond = new Date(Date.UTC(2026, 10, 1, 12, 0, 0, 0));
    for (let i = 0; i < ${count}; i++) {
      const store = await openLedger(${JSON.stringify(ledger)}, { create: true, env: process.env });
      const id = recordId(sameMillisecond, (n) => randomBytes(n));
      await store.append({ ...base, id, recordedAt: new Date(Date.UTC(2026, 10, 1, 0, 0, i)).toISOString() });
      await store.mark(id, { outcome: "clean", reason: "r", by: ${JSON.stringify(name)}, at: "2026-11-02T00:00:00.000Z" });
      store.close();
      process.stdout.write(id + "\\n");
    }`;
  return spawn(process.execPath, ["--input-type=module", "-e", script], {
    env: { ...process.env, ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
}

export interface WriterRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  ids: string[];
  stderr: string;
}

/** Runs a writer to its end, or kills it (SIGKILL, no clean-up) once it has reported `killAfter` ids. */
export function runWriter(
  ledger: string,
  env: NodeJS.ProcessEnv,
  name: string,
  count: number,
  killAfter?: number,
): Promise<WriterRun> {
  return new Promise((resolve, reject) => {
    const child = spawnWriter(ledger, env, name, count);
    let out = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      if (killAfter !== undefined && out.split("\n").length - 1 >= killAfter) child.kill("SIGKILL");
    });
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code, signal) =>
      resolve({ code, signal, ids: out.split("\n").filter(Boolean), stderr }),
    );
  });
}
