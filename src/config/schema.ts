import { z } from "zod";
import { RULES } from "../analyse/rules/index.js";
import { READINESS_RULES } from "../analyse/rules/readiness.js";
import { SEVERITIES } from "../analyse/rule.js";
import { AUTH_MODES } from "../collect/credentials.js";
import { CLOUD_NAMES } from "../core/clouds.js";
import { FAIL_ON_CHOICES } from "../core/exit-codes.js";
import { METRICS } from "../core/metric-catalogue.js";

/**
 * azfn-health.config.yaml (or .json): the one definition. The CLI validates with it, and
 * schema/azfn-health.config.schema.json (for editors) is generated from it: `npm run schema`.
 */
const RULE_IDS = new Set([...RULES, ...READINESS_RULES].map((r) => r.id));
const ruleId = z.string().refine((id) => RULE_IDS.has(id.toUpperCase()), {
  message: "not a rule id (see `azfn-health rules`)",
});
const metricName = z.string().refine((name) => METRICS.some((m) => m.name === name), {
  message: `not a metric (one of ${METRICS.map((m) => m.name).join(", ")})`,
});
const closeCode = z.enum(["successful", "successful_issues", "unsuccessful"]);
/** A severity, or `report-only`: reported, never gating (Argo's dry-run, Kayenta's muted). */
const ruleLevel = z.union([z.enum(SEVERITIES), z.literal("report-only")]);
const https = z.string().regex(/^https:\/\//, "must be an https:// URL");

export const ConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  environments: z
    .record(
      z.string().regex(/^[a-z][a-z0-9_-]*$/, "environment names are lowercase words"),
      z.string().regex(/^\/subscriptions\//, "must be a Function App (or slot) resource ID"),
    )
    .optional()
    .describe(
      "Named environments: name → Function App or slot resource ID. `check --qa staging --prod prod` compares any two by name.",
    ),
  qa: z.string().optional().describe("The environment (name or resource ID) compared as QA by default"),
  prod: z
    .string()
    .optional()
    .describe("The environment (name or resource ID) compared as production by default"),
  failOn: z.enum(FAIL_ON_CHOICES).optional(),
  cloud: z.enum(CLOUD_NAMES as [string, ...string[]]).optional(),
  endpoints: z
    .strictObject({ arm: https.optional(), logs: https.optional(), metrics: https.optional() })
    .optional(),
  auth: z.enum(AUTH_MODES).optional(),
  tenant: z.string().optional(),
  timeout: z.number().positive().optional(),
  appInsights: z
    .strictObject({ qa: z.string().optional(), prod: z.string().optional() })
    .optional()
    .describe("Application Insights component resource IDs, for apps that do not link theirs"),
  metrics: z
    .strictObject({
      settle: z.number().min(0).optional(),
      baseline: z.enum(["before", "last-week"]).optional(),
      thresholds: z
        .record(
          metricName,
          z.strictObject({
            bad: z.enum(["increase", "decrease"]).optional().describe("Which way hurts"),
            minChange: z
              .number()
              .min(0)
              .max(10)
              .optional()
              .describe("Smallest relative change of the mean worth reporting (default 0.1 = 10 %)"),
          }),
        )
        .optional(),
    })
    .optional(),
  ledger: z
    .string()
    .optional()
    .describe(
      "Record every check here: a SQLite file path, or https://<account>.table.core.windows.net/<table> " +
        "(also --ledger, AZFN_HEALTH_LEDGER)",
    ),
  servicenow: z
    .strictObject({
      instance: z
        .string()
        .optional()
        .describe("Instance name or https:// URL (SERVICENOW_INSTANCE overrides it)"),
      closeCodes: z
        .strictObject({
          PROCEED: closeCode.optional(),
          MONITOR: closeCode.optional(),
          HOTFIX: closeCode.optional(),
          ROLLBACK: closeCode.optional(),
        })
        .optional()
        .describe("close_code per verdict for --servicenow-close; INCONCLUSIVE never closes a change"),
    })
    .optional()
    .describe("The ServiceNow change ticket; credentials only from SERVICENOW_* environment variables"),
  rules: z
    .record(
      ruleId,
      z.union([
        ruleLevel,
        z.strictObject({
          severity: ruleLevel.optional(),
          ignore: z
            .string()
            .min(1, "an ignore needs a reason")
            .optional()
            .describe("Ignore the rule's findings; the reason is shown in every report"),
          environment: z.enum(["qa", "prod"]).optional().describe("Limit the ignore to one environment"),
        }),
      ]),
    )
    .optional()
    .describe(
      "Per rule: a severity, `report-only` (reported, never fails the gate: for trying a new rule), or { " +
        "severity, ignore: <reason>, environment }",
    ),
});

export type Config = z.infer<typeof ConfigSchema>;

export function configJsonSchema(): unknown {
  return {
    $id: "https://azfn-health.dev/schema/azfn-health.config.schema.json",
    title: "azfn-health configuration",
    ...z.toJSONSchema(ConfigSchema, { io: "input", unrepresentable: "any" }),
  };
}
