/**
 * Plain code-unit order, for ids, ISO times and query keys. Not localeCompare: its first call
 * loads ICU's collation data (~10-30 ms of a run's start-up, issue #19), and a machine's locale
 * must not reorder a report.
 */
export const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
