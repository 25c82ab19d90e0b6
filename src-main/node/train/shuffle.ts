import { seededRandom } from '../../core/random.js';

/** 0..n-1 in a seeded random order (Fisher-Yates): the same seed, the same epoch order. */
export function seededShuffle(n: number, seed: number): number[] {
  const rand = seededRandom(seed);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}
