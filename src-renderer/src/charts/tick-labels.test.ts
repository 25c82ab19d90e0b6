import { describe, expect, it } from 'vitest';
import { tickLabels } from './tick-labels.js';

describe('tickLabels', () => {
  it('reads accuracy ticks as percentages, as the evaluation does', () => {
    expect(tickLabels([0.4, 0.6, 0.8, 1], true)).toEqual(['40%', '60%', '80%', '100%']);
    expect(tickLabels([0.75, 0.825, null], true)).toEqual(['75%', '82.5%', '']);
  });

  it('keeps one notation per axis otherwise: a small learning rate never reads 0', () => {
    expect(tickLabels([0, 5e-4, 1e-3])).toEqual(['0', '5e-4', '1e-3']);
    expect(tickLabels([0.5, 1, 1.5])).toEqual(['0.5', '1', '1.5']);
  });
});
