/**
 * The one CSV cell writer (the bundle's metrics.csv, the ledger's list and report). Text in a cell
 * can come from Azure or from a person, and a spreadsheet runs a cell that starts like a formula.
 * OWASP's CSV injection guidance in full (https://owasp.org/www-community/attacks/CSV_Injection):
 * every text cell is quoted (a quote doubled), and one that starts with `=`, `+`, `-`, `@`, a tab,
 * a carriage return, a line feed or NUL (after any leading spaces, which spreadsheets skip) gets a
 * leading `'`, so it reads as text. The full-width forms (＝ ＋ － ＠) count too: some spreadsheets
 * fold them. A number stays a number (no cell a number writes can start a formula but its sign,
 * which a spreadsheet reads as a negative number).
 */
// eslint-disable-next-line no-control-regex
const FORMULA_START = /^[\s\u0000]*[=+\-@\t\r\n\u0000\uff1d\uff0b\uff0d\uff20]|^[\t\r\n\u0000]/;

export type CsvValue = string | number | null | undefined;

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return `"${text.replace(/"/g, '""')}"`;
}

/** Rows as CSV: RFC 4180 line ends (CRLF) unless told otherwise, and a final line end. */
export function csvRows(rows: readonly (readonly CsvValue[])[], lineEnd: "\r\n" | "\n" = "\r\n"): string {
  return rows.map((row) => row.map(csvCell).join(",")).join(lineEnd) + lineEnd;
}
