// Datasets far larger than the usual ones must not overflow the stack (push(...list) with a
// list of a few hundred thousand elements did, and reached the user as an "internal" error).
import { describe, expect, it } from 'vitest';
import { stratifiedSplit } from './stratified-split.js';

describe('large datasets', () => {
  it('splits 600,000 rows of one class (a CSV of that size failed with "Maximum call stack size exceeded")', () => {
    const labels = new Int32Array(600_000);
    const s = stratifiedSplit(labels, { val: 0.2, test: 0.1 }, 1);
    expect([s.train.length, s.val.length, s.test.length]).toEqual([420_000, 120_000, 60_000]);
    const all = new Uint8Array(600_000);
    for (const k of ['train', 'val', 'test'] as const) for (const i of s[k]) all[i]++;
    expect(all.every((c) => c === 1)).toBe(true);
  });
});
