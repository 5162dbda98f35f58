import { describe, expect, it } from "vitest";
import { duplicateKeyPath, durationMs, metricSpacing } from "../src/collect/ambiguity.js";
import { BASE_SEED, seeded, type Seeded } from "./support/seeded.js";

/**
 * The ambiguity checks read every metric answer before the code has warmed up, so they are written
 * for speed (issue #19). These are the straightforward versions they replaced, kept as oracles: the
 * fast ones must give exactly their answers, message and depth included, on generated texts and
 * bodies (valid JSON and mangled text alike).
 */
function duplicateKeyPathOracle(text: string): string | undefined {
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

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Every series as its list of times, the first pair not one interval apart named (the old loop's answer). */
function metricSpacingOracle(body: unknown): string | undefined {
  if (!isObject(body) || typeof body.interval !== "string" || !Array.isArray(body.value)) return undefined;
  const step = durationMs(body.interval);
  if (step === undefined || step <= 0) return "interval is not an ISO 8601 duration";
  const listOf = (value: unknown, field: string): unknown[] => {
    const list = isObject(value) ? value[field] : undefined;
    return Array.isArray(list) ? list : [];
  };
  const series = (body.value as unknown[]).flatMap((metric, m) =>
    listOf(metric, "timeseries").map((one, t) => ({
      m,
      t,
      times: listOf(one, "data").map((point) =>
        isObject(point) && typeof point.timeStamp === "string" ? Date.parse(point.timeStamp) : NaN,
      ),
    })),
  );
  for (const { m, t, times } of series) {
    const p = times.findIndex((time, i) => i > 0 && time - times[i - 1]! !== step);
    if (p > 0)
      return `value[${m}].timeseries[${t}].data[${p}] is not one interval (${body.interval}) after the point before it`;
  }
  return undefined;
}

// --- Generated JSON texts ------------------------------------------------------------------

/** Key names drawn from a small pool, so duplicates come up by chance at every depth. */
const NAMES = ["a", "b", "timeStamp", "average", 'q"uote', "back\\slash", "{br}", "co:lon", "[x]", "é", "\n"];
const SPACES = ["", "", "", " ", "\n", "\t", "\r\n  "];

/** A string literal for `text`, each character written raw or escaped, as a sender might. */
function literal(g: Seeded, text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    const mustEscape = ch === '"' || ch === "\\" || code < 0x20;
    const roll = g.next();
    if (mustEscape || roll < 0.15) {
      if (roll < 0.5 && ch === '"') out += '\\"';
      else if (roll < 0.5 && ch === "\\") out += "\\\\";
      else if (roll < 0.5 && ch === "\n") out += "\\n";
      else {
        const hex = code.toString(16).padStart(4, "0");
        out += `\\u${g.chance(0.5) ? hex.toUpperCase() : hex}`;
      }
    } else out += ch;
  }
  return `${out}"`;
}

function scalar(g: Seeded): string {
  switch (g.int(6)) {
    case 0:
      return String(Math.round(g.next() * 1e6) / 100);
    case 1:
      return g.pick(["true", "false", "null"]);
    case 2:
      return literal(g, g.pick(NAMES));
    case 3:
      return literal(g, `2026-11-12T18:${String(g.int(60)).padStart(2, "0")}:00Z`);
    case 4:
      // A value that looks like a key, a bracket or an escape inside a string.
      return literal(g, g.pick(['"a":1', "{", "}", "[", "]", "\\", '\\"', ":", '","b":']));
    default:
      return "-0.5e3";
  }
}

function value(g: Seeded, depth: number, unique: boolean): string {
  const space = () => g.pick(SPACES);
  if (depth > 4 || g.chance(0.35)) return scalar(g);
  if (g.chance(0.3)) {
    const items = Array.from({ length: g.int(5) }, () => space() + value(g, depth + 1, unique) + space());
    return `[${items.join(",")}]`;
  }
  // Mostly small objects (the metric points); now and then one with many keys.
  const count = depth < 2 && g.chance(0.1) ? 30 + g.int(20) : g.int(6);
  const names = unique
    ? Array.from({ length: count }, (_, i) => `${g.pick(NAMES)}${i}`)
    : Array.from({ length: count }, () => g.pick(NAMES) + (g.chance(0.6) ? String(g.int(40)) : ""));
  const members = names.map(
    (name) => `${space()}${literal(g, name)}${space()}:${space()}${value(g, depth + 1, unique)}${space()}`,
  );
  return `{${members.join(",")}}`;
}

/** Text as a hostile or broken sender might send it: cut short, a character dropped or added. */
function mangled(g: Seeded, text: string): string {
  const at = g.int(text.length + 1);
  switch (g.int(4)) {
    case 0:
      return text.slice(0, at);
    case 1:
      return text.slice(0, at) + text.slice(at + 1);
    case 2:
      return (
        text.slice(0, at) + g.pick(['"', "\\", "{", "}", "[", "]", ":", "\u00a0", "\u0001"]) + text.slice(at)
      );
    default:
      return `${text.slice(0, at)}\\`;
  }
}

describe("duplicateKeyPath answers as the straightforward scan does", () => {
  it("on generated JSON texts: duplicates at random depths, escaped keys, brackets inside strings", () => {
    let found = 0;
    for (let i = 0; i < 3000; i++) {
      const g = seeded(BASE_SEED + i);
      const text = value(g, 0, g.chance(0.5));
      expect(JSON.parse(text), `seed ${g.seed}`).toBeDefined();
      const expected = duplicateKeyPathOracle(text);
      if (expected) found++;
      expect(duplicateKeyPath(text), `seed ${g.seed}: ${text}`).toBe(expected);
    }
    // The generator reaches both answers.
    expect(found).toBeGreaterThan(300);
    expect(found).toBeLessThan(2700);
  });

  it("on mangled text: cut short, an unterminated string, a stray bracket, quote or backslash", () => {
    for (let i = 0; i < 3000; i++) {
      const g = seeded(BASE_SEED + 100_000 + i);
      let text = value(g, 0, g.chance(0.5));
      for (let k = g.int(3) + 1; k > 0; k--) text = mangled(g, text);
      expect(duplicateKeyPath(text), `seed ${g.seed}: ${text}`).toBe(duplicateKeyPathOracle(text));
    }
  });

  it("a long run of escapes, a long string, a deep or wide text: answered, no stack overflow", () => {
    const texts = [
      JSON.stringify({ a: '"'.repeat(5e6), b: 1, a2: { q: 1 } }).replace('{"q":1}', '{"q":1,"q":2}'),
      JSON.stringify({ a: "\\".repeat(1e6), b: "x".repeat(1e6) }),
      `{${Array.from({ length: 20_000 }, (_, i) => `"k${i}":${i}`).join(",")},"k5":0}`,
      `${"[".repeat(100_000)}${"]".repeat(100_000)}`,
      `${'{"a":'.repeat(50_000)}1${"}".repeat(50_000)}`,
    ];
    for (const text of texts) expect(duplicateKeyPath(text)).toBe(duplicateKeyPathOracle(text));
    expect(duplicateKeyPath(texts[0]!)).toBe("an object at depth 2 names one key twice");
    expect(duplicateKeyPath(texts[2]!)).toBe("an object at depth 1 names one key twice");
  });

  it("names the depth of the object that repeats a key, arrays counted", () => {
    expect(duplicateKeyPath('[{"x":[{"a":1,"a":2}]}]')).toBe("an object at depth 4 names one key twice");
    expect(duplicateKeyPath('{"a" \n: 1, "\\u0061"\t:2}')).toBe("an object at depth 1 names one key twice");
    const many = `{${Array.from({ length: 40 }, (_, i) => `"k${i}":${i}`).join(",")},"k39":0}`;
    expect(duplicateKeyPath(many)).toBe("an object at depth 1 names one key twice");
    expect(duplicateKeyPath(many.replace(',"k39":0', ""))).toBeUndefined();
    // A key is a string a colon follows, across whitespace only.
    expect(duplicateKeyPath('{"a":1,"a"x:2}')).toBeUndefined();
    expect(duplicateKeyPath('{"a":1,"a"\u00a0:2}')).toBe("an object at depth 1 names one key twice");
  });
});

// --- Generated metric bodies ---------------------------------------------------------------

const INTERVALS = ["PT1M", "PT5M", "PT1H", "P1D", "PT0M", "5 minutes"];

function timeStamp(g: Seeded, ms: number): unknown {
  switch (g.int(40)) {
    case 0:
      return undefined;
    case 1:
      return ms;
    case 2:
      return "2026-02-30T00:00:00Z";
    case 3:
      return new Date(ms).toISOString(); // with milliseconds
    case 4:
      return new Date(ms + 3_600_000).toISOString().replace(/\.\d+Z$/, "+01:00");
    default:
      return new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");
  }
}

function metricBody(g: Seeded): unknown {
  const interval = g.chance(0.9) ? "PT5M" : g.pick(INTERVALS);
  const step = durationMs(interval) ?? 60_000;
  const series = () => {
    let at = Date.UTC(2026, 10, 12, 23, 0) - g.int(10) * step;
    const data = Array.from({ length: g.int(60) }, () => {
      // Mostly one interval on; now and then a gap, a repeat or a step of another size.
      at += g.chance(0.995) ? step : g.pick([0, step * 2, 60_000, -step]);
      return g.chance(0.99) ? { timeStamp: timeStamp(g, at), average: g.next() } : g.pick([null, "x", []]);
    });
    return g.chance(0.98) ? { data } : g.pick([{}, { data: "x" }, null]);
  };
  const metric = () => ({
    name: { value: "Requests" },
    timeseries: g.chance(0.98) ? Array.from({ length: g.int(3) }, series) : undefined,
  });
  return { interval, value: Array.from({ length: 1 + g.int(4) }, metric) };
}

describe("metricSpacing answers as the straightforward loop does", () => {
  it("on generated bodies: gaps, repeats, dates that are not canonical or not dates", () => {
    let found = 0;
    for (let i = 0; i < 2000; i++) {
      const g = seeded(BASE_SEED + 200_000 + i);
      const body = metricBody(g);
      const expected = metricSpacingOracle(body);
      if (expected) found++;
      expect(metricSpacing(body), `seed ${g.seed}`).toBe(expected);
    }
    expect(found).toBeGreaterThan(200);
    expect(found).toBeLessThan(1800);
  });
});
