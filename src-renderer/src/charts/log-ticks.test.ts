import { describe, expect, it } from 'vitest';
import { logTicks } from './log-ticks.js';

describe('log axis ticks', () => {
  it('labels a narrow range with 1, 2 and 5 so it never has a single tick', () => {
    expect(logTicks(0.05, 0.3)).toEqual([0.05, 0.1, 0.2]);
    expect(logTicks(0.1, 1)).toEqual([0.1, 0.2, 0.5, 1]);
  });
  it('labels one tick per decade over a wide range, fewer past six decades', () => {
    expect(logTicks(1e-3, 10)).toEqual([1e-3, 1e-2, 1e-1, 1, 10]);
    expect(logTicks(1e-12, 1)).toEqual([1e-12, 1e-10, 1e-8, 1e-6, 1e-4, 1e-2, 1]);
    expect(logTicks(1e-1, 1e17)).toEqual([1e-1, 1e2, 1e5, 1e8, 1e11, 1e14, 1e17]);
  });
  it('has nothing to label without a positive range', () => {
    expect(logTicks(0, 1)).toEqual([]);
    expect(logTicks(1, 1)).toEqual([]);
  });
});
