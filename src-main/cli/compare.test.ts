// `graft compare` as a user runs it, on the sample dataset that ships with the studio; and the
// conclusion it draws, on rows with known numbers.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CompareRow, compareConclusion, rowsFromRuns, strategyOfRun } from '../api/compare.js';
import type { RunRecord } from '../api/studio-types.js';
import type { Edit } from '../core/surgery/edits.js';
import { bundledSampleDir, defaultDataset, defaultModelPath } from '../node/resources.js';
import { repoRoot } from '../test-support/fixtures.js';

function graft(args: string[]) {
  return spawnSync(process.execPath, [join(repoRoot, 'bin/graft.js'), ...args], { encoding: 'utf8', timeout: 300_000 });
}

const row = (strategy: CompareRow['strategy'], accuracyAt: Record<string, number | null>): CompareRow => ({
  strategy,
  trainableParams: 1,
  trainSeconds: 1,
  valAccuracy: null,
  testAccuracy: accuracyAt.all ?? null,
  accuracyAt,
});

describe('compareConclusion', () => {
  it('names the best transfer strategy against from scratch at each size, with the points between them', () => {
    const rows = [row('feature-extraction', { 10: 0.812, all: 0.95 }), row('fine-tune', { 10: 0.8, all: 0.953 }), row('scratch', { 10: 0.52, all: 0.955 })];
    expect(compareConclusion(rows)).toBe(
      'With 10 images per class, feature extraction reaches 81.2% and training from scratch 52.0%: transfer wins by 29.2 points. ' +
        'With all the training images, fine-tuning reaches 95.3% and training from scratch 95.5%: about the same.',
    );
    expect(compareConclusion([row('scratch', { 10: 0.9 }), row('full', { 10: 0.7 })])).toMatch(/from scratch wins by 20\.0 points/);
    expect(compareConclusion([row('feature-extraction', { 10: 0.9 })])).toBeNull();
  });
});

describe('rowsFromRuns: the studio\'s runs as compare rows', () => {
  const preset = (p: 'feature-extraction' | 'full'): Edit => ({ kind: 'freeze-preset', preset: p });
  const run = (edits: Edit[], reinit: boolean, perClassLimit: number | null, accuracy: number | null, finished = true) =>
    ({
      config: { edits, reinit, data: { path: '/d', options: { classes: null, perClassLimit, valFraction: 0.1, seed: 0 } } },
      done: finished ? { trainableParams: 10, trainSeconds: 2, bestValAccuracy: 0.9 } : null,
      evaluation: { accuracy },
    }) as unknown as RunRecord;

  it('keeps the best test accuracy per strategy and size, and leaves out custom freezing and unfinished runs', () => {
    const rows = rowsFromRuns([
      run([preset('feature-extraction')], false, 10, 0.8),
      run([preset('feature-extraction')], false, 10, 0.85),
      run([preset('feature-extraction')], false, null, 0.9),
      run([preset('full')], true, 10, 0.6),
      run([preset('full')], true, 10, 0.99, false),
      run([preset('feature-extraction'), { kind: 'unfreeze', blocks: ['x'] }], false, 10, 0.99),
    ]);
    expect(rows.map((r) => [r.strategy, r.accuracyAt])).toEqual([
      ['feature-extraction', { 10: 0.85, all: 0.9 }],
      ['scratch', { 10: 0.6 }],
    ]);
    expect(compareConclusion(rows)).toBe('With 10 images per class, feature extraction reaches 85.0% and training from scratch 60.0%: transfer wins by 25.0 points.');
    expect(strategyOfRun({ edits: [{ kind: 'freeze-preset', preset: 'fine-tune', stages: 2 }], reinit: false })).toBe('fine-tune');
  });
});

describe('the bundled sample dataset', () => {
  it('is the default where Debian\'s Fashion-MNIST is absent', () => {
    expect(defaultDataset('/nonexistent/fashion-mnist')).toMatchObject({ path: bundledSampleDir });
  });

  it('graft compare on it: transfer beats from scratch with 10 images per class, in one JSON object', () => {
    const run = graft(['compare', '--model', defaultModelPath, '--data', bundledSampleDir, '--strategies', 'feature-extraction,scratch', '--sizes', '10,all', '--epochs', '8', '--seed', '1', '--json']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const { rows, conclusion } = JSON.parse(run.stdout) as { rows: CompareRow[]; conclusion: string };
    expect(rows.map((r) => r.strategy)).toEqual(['feature-extraction', 'scratch']);
    const [fe, scratch] = rows;
    expect(fe.trainableParams).toBeLessThan(scratch.trainableParams);
    for (const r of rows) {
      expect(Object.keys(r.accuracyAt)).toEqual(['10', 'all']);
      expect(r.testAccuracy).toBe(r.accuracyAt.all);
      expect(r.trainSeconds).toBeGreaterThan(0);
    }
    // Five classes: chance is 20%. The pretrained features carry over; 50 images from scratch do not.
    expect(fe.accuracyAt['10']!).toBeGreaterThan(0.75);
    expect(fe.accuracyAt['10']!).toBeGreaterThan(scratch.accuracyAt['10']! + 0.05);
    expect(conclusion).toMatch(/^With 10 images per class, feature extraction reaches \d+\.\d% and training from scratch \d+\.\d%: transfer wins by/);
  }, 300_000);
});
