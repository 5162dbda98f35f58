import { az, codeFix, hostRunsDeployed, isolatedMoveCommands, loadChangeFix, rollbackFix } from "../fixes.js";
import { isTargetable, newestUsable } from "./language.js";
import { defineRule, type Detection } from "../rule.js";
import { payloadWorker } from "../payload.js";

/** R06: AZFD0011, "The 'FUNCTIONS_WORKER_RUNTIME' setting is required". */
export const workerRuntimeMissing = defineRule({
  id: "R06",
  scope: "each",
  title: "FUNCTIONS_WORKER_RUNTIME is set",
  severity: "high",
  docs: "https://learn.microsoft.com/azure/azure-functions/functions-app-settings#functions_worker_runtime",
  why: "The host needs it to pick the language worker; without it the host logs AZFD0011 and may fail to load functions.",
  needs: ["appSettings", "site"],
  messages: { missing: "FUNCTIONS_WORKER_RUNTIME is not set in {env}" },
  check({ env, other, self, profile }) {
    if (self.isFlex || self.workerRuntime) return [];
    // The worker the deployed functions declare, else the one QA runs the build with.
    const deployed = payloadWorker(env);
    const qaValue = env.role === "prod" ? profile.qa.workerRuntime : undefined;
    const deployedBuild =
      "Set it to the worker the deployed build targets (dotnet for in-process, dotnet-isolated for isolated).";
    return [
      {
        message: "missing",
        args: { env: env.role },
        environment: env.role,
        evidence: {
          setting: "FUNCTIONS_WORKER_RUNTIME",
          qa: profile.qa.workerRuntime ?? "(not set)",
          prod: env.role === "prod" ? "(not set)" : undefined,
        },
        fix: deployed
          ? loadChangeFix(
              env,
              other,
              `Set it to ${deployed}, the worker the deployed functions declare.`,
              `${deployedBuild} The deployed functions declare ${deployed}.`,
              az.setSetting(env, "FUNCTIONS_WORKER_RUNTIME", deployed),
            )
          : qaValue
            ? loadChangeFix(
                env,
                other,
                `Set it to ${qaValue}, as in QA.`,
                `${deployedBuild} QA uses ${qaValue}.`,
                az.setSetting(env, "FUNCTIONS_WORKER_RUNTIME", qaValue),
              )
            : codeFix(deployedBuild),
      },
    ];
  },
});

const MISMATCH = /AZFD0013|WorkerConfig for runtime|does not match the worker runtime metadata/i;

/** R07: the worker runtime must match the deployed payload (AZFD0013; azure-functions-host#12032). */
export const workerRuntimeMismatch = defineRule({
  id: "R07",
  scope: "pair",
  title: "FUNCTIONS_WORKER_RUNTIME matches the deployed build",
  severity: "critical",
  docs: "https://learn.microsoft.com/azure/azure-functions/errors-diagnostics/diagnostic-events/azfd0013",
  why: "An isolated build under `dotnet` (or the reverse) finds no functions or fails to load before AZFD0013 is raised.",
  needs: ["appSettings"],
  messages: {
    drift: "production runs worker {prod} but QA, where the same build runs, uses {qa}",
    otherBuild:
      "production runs worker {prod} and its host runs, while QA runs {qa}: production runs another build than QA tested",
    host: "the {env} host reports a worker runtime mismatch: {error}",
    payload: "production runs worker {prod} but its deployed functions are {payload}, the worker QA uses",
  },
  check({ qa, prod, profile, facts, now }) {
    const out: Detection[] = [];
    const [qaWorker, prodWorker] = [profile.qa.workerRuntime, profile.prod.workerRuntime];
    if (qaWorker && prodWorker && qaWorker !== prodWorker) {
      // The setting is only safe when production's deployed payload needs it: a production host that
      // runs proves its build matches its own setting (an in-process build under `dotnet`), and
      // QA's value would stop it (AZFD0013). Then the move is one build step, never a hotfix.
      const prodRuns = hostRunsDeployed(prod) === true;
      // What production's deployed functions declare decides first (README property 1): a payload that
      // needs QA's worker makes the setting its fix; one that needs production's own forbids it.
      // Between the two .NET models the setting is the whole change; another language also needs its
      // stack (linuxFxVersion, the version settings), which the functions list does not give.
      const deployed = payloadWorker(prod);
      const payloadNeedsQa = deployed === qaWorker && /^dotnet/.test(qaWorker) && /^dotnet/.test(prodWorker);
      const toIsolated = qaWorker === "dotnet-isolated" && prodWorker === "dotnet";
      const os = profile.prod.isFlex ? "linux" : (profile.prod.os ?? "linux");
      const target =
        profile.qa.stack?.os === os && isTargetable(profile.qa.stack, profile.prod.hosting)
          ? profile.qa.stack
          : newestUsable(facts.stacks.rows, "dotnet-isolated", os, 4, now, profile.prod.hosting);
      const commands = toIsolated
        ? isolatedMoveCommands(prod, os, target)
        : [az.setSetting(prod, "FUNCTIONS_WORKER_RUNTIME", qaWorker)];
      // Flex keeps its worker in functionAppConfig.runtime and takes no FUNCTIONS_WORKER_RUNTIME setting.
      const fix = profile.prod.isFlex
        ? codeFix(
            `Deploy the build QA tested (${qaWorker}) to a Flex app whose runtime is ${qaWorker}: Flex's worker is ` +
              "set when the app is created (functionAppConfig.runtime), not by a setting.",
          )
        : payloadNeedsQa
          ? loadChangeFix(
              prod,
              // The .NET version is taken from QA only when QA's own stack is the target.
              target === profile.qa.stack ? qa : undefined,
              `Production's deployed functions are ${deployed}: set FUNCTIONS_WORKER_RUNTIME=${qaWorker}, which they need` +
                (toIsolated ? ", with the .NET version QA runs the build on." : "."),
              `Production's deployed functions are ${deployed}: set FUNCTIONS_WORKER_RUNTIME=${qaWorker} together ` +
                "with the .NET version the deployed build targets (confirm it against the build: QA's host does not prove it).",
              ...commands,
            )
          : prodRuns
            ? codeFix(
                toIsolated
                  ? "Move production to the isolated build QA tested in one step: deploy that build together with " +
                      "the settings below (any one alone stops production's host, AZFD0013)."
                  : `Deploy the build QA tested to production together with FUNCTIONS_WORKER_RUNTIME=${qaWorker}.`,
                ...commands,
              )
            : hostRunsDeployed(qa) === true
              ? loadChangeFix(
                  prod,
                  qa,
                  `Use ${qaWorker}, which runs this build in QA.`,
                  `Deploy the build QA tested together with FUNCTIONS_WORKER_RUNTIME=${qaWorker}.`,
                  ...commands,
                )
              : rollbackFix(
                  "Deploy a build that matches the worker runtime, then set the setting; do not make it a slot setting.",
                );
      out.push({
        message: payloadNeedsQa ? "payload" : prodRuns ? "otherBuild" : "drift",
        args: { qa: qaWorker, prod: prodWorker, ...(payloadNeedsQa ? { payload: deployed } : {}) },
        environment: "prod",
        ...(prodRuns && !payloadNeedsQa ? { severity: "high" as const } : {}),
        evidence: {
          setting: "FUNCTIONS_WORKER_RUNTIME",
          qa: qaWorker,
          prod: prodWorker,
          detail:
            `QA host ${qa.host?.state ?? "state unknown"}; production host ${prod.host?.state ?? "state unknown"}` +
            `${prod.host?.errors.length ? `, ${prod.host.errors.length} error(s)` : ""}` +
            `; production's deployed functions: ${prod.deployedLanguages?.join(", ") || "not known"}`,
        },
        fix,
      });
    }
    for (const env of [qa, prod]) {
      const error = env.host?.errors.find((e) => MISMATCH.test(e));
      if (!error || out.length > 0) continue;
      out.push({
        message: "host",
        args: { env: env.role, error: error.slice(0, 200) },
        environment: env.role,
        evidence: {
          setting: "FUNCTIONS_WORKER_RUNTIME",
          [env.role]: profile[env.role].workerRuntime ?? "(not set)",
          detail: error.slice(0, 200),
        },
        fix: rollbackFix(
          "The deployed build does not match FUNCTIONS_WORKER_RUNTIME: deploy the matching build.",
        ),
      });
    }
    return out;
  },
});
