import { describe, expect, it } from 'vitest';
import { foldStudioEvent, foldTrainEvent, MAX_GRADFLOW_EPOCHS, MAX_LOG_LINES, newRunRecord } from './run-fold.js';
import type { RunRecord } from './studio-types.js';
import type { StepPoint, TrainConfig, TrainEvent } from './training.js';

const fresh = (): RunRecord => newRunRecord('r1', 'x', {} as TrainConfig, '');

const point = (step: number): StepPoint => ({ step, epoch: 1, loss: 1 / step, lr: 0.1, gradNorms: {}, globalGradNorm: 1 });
const limits = { maxSteps: 100 };

describe('the run fold shared by engine and page', () => {
  it('never changes the record it is given, and follows a run from start to done', () => {
    const r0 = fresh();
    const frozen = JSON.stringify(r0);
    const events = [
      { event: 'start', trainableParams: 10 },
      { event: 'steps', points: [point(1), point(2)] },
      { event: 'epoch', epoch: 1, trainLoss: 0.5, valLoss: 0.6 },
      { event: 'checkpoint', epoch: 1 },
      { event: 'log', message: 'hello' },
      { event: 'done', stoppedByUser: false },
    ] as unknown as TrainEvent[];
    const seen: RunRecord[] = [];
    const r = events.reduce((acc, e) => {
      const next = foldTrainEvent(acc, e, limits);
      expect(next).not.toBe(acc);
      seen.push(next);
      return next;
    }, r0);
    expect(JSON.stringify(r0)).toBe(frozen);
    expect(seen[0].status).toBe('running');
    expect(r.steps.map((p) => p.step)).toEqual([1, 2]);
    expect(r.epochs).toEqual([{ epoch: 1, trainLoss: 0.5, valLoss: 0.6 }]);
    expect(r.checkpointEpoch).toBe(1);
    expect(r.log).toEqual(['hello']);
    expect(r.status).toBe('done');
    // Earlier records keep what they were.
    expect(seen[1].status).toBe('running');
    expect(seen[1].epochs).toEqual([]);
  });

  it('halves long curves at the caller\'s limit and keeps the latest log lines', () => {
    let r = fresh();
    for (let s = 0; s < 300; s += 10) r = foldTrainEvent(r, { event: 'steps', points: Array.from({ length: 10 }, (_, i) => point(s + i + 1)) }, limits);
    expect(r.steps.length).toBeLessThanOrEqual(100);
    expect(r.steps[0].step).toBe(1);
    expect(r.steps[r.steps.length - 1].step).toBeGreaterThan(290);
    for (let i = 0; i < MAX_LOG_LINES + 20; i++) r = foldTrainEvent(r, { event: 'log', message: `line ${i}` }, limits);
    expect(r.log).toHaveLength(MAX_LOG_LINES);
    expect(r.log[r.log.length - 1]).toBe(`line ${MAX_LOG_LINES + 19}`);
    expect(r.log[0]).toBe('line 20');
  });

  it('a stop by the user ends as stopped, an error as failed, a pushed status as given', () => {
    expect(foldTrainEvent(fresh(), { event: 'done', stoppedByUser: true } as TrainEvent, limits).status).toBe('stopped');
    const failed = foldTrainEvent(fresh(), { event: 'error', code: 'bad-data', message: 'no images' }, limits);
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'bad-data', message: 'no images' } });
    const paused = foldStudioEvent(fresh(), { type: 'run-status', run: { id: 'r1', status: 'paused', error: null } }, limits);
    expect(paused.status).toBe('paused');
    // A start after a pause does not undo the pause.
    expect(foldTrainEvent(paused, { event: 'start' } as TrainEvent, limits).status).toBe('paused');
  });

  it('keeps the last gradient-flow snapshot of each epoch, a bounded number of them', () => {
    const flow = (step: number): TrainEvent => ({ event: 'gradflow', step, layers: [{ nodeId: 'rnn', cell: 'RNN', direction: 'forward', norms: [step, 1] }] });
    const epoch = (n: number) => ({ event: 'epoch', epoch: n, trainLoss: 1, valLoss: 1 }) as unknown as TrainEvent;
    let r = fresh();
    for (const e of [flow(50), flow(63), epoch(1), flow(100), flow(126), epoch(2), flow(150)]) r = foldTrainEvent(r, e, limits);
    expect(r.gradflowEpochs?.map((s) => [s.epoch, s.step])).toEqual([[1, 63], [2, 126], [3, 150]]);
    expect(r.gradflow?.step).toBe(150);
    // A resumed run numbers its epochs after the checkpoint's.
    const resumed = foldTrainEvent(foldTrainEvent(fresh(), { event: 'start', resumedFromEpoch: 4 } as TrainEvent, limits), flow(10), limits);
    expect(resumed.gradflowEpochs?.map((s) => s.epoch)).toEqual([5]);
    for (let n = 3; n < 3 * MAX_GRADFLOW_EPOCHS; n++) r = foldTrainEvent(foldTrainEvent(r, flow(n * 63), limits), epoch(n), limits);
    expect(r.gradflowEpochs!.length).toBeLessThanOrEqual(MAX_GRADFLOW_EPOCHS);
    expect(r.gradflowEpochs![0].epoch).toBe(1);
    expect(r.gradflowEpochs![r.gradflowEpochs!.length - 1].epoch).toBe(3 * MAX_GRADFLOW_EPOCHS - 1);
  });
});

describe('progress of a wait', () => {
  it('shows while the trainer caches or evaluates, survives log lines, and ends with the next real event', () => {
    let r = fresh();
    r = foldTrainEvent(r, { event: 'progress', phase: 'caching', split: 'train', done: 64, total: 2000 }, limits);
    expect(r.progress).toEqual({ phase: 'caching', split: 'train', done: 64, total: 2000 });
    r = foldTrainEvent(r, { event: 'log', message: 'frozen prefix cached' }, limits);
    expect(r.progress?.done).toBe(64);
    r = foldTrainEvent(r, { event: 'start', trainableParams: 10 } as TrainEvent, limits);
    expect(r.progress).toBeNull();
  });
});
