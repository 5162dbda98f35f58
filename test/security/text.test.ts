import { describe, expect, it } from "vitest";
import { cleanText, scrubSecrets, stripControls } from "../../src/core/scrub.js";
import { inert, inertDeep } from "../../src/report/inert.js";
import {
  expectNoInjectedCommand,
  expectNoMarkup,
  CONTROL_PAYLOAD,
  CREDENTIAL,
  everyFreeText,
  everyOutput,
  MARKUP_PAYLOAD,
  RAW_CONTROL,
  SECRET_SHAPES,
} from "./hostile.js";
import { BASE_SEED, seeded } from "../support/seeded.js";

describe("control characters", () => {
  it("become visible escapes: ESC, OSC, BEL, CR, LF, C1, NUL, bidi overrides and isolates", () => {
    const clean = stripControls(CONTROL_PAYLOAD);
    expect(clean).not.toMatch(RAW_CONTROL);
    expect(clean).not.toMatch(/[\n\r]/);
    expect(clean).toContain("\\x1b[2J");
    expect(clean).toContain("\\u202e");
    expect(clean).toContain("b FAKE LINE ##[error]fake");
    expect(inert(CONTROL_PAYLOAD)).toContain("## [error]fake");
  });

  it("inert answers the same for a text it has seen: short and long, hostile and plain (generated)", () => {
    const g = seeded(BASE_SEED);
    const pieces = [
      CONTROL_PAYLOAD,
      MARKUP_PAYLOAD,
      ...SECRET_SHAPES("m"),
      "::set-output",
      "##vso[",
      "Requests",
      " ",
    ];
    const texts = Array.from({ length: 400 }, () =>
      Array.from({ length: 1 + g.int(4) }, () => g.pick(pieces)).join(g.pick(["", " ", "\n"])),
    );
    const first = texts.map((text) => inert(text));
    // Seen again, in another order: each text still gets its own answer, which is the clean text.
    expect([...texts].reverse().map((text) => inert(text))).toEqual([...first].reverse());
    // …and that answer is the three passes, made afresh.
    const afresh = (text: string) =>
      cleanText(text)
        .replace(/##(vso)?\[/gi, (match) => `${match.slice(0, -1)} [`)
        .replace(/::/g, ": :");
    for (const [i, text] of texts.entries()) expect(first[i], `seed ${g.seed}, text ${i}`).toBe(afresh(text));
    expect(texts.some((text) => text.length > 256)).toBe(true);
    expect(texts.some((text) => text.length <= 256)).toBe(true);
  });

  it("inertDeep makes what Object.fromEntries over every member made: order, __proto__, keys that collide (generated)", () => {
    const g = seeded(BASE_SEED + 1);
    const oracle = (value: unknown): unknown =>
      typeof value === "string"
        ? inert(value)
        : Array.isArray(value)
          ? value.map(oracle)
          : value && typeof value === "object"
            ? Object.fromEntries(Object.entries(value).map(([k, v]) => [inert(k), oracle(v)]))
            : value;
    const keys = ["a", "a::b", "a: :b", "__proto__", "##vso[x", "constructor", "1", "0", CONTROL_PAYLOAD];
    const make = (depth: number): unknown => {
      if (depth > 3 || g.chance(0.3)) return g.pick(["x::y", 1, null, true, CREDENTIAL, "plain"]);
      if (g.chance(0.3)) return Array.from({ length: g.int(4) }, () => make(depth + 1));
      // JSON.parse makes "__proto__" an own member, as Azure's JSON would.
      const members = Array.from({ length: g.int(5) }, () => [g.pick(keys), make(depth + 1)] as const);
      return JSON.parse(
        `{${members.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(",")}}`,
      );
    };
    for (let i = 0; i < 300; i++) {
      const value = make(0);
      const [made, expected] = [inertDeep(value), oracle(value)];
      expect(JSON.stringify(made), `seed ${g.seed}, case ${i}`).toBe(JSON.stringify(expected));
      // Plain objects and arrays all through (a member named __proto__ sets no prototype).
      const prototypes = (v: unknown): unknown[] =>
        v && typeof v === "object" ? [Object.getPrototypeOf(v), ...Object.values(v).flatMap(prototypes)] : [];
      expect(new Set(prototypes(made))).toEqual(new Set(prototypes(expected)));
    }
    const withProto = inertDeep(JSON.parse('{"__proto__":{"polluted":1}}') as object);
    expect(Object.getPrototypeOf(withProto)).toBe(Object.prototype);
    expect(Object.keys(withProto)).toEqual(["__proto__"]);
  });

  it("never reach any format, CI dialect or bundle file from any Azure field", async () => {
    const outputs = await everyOutput(everyFreeText((field) => `${field}:${CONTROL_PAYLOAD}`));
    expect(outputs.length).toBeGreaterThan(15);
    for (const { name, text, code } of outputs) {
      expect(code, name).not.toBe(1);
      // Text gets no color here (color: false), so any ESC at all is injected.
      expect(text, name).not.toMatch(RAW_CONTROL);
      expect(text, name).not.toMatch(/^FAKE LINE/m);
      expectNoInjectedCommand(name, text);
    }
    // The payload did arrive, escaped: the check is looking at the right fields.
    // (The text report wraps at the terminal's width: a wrapped line is one line here.)
    const text = outputs.find((o) => o.name === "text stdout")!.text.replace(/\n +/g, " ");
    expect(text).toContain("prod host error:a\\x1b[2J\\x1b]0;owned\\x07b FAKE LINE");
  });
});

describe("Markdown injection", () => {
  it("escapes markup and shows what GitHub would link as code", () => {
    const out = everyFreeText(() => MARKUP_PAYLOAD);
    return everyOutput(out).then((outputs) => {
      const markdown = outputs.filter((o) => /markdown stdout|report\.md|summary/.test(o.name));
      expect(markdown.length).toBe(4);
      for (const { name, text } of markdown) {
        expectNoMarkup(name, text);
        expect(text, name).toContain("`https://evil.example/a)`");
      }
      const html = outputs.find((o) => o.name === "bundle report.html")!.text;
      expect(html).not.toMatch(/<img|<script|<a href="https:\/\/evil/);
      expect(html).toContain("&lt;script&gt;");
    });
  });
});

describe("secrets inside free text", () => {
  it.each(SECRET_SHAPES("MARK"))("scrubs %s", (shape) => {
    const clean = scrubSecrets(shape);
    expect(clean).not.toContain("MARK");
    expect(clean).not.toMatch(CREDENTIAL);
    expect(clean).toContain("<redacted>");
  });

  it("keeps what is not a secret: names, ids, versions, hashes, plan tiers", () => {
    for (const text of [
      "System.OutOfMemoryException",
      "/subscriptions/8f3a2c71-5b0e-4d39-9a61-2e7c4b1d9f05/resourceGroups/rg2024orders/providers/Microsoft.Web/sites/orders-func-prod",
      "deployment 9b41e6d07a0c5f1e2d3c4b5a6978877665544332",
      "Basic B1",
      "ProcessOrdersFromQueue2TimerTriggerFunction",
      "exit code: 5",
      "FUNCTIONS_EXTENSION_VERSION=~4",
    ])
      expect(cleanText(text)).toBe(text);
  });

  it("a marker in every free-text field reaches no format, CI dialect, facts.json or stderr", async () => {
    const shapes = SECRET_SHAPES("SECRETMARKER");
    let n = 0;
    const outputs = await everyOutput(everyFreeText(() => shapes[n++ % shapes.length]!));
    for (const { name, text } of outputs) {
      expect(text, name).not.toContain("SECRETMARKER");
      expect(text, name).not.toMatch(CREDENTIAL);
    }
    // The fields were there: facts.json names the scrubbed setting and host error.
    expect(outputs.find((o) => o.name === "bundle facts.json")!.text).toContain("<redacted>");
  });
});
