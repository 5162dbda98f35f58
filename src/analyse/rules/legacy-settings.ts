import { setting } from "../../core/facts.js";
import { az, configFix } from "../fixes.js";
import { defineRule } from "../rule.js";

/** R16: 4.x does not support AzureWebJobsDashboard (migrate-version-3-version-4, breaking changes). */
export const dashboardSetting = defineRule({
  id: "R16",
  scope: "each",
  title: "AzureWebJobsDashboard is not set on runtime 4.x",
  severity: "low",
  docs: "https://learn.microsoft.com/azure/azure-functions/migrate-version-3-version-4#breaking-changes-between-3x-and-4x",
  why: "Runtime 4.x ignores AzureWebJobsDashboard; monitoring belongs in Application Insights.",
  needs: ["appSettings", "site"],
  messages: { set: "{env} still sets AzureWebJobsDashboard, which runtime 4.x does not support" },
  check({ env, self }) {
    if ((self.extensionMajor ?? 0) < 4 || !setting(env, "AzureWebJobsDashboard")) return [];
    return [
      {
        message: "set",
        args: { env: env.role },
        environment: env.role,
        evidence: { setting: "AzureWebJobsDashboard", [env.role]: "(set)" },
        fix: configFix(
          "Remove it; use Application Insights.",
          az.deleteSetting(env, "AzureWebJobsDashboard"),
        ),
      },
    ];
  },
});

/** R19: FUNCTIONS_V2_COMPATIBILITY_MODE only ever applied to runtime 3.x. */
export const v2CompatibilityMode = defineRule({
  id: "R19",
  scope: "each",
  title: "FUNCTIONS_V2_COMPATIBILITY_MODE is not set on runtime 4.x",
  severity: "low",
  docs: "https://learn.microsoft.com/azure/azure-functions/functions-app-settings#functions_v2_compatibility_mode",
  why: "The setting let 2.x apps run on the 3.x host; on 4.x it is not valid.",
  needs: ["appSettings", "site"],
  messages: { set: "{env} sets FUNCTIONS_V2_COMPATIBILITY_MODE on runtime 4.x" },
  check({ env, self }) {
    const value = setting(env, "FUNCTIONS_V2_COMPATIBILITY_MODE");
    if ((self.extensionMajor ?? 0) < 4 || !value) return [];
    return [
      {
        message: "set",
        args: { env: env.role },
        environment: env.role,
        evidence: { setting: "FUNCTIONS_V2_COMPATIBILITY_MODE", [env.role]: value.value ?? "(set)" },
        fix: configFix("Remove it.", az.deleteSetting(env, "FUNCTIONS_V2_COMPATIBILITY_MODE")),
      },
    ];
  },
});
