import { describe, expect, it } from 'vitest';
import { baselineShare, firstStepRatio, gradientCompareSentence, gradientOutcomeSentence } from './run-words.js';

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

  it('says what each run measured: its loss against the mean predictor and the gradient reaching step 1', () => {
    const mean = { loss: 1 / 6, label: 'predicting the mean' };
    const sentence = gradientOutcomeSentence([
      { name: 'LSTM', layer: layer([0.02, 0.5, 2]), valLoss: 0.0026, baseline: mean },
      { name: 'RNN', layer: layer([1e-11, 1e-5, 1]), valLoss: 0.168, baseline: mean },
      { name: 'GRU', layer: layer([0, 1, 2]), valLoss: 0.08, baseline: mean },
    ]);
    expect(sentence).toBe(
      'The LSTM: validation loss 0.0026, 1.6% of the 0.167 that predicting the mean scores, so it learned the task; 10^-2 of the gradient at step 3 reaches step 1. ' +
        'The RNN: validation loss 0.17, 101% of the 0.167 that predicting the mean scores, so it learned nothing; 10^-11 of the gradient at step 3 reaches step 1. ' +
        'The GRU: validation loss 0.080, 48% of the 0.167 that predicting the mean scores, so it learned part of it; no gradient reaches step 1 from step 3.',
    );
    // Without a validation loss or a baseline, only the gradient is stated.
    expect(gradientOutcomeSentence([{ name: 'RNN', layer: layer([1e-11, 1]), valLoss: null, baseline: null }])).toBe('The RNN: 10^-11 of the gradient at step 2 reaches step 1.');
  });
});
