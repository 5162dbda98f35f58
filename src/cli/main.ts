import { readFileSync } from "node:fs";
import yargs from "yargs";
import { EXIT_CODES } from "../core/exit-codes.js";
import { isKnownError, UsageError } from "../core/errors.js";
import { accessOptions, checkOptions, runCheckCommand, runRecordCommand, type AccessArgs, type CheckArgs } from "./check-command.js";
import type { Io } from "./io.js";

const VERSION = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;

const EPILOG = `Exit codes:\n${Object.values(EXIT_CODES)
  .map(({ code, meaning }) => `  ${code}  ${meaning}`)
  .join("\n")}`;

/** Wires arguments to commands and errors to exit codes; nothing else lives here. */
export async function main(argv: string[], io: Io): Promise<number> {
  let exitCode: number = EXIT_CODES.PROCEED.code;
  const cli = yargs(argv)
    .scriptName("azfn-health")
    .usage("$0 <command> [options]\n\nAfter a Function App release: compare QA and production, and say what to do.")
    .command(
      "check",
      "Compare QA and production and give a verdict: PROCEED, MONITOR, HOTFIX, ROLLBACK or INCONCLUSIVE",
      (y) => checkOptions(y).epilog(EPILOG),
      async (args) => {
        exitCode = await runCheckCommand(args as unknown as CheckArgs, io, VERSION, process.env);
      },
    )
    .command(
      "record",
      "Read QA and production and save them, secrets redacted, as a recording for `check --from`",
      (y) =>
        accessOptions(y)
          .option("out", { type: "string", demandOption: true, describe: "Directory to write recording.json to" })
          .example("$0 record --qa … --prod … --out ./evidence/rec", "Attach the result to a bug report or change ticket")
          .epilog(EPILOG),
      async (args) => {
        exitCode = await runRecordCommand(args as unknown as AccessArgs & { out: string }, io, process.env);
      },
    )
    .demandCommand(1, "name a command: check or record")
    .strict()
    .version(VERSION)
    .help()
    .alias("h", "help")
    .epilog(EPILOG)
    .wrap(Math.min(110, process.stdout.columns || Number(process.env.COLUMNS) || 100))
    // yargs would print usage and exit 1; a usage error is exit 2, in one line.
    .fail((message, error) => {
      throw error ?? new UsageError(message.replace(/\s*\n\s*/g, " "));
    });
  try {
    await cli.parseAsync();
    return exitCode;
  } catch (error) {
    if (isKnownError(error)) {
      io.stderr(`azfn-health: ${error.message}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    io.stderr(`azfn-health: unexpected error: ${message}\n${process.env.AZFN_HEALTH_DEBUG ? `${(error as Error).stack}\n` : "Set AZFN_HEALTH_DEBUG=1 for details, and please report it.\n"}`);
    return EXIT_CODES.CRASH.code;
  }
}
