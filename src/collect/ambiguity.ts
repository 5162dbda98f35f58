/**
 * Answers that fit their documented shape and still cannot be read one way: a setting name with a
 * space at its end, two settings that differ only by case, a key given twice in one JSON object, a
 * runtime string with a line break in it, a SKU name with a space, a metric series whose points do
 * not sit one interval apart. Azure (or whoever can write to the app) sent two readings at once;
 * taking one of them would be a guess, and a plan built on a guess can stop a running app. Each
 * response module (src/collect/responses/) names the checks that apply to it; the shape policy
 * (src/collect/shapes.ts) turns what they find into an "ambiguous answer" for its source: a gap, like
 * a malformed answer, so the rules that need it report unknown and no fix is derived from it.
 */
type Body = Record<string, unknown>;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const isObject = (value: unknown): value is Body =>
  typeof value === "object" && value !== null && !Array.isArray(value);
export const propertiesOf = (body: unknown): Body | undefined => {
  if (!isObject(body)) return undefined;
  return isObject(body.properties) ? body.properties : undefined;
};

/**
 * App settings and connection strings: Windows reads environment variables regardless of case and
 * Linux does not, and a trailing space is invisible in the portal. Names are never quoted (Azure text).
 * https://learn.microsoft.com/azure/app-service/reference-app-settings
 */
export function settingNames(body: unknown): string | undefined {
  const names = Object.keys(propertiesOf(body) ?? {});
  const padded = names.findIndex((name) => name !== name.trim() || CONTROL.test(name));
  if (padded >= 0)
    return `setting ${padded + 1} has a name with leading or trailing space or a control character`;
  const seen = new Map<string, number>();
  for (const [i, name] of names.entries()) {
    const folded = name.toUpperCase();
    const first = seen.get(folded);
    if (first !== undefined) return `settings ${first + 1} and ${i + 1} have names that differ only by case`;
    seen.set(folded, i);
  }
  return undefined;
}

/** Runtime strings (`DOTNET-ISOLATED|8.0`, `v8.0`): one line, no surrounding space. */
const VERSION_FIELDS = [
  "linuxFxVersion",
  "windowsFxVersion",
  "netFrameworkVersion",
  "powerShellVersion",
  "javaVersion",
];
export function runtimeStrings(body: unknown): string | undefined {
  const properties = propertiesOf(body) ?? {};
  for (const field of VERSION_FIELDS) {
    const value = properties[field];
    if (typeof value === "string" && (value !== value.trim() || CONTROL.test(value)))
      return `${field} holds a line break, a control character or surrounding space`;
  }
  return undefined;
}

/** A SKU name or tier is one word (`EP1`, `ElasticPremium`, `FlexConsumption`, `Y1`). */
const SKU_WORD = /^[A-Za-z0-9_]+$/;
export function skuWords(body: unknown): string | undefined {
  const sku = isObject(body) ? body.sku : undefined;
  const fromPlan = isObject(sku)
    ? [
        ["sku.name", sku.name],
        ["sku.tier", sku.tier],
      ]
    : [];
  const fromSite = [["sku", propertiesOf(body)?.sku]];
  for (const [field, value] of [...fromPlan, ...fromSite] as [string, unknown][])
    if (typeof value === "string" && !SKU_WORD.test(value)) return `${field} is not one word`;
  return undefined;
}

/** ISO 8601 durations Azure Monitor uses for `interval` (PT1M … P1D). */
export function durationMs(text: string): number | undefined {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(text);
  if (!match || text === "P" || text.endsWith("T")) return undefined;
  const [, d = "0", h = "0", m = "0", s = "0"] = match;
  return ((Number(d) * 24 + Number(h)) * 60 + Number(m)) * 60_000 + Number(s) * 1000;
}

/**
 * Azure Monitor answers one point per interval across the timespan (a point with no value included),
 * so consecutive timestamps sit exactly one interval apart.
 * https://learn.microsoft.com/rest/api/monitor/metrics/list
 */
export function metricSpacing(body: unknown): string | undefined {
  if (!isObject(body) || typeof body.interval !== "string" || !Array.isArray(body.value)) return undefined;
  const step = durationMs(body.interval);
  if (step === undefined || step <= 0) return "interval is not an ISO 8601 duration";
  for (const [m, metric] of body.value.entries()) {
    const series = isObject(metric) && Array.isArray(metric.timeseries) ? metric.timeseries : [];
    for (const [t, one] of series.entries()) {
      const data = isObject(one) && Array.isArray(one.data) ? one.data : [];
      let previous: number | undefined;
      for (const [p, point] of data.entries()) {
        const time =
          isObject(point) && typeof point.timeStamp === "string" ? Date.parse(point.timeStamp) : NaN;
        if (previous !== undefined && time - previous !== step)
          return `value[${m}].timeseries[${t}].data[${p}] is not one interval (${body.interval}) after the point before it`;
        previous = time;
      }
    }
  }
  return undefined;
}

/**
 * A key given twice in one object: JSON.parse keeps the last, another reader the first. A linear scan
 * of the text, keys compared after unescaping (`"a"` and `"\u0061"` are one key).
 */
export function duplicateKeyPath(text: string): string | undefined {
  const stack: (Set<string> | undefined)[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "{") stack.push(new Set());
    else if (c === "[") stack.push(undefined);
    else if (c === "}" || c === "]") stack.pop();
    else if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
      const keys = stack.at(-1);
      if (!keys) continue;
      let next = i + 1;
      while (next < text.length && /\s/.test(text[next]!)) next++;
      if (text[next] !== ":") continue;
      let key: string;
      try {
        key = JSON.parse(text.slice(start, i + 1)) as string;
      } catch {
        return undefined;
      }
      if (keys.has(key)) return `an object at depth ${stack.length} names one key twice`;
      keys.add(key);
    }
  }
  return undefined;
}
