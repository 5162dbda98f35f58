import type { LedgerRecord } from "../src/ledger/record.js";

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
