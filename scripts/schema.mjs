#!/usr/bin/env node
// Writes schema/azfn-health.config.schema.json from the zod definition (src/config/schema.ts).
import { writeFileSync } from "node:fs";
import { configJsonSchema } from "../dist/config/schema.js";

writeFileSync(
  new URL("../schema/azfn-health.config.schema.json", import.meta.url),
  `${JSON.stringify(configJsonSchema(), null, 2)}\n`,
);
