/**
 * Plain code-unit order, for ids, ISO times and query keys. Not localeCompare: its first call
 * loads ICU's collation data (~10-30 ms of a run's start-up, issue #19), and a machine's locale
 * must not reorder a report.
 */
export const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Code-unit order of the texts in lower case, then of the texts: for Azure's names, ids and terms,
 * which Azure compares without case ("rg-Orders" and "rg-orders" are one group), so they sort
 * side by side. No locale reorders it.
 */
export const byCodeUnitIgnoringCase = (a: string, b: string): number =>
  byCodeUnit(a.toLowerCase(), b.toLowerCase()) || byCodeUnit(a, b);
