import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../../src-main/api/contract.js';
import { dataUsed } from './data-used.js';

const options = { classes: [5, 6, 7, 8, 9], perClassLimit: 40, valFraction: 0.1, seed: 0 };
const run = (start: { classes: string[] | null; train: number } | null): RunRecord =>
  ({ config: { data: { path: '/data/fashion', options } }, start: start && { classes: start.classes, samples: { train: start.train } } }) as unknown as RunRecord;

describe('the Compare table names the data the same way for every run', () => {
  it('a finished run: class names, the cap and the count', () => {
    expect(dataUsed(run({ classes: ['Sandal', 'Shirt', 'Sneaker', 'Handbag', 'Ankle boot'], train: 200 }))).toBe('fashion · Sandal, Shirt, Sneaker, Handbag, Ankle boot · ≤40 per class · 200 train');
  });

  it('a run not started yet: what its options say, in the same words', () => {
    expect(dataUsed(run(null))).toBe('fashion · 5 classes · ≤40 per class');
  });

  it('many classes: a count', () => {
    expect(dataUsed(run({ classes: Array.from({ length: 10 }, (_, i) => `c${i}`), train: 20_000 }))).toBe('fashion · 10 classes · ≤40 per class · 20,000 train');
  });
});
