/**
 * How many generated cases a soak test runs (issue 18, "The suite"): a small number in `npm test`,
 * enough for every branch of the generator, and the full number when `AZFN_SOAK=full` (set by
 * `.ci/run` for its first suite run). The one place that reads the convention.
 */
export const SOAK_FULL = process.env.AZFN_SOAK === "full";

/** `full` cases under `AZFN_SOAK=full`, otherwise `small`. */
export function soakCases(full: number, small: number): number {
  return SOAK_FULL ? full : small;
}
