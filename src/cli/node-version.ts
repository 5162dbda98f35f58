/**
 * The oldest Node.js the CLI runs on: 22.13, the first 22 where node:sqlite (the ledger) loads
 * without a flag (https://nodejs.org/api/sqlite.html). package.json's `engines` says the same.
 */
export const MINIMUM_NODE = [22, 13] as const;

/** A version's numbers ("v22.13.1" → [22, 13, 1]), as unsupportedNode and youngGenerationFlag read them. */
const majorMinor = (version: string) => version.replace(/^v/, "").split(".").map(Number);

/** One line for a Node.js that is too old (older Node has no node:sqlite), else undefined. */
export function unsupportedNode(version: string): string | undefined {
  const [major = 0, minor = 0] = majorMinor(version);
  const [needMajor, needMinor] = MINIMUM_NODE;
  if (major > needMajor || (major === needMajor && minor >= needMinor)) return undefined;
  return (
    `azfn-health: needs Node.js ${needMajor}.${needMinor} or later (22 or 24 LTS); this is Node.js ` +
    `${version.replace(/^v?/, "")}. Install Node.js 24 (https://nodejs.org) and run it again.\n`
  );
}

/**
 * The V8 flag that keeps the young generation at its first size, on the Node majors it is tested on
 * (test/cold-start.test.ts), else undefined: V8 prints an error for a flag it does not know.
 *
 * V8 doubles the young generation (from 1 MB a semi-space, up to 8 here) whenever a collection
 * finds much of it alive, as a run's loaded code and fetched data are. Each doubling is fresh
 * memory, which a VM charges by the page (~12 µs a 4 KiB page on the bench's VM). A run lasts
 * seconds, not hours: it is faster with the young generation kept small, though it collects more
 * often (issue #19: a replayed check ~15 ms faster, `ledger report` over 10,000 records 749 → 611 ms,
 * its peak memory 150 → 108 MB). V8 reads the factor each time it would grow the space
 * (SemiSpaceNewSpace::Grow, https://github.com/v8/v8/blob/main/src/heap/new-spaces.cc), so
 * setting it once Node has started holds.
 */
export function youngGenerationFlag(version: string): string | undefined {
  const [major] = majorMinor(version);
  return major === 22 || major === 24 ? "--semi-space-growth-factor=1" : undefined;
}
