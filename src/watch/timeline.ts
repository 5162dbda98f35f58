import type { WatchSummary } from "./model.js";

/**
 * The rounds of `check --watch` as a timeline, for the text, Markdown and HTML reports. Kept
 * apart from the renderers so their layout can place it; every string here is already inert
 * (the report model neutralises Azure text) and HTML is escaped by the caller's `esc`.
 */
export function timelineLines(watch: WatchSummary): string[] {
  const out = [
    `Watch: ${watch.rounds.length} round(s) every ${watch.intervalMinutes} min over ` +
      `${watch.durationMinutes} min, failure limit ${watch.failureLimit}; ended by ${watch.stoppedBy}`,
  ];
  for (const r of watch.rounds) {
    const traffic = r.requests === null ? "traffic unknown" : `${Math.round(r.requests)} req`;
    const changed = r.changed.length > 0 ? `  ${r.changed.join(" ")}` : "";
    out.push(
      `  #${String(r.round).padEnd(3)} ${r.at}  ${String(r.evidenceMinutes).padStart(5)} min  ` +
        `${traffic.padStart(11)}  ${r.verdict.padEnd(12)} ` +
        `${r.evidenceMet ? "evidence met" : "evidence short"}${changed}`,
    );
  }
  if (!watch.evidence.met) out.push(`  evidence minimum not met: ${watch.evidence.missing.join("; ")}`);
  return out;
}

export function timelineHtml(watch: WatchSummary, esc: (text: string) => string): string {
  const rows = watch.rounds
    .map(
      (r) =>
        `<tr><td>${r.round}</td><td>${esc(r.at)}</td><td>${r.evidenceMinutes}</td><td>${r.requests === null ? "" : Math.round(r.requests)}</td><td>${esc(r.verdict)}</td><td>${r.evidenceMet ? "met" : "short"}</td><td>${esc(r.changed.join(" "))}</td></tr>`,
    )
    .join("");
  return (
    `<h2>Watch timeline</h2><p ` +
    `class="meta">${esc(timelineLines(watch)[0]!)}${watch.evidence.met ? "" : `. Evidence minimum not met: ${esc(watch.evidence.missing.join("; "))}`}</p><table data-section="watch"><thead><tr><th>Round</th><th>At</th><th>Evidence (min)</th><th>Requests</th><th>Verdict</th><th>Evidence</th><th>Changed</th></tr></thead><tbody>${rows}</tbody></table>`
  );
}
