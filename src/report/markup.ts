/**
 * The one HTML escape: report.html, the ledger's pages and the ServiceNow note's `[code]` block.
 * Text and attribute values alike: every attribute is written in double quotes, so `'` stays.
 * Azure text reaches it already made inert.
 */
export function esc(text: string | number): string {
  return String(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/** HTML table cells and rows from content the caller has already escaped with `esc`. */
export function tableCells(cells: readonly (string | number)[], tag: "td" | "th" = "td"): string {
  return cells.map((cell) => `<${tag}>${cell}</${tag}>`).join("");
}

export function tableRow(cells: readonly (string | number)[], tag: "td" | "th" = "td"): string {
  return `<tr>${tableCells(cells, tag)}</tr>`;
}
