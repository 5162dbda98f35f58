import {
  arr,
  bool,
  date,
  expected,
  num,
  obj,
  oneOf,
  opt,
  str,
  type AzureResponse,
  type Guard,
} from "./response.js";

/** What the signals query (src/collect/logs.ts) returns, column by column. */
const SIGNAL_COLUMNS: Record<string, Guard> = {
  window: oneOf("baseline", "after"),
  kind: oneOf("exception", "failed request", "host signal"),
  name: opt(str),
  count: (value, path) =>
    typeof value === "number" && Number.isInteger(value) && value >= 0
      ? undefined
      : typeof value === "number"
        ? `${path} is not a count`
        : expected(value, path, "a count"),
};

/** A Log Analytics column type, as the cell must be (null is an empty cell). */
const CELL: Record<string, Guard> = {
  string: str,
  long: num,
  int: num,
  real: num,
  double: num,
  bool: bool,
  boolean: bool,
  datetime: date,
};

const tableShape = obj({
  name: opt(str),
  columns: arr(obj({ name: str, type: opt(str) })),
  rows: arr(arr(() => undefined)),
});

const table: Guard = Object.assign(
  (value: unknown, path: string) => {
    const problem = tableShape(value, path);
    if (problem) return problem;
    const { columns, rows } = value as { columns: { name: string; type?: string }[]; rows: unknown[][] };
    for (const column of Object.keys(SIGNAL_COLUMNS))
      if (!columns.some((c) => c.name === column)) return `${path}.columns has no "${column}" column`;
    for (const [r, row] of rows.entries()) {
      if (row.length !== columns.length)
        return `${path}.rows[${r}] has ${row.length} cells for ${columns.length} columns`;
      for (const [i, column] of columns.entries()) {
        // Column names and types are Azure text: looked up as own keys only, and only the query's named.
        const known = Object.hasOwn(SIGNAL_COLUMNS, column.name);
        const type = column.type ?? "";
        const guard = known
          ? SIGNAL_COLUMNS[column.name]!
          : opt(Object.hasOwn(CELL, type) ? CELL[type]! : () => undefined);
        const cell = guard(row[i], `${path}.rows[${r}][${known ? column.name : i}]`);
        if (cell) return cell;
      }
    }
    return undefined;
  },
  { fields: tableShape.fields! },
);

/**
 * POST {Log Analytics}/v1/{component}/query: the signals query's one table. Not anchored at the
 * start: a Log Analytics endpoint (--logs-endpoint) may sit under a path.
 */
export const logs: AzureResponse<"logs"> = {
  source: "logs",
  route: /\/v1\/subscriptions\/.+\/query$/,
  shape: obj({ tables: arr(table), error: opt(obj({})) }),
  keep: {
    tables: [{ name: true, columns: [{ name: true, type: true }], rows: [[true]] }],
    error: { code: true, message: true },
  },
};
