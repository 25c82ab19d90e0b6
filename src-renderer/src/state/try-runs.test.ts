// The Try panel's choices: which run it uses, where samples come from, names made distinct,
// and renames kept as the smallest record.
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../src-main/api/contract.js';
import { withRename } from './renames.js';
import { distinctNames, randomIndices, sampleSplit, triedRun } from './try-runs.js';

const run = (id: string, status: RunRecord['status'], exported: boolean, samples = { train: 10, val: 2, test: 0 }): RunRecord =>
  ({ id, status, export: exported ? { event: 'export', path: '/x', verified: true, maxAbsDiff: 0, samples: 1 } : null, start: { samples } }) as unknown as RunRecord;

describe('the Try panel’s run', () => {
  const runs = [run('a', 'done', true), run('b', 'done', true), run('c', 'running', false), run('d', 'crashed', false)];

  it('follows the latest run with a model, or the chosen one while it has a model', () => {
    expect(triedRun(runs, null)?.id).toBe('b');
    expect(triedRun(runs, 'a')?.id).toBe('a');
    expect(triedRun(runs, 'c')?.id).toBe('b');
    expect(triedRun([run('c', 'running', false)], null)).toBeNull();
  });

  it('draws samples from the test split, else validation, else none', () => {
    expect(sampleSplit(run('x', 'done', true, { train: 9, val: 3, test: 5 }))).toEqual({ split: 'test', size: 5 });
    expect(sampleSplit(run('x', 'done', true, { train: 9, val: 3, test: 0 }))).toEqual({ split: 'val', size: 3 });
    expect(sampleSplit(run('x', 'done', true, { train: 9, val: 0, test: 0 }))).toBeNull();
  });

  it('picks distinct indices in range, never more than there are', () => {
    const picked = randomIndices(10, 8);
    expect(new Set(picked).size).toBe(8);
    expect(picked.every((i) => i >= 0 && i < 10)).toBe(true);
    expect(randomIndices(3, 8).sort()).toEqual([0, 1, 2]);
  });

  it('makes dropped file names distinct', () => {
    expect(distinctNames(['a.png', 'b.png', 'a.png', 'a.png'])).toEqual(['a.png', 'b.png', '2-a.png', '3-a.png']);
  });
});

describe('renames', () => {
  it('add a name, and drop the entry when a class gets its own name back', () => {
    const one = withRename(null, 'Bag', 'Handbag');
    expect(one).toEqual({ Bag: 'Handbag' });
    expect(withRename(one, 'Shirt', 'Top')).toEqual({ Bag: 'Handbag', Shirt: 'Top' });
    expect(withRename(one, 'Bag', 'Bag')).toBeNull();
  });
});
