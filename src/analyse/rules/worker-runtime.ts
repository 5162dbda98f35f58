import { az, codeFix, configFix, rollbackFix } from "../fixes.js";
import { defineRule, type Detection } from "../rule.js";

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
  check({ env, self, profile }) {
    if (self.isFlex || self.workerRuntime) return [];
    const qaValue = env.role === "prod" ? profile.qa.workerRuntime : undefined;
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
        fix: qaValue
          ? configFix(
              `Set it to ${qaValue}, as in QA.`,
              az.setSetting(env, "FUNCTIONS_WORKER_RUNTIME", qaValue),
            )
          : codeFix(
              "Set it to the worker the deployed build targets (dotnet for in-process, dotnet-isolated for isolated).",
            ),
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
    host: "the {env} host reports a worker runtime mismatch: {error}",
  },
  check({ qa, prod, profile }) {
    const out: Detection[] = [];
    const [qaWorker, prodWorker] = [profile.qa.workerRuntime, profile.prod.workerRuntime];
    if (qaWorker && prodWorker && qaWorker !== prodWorker) {
      const qaHealthy = qa.host?.state === "Running";
      out.push({
        message: "drift",
        args: { qa: qaWorker, prod: prodWorker },
        environment: "prod",
        evidence: {
          setting: "FUNCTIONS_WORKER_RUNTIME",
          qa: qaWorker,
          prod: prodWorker,
          detail: `QA host ${qa.host?.state ?? "state unknown"}`,
        },
        fix: qaHealthy
          ? configFix(
              `Use ${qaWorker}, which runs this build in QA.`,
              az.setSetting(prod, "FUNCTIONS_WORKER_RUNTIME", qaWorker),
            )
          : rollbackFix(
              "Deploy a build that matches the worker runtime, then set the setting; do not make it a slot setting.",
            ),
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
