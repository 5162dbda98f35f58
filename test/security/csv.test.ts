import { describe, expect, it } from "vitest";
import { csvCell, csvRows } from "../../src/report/csv.js";
import { rng } from "../support/seeded.mjs";
import { soakCases } from "../support/soak.js";

/**
 * OWASP's CSV injection guidance, as a spreadsheet would read the cell: after the quotes are taken
 * off (RFC 4180) and leading spaces skipped, a cell must not start with a formula trigger. Every
 * CSV the tool writes goes through csvCell (metrics.csv, ledger list and report).
 */
const TRIGGERS = ["=", "+", "-", "@", "\t", "\r", "\n", "\u0000", "\uff1d", "\uff0b", "\uff0d", "\uff20"];

/** What a spreadsheet sees: the field unquoted, then whatever it skips before reading a formula. */
function spreadsheetView(cell: string): string {
  expect(cell).toMatch(/^"(?:[^"]|"")*"$/);
  return cell.slice(1, -1).replace(/""/g, '"');
}
const startsAFormula = (text: string) =>
  /^[\s\u0000]*[=+\-@\uff1d\uff0b\uff0d\uff20]/.test(text) || /^[\t\r\n\u0000]/.test(text);

describe("CSV cells", () => {
  it.each([
    ["=1+1", `"'=1+1"`],
    ["  =1+1", `"'  =1+1"`],
    ["\u0000=cmd", `"'\u0000=cmd"`],
    ["\n=cmd", `"'\n=cmd"`],
    ["\r@SUM(A1)", `"'\r@SUM(A1)"`],
    [" \t-2", `"' \t-2"`],
    ["\uff1dHYPERLINK()", `"'\uff1dHYPERLINK()"`],
    ['a "quoted", b', '"a ""quoted"", b"'],
    ["plain", '"plain"'],
    ["", '""'],
  ])("%j is written %j", (input, expected) => expect(csvCell(input)).toBe(expected));

  it("numbers stay numbers; nothing is written for null, undefined and non-finite numbers", () => {
    expect([-5, 0.25, null, undefined, Number.NaN, Infinity].map(csvCell)).toEqual([
      "-5",
      "0.25",
      "",
      "",
      "",
      "",
    ]);
  });

  const SEED = 0xc5f;
  const CASES = soakCases(2000, 500);
  it(`${CASES} seeded cells (seed ${SEED}): none reads as a formula, every one is quoted and round-trips`, () => {
    const random = rng(SEED);
    const pieces = [...TRIGGERS, " ", "  ", '"', ",", "a", "1", "SUM(A1)", "|", "'", "\u00a0"];
    for (let i = 0; i < CASES; i++) {
      let value = "";
      const length = 1 + Math.floor(random() * 6);
      for (let p = 0; p < length; p++) value += pieces[Math.floor(random() * pieces.length)];
      const seen = spreadsheetView(csvCell(value));
      expect(startsAFormula(seen), `case ${i} (seed ${SEED}): ${JSON.stringify(value)}`).toBe(false);
      // Nothing is lost: the text is the value, with at most a leading apostrophe.
      expect([value, `'${value}`]).toContain(seen);
    }
  });

  it("rows end with CRLF (RFC 4180) unless asked for LF, and a line break inside a cell stays inside it", () => {
    expect(
      csvRows([
        ["a", 1],
        ["b\nc", null],
      ]),
    ).toBe('"a",1\r\n"b\nc",\r\n');
    expect(csvRows([["a"]], "\n")).toBe('"a"\n');
  });
});
