import { describe, expect, it } from 'vitest';
import type { StepPoint, TrainConfig } from '../../../src-main/api/contract.js';
import { newRunRecord } from '../../../src-main/api/run-fold.js';
import { withEvent } from './run-record.js';

const empty = newRunRecord('r1', 'x', {} as TrainConfig, '');

const point = (step: number): StepPoint => ({ step, epoch: 1, loss: 1 / step, lr: 0.1, gradNorms: {}, globalGradNorm: 1 });

describe('withEvent', () => {
  it('folds events without touching the record it was given', () => {
    const r1 = withEvent(empty, { event: 'steps', points: [point(1), point(2)] });
    expect(r1.steps.map((p) => p.step)).toEqual([1, 2]);
    expect(empty.steps).toEqual([]);
    const r2 = withEvent(r1, { event: 'error', code: 'x', message: 'boom' });
    expect(r2.status).toBe('failed');
    expect(r2.error).toEqual({ code: 'x', message: 'boom' });
  });

  it('keeps long curves bounded by dropping every other point', () => {
    let r = empty;
    for (let s = 0; s < 7000; s += 100) r = withEvent(r, { event: 'steps', points: Array.from({ length: 100 }, (_, i) => point(s + i + 1)) });
    expect(r.steps.length).toBeLessThanOrEqual(6000);
    expect(r.steps[0].step).toBe(1);
    expect(r.steps[r.steps.length - 1].step).toBeGreaterThan(6900);
  });
});
