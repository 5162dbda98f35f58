import type { Role } from "../../core/facts.js";
import { EOL_WARNING_MS, isoDate } from "../../core/time.js";
import { codeFix, hostRunsDeployed, isolatedMoveCommands, loadChangeFix, versionCommand } from "../fixes.js";
import { languageLabel, rowVersion, stackLabel, stackName } from "../profile.js";
import { defineRule, type Detection, type Severity } from "../rule.js";
import { newestUsable, qaAlternative } from "./language.js";

/** Past the date: out of support; within Microsoft's 6-month window: warn (ux ENDOFLIFEMAXSECONDS). */
function supportSeverity(date: Date, now: Date): Severity | undefined {
  if (date.getTime() <= now.getTime()) return "high";
  if (date.getTime() - now.getTime() <= EOL_WARNING_MS) return "medium";
  return undefined;
}

/** R11: every Microsoft client flags a stack past `endOfLifeDate` and warns 6 months ahead. */
export const stackEndOfLife = defineRule({
  id: "R11",
  scope: "each",
  title: "The language stack is inside its support window",
  severity: "high",
  docs: "https://learn.microsoft.com/azure/azure-functions/supported-languages",
  why: "Past end-of-life the stack gets no security fixes; the portal, az, Core Tools and VS Code all flag it, and warn 6 months ahead.",
  needs: ["appSettings", "config", "site"],
  messages: {
    past: "{env} runs {stack}, out of support since {date}",
    soon: "{env} runs {stack}, which reaches end-of-life on {date}",
  },
  check({ env, other, self, now, facts, profile }) {
    const row = self.stack;
    if (!row?.endOfLife) return [];
    const date = new Date(row.endOfLife);
    let severity = supportSeverity(date, now);
    if (!severity) return [];
    // A host that runs what is deployed proves the stack runs: past end of life is a warning with an
    // upgrade path (a build), never grounds for a rollback or a hotfix.
    const running = hostRunsDeployed(env) === true;
    if (running && severity === "high") severity = "medium";
    // Production alone on it while QA runs the same build on a supported version: QA's version.
    const qaRow = env.role === "prod" ? qaAlternative(profile.qa, self, now) : undefined;
    const next =
      qaRow ??
      newestUsable(facts.stacks.rows, self.language, row.os, self.extensionMajor ?? 4, now, self.hosting);
    const setting = self.versionSetting?.name;
    const dateSource =
      row.endOfLifeSource ?? (facts.stacks.source === "api" ? "Stacks API" : "bundled stacks");
    // In-process .NET has no newer in-process target: the move to isolated is one build step.
    const inProcess = self.workerRuntime === "dotnet";
    const commands = inProcess
      ? isolatedMoveCommands(env, row.os, next)
      : [next && versionCommand(env, self.versionSetting, next)].filter((c): c is string => Boolean(c));
    const retarget = inProcess
      ? `Move to the isolated worker model${next ? ` on ${stackName(next)}` : ""} in one build: ` +
        "a new isolated build deployed together with the settings below (any one alone stops the host)."
      : next
        ? `Retarget the app to ${stackName(next)} in a planned release${setting ? `, then set ${setting}` : ""}.`
        : "Retarget the app to a supported stack in a planned release.";
    return [
      {
        message: date.getTime() <= now.getTime() ? "past" : "soon",
        args: { env: env.role, stack: stackName(row), date: isoDate(date) },
        environment: env.role,
        severity,
        evidence: {
          setting,
          stack: stackLabel(row),
          [env.role]: self.target ?? languageLabel(self),
          ...(qaRow ? { qa: profile.qa.target ?? languageLabel(profile.qa) } : {}),
          detail:
            `endOfLifeDate ${isoDate(date)} (source: ${dateSource}), ` +
            `checked on ${isoDate(now)}${running ? `; the ${env.role} host runs it` : ""}`,
        },
        fix:
          qaRow && !inProcess && commands.length > 0
            ? loadChangeFix(
                env,
                other,
                `Run production on ${self.language} ${rowVersion(qaRow)}, which QA runs this build on.`,
                `Move production to ${self.language} ${rowVersion(qaRow)}, which QA runs, with the next build.`,
                ...commands,
              )
            : codeFix(retarget, ...commands),
      } satisfies Detection,
    ];
  },
});

/** The in-process model's support ends on 2026-11-10 (Learn retirement note). */
export const IN_PROCESS_END = new Date("2026-11-10T00:00:00Z");

/** R12: .NET in-process apps must move to the isolated worker model. */
export const inProcessRetirement = defineRule({
  id: "R12",
  scope: "each",
  title: "The app does not rely on the retiring in-process model",
  severity: "medium",
  docs: "https://learn.microsoft.com/azure/azure-functions/migrate-dotnet-to-isolated-model",
  why: "Support for the .NET in-process model ends on 2026-11-10; after that it gets no fixes.",
  needs: ["appSettings", "site"],
  messages: {
    past: "{env} uses the in-process model, whose support ended on {date}",
    soon: "{env} uses the in-process model, whose support ends on {date}",
  },
  check({ env, self, now, facts }) {
    if (self.workerRuntime !== "dotnet") return [];
    let severity = supportSeverity(IN_PROCESS_END, now);
    if (!severity) return [];
    // As R11: a host that runs proves the build runs; the move is a planned build, not a hotfix blocker.
    if (hostRunsDeployed(env) === true && severity === "high") severity = "medium";
    const os = self.isFlex ? "linux" : (self.os ?? "linux");
    const next = newestUsable(facts.stacks.rows, "dotnet-isolated", os, 4, now, self.hosting);
    const role: Role = env.role;
    return [
      {
        message: IN_PROCESS_END.getTime() <= now.getTime() ? "past" : "soon",
        args: { env: role, date: isoDate(IN_PROCESS_END) },
        environment: role,
        severity,
        evidence: {
          setting: "FUNCTIONS_WORKER_RUNTIME",
          [role]: "dotnet",
          detail: `in-process support ends ${isoDate(IN_PROCESS_END)}, checked on ${isoDate(now)}`,
        },
        fix: codeFix(
          "Migrate to the isolated worker model (dotnet-isolated) in a planned release: one build, deployed " +
            "together with the settings below.",
          ...isolatedMoveCommands(env, os, next),
        ),
      },
    ];
  },
});
