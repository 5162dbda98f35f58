import {
  ARM,
  arr,
  bool,
  date,
  obj,
  opt,
  page,
  paged,
  record,
  str,
  type AzureResponse,
  type Keep,
} from "./response.js";

const runtimeSettings = obj({
  runtimeVersion: opt(str),
  appSettingsDictionary: opt(record(str)),
  siteConfigPropertiesDictionary: opt(
    obj({
      use32BitWorkerProcess: opt(bool),
      linuxFxVersion: opt(str),
      netFrameworkVersion: opt(str),
      powerShellVersion: opt(str),
      javaVersion: opt(str),
    }),
  ),
  supportedFunctionsExtensionVersions: opt(arr(str)),
  isDeprecated: opt(bool),
  endOfLifeDate: opt(date),
});

const RUNTIME_SETTINGS: Keep = {
  runtimeVersion: true,
  isDeprecated: true,
  isPreview: true,
  isHidden: true,
  isDefault: true,
  endOfLifeDate: true,
  supportedFunctionsExtensionVersions: [true],
  appSettingsDictionary: { "*": true },
  siteConfigPropertiesDictionary: {
    use32BitWorkerProcess: true,
    linuxFxVersion: true,
    netFrameworkVersion: true,
    powerShellVersion: true,
    javaVersion: true,
  },
};

/** GET /providers/Microsoft.Web/functionAppStacks (each page). */
export const stacks: AzureResponse<"stacks"> = {
  source: "stacks",
  route: /^\/providers\/microsoft\.web\/functionappstacks$/,
  shape: page(
    obj({
      name: opt(str),
      properties: obj({
        value: opt(str),
        displayText: opt(str),
        majorVersions: opt(
          arr(
            obj({
              value: opt(str),
              minorVersions: opt(
                arr(
                  obj({
                    value: opt(str),
                    displayText: opt(str),
                    stackSettings: opt(
                      obj({
                        linuxRuntimeSettings: opt(runtimeSettings),
                        windowsRuntimeSettings: opt(runtimeSettings),
                      }),
                    ),
                  }),
                ),
              ),
            }),
          ),
        ),
      }),
    }),
  ),
  keep: paged({
    ...ARM,
    properties: {
      displayText: true,
      value: true,
      preferredOs: true,
      majorVersions: [
        {
          displayText: true,
          value: true,
          minorVersions: [
            {
              displayText: true,
              value: true,
              stackSettings: {
                windowsRuntimeSettings: RUNTIME_SETTINGS,
                linuxRuntimeSettings: RUNTIME_SETTINGS,
              },
            },
          ],
        },
      ],
    },
  }),
};
