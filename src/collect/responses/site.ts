import { APP_INSIGHTS_TAG } from "../site.js";
import { runtimeStrings, skuWords, propertiesOf } from "../ambiguity.js";
import {
  ARM,
  bool,
  date,
  num,
  obj,
  opt,
  record,
  siteRoute,
  str,
  type AzureResponse,
  type Keep,
} from "./response.js";

/** The runtime strings a site GET may carry in `siteConfig` (mostly null there: config/web has them). */
const SITE_CONFIG_VERSIONS = {
  linuxFxVersion: opt(str),
  windowsFxVersion: opt(str),
  netFrameworkVersion: opt(str),
  powerShellVersion: opt(str),
  javaVersion: opt(str),
};

/** A site as ARM answers it, for the site GET and each entry of the slots list. */
export const siteShape = obj({
  id: opt(str),
  name: opt(str),
  kind: opt(str),
  location: opt(str),
  tags: opt(record(str)),
  properties: obj({
    state: opt(str),
    enabled: opt(bool),
    reserved: opt(bool),
    serverFarmId: opt(str),
    sku: opt(str),
    lastModifiedTimeUtc: opt(date),
    managedEnvironmentId: opt(str),
    siteConfig: opt(obj(SITE_CONFIG_VERSIONS)),
    functionAppConfig: opt(
      obj({
        runtime: opt(obj({ name: opt(str), version: opt(str) })),
        scaleAndConcurrency: opt(obj({ instanceMemoryMB: opt(num), maximumInstanceCount: opt(num) })),
      }),
    ),
    slotSwapStatus: opt(
      obj({ timestampUtc: opt(date), sourceSlotName: opt(str), destinationSlotName: opt(str) }),
    ),
  }),
});

/**
 * Real responses carry tags on the site (`hidden-link: /app-insights-instrumentation-key` among
 * them): only the Application Insights link and the stage tags are kept.
 */
export const siteKeep: Keep = {
  ...ARM,
  // The stage tags say which app is QA and which production (D06); their values name a stage, no secret.
  tags: { [APP_INSIGHTS_TAG]: true, environment: true, env: true, stage: true },
  properties: {
    name: true,
    state: true,
    enabled: true,
    reserved: true,
    kind: true,
    serverFarmId: true,
    sku: true,
    lastModifiedTimeUtc: true,
    managedEnvironmentId: true,
    // Kept so a replay finds the runtime strings the live check's ambiguity check read.
    siteConfig: Object.fromEntries(Object.keys(SITE_CONFIG_VERSIONS).map((key) => [key, true])),
    slotSwapStatus: { timestampUtc: true, sourceSlotName: true, destinationSlotName: true },
    functionAppConfig: {
      runtime: { name: true, version: true },
      scaleAndConcurrency: { instanceMemoryMB: true, maximumInstanceCount: true },
    },
  },
};

/** GET …/sites/{name} and …/slots/{slot}: without it nothing can be judged. */
export const site: AzureResponse<"site"> = {
  source: "site",
  route: siteRoute(""),
  shape: siteShape,
  ambiguity: (body) => runtimeStrings({ properties: propertiesOf(body)?.siteConfig }) ?? skuWords(body),
  keep: siteKeep,
};
