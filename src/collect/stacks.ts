import type { FunctionAppStack } from "@azure/arm-appservice";
import type { StackRow, StacksFacts } from "../core/facts.js";
import { describeError, take, type AzureAccess } from "./access.js";
import { bundledStacks } from "./bundled-stacks.js";
import { daysBetween } from "../core/time.js";
import type { WebApi } from "./web-api.js";

export async function collectStacks(client: WebApi, access: AzureAccess, now: Date): Promise<StacksFacts> {
  try {
    const rows = stackRows(
      await take(client.provider.listFunctionAppStacks({ abortSignal: access.abortSignal }), 1000),
    );
    if (rows.length > 0) return { source: "api", rows: withSupportDates(rows, "Function App Stacks API") };
    throw new Error("the response listed no stacks");
  } catch (error) {
    const bundled = await bundledStacks();
    return {
      source: "bundled",
      note: `Function App Stacks API unavailable (${describeError(error)})`,
      snapshotDate: bundled.snapshotDate,
      ...snapshotAge(bundled.snapshotDate, now),
      rows: withSupportDates(stackRows(bundled.stacks), `bundled stacks (${bundled.snapshotDate})`),
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
            ...(settings.isPreview === true ? { isPreview: true } : {}),
            ...(settings.isHidden === true ? { isHidden: true } : {}),
          });
        }
      }
    }
  }
  return rows;
}

/**
 * Where the stacks copy and the vendor disagree on an end-of-support date, the vendor's date wins,
 * and the row says which source its date came from (plan-safety.md "Dates where sources disagree").
 */
export const SUPPORT_DATE_OVERRIDES: readonly {
  stack: string;
  major: string;
  endOfLife: string;
  copy: string;
  source: string;
}[] = [
  {
    stack: "node",
    major: "24",
    endOfLife: "2028-04-30",
    copy: "2029-04-30",
    source: "Node.js release schedule (github.com/nodejs/Release)",
  },
  {
    stack: "dotnet",
    major: "dotnet10isolated",
    endOfLife: "2028-11-14",
    copy: "2028-11-10",
    source: "Learn .NET support policy and dotnet/core releases-index.json",
  },
  {
    stack: "dotnet",
    major: "dotnetcore3",
    endOfLife: "2022-12-13",
    copy: "2022-12-03",
    source: ".NET lifecycle (learn.microsoft.com/lifecycle/products/microsoft-net-and-net-core)",
  },
  {
    stack: "dotnet",
    major: "dotnet5",
    endOfLife: "2022-05-10",
    copy: "2022-05-08",
    source: ".NET lifecycle (learn.microsoft.com/lifecycle/products/microsoft-net-and-net-core)",
  },
];

export function withSupportDates(rows: StackRow[], copy: string): StackRow[] {
  return rows.map((row) => {
    const override = SUPPORT_DATE_OVERRIDES.find((o) => o.stack === row.stack && o.major === row.major);
    if (override)
      return {
        ...row,
        endOfLife: `${override.endOfLife}T00:00:00.000Z`,
        endOfLifeSource: `${override.source}; the ${copy} says ${override.copy}`,
      };
    return row.endOfLife ? { ...row, endOfLifeSource: copy } : row;
  });
}
