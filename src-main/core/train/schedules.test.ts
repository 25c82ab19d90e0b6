import { describe, expect, it } from 'vitest';
import { constant, cosine, linearWarmup, oneCycle, type Schedule, stepDecay } from './schedules.js';

/** The schedule's rates for steps 1..n. */
const rates = (s: Schedule, n: number) => Array.from({ length: n }, (_, i) => s(i + 1));

function expectClose(got: number[], want: number[]): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, i) => expect(Math.abs(g - want[i]), `step ${i + 1}: ${g} vs ${want[i]}`).toBeLessThan(1e-12 * Math.max(1, Math.abs(want[i]))));
}

// Reference values: PyTorch 1.13's schedulers on an SGD optimizer, reading
// optimizer.param_groups[0]['lr'] before each optimizer.step(); scheduler.step() after it.

describe('learning-rate schedules (1-based steps, torch.optim.lr_scheduler values)', () => {
  it('constant', () => {
    expectClose(rates(constant(0.03), 4), [0.03, 0.03, 0.03, 0.03]);
  });

  it('step decay: StepLR(step_size=3, gamma=0.5), lr 0.1', () => {
    expectClose(rates(stepDecay({ lr: 0.1, stepSize: 3, gamma: 0.5 }), 8), [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025]);
  });

  it('cosine: CosineAnnealingLR(T_max=5, eta_min=0.001), lr 0.1, continuing past T_max', () => {
    expectClose(rates(cosine({ lr: 0.1, tMax: 5, etaMin: 0.001 }), 8), [
      0.1, 0.0905463412215599, 0.06579634122155989, 0.035203658778440096, 0.010453658778440105, 0.001, 0.010453658778440102,
      0.03520365877844012,
    ]);
  });

  it('one-cycle: OneCycleLR(max_lr=0.1, total_steps=10), defaults, no momentum cycling', () => {
    expectClose(rates(oneCycle({ maxLr: 0.1, totalSteps: 10 }), 10), [
      0.0040000000000000036, 0.052000000000000005, 0.1, 0.09504846320134738, 0.0811745653949763, 0.06112620219362893,
      0.03887419780637107, 0.0188258346050237, 0.004951936798652629, 4e-7,
    ]);
  });

  it('one-cycle with its peak between two steps: OneCycleLR(0.5, 7, pct_start=0.25, div 10, final div 100)', () => {
    const s = oneCycle({ maxLr: 0.5, totalSteps: 7, pctStart: 0.25, divFactor: 10, finalDivFactor: 100 });
    expectClose(rates(s, 7), [
      0.04999999999999999, 0.49721049884972585, 0.4333297049894991, 0.3058246032555895, 0.15900607916449283, 0.04389686611458033,
      0.0005,
    ]);
    expect(s(20)).toBeCloseTo(0.0005, 15); // past the end (torch raises): stays at the final rate
  });

  it('one-cycle with a zero-length rise (torch divides by zero there) starts at the peak', () => {
    expect(oneCycle({ maxLr: 0.1, totalSteps: 10, pctStart: 0.1 })(1)).toBeCloseTo(0.1, 15);
  });

  it('linear warmup: LambdaLR(lambda e: min(1, (e + 1) / 4)), lr 0.1', () => {
    expectClose(rates(linearWarmup(4, constant(0.1)), 6), [0.025, 0.05, 0.07500000000000001, 0.1, 0.1, 0.1]);
  });

  it('linear warmup composes with another schedule, which keeps its own timeline', () => {
    const inner = cosine({ lr: 0.1, tMax: 10 });
    const s = linearWarmup(3, inner);
    expectClose(rates(s, 5), [inner(1) / 3, (inner(2) * 2) / 3, inner(3), inner(4), inner(5)]);
  });

  it('refuses nonsense settings', () => {
    expect(() => stepDecay({ lr: 0.1, stepSize: 0 })).toThrow(/stepSize/);
    expect(() => cosine({ lr: 0.1, tMax: 2.5 })).toThrow(/tMax/);
    expect(() => oneCycle({ maxLr: 0.1, totalSteps: 10, pctStart: 1.5 })).toThrow(/pctStart/);
    expect(() => linearWarmup(0, constant(0.1))).toThrow(/warmup/);
  });
});
