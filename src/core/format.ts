export const GiB = 1024 ** 3;

/** A metric value as a person reads it: GiB or MiB, ms or s, percent; counts plain. */
export function formatValue(
  value: number | null,
  unit: "Count" | "Bytes" | "Seconds" | "Percent" | "Ratio",
): string {
  if (value === null || !Number.isFinite(value)) return "n/a";
  if (unit === "Bytes")
    return value >= GiB ? `${(value / GiB).toFixed(2)} GiB` : `${(value / 1024 ** 2).toFixed(0)} MiB`;
  if (unit === "Seconds") return value < 1 ? `${(value * 1000).toFixed(0)} ms` : `${value.toFixed(2)} s`;
  if (unit === "Percent") return `${value.toFixed(1)} %`;
  if (unit === "Ratio") return `${(value * 100).toFixed(2)} %`;
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(3);
}

/**
 * A whole number with thousands separators, as en-US writes it (1234567 → "1,234,567"). Not
 * toLocaleString: its first call loads ICU's number formatting (tens of ms of a run's start-up).
 */
export function groupThousands(n: number): string {
  const whole = Math.round(n);
  return `${whole < 0 || Object.is(whole, -0) ? "-" : ""}${String(Math.abs(whole)).replace(/\B(?=(\d{3})+$)/g, ",")}`;
}

/** A relative change as a signed whole percentage: 0.48 → "+48 %", -0.2 → "-20 %". */
export function signedPercent(change: number): string {
  return `${change >= 0 ? "+" : ""}${(change * 100).toFixed(0)} %`;
}
