import type { EnvironmentFacts, SettingFact } from "../../core/facts.js";
import { setting } from "../../core/facts.js";
import { isContainerApp, isServerlessTier } from "../../core/platform.js";
import { az, codeFix, configFix, hostRunsDeployed } from "../fixes.js";
import { isDotnetThirtyTwoBit } from "./bitness.js";
import { defineRule, type Detection } from "../rule.js";
import { isSlotPair, staysWithSlot, stickyNames } from "../slots.js";

/** Settings that a dedicated rule already judges; drift on them would say the same twice. */
const JUDGED_ELSEWHERE = new Set(
  [
    "FUNCTIONS_EXTENSION_VERSION",
    "FUNCTIONS_WORKER_RUNTIME",
    "FUNCTIONS_INPROC_NET8_ENABLED",
    "WEBSITE_USE_PLACEHOLDER_DOTNETISOLATED",
    "WEBSITE_RUN_FROM_PACKAGE",
    "AzureWebJobsStorage",
    "AzureWebJobsDashboard",
    "FUNCTIONS_V2_COMPATIBILITY_MODE",
    "AzureFunctionsWebHost__hostid",
    "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
    "WEBSITE_CONTENTSHARE",
    // The language version is D04's, named with the command for the app's hosting model.
    "WEBSITE_NODE_DEFAULT_VERSION",
    "FUNCTIONS_WORKER_RUNTIME_VERSION",
  ].map((n) => n.toLowerCase()),
);

function names(env: EnvironmentFacts): string[] {
  // The host's storage (AzureWebJobsStorage and its identity-based AzureWebJobsStorage__* parts) is R13's and R15's.
  return Object.keys(env.appSettings ?? {}).filter(
    (n) => !JUDGED_ELSEWHERE.has(n.toLowerCase()) && !/^AzureWebJobsStorage__/i.test(n),
  );
}

const SECRET_NAME =
  /(key|secret|password|passwd|pwd|token|credential|signature|sas|connection|connstr|cert)/i;

/**
 * Only a credential can be a shared secret: the shape decided at redaction time says so. A fact
 * with no shape comes from a recording made before shapes were recorded: then a connection string,
 * or an app setting whose name says it holds a secret (…Key, …Secret, …Password, …Token,
 * …Connection), counts as a credential, and any other setting as plain (`true`, a region, a flag).
 */
export function isCredential(
  name: string,
  fact: SettingFact,
  kind: "app setting" | "connection string",
): boolean {
  if (fact.shape) return fact.shape === "credential";
  return kind === "connection string" || SECRET_NAME.test(name);
}

/** D01: a setting QA has and production lacks is the classic forgotten release step. */
export const settingDrift = defineRule({
  id: "D01",
  scope: "pair",
  title: "Production has the app settings QA has, with the same non-secret values",
  severity: "medium",
  docs: "https://learn.microsoft.com/azure/azure-functions/functions-how-to-use-azure-function-app-settings#settings",
  why:
    "A release tested in QA depends on QA's settings; a setting missing or different in production " +
    "changes behaviour the tests never saw.",
  needs: ["appSettings", "connectionStrings"],
  messages: {
    missing: "production lacks {count} app setting(s) that QA has: {names}",
    value: "{setting} is {qa} in QA but {prod} in production",
    shared:
      "QA and production use the same secret value for {names}: production shares those resources with QA",
  },
  check({ qa, prod }) {
    const out: Detection[] = [];
    // In a slot pair, slot settings differ by design and `_EXTENSION_VERSION` settings never swap.
    const slotPair = isSlotPair(qa, prod);
    const sticky = stickyNames(qa, prod);
    const judged = names(qa).filter((n) => !slotPair || !staysWithSlot(n, sticky));
    const missing = judged.filter((n) => !setting(prod, n));
    if (missing.length > 0) {
      out.push({
        message: "missing",
        args: { count: String(missing.length), names: missing.join(", ") },
        environment: "prod",
        evidence: { setting: missing.join(", "), qa: "present", prod: "missing" },
        fix: configFix(
          "Add the settings production needs (values from Key Vault or the release's configuration).",
        ),
      });
    }
    for (const name of judged) {
      const [a, b] = [setting(qa, name), setting(prod, name)];
      if (a?.value === undefined || b?.value === undefined || a.value === b.value) continue;
      out.push({
        message: "value",
        args: { setting: name, qa: a.value, prod: b.value },
        environment: "prod",
        evidence: { setting: name, qa: a.value, prod: b.value },
        fix: configFix(
          `Use QA's value in production if the difference is not intended.`,
          az.setSetting(prod, name, a.value),
        ),
      });
    }
    // Same keyed hash of a credential, same secret: QA's load and test data reach production's
    // resources. A slot and its production share what is not a slot setting by design (it moves
    // with the code), so a slot pair is not judged for it.
    const sameCredential = (
      n: string,
      a?: SettingFact,
      b?: SettingFact,
      kind: "app setting" | "connection string" = "app setting",
    ) =>
      a !== undefined &&
      b !== undefined &&
      a.value === undefined &&
      a.hash === b.hash &&
      (isCredential(n, a, kind) || isCredential(n, b, kind));
    // The same app given as both is no sharing: there is one app.
    const shared =
      slotPair || qa.ref.id.toLowerCase() === prod.ref.id.toLowerCase()
        ? []
        : [
            ...names(qa).filter((n) => sameCredential(n, setting(qa, n), setting(prod, n))),
            ...Object.keys(qa.connectionStrings ?? {}).filter((n) =>
              sameCredential(n, qa.connectionStrings![n], prod.connectionStrings?.[n], "connection string"),
            ),
          ];
    if (shared.length > 0) {
      out.push({
        message: "shared",
        args: { names: shared.join(", ") },
        environment: "prod",
        evidence: { setting: shared.join(", "), qa: "same hash as production", prod: "same hash as QA" },
        fix: configFix("Point production at its own resources (values from production's Key Vault)."),
      });
    }
    return out;
  },
});

/** Azure reports `numberOfSites: 0` on plans that do host the app: that is no count to show or compare. */
function siteCount(n: number | undefined): number | undefined {
  return n && n > 0 ? n : undefined;
}

/** D02: a smaller, shared or different plan in production explains "slow since the release". */
export const planDrift = defineRule({
  id: "D02",
  scope: "pair",
  title: "Production runs on a plan at least as large as QA's, not more crowded",
  severity: "medium",
  docs: "https://learn.microsoft.com/azure/azure-functions/functions-scale",
  why: "Memory and CPU per instance come from the plan's SKU, and every app on a plan shares its instances.",
  // The plan is read when it can be; without it the site's tier is compared and the rest is unknown.
  needs: ["site"],
  appliesTo: (env) =>
    isContainerApp(env) ? "hosted on Azure Container Apps: no App Service plan" : undefined,
  messages: {
    memory: "production's instances get {prodMb} MB but QA's {qaMb} MB (Flex Consumption instanceMemoryMB)",
    smaller:
      "production's plan {prodSku} ({prodMb} MB per instance) is smaller than QA's {qaSku} ({qaMb} MB)",
    tier: "production's plan is {prodSku} ({prodTier}) but QA's is {qaSku} ({qaTier})",
    siteTier:
      "production runs on the {prodTier} tier but QA on {qaTier} (from the sites; a plan was not read)",
    crowded: "production's plan {plan} hosts {prodSites} apps, QA's hosts {qaSites}",
    noPlan: "the {env} plan was not read ({reason}): its size and crowding are not judged",
  },
  check({ qa, prod, profile }) {
    const out: Detection[] = [];
    const [qaHosting, prodHosting] = [profile.qa.hosting, profile.prod.hosting];
    // Moving an app to another hosting model is a planned move (`az functionapp update --plan` only
    // between Consumption and Elastic Premium) or a new app: never a hotfix.
    const moved =
      qaHosting && prodHosting && qaHosting !== prodHosting
        ? codeFix(
            `Run production on ${qaHosting} hosting like QA's: a planned move (az functionapp update --plan, ` +
              "Consumption to Elastic Premium only) or a new app with the build QA tested, not a setting.",
          )
        : undefined;
    const [qaMb, prodMb] = [profile.qa.instanceMemoryMb, profile.prod.instanceMemoryMb];
    if (qaHosting === "flex" && prodHosting === "flex" && qaMb && prodMb && prodMb < qaMb) {
      out.push({
        message: "memory",
        args: { prodMb: String(prodMb), qaMb: String(qaMb) },
        environment: "prod",
        severity: "high",
        evidence: { setting: "instanceMemoryMB", qa: String(qaMb), prod: String(prodMb) },
        fix: configFix(`Give production's instances ${qaMb} MB, as QA's.`, az.flexInstanceMemory(prod, qaMb)),
      });
    }
    if (!qa.plan || !prod.plan) {
      // The tier comes from the best source that answered (profile.ts): the plan, else the site's sku.
      const [qaTier, prodTier] = [profile.qa.tier, profile.prod.tier];
      if (qaTier && prodTier && qaTier.toLowerCase() !== prodTier.toLowerCase()) {
        out.push({
          message: "siteTier",
          args: { prodTier, qaTier },
          environment: "prod",
          evidence: { setting: "sku", qa: qaTier, prod: prodTier },
          ...(moved ? { fix: moved } : {}),
        });
      }
      // A Consumption or Flex plan has no size or crowding to compare: its tier, from the site, is the fact.
      const serverless = (role: "qa" | "prod") => /^(consumption|flex)$/.test(profile[role].hosting ?? "");
      for (const env of [qa, prod].filter((e) => !e.plan && !serverless(e.role))) {
        const gap = env.gaps.find((g) => g.source === "plan");
        out.push({
          message: "noPlan",
          unknown: true,
          args: {
            env: env.role,
            reason: gap?.reason ?? (env.site?.planId ? "not read" : "the site names no plan"),
          },
          environment: env.role,
          evidence: {},
        });
      }
      return out;
    }
    const [a, b] = [qa.plan, prod.plan];
    const [qaSites, prodSites] = [siteCount(a.numberOfSites), siteCount(b.numberOfSites)];
    const planEvidence = {
      qa: `${a.skuName} (${a.tier})${qaSites ? `, ${qaSites} apps` : ""}`,
      prod: `${b.skuName} (${b.tier})${prodSites ? `, ${prodSites} apps` : ""}`,
    };
    if (qaMb && prodMb && prodMb < qaMb && !(qaHosting === "flex" && prodHosting === "flex")) {
      const inPlace =
        !isServerlessTier(a.tier) && !isServerlessTier(b.tier) && sameFamily(a.skuName, b.skuName);
      out.push({
        message: "smaller",
        args: { prodSku: b.skuName, prodMb: String(prodMb), qaSku: a.skuName, qaMb: String(qaMb) },
        environment: "prod",
        severity: "high",
        evidence: { setting: "plan SKU", ...planEvidence },
        // Another plan family is not resized by `plan update`: moving the app is a planned change
        // (`az functionapp update --plan` for Consumption ↔ Elastic Premium) or a new app, never a hotfix.
        fix: inPlace
          ? configFix(`Scale production's plan up to ${a.skuName}, as QA.`, az.planSku(b, a.skuName))
          : codeFix(
              `Move production to a ${a.skuName} plan like QA's (a new plan: ${b.tier} cannot become ${a.tier} in place).`,
            ),
      });
    } else if (a.tier.toLowerCase() !== b.tier.toLowerCase()) {
      out.push({
        message: "tier",
        args: { prodSku: b.skuName, prodTier: b.tier, qaSku: a.skuName, qaTier: a.tier },
        environment: "prod",
        evidence: { setting: "plan tier", ...planEvidence },
        ...(moved ? { fix: moved } : {}),
      });
    }
    if ((prodSites ?? 1) > Math.max(1, qaSites ?? 1)) {
      out.push({
        message: "crowded",
        args: { plan: b.name, prodSites: String(prodSites), qaSites: String(qaSites ?? "?") },
        environment: "prod",
        evidence: { setting: "numberOfSites", ...planEvidence },
        fix: configFix(
          "Give production its own plan, or scale the shared plan out, if the other apps compete for it.",
        ),
      });
    }
    return out;
  },
});

/**
 * D05: the OS is the site's own (`reserved`, `kind` containing `linux`), whatever the plan says or
 * whether it was read. Another OS is another app: a new build and a new site, never a setting.
 */
export const osDrift = defineRule({
  id: "D05",
  scope: "pair",
  title: "QA and production run on the same OS",
  severity: "high",
  docs: "https://learn.microsoft.com/azure/azure-functions/functions-scale#operating-systemruntime",
  why:
    "Windows and Linux Function Apps differ in workers, settings (linuxFxVersion against " +
    "netFrameworkVersion) and native dependencies; an app cannot change OS in place.",
  needs: ["site"],
  messages: {
    os: "production runs on {prodOs} but QA on {qaOs}: that is a new app, not a setting",
    platform:
      "production is hosted on {prodHosting} but QA on {qaHosting}: Azure Container Apps hosting is a new app, not a setting",
  },
  check({ qa, prod, profile }) {
    const [qaHosting, prodHosting] = [profile.qa.hosting ?? "unknown", profile.prod.hosting ?? "unknown"];
    // Container Apps hosting against a plan (the same OS, Linux): no setting moves an app between them.
    if (
      qa.site!.os === prod.site!.os &&
      (qaHosting === "container-apps") !== (prodHosting === "container-apps")
    )
      return [
        {
          message: "platform",
          args: { prodHosting, qaHosting },
          environment: "prod",
          evidence: {
            setting: "hosting (managedEnvironmentId, serverFarmId)",
            qa: qaHosting,
            prod: prodHosting,
          },
          fix: codeFix(
            `Create production hosted like QA's (${qaHosting}) and deploy the build QA tested to it; ` +
              "an app cannot move between Azure Container Apps and a plan in place.",
          ),
        },
      ];
    if (qa.site!.os === prod.site!.os) return [];
    return [
      {
        message: "os",
        args: { prodOs: prod.site!.os, qaOs: qa.site!.os },
        environment: "prod",
        evidence: {
          setting: "os (site kind, reserved)",
          qa: `${qa.site!.os} (${qa.site!.kind})`,
          prod: `${prod.site!.os} (${prod.site!.kind})`,
        },
        fix: codeFix(
          `Create production as a ${qa.site!.os} Function App like QA's and deploy the build QA tested to it; ` +
            `an app cannot change OS in place.`,
        ),
      },
    ];
  },
});

function sameFamily(a: string, b: string): boolean {
  const family = (sku: string) => sku.toUpperCase().replace(/\d/, "#");
  return family(a) === family(b);
}

/** D03: site settings that decide whether functions wake and scale. */
export const siteConfigDrift = defineRule({
  id: "D03",
  scope: "pair",
  title: "Production keeps QA's Always On and scale limits",
  severity: "medium",
  docs: "https://learn.microsoft.com/azure/azure-functions/dedicated-plan#always-on",
  why: "On a Dedicated plan, triggers other than HTTP stop when Always On is off; a lower scale limit caps production below what QA used.",
  // The hosting model comes from the plan or, when its GET failed, the site's own sku (profile.ts).
  needs: ["config", "site"],
  appliesTo: (env) =>
    isContainerApp(env)
      ? "hosted on Azure Container Apps: no App Service plan, Always On or scale limit"
      : undefined,
  messages: {
    alwaysOn: "Always On is off in production but on in QA (plan {tier})",
    scaleLimit: "production's functionAppScaleLimit {prod} is below QA's {qa}",
    flexScale: "production's maximum instance count {prod} is below QA's {qa} (Flex Consumption)",
    noTier: "production's hosting model is not known (no plan, no sku on the site): Always On is not judged",
  },
  check({ qa, prod, profile }) {
    const out: Detection[] = [];
    if (!profile.prod.hosting)
      return [{ message: "noTier", unknown: true, environment: "prod", evidence: {} }];
    const dedicated = profile.prod.hosting === "dedicated";
    if (dedicated && qa.config!.alwaysOn === true && prod.config!.alwaysOn === false) {
      out.push({
        message: "alwaysOn",
        args: { tier: profile.prod.tier ?? "dedicated" },
        environment: "prod",
        severity: "high",
        evidence: { setting: "alwaysOn", qa: "true", prod: "false" },
        fix: configFix("Turn Always On on.", az.configSet(prod, "always-on", "true")),
      });
    }
    // Flex keeps its limit in functionAppConfig.scaleAndConcurrency and ARM rejects
    // functionAppScaleLimit there (azure-functions-host#10643): each model's own setting and command.
    if (profile.prod.hosting === "flex") {
      const [qaMax, prodMax] = [
        qa.site?.flexScale?.maximumInstanceCount,
        prod.site?.flexScale?.maximumInstanceCount,
      ];
      if (profile.qa.hosting === "flex" && qaMax && prodMax && prodMax < qaMax)
        out.push({
          message: "flexScale",
          args: { prod: String(prodMax), qa: String(qaMax) },
          environment: "prod",
          evidence: { setting: "maximumInstanceCount", qa: String(qaMax), prod: String(prodMax) },
          fix: configFix("Raise production's maximum instance count.", az.flexMaximumInstances(prod, qaMax)),
        });
      return out;
    }
    // functionAppScaleLimit is a Consumption and Elastic Premium setting, and two limits compare only
    // on one hosting model: Consumption's 200 against Elastic Premium's "no limit" is a plan difference,
    // which D02 names (a planned move or a new app), not a scale limit to raise.
    if (
      !/^(consumption|elastic-premium)$/.test(profile.prod.hosting) ||
      profile.qa.hosting !== profile.prod.hosting
    )
      return out;
    const [qaLimit, prodLimit] = [
      qa.config!.functionAppScaleLimit ?? 0,
      prod.config!.functionAppScaleLimit ?? 0,
    ];
    // 0 means no limit beyond the plan's own.
    if (prodLimit > 0 && (qaLimit === 0 || prodLimit < qaLimit)) {
      out.push({
        message: "scaleLimit",
        args: { prod: String(prodLimit), qa: qaLimit === 0 ? "unlimited" : String(qaLimit) },
        environment: "prod",
        evidence: { setting: "functionAppScaleLimit", qa: String(qaLimit), prod: String(prodLimit) },
        fix: configFix("Raise production's scale limit.", az.scaleLimit(prod, qaLimit)),
      });
    }
    return out;
  },
});

const QA_STAGE = /^(qa|test|testing|uat|staging|stage|stg|dev|development)$/;
const PROD_STAGE = /^(prod|production|prd|live)$/;

/** Which stage an app says it is: its `environment` tag, else a `-qa`/`-prod` ending of its name or slot. */
function stageOf(env: EnvironmentFacts): { stage: "qa" | "prod"; why: string } | undefined {
  const tag = env.site?.environmentTag;
  if (tag && QA_STAGE.test(tag)) return { stage: "qa", why: `tag environment=${tag}` };
  if (tag && PROD_STAGE.test(tag)) return { stage: "prod", why: `tag environment=${tag}` };
  const name = (env.ref.slot ?? env.ref.site).toLowerCase();
  const suffix = /(?:^|[-_.])([a-z]+)$/.exec(name)?.[1] ?? "";
  if (QA_STAGE.test(suffix)) return { stage: "qa", why: `name ${name}` };
  if (PROD_STAGE.test(suffix)) return { stage: "prod", why: `name ${name}` };
  return undefined;
}

/**
 * D06: --qa and --prod given the wrong way round turn every finding around, and a plan would change
 * the app that is really QA. The apps' own `environment` tags and names say which is which.
 */
export const rolesSwapped = defineRule({
  id: "D06",
  scope: "pair",
  title: "QA and production are given the right way round",
  severity: "high",
  docs: "https://learn.microsoft.com/azure/azure-resource-manager/management/tag-resources",
  why:
    "The comparison and the plan treat --prod as the app to protect and change; apps given the other way " +
    "round get findings backwards and commands aimed at QA.",
  needs: ["site"],
  messages: {
    swapped:
      "the app given as --prod looks like QA ({prodWhy}) and the one given as --qa like production " +
      "({qaWhy}): they seem to be the wrong way round",
  },
  check({ qa, prod }) {
    const [a, b] = [stageOf(qa), stageOf(prod)];
    if (a?.stage !== "prod" || b?.stage !== "qa") return [];
    return [
      {
        message: "swapped",
        args: { prodWhy: b.why, qaWhy: a.why },
        environment: "both",
        evidence: { setting: "environment tag, name", qa: a.why, prod: b.why },
        fix: codeFix(
          "Run the check again with --qa and --prod the other way round; no plan is made until then.",
        ),
      },
    ];
  },
});

const BITNESS_DOCS =
  "https://learn.microsoft.com/azure/azure-functions/functions-app-settings#use32bitworkerprocess";

/**
 * D07: the worker's bitness (`use32BitWorkerProcess`) is part of what QA tested. A 32-bit worker has
 * about 2 GB of address space whatever the plan (durable-extension#1003); a 64-bit one has a larger
 * footprint (azure-functions-host#5430, #6999) and loads x64 native binaries. Only Windows offers a
 * 32-bit worker: Linux runs 64-bit only (another OS is D05's), and so do Flex Consumption and Container
 * Apps (both Linux), so the rule has nothing to compare there and, on a healthy app, nothing to say.
 *
 * One finding per difference, and who owns which:
 * - R09: production 32-bit while QA ran 64-bit when production's worker is .NET on ~4 and later (its
 *   title's case, the seed story; its fix is the same command);
 * - D07: every other difference: production 32-bit against a 64-bit QA on other workers or runtimes,
 *   and production 64-bit against a 32-bit QA (R09 then stays silent on QA).
 *
 * Switching restarts the app, and a build with a 32-bit-only native dependency stops on 64-bit
 * (plan-safety.md): the switch is a hotfix only when the other environment's running host shows that
 * this build runs with the bitness the command sets (the fix's precondition); otherwise it goes with
 * the next release.
 */
export const bitnessDrift = defineRule({
  id: "D07",
  scope: "pair",
  title: "Production runs the worker with the bitness QA tested",
  severity: "high",
  docs: BITNESS_DOCS,
  why:
    "A 32-bit worker is capped at about 2 GB of address space; a 64-bit worker uses more memory and loads " +
    "other native binaries. A release tested with one bitness can run out of memory or fail to load on the other.",
  needs: ["site"],
  messages: {
    narrower:
      "production runs a 32-bit worker but QA ran 64-bit (use32BitWorkerProcess {prod} in production, {qa} in QA)",
    wider:
      "production runs a 64-bit worker but QA tested the release on 32-bit (use32BitWorkerProcess {prod} in production, {qa} in QA)",
    unread: "the {env} site configuration (config/web) was not read: the worker bitness is not compared",
  },
  check({ qa, prod, profile }) {
    const [a, b] = [profile.qa, profile.prod];
    // Another OS is D05's: another app, whose bitness follows from it.
    if (!a.os || !b.os || a.os !== b.os || a.os !== "windows") return [];
    const unread = [qa, prod].filter((e) => profile[e.role].bitness === undefined);
    if (unread.length > 0)
      return unread.map((e) => ({
        message: "unread",
        unknown: true as const,
        args: { env: e.role },
        environment: e.role,
        evidence: {},
      }));
    if (a.bitness === b.bitness || (b.bitness === "32-bit" && isDotnetThirtyTwoBit(b))) return [];
    const flag = (p: typeof a) => String(p.bitness === "32-bit");
    const evidence = { setting: "use32BitWorkerProcess", qa: flag(a), prod: flag(b) };
    const args = { qa: flag(a), prod: flag(b) };
    if (b.bitness === "32-bit") {
      // QA's running host proves this build runs 64-bit (AnyCPU or x64, no 32-bit-only native dependency).
      const proven = hostRunsDeployed(qa) === true;
      return [
        {
          message: "narrower",
          args,
          environment: "prod",
          evidence,
          fix: {
            kind: proven ? "config" : "code",
            summary: proven
              ? "Switch production to the 64-bit worker QA ran this build on (the app restarts)."
              : "Switch production to the 64-bit worker with the next deployment, once QA's host is seen " +
                "running this build 64-bit (a 32-bit-only native dependency would stop it).",
            commands: [az.configSet(prod, "use-32bit-worker-process", "false")],
            precondition: "QA's host runs this build as a 64-bit worker; the app restarts",
          },
        },
      ];
    }
    // Production 64-bit, QA 32-bit: production's host failing while QA's runs the same build points at
    // a 32-bit-only dependency, and QA's bitness is the hotfix; otherwise QA should test as production runs.
    const pointsAtBitness = hostRunsDeployed(prod) === false && hostRunsDeployed(qa) === true;
    return [
      {
        message: "wider",
        args,
        environment: "prod",
        severity: pointsAtBitness ? "high" : "medium",
        evidence,
        fix: pointsAtBitness
          ? {
              kind: "config",
              summary:
                "Run production's worker 32-bit, as QA runs this build (the app restarts); move to 64-bit " +
                "with a build that drops its 32-bit-only dependency.",
              commands: [az.configSet(prod, "use-32bit-worker-process", "true")],
              precondition:
                "production's host does not run this build 64-bit while QA's host runs it 32-bit; the app restarts",
            }
          : codeFix(
              "Test the release as production runs it: switch QA to the 64-bit worker (QA restarts) and " +
                "run QA's tests again before the next release.",
              az.configSet(qa, "use-32bit-worker-process", "false"),
            ),
      },
    ];
  },
});
