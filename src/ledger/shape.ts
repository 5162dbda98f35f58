import { z } from "zod";
import { SEVERITIES } from "../analyse/rule.js";
import { plain } from "./render.js";
import type { SkippedRow } from "./location.js";
import { REMEDIATIONS, type LedgerEntry, type Mark } from "./record.js";

/**
 * The shape a stored row must have before any report reads it. A ledger is a file or a table other
 * tools (and people) can write to: valid JSON in the wrong shape must be named and skipped, never
 * crash `ledger list` or count as a deployment. Unknown extra fields are kept (a newer minor
 * version may add some); missing or mistyped ones are refused.
 */
const time = z.string().refine((text) => !Number.isNaN(Date.parse(text)), "not a time");
const text = z.string();

export const MARK_SHAPE = z.looseObject({
  outcome: z.enum(["clean", "unclean"]),
  remediation: z.enum(REMEDIATIONS).optional(),
  reason: text,
  restoredAt: time.optional(),
  by: text,
  byFrom: text.optional(),
  ciBuild: text.optional(),
  at: time,
  servicenowChange: text.optional(),
});

const STACK_SHAPE = z.looseObject({
  extensionVersion: text.nullable(),
  stack: text.nullable(),
  endOfLife: text.nullable(),
});

const ENTRY_SHAPE = z.looseObject({
  version: z.literal(1),
  id: text.min(1),
  recordedAt: time,
  tool: text,
  mode: z.enum(["live", "replay"]),
  apps: z.looseObject({ qa: text, prod: text.min(1) }),
  production: z.boolean(),
  release: z.looseObject({
    time: time.optional(),
    source: text,
    detail: text,
    deploymentId: text.optional(),
  }),
  verdict: z.enum(["PROCEED", "MONITOR", "HOTFIX", "ROLLBACK", "INCONCLUSIVE"]),
  exitCode: z.number().int(),
  findings: z.array(
    z.looseObject({ ruleId: text, severity: z.enum(SEVERITIES), environment: text, title: text }),
  ),
  outcome: z.enum(["clean", "unclean", "inconclusive"]),
  marks: z.array(MARK_SHAPE),
  servicenowChange: text.optional(),
  drivers: z.array(text).optional(),
  warnings: z.array(text).optional(),
  stack: z.looseObject({ prod: STACK_SHAPE.nullable() }).optional(),
});

/** The first problem, as "apps.prod: expected string": enough to find the field, one line. */
function firstProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "not a record";
  const where = issue.path.length > 0 ? issue.path.join(".") : "the row";
  return `${where}: ${issue.message}`;
}

export type Checked<T> = { ok: true; value: T } | { ok: false; skipped: SkippedRow };

function check<T>(shape: z.ZodType, json: string, id: string, what: string): Checked<T> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { ok: false, skipped: { id: plain(id), problem: `${what} is not JSON` } };
  }
  const result = shape.safeParse(value);
  if (!result.success)
    return {
      ok: false,
      skipped: { id: plain(id), problem: `${what} in the wrong shape (${firstProblem(result.error)})` },
    };
  return { ok: true, value: result.data as T };
}

/** A stored record's entry (without its marks' rows), checked. `id` is the row's key, for the message. */
export function checkEntry(json: string, id: string): Checked<LedgerEntry> {
  const checked = check<LedgerEntry>(ENTRY_SHAPE, json, id, "the record");
  if (checked.ok && checked.value.id !== id)
    return {
      ok: false,
      skipped: { id: plain(id), problem: `the record says its id is ${plain(checked.value.id)}` },
    };
  return checked;
}

export const checkMarks = (json: string, id: string): Checked<Mark[]> =>
  check<Mark[]>(z.array(MARK_SHAPE), json, id, "its marks");

export const checkMark = (json: string, id: string): Checked<Mark> =>
  check<Mark>(MARK_SHAPE, json, id, "a mark");

/** One line for a skipped row: which, why, and that the rest was read. */
export const skippedLine = (row: SkippedRow): string =>
  `ledger: record ${row.id} skipped: ${row.problem} (the other records were read)`;
