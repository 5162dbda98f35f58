#!/usr/bin/env node
// Writes the JSON Schemas under schema/: the configuration's from its zod definition
// (src/config/schema.ts), and the reports' from their TypeScript types (scripts/report-schemas.mjs).
import { writeFileSync } from "node:fs";
import { configJsonSchema } from "../dist/config/schema.js";
import { reportSchemas } from "./report-schemas.mjs";

const write = (file, schema) =>
  writeFileSync(new URL(`../schema/${file}`, import.meta.url), `${JSON.stringify(schema, null, 2)}\n`);

write("azfn-health.config.schema.json", configJsonSchema());
for (const [file, schema] of Object.entries(reportSchemas())) write(file, schema);
