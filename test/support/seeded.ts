import { rng } from "./seeded.mjs";

/** The seeded generator (seeded.mjs) with the draws property tests use. */
export interface Seeded {
  seed: number;
  next(): number;
  int(below: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

export function seeded(seed: number): Seeded {
  const next = rng(seed);
  const int = (below: number) => Math.floor(next() * below);
  return { seed, next, int, pick: (items) => items[int(items.length)]!, chance: (p) => next() < p };
}

/** The base seed: AZFN_SEED=<n> replays a run; each case's own seed is printed when it fails. */
export const BASE_SEED = Number(process.env.AZFN_SEED ?? 20261206);
