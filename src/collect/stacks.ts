import type { FunctionAppStack, WebSiteManagementClient } from "@azure/arm-appservice";
import type { StackRow, StacksFacts } from "../core/facts.js";
import { describeError, take, type AzureAccess } from "./access.js";
import { bundledStacks } from "./bundled-stacks.js";
import { daysBetween } from "../core/time.js";

export async function collectStacks(
  client: WebSiteManagementClient,
  access: AzureAccess,
  now: Date,
): Promise<StacksFacts> {
  try {
    const rows = stackRows(
      await take(client.provider.listFunctionAppStacks({ abortSignal: access.abortSignal }), 1000),
    );
    if (rows.length > 0) return { source: "api", rows };
    throw new Error("the response listed no stacks");
  } catch (error) {
    const bundled = await bundledStacks();
    return {
      source: "bundled",
      note: `Function App Stacks API unavailable (${describeError(error)})`,
      snapshotDate: bundled.snapshotDate,
      ...snapshotAge(bundled.snapshotDate, now),
      rows: stackRows(bundled.stacks),
    };
  }
}

/**
 * The bundled snapshot's age on the check's clock (now live, the recording's time in replay):
 * never negative; a snapshot dated after the check is said to be so rather than "-300 days old".
 */
export function snapshotAge(
  snapshotDate: string,
  now: Date,
): Pick<StacksFacts, "ageDays" | "newerThanCheck"> {
  const days = daysBetween(new Date(snapshotDate), now);
  return days < 0 ? { ageDays: 0, newerThanCheck: true } : { ageDays: days };
}

export function stackRows(stacks: FunctionAppStack[]): StackRow[] {
  const rows: StackRow[] = [];
  for (const stack of stacks) {
    for (const major of stack.majorVersions ?? []) {
      for (const minor of major.minorVersions ?? []) {
        for (const [os, settings] of [
          ["windows", minor.stackSettings?.windowsRuntimeSettings],
          ["linux", minor.stackSettings?.linuxRuntimeSettings],
        ] as const) {
          if (!settings?.runtimeVersion) continue;
          const appSettings = { ...(settings.appSettingsDictionary ?? {}) };
          rows.push({
            stack: stack.value ?? stack.name ?? "",
            major: major.value ?? "",
            minor: minor.displayText ?? minor.value ?? "",
            os,
            runtimeVersion: settings.runtimeVersion,
            workerRuntime: appSettings.FUNCTIONS_WORKER_RUNTIME,
            appSettings,
            use32BitWorkerProcess: settings.siteConfigPropertiesDictionary?.use32BitWorkerProcess,
            extensionVersions: settings.supportedFunctionsExtensionVersions ?? [],
            endOfLife:
              settings.endOfLifeDate && !Number.isNaN(settings.endOfLifeDate.getTime())
                ? settings.endOfLifeDate.toISOString()
                : undefined,
            isDeprecated: settings.isDeprecated === true,
          });
        }
      }
    }
  }
  return rows;
}
