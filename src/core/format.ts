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
  return `${whole < 0 || Object.is(whole, -0) ? "-" : ""}${grouped(String(Math.abs(whole)))}`;
}

/**
 * A number as en-US writes it by default (`toLocaleString("en-US")`: 1234.5678 → "1,234.568"):
 * thousands grouped, at most three decimals, rounded half away from zero on the number's shortest
 * decimal form, as ICU rounds. Not toLocaleString, for the reason groupThousands gives.
 */
export function enUsNumber(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "NaN" : x < 0 ? "-∞" : "∞";
  const [, whole = "0", fraction = "", exponent = "0"] =
    /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(Math.abs(x))) ?? [];
  const digits = `${whole}${fraction}`;
  const point = whole.length + Number(exponent);
  // The digits with the decimal point placed: whole part, then every fraction digit.
  const [int, frac] =
    point <= 0
      ? ["0", `${"0".repeat(-point)}${digits}`]
      : point >= digits.length
        ? [`${digits}${"0".repeat(point - digits.length)}`, ""]
        : [digits.slice(0, point), digits.slice(point)];
  let kept = `${int}${frac.slice(0, 3).padEnd(3, "0")}`;
  if ((frac[3] ?? "0") >= "5") kept = addOne(kept);
  const intPart = kept.slice(0, -3).replace(/^0+(?=\d)/, "");
  const fracPart = kept.slice(-3).replace(/0+$/, "");
  const sign = x < 0 || Object.is(x, -0) ? "-" : "";
  return `${sign}${grouped(intPart)}${fracPart ? `.${fracPart}` : ""}`;
}

/** Decimal digits with a comma before each group of three from the right ("1234567" → "1,234,567"). */
const grouped = (digits: string) => digits.replace(/\B(?=(\d{3})+$)/g, ",");

/** A string of decimal digits plus one ("0999" → "1000"). */
function addOne(digits: string): string {
  let i = digits.length - 1;
  while (i >= 0 && digits[i] === "9") i--;
  return i < 0
    ? `1${"0".repeat(digits.length)}`
    : `${digits.slice(0, i)}${Number(digits[i]) + 1}${"0".repeat(digits.length - i - 1)}`;
}

/** A relative change as a signed whole percentage: 0.48 → "+48 %", -0.2 → "-20 %". */
export function signedPercent(change: number): string {
  return `${change >= 0 ? "+" : ""}${(change * 100).toFixed(0)} %`;
}
