/** mulberry32: a small seeded generator, so a failing case can be replayed by its number. */
export function rng(seed: number): () => number;
