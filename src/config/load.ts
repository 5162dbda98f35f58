import { readFile } from "node:fs/promises";
import { basename, resolve } from "node:path";
import { UsageError } from "../core/errors.js";
import type { Config } from "./schema.js";

export const CONFIG_FILES = ["azfn-health.config.yaml", "azfn-health.config.yml", "azfn-health.config.json"];

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
      text = await readFile(path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT" && !explicit) continue;
      throw new UsageError(
        `--config: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      );
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
    if (doc.errors.length > 0) {
      throw new UsageError(
        doc.errors
          .map(
            (e) =>
              `${name}:${e.linePos?.[0]?.line ?? "?"}:${e.linePos?.[0]?.col ?? "?"}: ` +
              `${e.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")}`,
          )
          .join("\n"),
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
      result.error.issues
        .map((issue) => {
          const path = issue.path
            .map((p) => (typeof p === "number" ? `[${p}]` : String(p)))
            .join(".")
            .replace(/\.\[/g, "[");
          const nested = issue.code === "invalid_key" ? issue.issues[0]?.message : undefined;
          const detail =
            issue.code === "unrecognized_keys"
              ? `unknown key(s) ${issue.keys.join(", ")}`
              : issue.code === "invalid_key"
                ? `key ${JSON.stringify(path.split(".").pop())}: ${nested ?? issue.message}`
                : issue.message;
          return `${name}: ${path || "(top)"}: ${detail}`;
        })
        .join("\n"),
    );
  }
  return result.data;
}
