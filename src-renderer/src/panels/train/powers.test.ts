import { describe, expect, it } from 'vitest';
import { gradientCompareSentence } from '../../../../src-main/api/run-words.js';
import { superscriptPowers } from './powers.js';

describe('superscriptPowers', () => {
  it("writes the engine's 10^k as 10 with a superscript exponent", () => {
    expect(superscriptPowers('the gradient reaching step 1 is 10^-11 of the one at step 50; in the LSTM, 10^4 times.')).toBe('the gradient reaching step 1 is 10⁻¹¹ of the one at step 50; in the LSTM, 10⁴ times.');
    expect(superscriptPowers('0.17 of the one at step 3')).toBe('0.17 of the one at step 3');
  });

  it('reads the sentence the run view shows', () => {
    const sentence = gradientCompareSentence([{ name: 'RNN', layer: { direction: 'forward', norms: [1e-7, 1e-3, 1] } }]);
    expect(superscriptPowers(sentence)).toContain('10⁻⁷');
  });
});
