import type { EnvironmentFacts } from "../../core/facts.js";
import { setting, settingValue } from "../../core/facts.js";
import { azTarget } from "../../core/resource-id.js";
import { shellOption } from "../../core/shell.js";
import { az, configFix } from "../fixes.js";
import { defineRule, type Detection } from "../rule.js";
import { isSlotPair } from "../slots.js";

/** Where the host keeps its leases and keys: the connection string's account, or the identity-based one. */
export function storageAccount(env: EnvironmentFacts): string | undefined {
  return (
    setting(env, "AzureWebJobsStorage")?.storageAccount ??
    settingValue(env, "AzureWebJobsStorage__accountName") ??
    setting(env, "AzureWebJobsStorage__blobServiceUri")?.storageAccount
  );
}

/**
 * The default host ID: the site name, `-slot` appended for a slot, lowercased and cut to 32
 * characters, trailing dashes dropped (azure-functions-host ScriptHostIdProvider.cs).
 */
export function defaultHostId(site: string, slot?: string): string {
  return `${site}${slot ? `-${slot}` : ""}`.toLowerCase().slice(0, 32).replace(/-+$/, "");
}

interface HostMember {
  label: string;
  env: EnvironmentFacts;
  slot?: string;
  account: string;
  hostId: string;
  explicit: boolean;
}

function members(env: EnvironmentFacts): HostMember[] {
  const account = storageAccount(env);
  if (!account) return [];
  const override = settingValue(env, "AzureFunctionsWebHost__hostid");
  const own: HostMember = {
    label: `${env.role} (${env.ref.slot ? `${env.ref.site}/${env.ref.slot}` : env.ref.site})`,
    env,
    slot: env.ref.slot,
    account,
    hostId: override ?? defaultHostId(env.ref.site, env.ref.slot),
    explicit: Boolean(override),
  };
  // Other slots of the checked site share its storage unless the setting is sticky.
  const sticky = env.slotSettingNames?.some((n) => /^AzureWebJobsStorage/i.test(n)) ?? false;
  const slots = sticky
    ? []
    : (env.slots ?? [])
        .filter((s) => s.name !== env.ref.slot)
        .map((s) => ({
          label: `slot ${env.ref.site}/${s.name}`,
          env,
          slot: s.name,
          account,
          hostId: defaultHostId(env.ref.site, s.name),
          explicit: false,
        }));
  return [own, ...slots];
}

/** R13: in 4.x a host ID collision on one storage account stops the host (AZFD0004). */
export const hostIdCollision = defineRule({
  id: "R13",
  scope: "pair",
  title:
    "QA and production keep their host storage apart, and apps that share an account have distinct host IDs",
  severity: "critical",
  docs: "https://learn.microsoft.com/azure/azure-functions/errors-diagnostics/diagnostic-events/azfd0004",
  why:
    "Runtime 4.x stops the host on a host ID collision (a warning in 3.x): IDs are site names cut to 32 " +
    "characters, so long names collide.",
  needs: ["appSettings"],
  messages: {
    collision:
      '{a} and {b} share storage account {account} and host ID "{hostId}": the 4.x host stops (AZFD0004)',
    shared:
      "QA and production share storage account {account}: QA's triggers, leases and load reach production's storage",
  },
  check({ qa, prod, profile }) {
    // A slot pair lists the same slots from both sides: each app or slot counts once, by its name.
    const identity = (m: HostMember) => `${m.env.ref.site}/${m.slot ?? ""}`.toLowerCase();
    const all = [...members(qa), ...members(prod)].filter(
      (m, i, list) => list.findIndex((o) => identity(o) === identity(m) && o.account === m.account) === i,
    );
    const out: Detection[] = [];
    const seen = new Set<string>();
    for (const [i, a] of all.entries()) {
      for (const b of all.slice(i + 1)) {
        if (a.account !== b.account || a.hostId !== b.hostId || a.label === b.label) continue;
        const key = [a.label, b.label].sort().join("|");
        if (seen.has(key)) continue;
        seen.add(key);
        const v4 = Math.max(profile.qa.extensionMajor ?? 0, profile.prod.extensionMajor ?? 0) >= 4;
        const affected = a.env.role === b.env.role ? a.env.role : "both";
        const fixes = [a, b].filter((m) => !m.explicit).map((m) => setHostId(m));
        out.push({
          message: "collision",
          args: { a: a.label, b: b.label, account: a.account, hostId: a.hostId },
          environment: affected,
          severity: v4 ? "critical" : "medium",
          evidence: {
            setting: "AzureFunctionsWebHost__hostid",
            qa: settingValue(qa, "AzureFunctionsWebHost__hostid") ?? "(not set)",
            prod: settingValue(prod, "AzureFunctionsWebHost__hostid") ?? "(not set)",
            detail: `host ID "${a.hostId}" on storage account ${a.account}`,
          },
          fix: configFix(
            "Give each app and slot its own host ID (at most 32 characters), as a slot setting; " +
              "FUNCTIONS_HOSTID_CHECK_LEVEL=Warning only as a stopgap.",
            ...fixes,
          ),
        });
      }
    }
    const [qaAccount, prodAccount] = [storageAccount(qa), storageAccount(prod)];
    // A slot shares its app's storage unless the setting is a slot setting: by design, not a leak.
    if (out.length === 0 && qaAccount && qaAccount === prodAccount && !isSlotPair(qa, prod)) {
      out.push({
        message: "shared",
        args: { account: qaAccount },
        environment: "both",
        severity: "medium",
        evidence: {
          setting: "AzureWebJobsStorage",
          qa: `account ${qaAccount}`,
          prod: `account ${prodAccount}`,
        },
        fix: configFix(
          "Give production its own storage account in AzureWebJobsStorage (keep the value in Key Vault).",
        ),
      });
    }
    return out;
  },
});

function setHostId(member: HostMember): string {
  const suffix = member.slot ?? (member.env.role === "prod" ? "prod" : "qa");
  const id = `${member.env.ref.site.toLowerCase().slice(0, 31 - suffix.length)}-${suffix}`.replace(
    /-+/g,
    "-",
  );
  return (
    `az functionapp config appsettings set ${azTarget({ ...member.env.ref, slot: member.slot })} ` +
    shellOption("--slot-settings", `AzureFunctionsWebHost__hostid=${id}`)
  );
}

const CONTENT_SETTINGS = ["WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", "WEBSITE_CONTENTSHARE"];

/** R15: without its storage settings the host is "unreachable" (functions-recover-storage-account). */
export const storageSettings = defineRule({
  id: "R15",
  scope: "each",
  title: "The host's storage settings are present and not sticky",
  severity: "critical",
  docs: "https://learn.microsoft.com/azure/azure-functions/functions-recover-storage-account",
  why: "The host keeps keys, leases and (on Consumption and Premium) its content share in storage: without it the runtime is unreachable.",
  needs: ["appSettings", "site"],
  messages: {
    missing: "{env} has no {setting}: the Functions host cannot start",
    sticky: "{env} marks {setting} as a slot setting, so a swap leaves the code without its storage",
  },
  check({ env, self, qa, prod }) {
    const out: Detection[] = [];
    const qaHint = "restore the value from Key Vault or QA's configuration for this environment";
    if (!self.isFlex && !storageAccount(env) && !setting(env, "AzureWebJobsStorage")) {
      out.push({
        message: "missing",
        args: { env: env.role, setting: "AzureWebJobsStorage" },
        environment: env.role,
        evidence: { setting: "AzureWebJobsStorage", [env.role]: "(not set)" },
        fix: configFix(
          `Restore AzureWebJobsStorage (${qaHint}).`,
          az.setSetting(env, "AzureWebJobsStorage", "<connection string from Key Vault>"),
        ),
      });
    }
    const tier = env.plan?.tier ?? "";
    if (!self.isFlex && /^(Dynamic|ElasticPremium)$/i.test(tier)) {
      for (const name of CONTENT_SETTINGS.filter((n) => !setting(env, n))) {
        out.push({
          message: "missing",
          args: { env: env.role, setting: name },
          environment: env.role,
          evidence: { setting: name, [env.role]: "(not set)", detail: `plan tier ${tier}` },
          fix: configFix(
            `Restore ${name} (${qaHint}).`,
            az.setSetting(
              env,
              name,
              `<${name === "WEBSITE_CONTENTSHARE" ? "share name" : "connection string from Key Vault"}>`,
            ),
          ),
        });
      }
    }
    const sticky = (env.slotSettingNames ?? []).filter(
      (n) => /^AzureWebJobsStorage$/i.test(n) || CONTENT_SETTINGS.includes(n.toUpperCase()),
    );
    // In a slot pair each slot keeping its own storage is the documented design
    // (functions-deployment-slots#manage-settings): judged only when the slot lacks the setting, above.
    if (sticky.length > 0 && !isSlotPair(qa, prod)) {
      const remaining = (env.slotSettingNames ?? []).filter((n) => !sticky.includes(n));
      out.push({
        message: "sticky",
        args: { env: env.role, setting: sticky.join(", ") },
        environment: env.role,
        severity: "high",
        evidence: { setting: sticky.join(", "), [env.role]: "slot setting" },
        fix: configFix(
          "Make the storage settings follow the code in a swap.",
          `az resource update ` +
            `${shellOption("--ids", `${env.ref.id.replace(/\/slots\/[^/]+$/i, "")}/config/slotConfigNames`)} ` +
            shellOption("--set", `properties.appSettingNames=${JSON.stringify(remaining)}`),
        ),
      });
    }
    return out;
  },
});
