// Derived seeds: one user seed fans out to independent streams (per class for splits, per
// (epoch, index) for augmentation) so that changing one part never reshuffles another.

/** A 32-bit mix of several integers (murmur3's finaliser over a running hash). */
export function mixSeeds(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}
