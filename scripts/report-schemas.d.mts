/** Each file under schema/, with the exported type it describes and the module that declares it. */
export const REPORT_SCHEMAS: { file: string; title: string; path: string; type: string }[];

/** The schema of one entry of REPORT_SCHEMAS, as an object (draft-07, no property the type does not declare). */
export function reportSchema(entry: { title: string; path: string; type: string }): Record<string, unknown>;
