// The Train tab's guard against runs with nothing to validate on, and what such a run plots.
import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../src-main/api/contract.js';
import { runSeries } from '../panels/train/run-series.js';
import { NO_VALIDATION_BLOCKER, validationBlocker } from './train-guards.js';

describe('the no-validation guard', () => {
  it('blocks only when both the val and the test split are empty (the engine validates on test otherwise)', () => {
    expect(validationBlocker({ val: 0, test: 0 })).toBe(NO_VALIDATION_BLOCKER);
    expect(validationBlocker({ val: 3, test: 0 })).toBeNull();
    expect(validationBlocker({ val: 0, test: 5 })).toBeNull();
  });
});

describe('a run without validation', () => {
  it('plots no validation loss point (null) rather than 0', () => {
    const run = {
      config: { clipNorm: null },
      steps: [1, 2, 3, 4].map((step) => ({ step, epoch: step <= 2 ? 1 : 2, loss: 1 / step, lr: 0.1, gradNorms: {}, globalGradNorm: 1 })),
      epochs: [1, 2].map((epoch) => ({ epoch, trainLoss: 0.5, trainAccuracy: 0.8, valLoss: null, valAccuracy: null, lr: 0.1, seconds: 1, samplesPerSecond: 10, etaSeconds: 0 })),
    } as unknown as RunRecord;
    const s = runSeries(run);
    expect(s.loss[2]).toEqual([null, 0.5, null, 0.5]);
    expect(s.loss[3]).toEqual([null, null, null, null]);
    expect(s.accuracy[2]).toEqual([null, null]);
  });
});
