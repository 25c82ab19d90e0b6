import { describe, expect, it } from 'vitest';
import type { RunRecord } from '../../../../src-main/api/contract.js';
import { comparableRuns } from './comparable.js';

const run = (id: string, model: string, classes: string[] | null | undefined): RunRecord =>
  ({ id, config: { model }, start: classes === undefined ? null : { classes } }) as unknown as RunRecord;

describe('comparable runs', () => {
  const cnnA = run('a', '/m/cnn.onnx', ['x', 'y']);
  const rnn = run('b', '/m/rnn.onnx', null);
  const cnnB = run('c', '/m/cnn.onnx', ['x', 'y']);
  const cnnRegression = run('d', '/m/cnn.onnx', null);
  const cnnUnstarted = run('e', '/m/cnn.onnx', undefined);

  it("keeps the open model's runs of its task and says why the others are hidden", () => {
    const { shown, hidden } = comparableRuns([cnnA, rnn, cnnB, cnnRegression, cnnUnstarted], '/m/cnn.onnx');
    // The latest started run of the model (d, regression) sets the task.
    expect(shown.map((r) => r.id)).toEqual(['d', 'e']);
    expect(hidden.map((h) => [h.run.id, h.reason])).toEqual([
      ['a', 'another task (classification)'],
      ['b', 'another model (rnn.onnx)'],
      ['c', 'another task (classification)'],
    ]);
  });

  it('with no model open, compares against the latest run', () => {
    const { shown, hidden } = comparableRuns([cnnA, cnnB, rnn], null);
    expect(shown.map((r) => r.id)).toEqual(['b']);
    expect(hidden).toHaveLength(2);
  });

  it('shows every run when they agree', () => {
    expect(comparableRuns([cnnA, cnnB], '/m/cnn.onnx').hidden).toEqual([]);
  });
});
