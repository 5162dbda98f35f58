import { isObject } from "./responses/response.js";

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
  // Index loops: a metric answer holds tens of thousands of points, read before the code warms up,
  // and an iterator of [index, value] pairs costs an allocation per point.
  const metrics = body.value as unknown[];
  for (let m = 0; m < metrics.length; m++) {
    const metric = metrics[m];
    const series =
      isObject(metric) && Array.isArray(metric.timeseries) ? (metric.timeseries as unknown[]) : [];
    for (let t = 0; t < series.length; t++) {
      const one = series[t];
      const data = isObject(one) && Array.isArray(one.data) ? (one.data as unknown[]) : [];
      let previous: number | undefined;
      for (let p = 0; p < data.length; p++) {
        const point = data[p];
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
 *
 * Metric answers are megabytes of small objects, read by code that has not warmed up, so the scan
 * leaves the characters to native code: a regex step to the next quote or bracket, `indexOf` to a
 * string's closing quote (an escaped one is skipped by the parity of the backslashes before it; a
 * regex matching the whole string would keep a backtracking entry per escape and overflow on a
 * long run of them), a key read by JSON.parse only when it holds an escape, and no collection per
 * object: the keys of the open objects sit in one list, each object's from where it starts (a Set
 * once it holds many, so a huge object costs no more than a linear pass).
 */
const NEXT = /["{}[\]]/g;
const SPACE = /\s*/y;
// eslint-disable-next-line no-control-regex
const ESCAPED_OR_CONTROL = /[\\\u0000-\u001f]/;
const MANY_KEYS = 32;
/** Whether the quote at `at` is escaped: an odd run of backslashes right before it. */
function escapedQuote(text: string, at: number): boolean {
  let run = 0;
  while (text.charCodeAt(at - 1 - run) === 0x5c /* \ */) run++;
  return run % 2 === 1;
}
export function duplicateKeyPath(text: string): string | undefined {
  const mayNeedParse = ESCAPED_OR_CONTROL.test(text);
  const keys: string[] = [];
  // Per depth: where that object's keys start in `keys` (-1: an array), and its Set once it holds many.
  const firstKey: number[] = [];
  const manyKeys: (Set<string> | undefined)[] = [];
  let depth = 0;
  NEXT.lastIndex = 0;
  while (NEXT.test(text)) {
    const at = NEXT.lastIndex - 1;
    const found = text.charCodeAt(at);
    if (found === 0x7b /* { */) {
      firstKey[depth] = keys.length;
      manyKeys[depth++] = undefined;
    } else if (found === 0x5b /* [ */) firstKey[depth++] = -1;
    else if (found === 0x7d /* } */ || found === 0x5d /* ] */) {
      if (depth > 0 && firstKey[--depth]! >= 0) keys.length = firstKey[depth]!;
    } else {
      let close = text.indexOf('"', at + 1);
      while (close > 0 && escapedQuote(text, close)) close = text.indexOf('"', close + 1);
      // A string left open runs to the end of the text: no key follows it.
      if (close < 0) return undefined;
      NEXT.lastIndex = close + 1;
      // A key when it is inside an object and a colon follows it.
      const from = depth > 0 ? firstKey[depth - 1]! : -1;
      if (from < 0) continue;
      if (text.charCodeAt(close + 1) !== 0x3a /* : */) {
        SPACE.lastIndex = close + 1;
        SPACE.test(text);
        if (text.charCodeAt(SPACE.lastIndex) !== 0x3a) continue;
      }
      let key = text.slice(at + 1, close);
      if (mayNeedParse && ESCAPED_OR_CONTROL.test(key)) {
        try {
          key = JSON.parse(text.slice(at, close + 1)) as string;
        } catch {
          return undefined;
        }
      }
      const set = manyKeys[depth - 1];
      if (set ? set.has(key) : keys.indexOf(key, from) >= 0)
        return `an object at depth ${depth} names one key twice`;
      if (set) set.add(key);
      else if (keys.push(key) - from > MANY_KEYS) manyKeys[depth - 1] = new Set(keys.slice(from));
    }
  }
  return undefined;
}
