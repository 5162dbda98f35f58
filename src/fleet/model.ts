import type { Finding } from "../analyse/rule.js";
import type { FailOn, Verdict } from "../core/exit-codes.js";
import type { StacksFacts } from "../core/facts.js";
import { byCodeUnitIgnoringCase } from "../core/order.js";
import { inertDeep } from "../report/inert.js";
import { RISKS, type FleetJudgment, type JudgedApp, type NotRun, type Risk } from "./analyse.js";
import type { FleetScope, Inventory } from "./collect.js";

/**
 * The fleet report every format renders (JSON is this object): described field by field in
 * docs/report-schema.md ("Fleet report"). Azure text passes through inertDeep once, here.
 */
export interface FleetFinding {
  ruleId: string;
  messageId: string;
  severity: Finding["severity"];
  title: string;
  docs: string;
  evidence: Finding["evidence"];
  fix?: Finding["fix"];
}

export interface FleetAppReport {
  id: string;
  name: string;
  kind: string;
  label: string;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  os?: string;
  hosting: string;
  environment?: string;
  runtime: {
    stack: string;
    language?: string;
    languageVersion?: string;
    workerRuntime?: string;
    extensionVersion?: string;
    bitness?: string;
    endOfLife?: string;
  };
  risk: Risk;
  findings: FleetFinding[];
  notRun: NotRun[];
}

export interface FleetPairReport {
  qa: string;
  prod: string;
  matchedBy: string;
  risk: Risk;
  drift: FleetFinding[];
  notRun: NotRun[];
  command: string;
}

export interface FleetReport {
  schemaVersion: 1;
  report: "fleet";
  tool: { name: "azfn-health"; version: string };
  generatedAt: string;
  scope: { subscriptions: string[]; managementGroup?: string };
  verdict: Verdict;
  exitCode: number;
  failOn: FailOn;
  worst: Risk;
  inventory: {
    apps: number;
    requests: number;
    pages: number;
    throttled: number;
    skipped: Inventory["skipped"];
    settings: { read: boolean; requests: number; unreadable: number };
    stacks: { source: StacksFacts["source"]; note?: string };
    complete: boolean;
    gaps: string[];
  };
  summary: {
    byRisk: Record<Risk, number>;
    byStack: { stack: string; apps: number; worst: Risk; endOfLife?: string }[];
    byHosting: { hosting: string; apps: number }[];
  };
  apps: FleetAppReport[];
  pairs: FleetPairReport[];
  /** What the fleet view does not judge, said in every report. */
  notJudged: string[];
}

export const NOT_JUDGED = [
  "Metrics, logs and host status: no release is judged (run `azfn-health check` on a pair for a verdict).",
  "Connection strings, sticky settings, deployments and slots lists: not read.",
  "App settings (worker runtime, extension version, storage, host IDs): only with --read-settings.",
  "Apps Resource Graph cannot see: subscriptions the identity lacks Reader on, " +
    "and changes from the last minutes (Resource Graph lags Resource Manager).",
];

const finding = (f: Finding): FleetFinding => ({
  ruleId: f.ruleId,
  messageId: f.messageId,
  severity: f.severity,
  title: f.title,
  docs: f.docs,
  evidence: f.evidence,
  ...(f.fix ? { fix: f.fix } : {}),
});

function appReport(j: JudgedApp): FleetAppReport {
  const { ref, facts } = j.app;
  const p = j.profile;
  return {
    id: ref.id,
    name: ref.slot ? `${ref.site}/${ref.slot}` : ref.site,
    kind: j.app.kind,
    label: j.app.label,
    subscriptionId: ref.subscriptionId,
    resourceGroup: ref.resourceGroup,
    location: facts.site?.location ?? "",
    ...(facts.site?.os ? { os: facts.site.os } : {}),
    hosting: j.hosting,
    ...(j.environment ? { environment: j.environment } : {}),
    runtime: {
      stack: j.stack,
      ...(p.language ? { language: p.language } : {}),
      ...(p.languageVersion ? { languageVersion: p.languageVersion } : {}),
      ...(p.workerRuntime ? { workerRuntime: p.workerRuntime } : {}),
      ...(p.extensionVersion ? { extensionVersion: p.extensionVersion } : {}),
      ...(p.bitness ? { bitness: p.bitness } : {}),
      ...(j.endOfLife ? { endOfLife: j.endOfLife } : {}),
    },
    risk: j.risk,
    findings: j.findings.map(finding),
    notRun: j.notRun,
  };
}

export function buildFleetReport(input: {
  judgment: FleetJudgment;
  inventory: Inventory;
  settings?: { requests: number };
  stacks: StacksFacts;
  scope: FleetScope;
  now: Date;
  toolVersion: string;
  verdict: Verdict;
  exitCode: number;
  failOn: FailOn;
}): FleetReport {
  const { judgment, inventory } = input;
  const apps = judgment.apps.map(appReport);
  const byRisk = Object.fromEntries(RISKS.map((r) => [r, 0])) as Record<Risk, number>;
  for (const app of apps) byRisk[app.risk] += 1;
  const stacks = new Map<string, FleetReport["summary"]["byStack"][number]>();
  for (const app of apps) {
    const row = stacks.get(app.runtime.stack) ?? { stack: app.runtime.stack, apps: 0, worst: "none" as Risk };
    row.apps += 1;
    if (RISKS.indexOf(app.risk) < RISKS.indexOf(row.worst)) row.worst = app.risk;
    if (app.runtime.endOfLife) row.endOfLife = app.runtime.endOfLife;
    stacks.set(app.runtime.stack, row);
  }
  const hosting = new Map<string, number>();
  for (const app of apps) hosting.set(app.hosting, (hosting.get(app.hosting) ?? 0) + 1);
  return inertDeep({
    schemaVersion: 1,
    report: "fleet",
    tool: { name: "azfn-health", version: input.toolVersion },
    generatedAt: input.now.toISOString(),
    scope: {
      subscriptions: input.scope.subscriptions,
      ...(input.scope.managementGroup ? { managementGroup: input.scope.managementGroup } : {}),
    },
    verdict: input.verdict,
    exitCode: input.exitCode,
    failOn: input.failOn,
    worst: judgment.worst,
    inventory: {
      apps: apps.length,
      requests: inventory.requests,
      pages: inventory.pages,
      throttled: inventory.throttled,
      skipped: inventory.skipped,
      settings: {
        read: input.settings !== undefined,
        requests: input.settings?.requests ?? 0,
        unreadable: input.settings
          ? judgment.apps.filter((j) => j.app.facts.gaps.some((g) => g.source === "appSettings")).length
          : 0,
      },
      stacks: { source: input.stacks.source, ...(input.stacks.note ? { note: input.stacks.note } : {}) },
      complete: inventory.gaps.length === 0,
      gaps: inventory.gaps,
    },
    summary: {
      byRisk,
      byStack: [...stacks.values()].sort(
        (a, b) =>
          RISKS.indexOf(a.worst) - RISKS.indexOf(b.worst) ||
          b.apps - a.apps ||
          byCodeUnitIgnoringCase(a.stack, b.stack),
      ),
      byHosting: [...hosting]
        .map(([h, n]) => ({ hosting: h, apps: n }))
        .sort((a, b) => b.apps - a.apps || byCodeUnitIgnoringCase(a.hosting, b.hosting)),
    },
    apps,
    pairs: judgment.pairs.map((p) => ({
      qa: p.qa.app.ref.id,
      prod: p.prod.app.ref.id,
      matchedBy: p.matchedBy,
      risk: p.risk,
      drift: p.drift.map(finding),
      notRun: p.notRun,
      command: p.command,
    })),
    notJudged: NOT_JUDGED,
  } satisfies FleetReport);
}

/** Rules that did not run, grouped by why, across the fleet: `[reason, ruleIds]`, most apps first. */
export function notRunSummary(report: FleetReport): { reason: string; ruleIds: string[]; apps: number }[] {
  const byReason = new Map<string, { ids: Set<string>; apps: Set<string> }>();
  for (const app of report.apps)
    for (const n of app.notRun) {
      // The reason names the fact; the app-specific tail (an HTTP status) stays in the JSON.
      const reason = n.reason.split(";")[0]!;
      const entry = byReason.get(reason) ?? { ids: new Set(), apps: new Set() };
      for (const id of n.ruleIds) entry.ids.add(id);
      entry.apps.add(app.id);
      byReason.set(reason, entry);
    }
  return [...byReason]
    .map(([reason, e]) => ({ reason, ruleIds: [...e.ids].sort(), apps: e.apps.size }))
    .sort((a, b) => b.apps - a.apps || byCodeUnitIgnoringCase(a.reason, b.reason));
}
