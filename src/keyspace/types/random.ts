/** A source of uniform doubles in [0, 1); Math.random unless a test injects a seeded one. */
export type RandomSource = () => number;

/** A uniform integer in [0, n). */
export function randomIndex(n: number, random: RandomSource): number {
  return Math.floor(random() * n);
}

/**
 * k distinct indexes out of [0, n), in random order, in O(k) time and space: a
 * partial Fisher-Yates shuffle over a virtual identity array whose displaced
 * entries live in a sparse map. Requires 0 <= k <= n.
 */
export function sampleDistinctIndexes(n: number, k: number, random: RandomSource): number[] {
  const displaced = new Map<number, number>();
  const out = new Array<number>(k);
  for (let i = 0; i < k; i++) {
    const j = i + randomIndex(n - i, random);
    const atJ = displaced.get(j) ?? j;
    displaced.set(j, displaced.get(i) ?? i);
    out[i] = atJ;
  }
  return out;
}
