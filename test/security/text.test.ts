import { describe, expect, it } from "vitest";
import { cleanText, scrubSecrets, stripControls } from "../../src/core/scrub.js";
import { inert } from "../../src/report/inert.js";
import {
  CONTROL_PAYLOAD,
  CREDENTIAL,
  everyFreeText,
  everyOutput,
  MARKUP_PAYLOAD,
  RAW_CONTROL,
  runnerCommands,
  SECRET_SHAPES,
} from "./hostile.js";

/** Our own runner commands (src/report/ci.ts); anything else at a line start is injected. */
const OURS =
  /^(::(error|warning|notice) title=[^:]*::|##vso\[(task\.logissue type=(error|warning);code=[\w-]+\]|task\.setvariable variable=(verdict|exitCode);isOutput=true\]\w+$|task\.uploadsummary\]|task\.complete result=SucceededWithIssues;\]MONITOR$))/;

export function expectNoInjectedCommand(name: string, text: string): void {
  for (const line of runnerCommands(text)) {
    expect(line, `${name}: ${line}`).toMatch(OURS);
    expect(line.slice(line.match(OURS)![0].length), `${name}: ${line}`).not.toMatch(/##(vso)?\[|::/);
  }
}

/**
 * The Markdown a renderer reads as inline text, by CommonMark's rules: fenced blocks and code
 * spans out, a backslash-escaped character (an escaped backtick opens no span) as a plain "E".
 */
function outsideCode(markdown: string): string {
  const lines = markdown.split("\n");
  const kept: string[] = [];
  let fence: string | undefined;
  for (const line of lines) {
    const opener = /^(`{3,})/.exec(line)?.[1];
    if (fence) {
      if (opener && opener.length >= fence.length && line.trim() === opener) fence = undefined;
      continue;
    }
    if (opener) {
      fence = opener;
      continue;
    }
    kept.push(line);
  }
  const text = kept.join("\n");
  let out = "";
  for (let i = 0; i < text.length; i++) {
    if (text[i] === "\\" && /[!-/:-@[-`{-~]/.test(text[i + 1] ?? "")) {
      out += "E";
      i++;
      continue;
    }
    if (text[i] === "`") {
      const run = /^`+/.exec(text.slice(i))![0];
      const close = text.slice(i + run.length).search(new RegExp(`(?<!\`)${run}(?!\`)`));
      if (close >= 0) {
        i += run.length + close + run.length - 1;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

/** Markdown with code spans and our own rule links taken out: nothing left may be markup. */
export function expectNoMarkup(name: string, markdown: string): void {
  const prose = outsideCode(markdown).replace(
    /\[[A-Z]\d{2}\]\(https:\/\/learn\.microsoft\.com\/[^)\s]*\)/g,
    "",
  );
  for (const [what, pattern] of [
    ["a link or image", /\[[^\]]*\]\(/],
    ["an image", /!\[/],
    ["raw HTML", /<(?!br>)[a-z!/?]/i],
    ["a bare URL GitHub would link", /\b(https?:\/\/|www\.)/i],
    ["a mention", /(?<!\w)@[a-z0-9-]+/i],
  ] as const)
    expect(prose, `${name} has ${what}`).not.toMatch(pattern);
}

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
    const text = outputs.find((o) => o.name === "text stdout")!.text;
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
