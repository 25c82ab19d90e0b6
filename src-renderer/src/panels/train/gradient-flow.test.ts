import { describe, expect, it } from 'vitest';
import type { RunRecord, RunStatus } from '../../../../src-main/api/contract.js';
import { newRunRecord } from '../../../../src-main/api/run-fold.js';
import type { TrainConfig } from '../../../../src-main/api/training.js';
import { flowPeers, flowSnapshots, runFlowName } from './gradient-flow.js';
import { runSeries } from './run-series.js';

function run(id: string, cell: string, path: string, T: number, status: RunStatus = 'done'): RunRecord {
  const r = newRunRecord(id, id, { data: { path }, clipNorm: null } as unknown as TrainConfig, '');
  const layers = [{ nodeId: 'rnn', cell, direction: 'forward', norms: Array.from({ length: T }, (_, t) => t + 1) }];
  return { ...r, status, gradflow: { step: 9, layers }, gradflowEpochs: [{ epoch: 1, step: 9, layers }] };
}

describe('the gradient-through-time overlay', () => {
  it('overlays the finished runs on the same data and length, naming repeated cells by run number', () => {
    const adding = 'task:adding?length=50&samples=4000';
    const a = run('a', 'RNN', adding, 50);
    const b = run('b', 'LSTM', adding, 50);
    const other = run('c', 'GRU', 'task:adding?length=100&samples=4000', 100);
    const failed = run('d', 'RNN', adding, 50, 'failed');
    const again = run('e', 'RNN', adding, 50);
    const all = [a, b, other, failed, again];
    expect(flowPeers(a, all).map((r) => r.id)).toEqual(['b', 'e']);
    expect(runFlowName(b, all, [a, b])).toBe('LSTM');
    expect(runFlowName(again, all, [a, b, again])).toBe('RNN #5');
  });

  it('reads a record stored before per-epoch snapshots as one snapshot at its last epoch', () => {
    const old = { ...run('a', 'RNN', 'x', 3), gradflowEpochs: undefined, epochs: [{}, {}] } as unknown as RunRecord;
    expect(flowSnapshots(old).map((s) => [s.epoch, s.step])).toEqual([[2, 9]]);
  });

  it('draws the clipped norm and the threshold only for a run that clips', () => {
    const base = run('a', 'RNN', 'x', 3);
    const steps = [1, 2].map((step) => ({ step, epoch: 1, loss: 1, lr: 0.1, gradNorms: {}, globalGradNorm: step * 5, clippedGradNorm: 1 }));
    const clipped = runSeries({ ...base, config: { ...base.config, clipNorm: 1 }, steps });
    expect(clipped.gradNorm).toEqual([[1, 2], [1, 1], [5, 10], [1, 1]]);
    const plain = runSeries({ ...base, steps: steps.map(({ clippedGradNorm: _c, ...p }) => p) });
    expect(plain.gradNorm).toEqual([[1, 2], [5, 10]]);
    // The mean predictor's level, as a flat line, only when the run's start event gives one.
    expect(plain.loss).toHaveLength(4);
    const start = { event: 'start', baseline: { loss: 1 / 6, label: 'predicting the mean' } } as RunRecord['start'];
    expect(runSeries({ ...base, start, steps }).loss[4]).toEqual([1 / 6, 1 / 6]);
  });
});
