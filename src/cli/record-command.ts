import { SUCCESS } from "../core/exit-codes.js";
import type { LoadedConfig } from "../config/load.js";
import type { AccessArgs } from "../app/args.js";
import { openSession, saveRecording } from "../app/session.js";
import type { Io } from "../app/io.js";

/** `record`: read both environments and save them, redacted, for an offline `check --from`. */
export async function runRecordCommand(
  args: AccessArgs & { out: string },
  io: Io,
  env: NodeJS.ProcessEnv,
  loaded?: LoadedConfig,
): Promise<number> {
  const { runCheck } = await import("../check.js");
  const session = await openSession(args, env, io, {
    recordTo: args.out,
    recordFlag: "--out",
    environments: loaded?.config.environments,
  });
  try {
    const result = await runCheck({
      ...session.apps,
      now: session.now,
      access: session.access,
      hashKey: session.hashKey,
    });
    session.stopProgress();
    const path = await saveRecording(session, args.out);
    io.stdout(
      `recorded ${path} (verdict when replayed: ${result.recommendation.action}); replay with: azfn-health check --from ${args.out}\n`,
    );
    return SUCCESS;
  } finally {
    session.done();
  }
}
