import { randomBytes } from "node:crypto";
import type { Argv } from "yargs";
import { exitCodeFor, FAIL_ON_CHOICES, type FailOn } from "../core/exit-codes.js";
import { UsageError } from "../core/errors.js";
import { parseAppId, sameApp, type AppRef } from "../core/resource-id.js";
import { parseSince } from "../core/time.js";
import { FORMATS, type Format } from "../report/index.js";
import type { Io } from "./io.js";

export interface CheckArgs {
  qa?: string;
  prod?: string;
  since?: string;
  format: Format;
  failOn: FailOn;
  from?: string;
}

export function checkOptions(yargs: Argv): Argv<CheckArgs> {
  return yargs
    .option("qa", { type: "string", describe: "QA Function App (or slot) resource ID" })
    .option("prod", { type: "string", describe: "Production Function App (or slot) resource ID" })
    .option("since", { type: "string", describe: "Release time: ISO 8601, or a duration ago (90m, 2h, 1d). Default: production's latest successful deployment" })
    .option("format", { choices: FORMATS, default: "text" as Format, describe: "Report format" })
    .option("fail-on", { choices: FAIL_ON_CHOICES, default: "hotfix" as FailOn, describe: "Lowest verdict that exits non-zero" })
    .option("from", { type: "string", describe: "Replay a recording directory instead of calling Azure" })
    .example("$0 check --qa /subscriptions/…/sites/orders-qa --prod /subscriptions/…/sites/orders", "Compare QA with production after a release")
    .example("$0 check --from fixtures/story-32bit-upgrade", "Replay a bundled recording offline")
    .example("$0 check --qa … --prod … --since 2h --format json --fail-on rollback", "A pipeline gate that fails only on ROLLBACK") as unknown as Argv<CheckArgs>;
}

function appsFrom(args: CheckArgs, recorded?: { qa: string; prod: string }): { qa: AppRef; prod: AppRef } {
  const qaText = args.qa ?? recorded?.qa;
  const prodText = args.prod ?? recorded?.prod;
  if (!qaText || !prodText) throw new UsageError("check needs --qa and --prod (or --from <recording>)");
  const qa = parseAppId(qaText, "--qa");
  const prod = parseAppId(prodText, "--prod");
  if (sameApp(qa, prod)) throw new UsageError("--qa and --prod name the same app: compare two environments");
  if (recorded) {
    for (const [flag, ref, text] of [["--qa", qa, recorded.qa], ["--prod", prod, recorded.prod]] as const) {
      if (!sameApp(ref, parseAppId(text, `recording ${flag}`))) throw new UsageError(`${flag}: the recording was made for ${text}, not ${ref.id}`);
    }
  }
  return { qa, prod };
}

export async function runCheckCommand(args: CheckArgs, io: Io, toolVersion: string): Promise<number> {
  const [{ runCheck }, { buildReport }, { render }] = await Promise.all([import("../check.js"), import("../report/model.js"), import("../report/index.js")]);
  let now = new Date();
  let access;
  let recording;
  if (args.from) {
    const replay = await import("../collect/recording.js");
    recording = await replay.readRecording(args.from);
    now = new Date(recording.recordedAt);
    // Replay needs no token: the pipeline still asks for one, and this one never leaves the process.
    access = {
      credential: { getToken: async () => ({ token: "replay", expiresOnTimestamp: Number.MAX_SAFE_INTEGER }) },
      httpClient: replay.createReplayHttpClient(recording),
      retryOptions: { maxRetries: 0 },
    };
  } else {
    const { DefaultAzureCredential } = await import("@azure/identity");
    access = { credential: new DefaultAzureCredential() };
  }
  const apps = appsFrom(args, recording?.apps);
  const since = args.since ? parseSince(args.since, now) : undefined;
  const result = await runCheck({ ...apps, since, now, access, hashKey: randomBytes(32) });
  const exitCode = exitCodeFor(result.recommendation.action, args.failOn);
  const report = buildReport(result, {
    toolVersion,
    exitCode,
    failOn: args.failOn,
    mode: recording ? "replay" : "live",
    ...(recording && args.from ? { recording: { path: args.from, constructed: recording.constructed === true, description: recording.description } } : {}),
  });
  io.stdout(render(report, args.format, { color: io.color }));
  return exitCode;
}
