import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Validator } from "@cfworker/json-schema";
import { ROOT } from "../helpers.js";

/** A committed JSON Schema under schema/ (scripts/report-schemas.mjs generates them from the types). */
export const committedSchema = (file: string): object =>
  JSON.parse(readFileSync(join(ROOT, "schema", file), "utf8")) as object;

const validators = new Map<string, Validator>();

/** What the committed schema `file` says is wrong with a document, the deepest first: [] when it is valid. */
export function schemaProblems(file: string, document: unknown): string[] {
  let validator = validators.get(file);
  if (!validator) validators.set(file, (validator = new Validator(committedSchema(file), "7", false)));
  const result = validator.validate(document);
  return result.valid
    ? []
    : result.errors
        .map((e) => `${e.instanceLocation}: ${e.error}`)
        .reverse()
        .slice(0, 5);
}
