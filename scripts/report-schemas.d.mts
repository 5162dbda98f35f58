/** Each file under schema/, with the exported type it describes and the module that declares it. */
export const REPORT_SCHEMAS: { file: string; title: string; path: string; type: string }[];

/** Every schema of REPORT_SCHEMAS, by file: draft-07, no property the type does not declare. */
export function reportSchemas(): Record<string, Record<string, unknown>>;
