// The JSON Schemas of what `--format json` prints, generated from the TypeScript types the code
// builds those objects with, so the contract a pipeline validates against cannot drift from the
// code: `npm run schema` writes them (schema/), and test/report-schema.test.ts checks the committed
// files are what the types give and that every JSON document the CLI prints is valid under them.
import { fileURLToPath } from "node:url";
import { createGenerator } from "ts-json-schema-generator";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Each file under schema/, with the exported type it describes and the module that declares it. */
export const REPORT_SCHEMAS = [
  {
    file: "azfn-health.report.schema.json",
    title: "azfn-health check, preflight and check --watch report (--format json)",
    path: "src/app/sinks.ts",
    type: "JsonReport",
  },
  {
    file: "azfn-health.fleet.schema.json",
    title: "azfn-health fleet report (fleet --format json)",
    path: "src/fleet/model.ts",
    type: "FleetReport",
  },
  {
    file: "azfn-health.ledger-record.schema.json",
    title: "azfn-health ledger record (ledger show --format json)",
    path: "src/ledger/record.ts",
    type: "LedgerRecord",
  },
  {
    file: "azfn-health.ledger-list.schema.json",
    title: "azfn-health ledger deployments (ledger list --format json)",
    path: "src/ledger/render.ts",
    type: "LedgerListJson",
  },
  {
    file: "azfn-health.ledger-diff.schema.json",
    title: "azfn-health ledger diff (ledger diff --format json)",
    path: "src/ledger/render.ts",
    type: "LedgerDiffJson",
  },
  {
    file: "azfn-health.ledger-report.schema.json",
    title: "azfn-health ledger report (ledger report --format json)",
    path: "src/ledger/metrics.ts",
    type: "LedgerSummary",
  },
];

/**
 * Every schema of REPORT_SCHEMAS, by file: draft-07, no property the type does not declare. One
 * program reads all the modules (reading them is most of the seconds this takes).
 */
export function reportSchemas() {
  const paths = [...new Set(REPORT_SCHEMAS.map((entry) => entry.path.replace(/^src\/|\.ts$/g, "")))];
  const generator = createGenerator({
    path: `${ROOT}/src/{${paths.join(",")}}.ts`,
    tsconfig: `${ROOT}/tsconfig.json`,
    // `npm run typecheck` checks the types; the generator only reads them.
    skipTypeCheck: true,
    additionalProperties: false,
    jsDoc: "extended",
  });
  return Object.fromEntries(
    REPORT_SCHEMAS.map(({ file, title, type }) => {
      const schema = generator.createSchema(type);
      return [file, { $schema: schema.$schema, title, ...schema }];
    }),
  );
}
