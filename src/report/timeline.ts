import { tableRow } from "./markup.js";
import type { WatchSummary } from "../core/watch-model.js";

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

const TIMELINE_HEAD = ["Round", "At", "Evidence (min)", "Requests", "Verdict", "Evidence", "Changed"];

export function timelineHtml(watch: WatchSummary, esc: (text: string) => string): string {
  const rows = watch.rounds.map((r) =>
    tableRow([
      r.round,
      esc(r.at),
      r.evidenceMinutes,
      r.requests === null ? "" : Math.round(r.requests),
      esc(r.verdict),
      r.evidenceMet ? "met" : "short",
      esc(r.changed.join(" ")),
    ]),
  );
  const short = watch.evidence.met
    ? ""
    : `. Evidence minimum not met: ${esc(watch.evidence.missing.join("; "))}`;
  return (
    `<h2>Watch timeline</h2><p class="meta">${esc(timelineLines(watch)[0]!)}${short}</p>` +
    `<table data-section="watch"><thead>${tableRow(TIMELINE_HEAD, "th")}</thead><tbody>${rows.join("")}</tbody></table>`
  );
}
