/**
 * The oldest Node.js the CLI runs on: 22.13, the first 22 where node:sqlite (the ledger) loads
 * without a flag (https://nodejs.org/api/sqlite.html). package.json's `engines` says the same.
 */
export const MINIMUM_NODE = [22, 13] as const;

/** One line for a Node.js that is too old (older Node has no node:sqlite), else undefined. */
export function unsupportedNode(version: string): string | undefined {
  const [major = 0, minor = 0] = version.replace(/^v/, "").split(".").map(Number);
  const [needMajor, needMinor] = MINIMUM_NODE;
  if (major > needMajor || (major === needMajor && minor >= needMinor)) return undefined;
  return (
    `azfn-health: needs Node.js ${needMajor}.${needMinor} or later (22 or 24 LTS); this is Node.js ` +
    `${version.replace(/^v?/, "")}. Install Node.js 24 (https://nodejs.org) and run it again.\n`
  );
}
