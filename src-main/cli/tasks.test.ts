// `graft train --task ...` as the CLI parses it: the defaults measured to show each lesson,
// overridden flag by flag, and the words the text output puts on the numbers.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../test-support/fixtures.js';
import { ADDING_TASK_DEFAULTS } from '../api/adding-task.js';
import type { StepPoint } from '../api/training.js';
import { parseAddingSpec } from '../node/data/adding.js';
import { baselineWords, gradientFlowSummary, NormTally } from './train-words.js';
import { trainConfigFromArgs } from './train.js';

describe('graft train --task adding', () => {
  it('defaults to the settings that solve T = 50 with an LSTM or a GRU', () => {
    const { config, task } = trainConfigFromArgs(['--task', 'adding']);
    expect(task).toEqual({ task: 'adding', length: 50, cell: 'LSTM', hidden: 64, outputs: 1, recurrentScale: 1 });
    expect(parseAddingSpec(config.data.path, 0)).toMatchObject({ length: 50, samples: 20_000 });
    expect(config).toMatchObject({ epochs: 4, batchSize: 64, optimizer: 'adamw', lr: 0.01, schedule: 'cosine', clipNorm: 1, cache: false, reinit: false });
    expect(config.edits).toEqual([{ kind: 'freeze-preset', preset: 'full' }]);
    // The studio's adding-problem preset reads the same object (AppInfo.defaults.adding).
    expect(config).toMatchObject(ADDING_TASK_DEFAULTS.train);
    expect(task).toMatchObject({ length: ADDING_TASK_DEFAULTS.length, hidden: ADDING_TASK_DEFAULTS.hidden });
  });

  it('takes the length, cell, hidden size, samples and any setting from flags', () => {
    const { config, task } = trainConfigFromArgs(['--task', 'adding', '--length', '100', '--cell', 'gru', '--hidden', '128', '--samples', '40000', '--epochs', '8', '--lr', '0.003', '--clip', 'off', '--recurrent-scale', '3']);
    expect(task).toMatchObject({ length: 100, cell: 'GRU', hidden: 128, recurrentScale: 3 });
    expect(parseAddingSpec(config.data.path, 0)).toMatchObject({ length: 100, samples: 40_000 });
    expect(config).toMatchObject({ epochs: 8, lr: 0.003, clipNorm: null, batchSize: 64 });
    expect(trainConfigFromArgs(['--task', 'adding', '--clip', '0']).config.clipNorm).toBeNull();
    expect(trainConfigFromArgs(['--task', 'adding', '--clip', '5']).config.clipNorm).toBe(5);
  });

  it('refuses a model, data or task options without a task', () => {
    expect(() => trainConfigFromArgs(['--task', 'adding', '--data', 'x'])).toThrow(/makes its own data/);
    expect(() => trainConfigFromArgs(['--task', 'adding', '--recurrent-scale', '-1'])).toThrow(/recurrent-scale/);
    expect(() => trainConfigFromArgs(['--model', 'm.onnx', '--data', 'd', '--recurrent-scale', '3'])).toThrow(/go with --task/);
    expect(() => trainConfigFromArgs(['--task', 'sorting'])).toThrow(/known: adding, rows/);
  });
});

describe('graft train --task rows', () => {
  it('reads Fashion-MNIST row by row with its own defaults', () => {
    const { config, task } = trainConfigFromArgs(['--task', 'rows', '--cell', 'rnn']);
    expect(task).toEqual({ task: 'rows', length: 28, cell: 'RNN', hidden: 64, outputs: 10, recurrentScale: 1 });
    expect(config.data.path).toBe('/usr/share/datasets/fashion-mnist');
    expect(config.data.options.perClassLimit).toBe(1000);
    expect(config).toMatchObject({ epochs: 3, batchSize: 64, optimizer: 'adamw', lr: 0.005, clipNorm: 1 });
  });

  it('sizes the classifier by --classes and takes another folder', () => {
    const { config, task } = trainConfigFromArgs(['--task', 'rows', '--data', '/data/digits', '--classes', '0,1,8']);
    expect(task?.outputs).toBe(3);
    expect(config.data.path).toBe('/data/digits');
    expect(() => trainConfigFromArgs(['--task', 'rows', '--length', '10'])).toThrow(/28 rows/);
  });
});

describe.skipIf(!existsSync('/usr/share/datasets/fashion-mnist'))('graft train --task rows (needs dataset-fashion-mnist)', () => {
  it('sizes the recurrent classifier by the classes and trains it', () => {
    const args = ['train', '--task', 'rows', '--cell', 'gru', '--classes', '1,8', '--per-class', '40', '--epochs', '1', '--hidden', '8', '--json'];
    const run = spawnSync(process.execPath, [join(repoRoot, 'bin/graft.js'), ...args], { encoding: 'utf8', timeout: 120_000 });
    expect(run.status, run.stderr).toBe(0);
    const events = run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; [k: string]: unknown });
    expect(events.find((e) => e.event === 'start')).toMatchObject({ classes: ['Trouser', 'Bag'], samples: { train: 80 } });
    expect(events.find((e) => e.event === 'start')).not.toHaveProperty('baseline');
    expect((events.find((e) => e.event === 'gradflow') as unknown as { layers: { norms: number[] }[] }).layers[0].norms).toHaveLength(28);
    expect(events[events.length - 1].event).toBe('done');
  }, 120_000);
});

describe('numbers in words', () => {
  it('measures a loss against the mean predictor', () => {
    expect(baselineWords(0.0042, { loss: 1 / 6, label: 'predicting the mean' })).toBe('(2.5% of the 0.167 that predicting the mean scores)');
    expect(baselineWords(0.16, { loss: 1 / 6, label: 'predicting the mean' })).toBe('(96% of the 0.167 that predicting the mean scores)');
  });

  it('says how much gradient reaches the first step', () => {
    const layer = (norms: number[], direction = 'forward') => ({ nodeId: '/rnn/RNN', cell: 'RNN', direction, norms });
    expect(gradientFlowSummary([layer([1e-12, 1e-6, 1])])).toBe('gradient flow RNN: the gradient reaching step 1 is 10^-12 of the one at step 3 (||dL/dh_1|| / ||dL/dh_T|| = 1.0e-12)');
    expect(gradientFlowSummary([layer([0.5, 1, 2])])).toMatch(/is 0.25 of the one at step 3/);
    expect(gradientFlowSummary([layer([3e4, 1, 2])])).toMatch(/is 10\^4 times the one at step 3/);
    expect(gradientFlowSummary([layer([2, 1, 1e-11], 'reverse')])).toMatch(/RNN \(reverse\): the gradient reaching step 1 is 10\^-11 of/);
  });

  it('counts the clipped steps and the largest norm', () => {
    const tally = new NormTally();
    const p = (step: number, globalGradNorm: number, clippedGradNorm?: number): StepPoint => ({ step, epoch: 1, loss: 1, lr: 0.1, gradNorms: {}, globalGradNorm, ...(clippedGradNorm === undefined ? {} : { clippedGradNorm }) });
    [p(1, 0.5, 0.5), p(2, 40, 1), p(3, 2, 1), p(4, 0.9, 0.9)].forEach((x) => tally.add(x));
    expect(tally.summary(1)).toBe('gradient norm: largest 40.0 (step 2); clipping to 1 shortened 2 of 4 steps (50.0%)');
    const plain = new NormTally();
    plain.add(p(7, 3e5));
    expect(plain.summary(null)).toBe('gradient norm: largest 3.00e+5 (step 7); not clipped (--clip NORM clips the global norm)');
  });
});
