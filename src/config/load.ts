import { basename, resolve } from "node:path";
import { UsageError } from "../core/errors.js";
import { stripControls } from "../core/scrub.js";
import { FileReadError, readBoundedFile } from "../files/read-bounded.js";
import type { Config } from "./schema.js";

export const CONFIG_FILES = ["azfn-health.config.yaml", "azfn-health.config.yml", "azfn-health.config.json"];

/** A real configuration is a few kilobytes: this is a thousand times that, and still parses in moments. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

export interface LoadedConfig {
  path: string;
  config: Config;
}

/**
 * Finds and reads the configuration: `--config <file>`, else the first of CONFIG_FILES in the
 * working directory. A bad file is one usage error with a line per problem and its path.
 */
export async function loadConfig(
  explicit: string | undefined,
  cwd: string,
): Promise<LoadedConfig | undefined> {
  const candidates = explicit ? [resolve(cwd, explicit)] : CONFIG_FILES.map((name) => resolve(cwd, name));
  for (const path of candidates) {
    let text: string;
    try {
      text = await readBoundedFile(path, "--config", MAX_CONFIG_BYTES);
    } catch (error) {
      if (error instanceof FileReadError && error.code === "ENOENT" && !explicit) continue;
      throw error;
    }
    return { path, config: await parseConfig(text, basename(path)) };
  }
  return undefined;
}

export async function parseConfig(text: string, name: string): Promise<Config> {
  let data: unknown;
  if (/\.json$/i.test(name)) {
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new UsageError(`${name}: not valid JSON: ${(error as Error).message}`);
    }
  } else {
    const yaml = await import("yaml");
    // CommonJS under Node's `node` export condition: named exports may sit on the default.
    const parseDocument =
      yaml.parseDocument ?? (yaml as unknown as { default: typeof yaml }).default.parseDocument;
    const doc = parseDocument(text, { prettyErrors: true });
    // A warning is an error here: an unknown tag (`failOn: !evil never`) is not a value to guess at.
    const problems = [...doc.errors, ...doc.warnings];
    if (problems.length > 0) {
      throw new UsageError(
        fewProblems(
          problems.map(
            (e) =>
              `${name}:${e.linePos?.[0]?.line ?? "?"}:${e.linePos?.[0]?.col ?? "?"}: ` +
              `${e.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")}`,
          ),
        ),
      );
    }
    try {
      // An alias bomb (a billion laughs) is refused, not expanded: yaml counts every alias.
      data = doc.toJS({ maxAliasCount: 100 }) ?? {};
    } catch (error) {
      throw new UsageError(`${name}: ${(error as Error).message.split("\n")[0]}`);
    }
  }
  const { ConfigSchema } = await import("./schema.js");
  const result = ConfigSchema.safeParse(data);
  if (!result.success) {
    throw new UsageError(
      fewProblems(
        result.error.issues.map((issue) => {
          const path = issue.path
            .map((p) => (typeof p === "number" ? `[${p}]` : String(p)))
            .join(".")
            .replace(/\.\[/g, "[");
          const nested = issue.code === "invalid_key" ? issue.issues[0]?.message : undefined;
          const detail =
            issue.code === "unrecognized_keys"
              ? `unknown key(s) ${listed(issue.keys)}`
              : issue.code === "invalid_key"
                ? `key ${JSON.stringify(path.split(".").pop())}: ${nested ?? issue.message}`
                : issue.message;
          return `${name}: ${path || "(top)"}: ${detail}`;
        }),
      ),
    );
  }
  return result.data;
}

/** How many problems a bad file is reported with: enough to fix it, never a flood. */
export const SHOWN_PROBLEMS = 10;

/**
 * The first few problems, one line each (controls made visible, each line cut at 300 characters: key
 * names come from the file), and a count of the rest.
 */
function fewProblems(lines: readonly string[]): string {
  const shown = lines.slice(0, SHOWN_PROBLEMS).map((line) => cut(stripControls(line), 300));
  const more = lines.length - shown.length;
  return [...shown, ...(more > 0 ? [`… and ${more} more problem${more === 1 ? "" : "s"}`] : [])].join("\n");
}

function listed(keys: readonly string[]): string {
  const shown = keys.slice(0, SHOWN_PROBLEMS).map((key) => JSON.stringify(cut(key, 60)));
  return keys.length > shown.length
    ? `${shown.join(", ")} and ${keys.length - shown.length} more`
    : shown.join(", ");
}

const cut = (text: string, length: number) => (text.length > length ? `${text.slice(0, length)}…` : text);
