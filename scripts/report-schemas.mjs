// The JSON Schemas of what `--format json` prints, generated from the TypeScript types the code
// builds those objects with, so the contract a pipeline validates against cannot drift from the
// code: `npm run schema` writes them (schema/), and test/report-schema.test.ts checks the committed
// files are what the types give and that every report the CLI prints is valid under them.
import { fileURLToPath } from "node:url";
import { createGenerator } from "ts-json-schema-generator";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Each file under schema/, with the exported type it describes and the module that declares it. */
export const REPORT_SCHEMAS = [
  {
    file: "azfn-health.report.schema.json",
    title: "azfn-health report (check, preflight, check --watch; --format json)",
    path: "src/app/sinks.ts",
    type: "JsonReport",
  },
  {
    file: "azfn-health.fleet.schema.json",
    title: "azfn-health fleet report (fleet --format json)",
    path: "src/fleet/model.ts",
    type: "FleetReport",
  },
];

/** The schema of one entry of REPORT_SCHEMAS, as an object (draft-07, no property the type does not declare). */
export function reportSchema({ title, path, type }) {
  const schema = createGenerator({
    path: `${ROOT}/${path}`,
    tsconfig: `${ROOT}/tsconfig.json`,
    type,
    // `npm run typecheck` checks the types; the generator only reads them.
    skipTypeCheck: true,
    additionalProperties: false,
    jsDoc: "extended",
  }).createSchema(type);
  return { $schema: schema.$schema, title, ...schema };
}
