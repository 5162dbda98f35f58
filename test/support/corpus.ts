import { readFileSync } from "node:fs";
import { collectCheckFacts } from "../../src/collect/azure.js";
import { createReplayHttpClient, type Recording } from "../../src/collect/recording.js";
import type { CheckFacts } from "../../src/core/facts.js";
import { parseAppId } from "../../src/core/resource-id.js";
import { HASH_KEY, ROOT, TEST_CREDENTIAL } from "../helpers.js";

const ARM = "https://management.azure.com";

/** Where the SDK asks for each source of one app, relative to the app's ID. */
export const CORPUS_SOURCES = {
  site: ["GET", ""],
  config: ["GET", "/config/web"],
  appSettings: ["POST", "/config/appsettings/list"],
  slotConfigNames: ["GET", "/config/slotConfigNames"],
} as const;
export type CorpusSource = keyof typeof CORPUS_SOURCES;

/**
 * One app of test/corpus (real bodies, test/corpus/SOURCE.md) read as both QA and production through
 * the SDK and the collector, exactly as a replayed check reads it.
 */
export async function corpusFacts(
  appId: string,
  files: Partial<Record<CorpusSource, string>>,
  now: string,
): Promise<CheckFacts> {
  const recording: Recording = {
    format: "azfn-health-recording",
    version: 1,
    recordedAt: now,
    apps: { qa: appId, prod: appId },
    exchanges: Object.entries(files).map(([source, file]) => {
      const [method, suffix] = CORPUS_SOURCES[source as CorpusSource];
      const body: unknown = JSON.parse(readFileSync(`${ROOT}/test/corpus/${file}`, "utf8"));
      return {
        request: { method, url: `${ARM}${appId}${suffix}?api-version=2025-05-01` },
        response: { status: 200, body },
      };
    }),
  };
  const ref = parseAppId(appId, "--prod");
  return collectCheckFacts(
    {
      credential: TEST_CREDENTIAL,
      httpClient: createReplayHttpClient(recording),
      retryOptions: { maxRetries: 0 },
    },
    { qa: { ...ref }, prod: ref },
    { now: new Date(now), hashKey: HASH_KEY },
  );
}
