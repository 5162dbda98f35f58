import { readFileSync } from "node:fs";
import yargs, { type Argv } from "yargs";
import { EXIT_CODES, SUCCESS } from "../core/exit-codes.js";
import { isKnownError, UsageError } from "../core/errors.js";
import { closest } from "../core/suggest.js";
import {
  accessOptions,
  appInsightsOptions,
  checkOptions,
  configDefaults,
  DEMO_RECORDING,
  runCheckCommand,
  type AccessArgs,
  type CheckArgs,
} from "./check-command.js";
import { runRecordCommand } from "./record-command.js";
import type { LoadedConfig } from "../config/load.js";
import type { Io } from "../app/io.js";
import { ledgerOptions, runLedgerCommand, type LedgerArgs } from "./ledger-command.js";
import { runExplainCommand, runRulesCommand } from "./rules-command.js";
import { preflightOptions, runPreflightCommand, type PreflightArgs } from "./preflight-command.js";
import { runFleet } from "../app/fleet.js";
import { fleetDefaults, fleetOptions, type FleetArgs } from "./fleet-command.js";
import { inert } from "../report/inert.js";

const VERSION = (
  JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }
).version;

const exitCodes = (codes: readonly { code: number; meaning: string }[]) =>
  `Exit codes:\n${codes.map(({ code, meaning }) => `  ${code}  ${meaning}`).join("\n")}`;
/** The verdict commands' codes: the whole table. */
const EPILOG = exitCodes(Object.values(EXIT_CODES));
/** Commands that give no verdict say only the codes they can end with. */
const DONE = { code: SUCCESS, meaning: "done" };
const TOOL_EPILOG = exitCodes([DONE, EXIT_CODES.CRASH, EXIT_CODES.USAGE]);
const UNREACHABLE = "could not be read: sign-in, access or the network (the message says which)";
const RECORD_EPILOG = exitCodes([
  { ...DONE, meaning: "recorded" },
  EXIT_CODES.CRASH,
  EXIT_CODES.USAGE,
  { code: EXIT_CODES.INCONCLUSIVE.code, meaning: `Azure ${UNREACHABLE}` },
]);
const LEDGER_EPILOG = exitCodes([
  DONE,
  EXIT_CODES.CRASH,
  { code: EXIT_CODES.USAGE.code, meaning: "usage error, no such record, or a ledger file it cannot read" },
  { code: EXIT_CODES.INCONCLUSIVE.code, meaning: `the table ledger ${UNREACHABLE}` },
]);

/** What a user gives first, shown first in each command's help (where the command has it). */
const FIRST_OPTIONS = ["qa", "prod", "since", "format", "fail-on", "from"];

type Command = "preflight" | "check" | "demo" | "record" | "rules" | "explain" | "ledger" | "fleet";

const COMMANDS: Record<
  Command,
  {
    describe: string;
    options: (y: Argv) => Argv;
    positionals?: number;
    /** How help names the positionals (default `<ruleId>`). */
    usage?: string;
    configurable?: true;
    /** The configuration's values for this command's options (default: check's). */
    defaults?: (config?: LoadedConfig) => Record<string, unknown>;
    /** The exit codes its help lists (default: the verdict table). */
    epilog?: string;
    run: (args: { _: (string | number)[] }, io: Io, config?: LoadedConfig) => number | Promise<number>;
  }
> = {
  preflight: {
    describe:
      "Before the deploy: QA against production, configuration and rollback readiness only (no metrics)",
    options: (y) => preflightOptions(y),
    configurable: true,
    run: (args, io, config) =>
      runPreflightCommand(args as unknown as PreflightArgs, io, VERSION, process.env, config),
  },
  check: {
    describe:
      "Compare QA and production and give a verdict: PROCEED, MONITOR, HOTFIX, ROLLBACK or INCONCLUSIVE",
    options: (y) => checkOptions(y),
    configurable: true,
    run: (args, io, config) =>
      runCheckCommand(args as unknown as CheckArgs, io, VERSION, io.env ?? process.env, config),
  },
  demo: {
    describe: `Replay the bundled story (${DEMO_RECORDING}: production kept the 32-bit worker); no Azure needed`,
    // A demo shows the verdict and its exit code in the report, but does not fail the shell that runs it.
    options: (y) =>
      checkOptions(y)
        .default("fail-on", "never")
        .example("$0 demo --format html --out ./demo", "The evidence bundle of the demo"),
    run: (args, io) =>
      runCheckCommand(
        { ...(args as unknown as CheckArgs), from: (args as unknown as CheckArgs).from ?? DEMO_RECORDING },
        io,
        VERSION,
        process.env,
      ),
  },
  record: {
    describe: "Read QA and production and save them, secrets redacted, as a recording for `check --from`",
    options: (y) =>
      appInsightsOptions(accessOptions(y))
        .option("out", {
          type: "string",
          demandOption: true,
          describe: "Directory to write recording.json to",
        })
        .example(
          "$0 record --qa … --prod … --out ./evidence/rec",
          "Attach the result to a bug report or change ticket",
        ),
    configurable: true,
    epilog: RECORD_EPILOG,
    run: (args, io, config) =>
      runRecordCommand(args as unknown as AccessArgs & { out: string }, io, io.env ?? process.env, config),
  },
  rules: {
    describe: "List every rule: id, default severity, what it checks",
    options: (y) => y.example("$0 rules", "All rules"),
    epilog: TOOL_EPILOG,
    run: (_args, io) => runRulesCommand(io),
  },
  explain: {
    describe: "Explain one rule: what it checks, why it matters, the Microsoft doc behind it",
    options: (y) =>
      y
        .positional("ruleId", { type: "string", describe: "A rule id, e.g. R09" })
        .example("$0 explain R09", "Why a 32-bit worker matters after an upgrade"),
    positionals: 1,
    epilog: TOOL_EPILOG,
    run: (args, io) => runExplainCommand(args._[0] === undefined ? undefined : String(args._[0]), io),
  },
  fleet: {
    describe:
      "Every Function App at once, from Azure Resource Graph: stacks, risky configuration, drifted QA/production pairs",
    options: (y) => fleetOptions(y),
    configurable: true,
    defaults: fleetDefaults,
    run: (args, io, config) =>
      runFleet(args as unknown as FleetArgs, io, VERSION, io.env ?? process.env, config),
  },
  ledger: {
    describe: "The deployment ledger: list, show <id>, mark <id>, report, diff <id>",
    options: (y) => ledgerOptions(y),
    positionals: 2,
    usage: "ledger <action> [id]",
    configurable: true,
    epilog: LEDGER_EPILOG,
    defaults: (config) => (config?.config.ledger !== undefined ? { ledger: config.config.ledger } : {}),
    run: (args, io, config) => runLedgerCommand(args as unknown as LedgerArgs, io, process.env, config),
  },
};

/** Every command, in the order help lists them (scripts/render-help.mjs renders a page for each). */
export const COMMAND_NAMES = Object.keys(COMMANDS) as Command[];

/** A flag's value before yargs runs: the configuration must be read first to give yargs its defaults. */
function flagValue(argv: string[], flag: string): string | undefined {
  const i = argv.findIndex((a) => a === flag || a.startsWith(`${flag}=`));
  if (i < 0) return undefined;
  return argv[i]!.includes("=") ? argv[i]!.slice(flag.length + 1) : argv[i + 1];
}

/** yargs' own (untyped) record of the options a parser defines. */
const optionsOf = (parser: Argv) =>
  (parser as unknown as { getOptions(): { key: Record<string, unknown>; boolean: string[] } }).getOptions();

/** The options a user gives first, in their own group at the top of a command's help. */
function firstOptionsFirst(y: Argv): Argv {
  const defined = optionsOf(y).key;
  return y.group(
    FIRST_OPTIONS.filter((name) => name in defined),
    "Start with:",
  );
}

function failAsUsage(y: Argv, argv: string[]): Argv {
  // yargs would print usage and exit 1; a usage error is exit 2, in one line.
  return y.fail((message, error) => {
    throw error ?? new UsageError(unknownArguments(y, message, argv) ?? message.replace(/\s*\n\s*/g, " "));
  });
}

/**
 * yargs' "Unknown arguments: fial-on, fialOn" as a person needs it: each once (not its camelCase
 * twin), as typed (`--fial-on`), with the closest option or command when one is close.
 */
function unknownArguments(y: Argv, message: string, argv: string[]): string | undefined {
  const listed = /^Unknown arguments?: (.*)$/s.exec(message)?.[1]?.split(", ");
  if (!listed) return undefined;
  const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const options = Object.keys(optionsOf(y).key).filter((name) => !/[A-Z]/.test(name) && name.length > 1);
  return listed
    .filter((name) => name === kebab(name) || !listed.includes(kebab(name)))
    .map((name) => {
      const isOption = argv.some((a) => a === `--${name}` || a.startsWith(`--${name}=`) || a === `-${name}`);
      const guess = closest(name, isOption ? options : COMMAND_NAMES);
      const typed = isOption ? `--${name}` : name;
      const hint = guess ? ` (did you mean ${isOption ? `--${guess}` : guess}?)` : "";
      return `${isOption ? "unknown option" : "unknown command or argument"} ${typed}${hint}`;
    })
    .join("; ");
}

/** The whole command line as yargs describes it: help, version, and errors about commands. */
function describedCli(argv: string[]): Argv {
  let cli = yargs(argv)
    .scriptName("azfn-health")
    .usage(
      "$0 <command> [options]\n\nAfter a Function App release: compare QA and production, and say what to do.",
    );
  for (const [name, command] of Object.entries(COMMANDS))
    cli = cli.command(
      command.usage ?? (command.positionals ? `${name} <ruleId>` : name),
      command.describe,
      (y) => firstOptionsFirst(command.options(y)).epilog(command.epilog ?? EPILOG),
    );
  return failAsUsage(
    cli
      .completion("completion", "Print a bash/zsh completion script: azfn-health completion >> ~/.bashrc")
      .demandCommand(1, "name a command: preflight, check, demo, record, rules or explain, ledger or fleet")
      .strict()
      .version(VERSION)
      .help()
      .alias("h", "help")
      .epilog(EPILOG)
      .wrap(Math.min(110, process.stdout.columns || Number(process.env.COLUMNS) || 100)),
    argv,
  );
}

/**
 * Wires arguments to commands and errors to exit codes; nothing else lives here. A run parses
 * its command's options directly: through yargs' command layer, every run would also render the
 * whole help text (~50 ms of string-width) in case the command fails.
 */
export async function main(argv: string[], io: Io): Promise<number> {
  try {
    const [first, ...rest] = argv;
    const command =
      first && first in COMMANDS && !rest.some((a) => /^(--help|-h|--version)$/.test(a))
        ? COMMANDS[first as Command]
        : undefined;
    if (!command) {
      await describedCli(argv).parseAsync();
      return SUCCESS;
    }
    // The file's values sit under AZFN_HEALTH_* variables and flags (yargs' own precedence).
    const config = command.configurable
      ? await (await import("../config/load.js")).loadConfig(flagValue(rest, "--config"), process.cwd())
      : undefined;
    const parser = command
      .options(yargs(rest))
      .config((command.defaults ?? configDefaults)(config))
      .env("AZFN_HEALTH");
    refuseUnknownVariables(parser, process.env);
    refuseValueless(parser, rest);
    const args = await failAsUsage(parser.strict(false).strictOptions(), rest).parseAsync();
    refuseRepeatedOrEmpty(args);
    if (args._.length > (command.positionals ?? 0))
      throw new UsageError(`Unknown argument: ${args._.slice(command.positionals ?? 0).join(", ")}`);
    return await command.run(args, io, config);
  } catch (error) {
    const { text, exitCode } = describeError(
      error,
      argv.includes("--debug") || !!process.env.AZFN_HEALTH_DEBUG,
    );
    io.stderr(text);
    return exitCode;
  }
}

/**
 * The one line an error becomes. Known errors carry their code; a file the system refused (an
 * unwritable --out, a full disk) is a usage error naming the file; anything else is a bug, told
 * without JavaScript internals (its message and stack only with --debug). Azure text in a
 * message (a CollectError quotes the service) is cleaned like any report text.
 */
export function describeError(error: unknown, debug: boolean): { text: string; exitCode: number } {
  const clean = (message: string) => message.split("\n").map(inert).join("\n");
  if (isKnownError(error))
    return { text: `azfn-health: ${clean(error.message)}\n`, exitCode: error.exitCode };
  const sys = error as NodeJS.ErrnoException | undefined;
  if (sys && typeof sys.code === "string" && SYSTEM_ERRORS[sys.code]) {
    const what = sys.path ? ` ${sys.path}` : sys.syscall === "write" ? " the output" : "";
    return {
      text: `azfn-health: cannot ${sys.syscall ?? "use"}${clean(what)}: ${SYSTEM_ERRORS[sys.code]} (${sys.code})\n`,
      exitCode: EXIT_CODES.USAGE.code,
    };
  }
  const detail = error instanceof Error ? `${clean(error.stack ?? error.message)}\n` : "";
  return {
    text: `azfn-health: unexpected error (a bug: please report it). ${debug ? `\n${detail}` : "Run with --debug for details.\n"}`,
    exitCode: EXIT_CODES.CRASH.code,
  };
}

const SYSTEM_ERRORS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "not permitted",
  ENOENT: "no such file or directory",
  EEXIST: "already exists",
  ENOTDIR: "not a directory",
  EISDIR: "is a directory",
  ELOOP: "a symbolic link is in the way",
  ENOSPC: "no space left on the device",
  EDQUOT: "disk quota exceeded",
  EROFS: "read-only file system",
  EFBIG: "file too large",
  EIO: "input/output error",
};

/** yargs reads every AZFN_HEALTH_* variable as an option: name the variable, not "Unknown argument". */
function refuseUnknownVariables(parser: Argv, env: NodeJS.ProcessEnv): void {
  const toVariable = (key: string) =>
    `AZFN_HEALTH_${key
      .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
      .replace(/-/g, "_")
      .toUpperCase()}`;
  const options = optionsOf(parser);
  const known = new Set(Object.keys(options.key).map(toVariable));
  const unknown = Object.keys(env).filter((name) => name.startsWith("AZFN_HEALTH_") && !known.has(name));
  if (unknown.length > 0)
    throw new UsageError(
      `${unknown.join(", ")}: not an azfn-health setting (AZFN_HEALTH_<OPTION> sets an option of this command, e.g. AZFN_HEALTH_FAIL_ON)`,
    );
}

/** Flags that may be given more than once: `fleet --subscription A --subscription B`. */
const REPEATABLE = new Set(["subscription"]);

/** Flags whose value may be left out on purpose: `--ledger` alone names the default ledger file. */
const OPTIONAL_VALUE = new Set(["ledger"]);

/** yargs gives a flag without its value (`--format` last, or before another flag) the default: refuse it. */
function refuseValueless(parser: Argv, argv: string[]): void {
  const options = optionsOf(parser);
  const flags = new Set(options.boolean);
  argv.forEach((token, i) => {
    const name = /^--([^=]+)$/.exec(token)?.[1];
    if (!name || flags.has(name) || OPTIONAL_VALUE.has(name) || !(name in options.key)) return;
    const next = argv[i + 1];
    if (next === undefined || /^--?[a-z]/i.test(next)) throw new UsageError(`--${name}: needs a value`);
  });
}

/** A flag given twice, or given no value, is a mistake to name, not a value to guess. */
function refuseRepeatedOrEmpty(args: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(args)) {
    if (key === "_" || key === "$0" || /[A-Z]/.test(key)) continue;
    if (Array.isArray(value) && !REPEATABLE.has(key))
      throw new UsageError(`--${key} given ${value.length} times: give it once`);
    if ((value === "" && !OPTIONAL_VALUE.has(key)) || (typeof value === "number" && Number.isNaN(value)))
      throw new UsageError(`--${key}: needs a value`);
  }
}
