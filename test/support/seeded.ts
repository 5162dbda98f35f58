/**
 * A seeded generator for property tests (no package: mulberry32), so a failing case is replayed
 * from the seed its assertion message prints.
 */
export interface Seeded {
  seed: number;
  next(): number;
  int(below: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

export function seeded(seed: number): Seeded {
  let state = seed;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (below: number) => Math.floor(next() * below);
  return { seed, next, int, pick: (items) => items[int(items.length)]!, chance: (p) => next() < p };
}

/** The base seed: AZFN_SEED=<n> replays a run; each case's own seed is printed when it fails. */
export const BASE_SEED = Number(process.env.AZFN_SEED ?? 20261206);
