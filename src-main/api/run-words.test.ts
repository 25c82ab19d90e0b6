import { describe, expect, it } from 'vitest';
import { baselineShare, firstStepRatio, gradientCompareSentence } from './run-words.js';

const layer = (norms: number[], direction = 'forward') => ({ norms, direction });

describe('a run in words', () => {
  it('compares runs by the share of the gradient that reaches step 1', () => {
    const rnn = layer([1e-11, 1e-5, 1]);
    const lstm = layer([0.02, 0.5, 2]);
    expect(gradientCompareSentence([
      { name: 'RNN', layer: rnn },
      { name: 'LSTM', layer: lstm },
    ])).toBe('In the RNN, the gradient reaching step 1 is 10^-11 of the one at step 3; in the LSTM, 10^-2.');
    expect(gradientCompareSentence([{ name: 'GRU', layer: layer([3, 1, 2]) }])).toBe('In the GRU, the gradient reaching step 1 is 1.5 times the one at step 3.');
    expect(firstStepRatio(layer([2, 1, 1e-11], 'reverse'))).toBeCloseTo(5e-12, 20);
  });

  it('says a loss as a share of the mean predictor', () => {
    expect(baselineShare(0.004, { loss: 1 / 6, label: 'predicting the mean' })).toBe('2.4%');
    expect(baselineShare(0.16, { loss: 1 / 6, label: 'predicting the mean' })).toBe('96%');
  });
});
