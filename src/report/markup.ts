/**
 * HTML table cells and rows from content the caller has already escaped: report.html and the
 * ledger each keep their own `esc`, so this only lays out the markup.
 */
export function tableCells(cells: readonly (string | number)[], tag: "td" | "th" = "td"): string {
  return cells.map((cell) => `<${tag}>${cell}</${tag}>`).join("");
}

export function tableRow(cells: readonly (string | number)[], tag: "td" | "th" = "td"): string {
  return `<tr>${tableCells(cells, tag)}</tr>`;
}
