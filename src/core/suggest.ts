/**
 * "Did you mean": the candidate closest to what was typed, by edit distance (insertions, deletions,
 * substitutions, and a swap of two neighbours, which is most typos: `--fial-on`), when it is close
 * enough to be the likely intent: at most 2 edits, and fewer than a third of the word.
 */
export function closest(typed: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(typed.toLowerCase(), candidate.toLowerCase());
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  if (!best || best.distance === 0) return best?.candidate;
  return best.distance <= Math.min(2, Math.ceil(typed.length / 3)) ? best.candidate : undefined;
}

/** Optimal string alignment distance (Damerau-Levenshtein without repeated edits of one substring). */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  return rows[a.length]![b.length]!;
}

/**
 * The one candidate that begins with what was typed (`story` for `story-32bit-upgrade`): a name
 * typed only in part is no typo for `closest`. Three characters at least, and only when one
 * candidate begins so: two would make it a guess.
 */
export function onlyCompletion(typed: string, candidates: readonly string[]): string | undefined {
  if (typed.length < 3) return undefined;
  const begun = candidates.filter((candidate) => candidate.toLowerCase().startsWith(typed.toLowerCase()));
  return begun.length === 1 ? begun[0] : undefined;
}
