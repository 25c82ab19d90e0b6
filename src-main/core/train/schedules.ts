// Learning-rate schedules as pure functions of the step. The trainer feeds schedule(step)
// as the compiled step's `lr` input, so changing the rate never recompiles the graph.
//
// `step` is 1-based, like the compiled step's `step` input: step t is the t-th optimizer
// update. Each schedule gives the rate torch.optim.lr_scheduler gives when
// scheduler.step() is called after every optimizer.step(), i.e. torch's value at
// last_epoch = t - 1. Per-parameter multipliers are applied inside the graph, on top.
import { GraftError } from '../errors.js';

/** The learning rate for (1-based) optimizer step `step`. */
export type Schedule = (step: number) => number;

function positiveInteger(name: string, x: number): void {
  if (!Number.isInteger(x) || x < 1) throw new GraftError('train-schedule', `${name} must be a positive integer, got ${x}`);
}

/** Steps taken before this one: torch's last_epoch. */
const elapsed = (step: number) => Math.max(0, step - 1);

export function constant(lr: number): Schedule {
  return () => lr;
}

/** torch StepLR: lr · gamma^floor(elapsed / stepSize). */
export function stepDecay({ lr, stepSize, gamma = 0.1 }: { lr: number; stepSize: number; gamma?: number }): Schedule {
  positiveInteger('stepSize', stepSize);
  return (step) => lr * gamma ** Math.floor(elapsed(step) / stepSize);
}

/** torch CosineAnnealingLR, closed form: etaMin + (lr - etaMin)·(1 + cos(π·elapsed / tMax)) / 2. */
export function cosine({ lr, tMax, etaMin = 0 }: { lr: number; tMax: number; etaMin?: number }): Schedule {
  positiveInteger('tMax', tMax);
  return (step) => etaMin + ((lr - etaMin) * (1 + Math.cos((Math.PI * elapsed(step)) / tMax))) / 2;
}

export interface OneCycleOptions {
  maxLr: number;
  totalSteps: number;
  /** Fraction of the steps spent rising to maxLr. */
  pctStart?: number;
  /** Starting rate = maxLr / divFactor. */
  divFactor?: number;
  /** Final rate = starting rate / finalDivFactor. */
  finalDivFactor?: number;
}

/** Cosine from `from` (pct 0) to `to` (pct 1). */
const cosineAnneal = (from: number, to: number, pct: number) => to + ((from - to) / 2) * (Math.cos(Math.PI * pct) + 1);

/**
 * torch OneCycleLR (two phases, cosine annealing, no momentum cycling): from maxLr/divFactor
 * up to maxLr by step pctStart·totalSteps, then down to maxLr/(divFactor·finalDivFactor) at the
 * last step. Past totalSteps, where torch raises, it stays at the final rate.
 */
export function oneCycle({ maxLr, totalSteps, pctStart = 0.3, divFactor = 25, finalDivFactor = 1e4 }: OneCycleOptions): Schedule {
  positiveInteger('totalSteps', totalSteps);
  if (!(pctStart >= 0 && pctStart <= 1)) throw new GraftError('train-schedule', `pctStart must be between 0 and 1, got ${pctStart}`);
  const initialLr = maxLr / divFactor;
  const minLr = initialLr / finalDivFactor;
  // torch's phase boundaries, in elapsed steps (the peak may fall between two steps).
  const peak = pctStart * totalSteps - 1;
  const last = totalSteps - 1;
  return (step) => {
    const e = Math.min(elapsed(step), last);
    // A phase of zero length (torch divides by zero there) counts as finished.
    const progress = (start: number, end: number) => (end > start ? (e - start) / (end - start) : 1);
    return e <= peak ? cosineAnneal(initialLr, maxLr, progress(0, peak)) : cosineAnneal(maxLr, minLr, progress(peak, last));
  };
}

/**
 * Linear warmup on top of any schedule: its rate times min(1, step / steps), so the first step
 * runs at 1/steps of it and step `steps` at the full rate. The inner schedule keeps its own
 * timeline (a cosine over the whole run stays one). The factor is torch's
 * LambdaLR(lambda e: min(1, (e + 1) / steps)).
 */
export function linearWarmup(steps: number, then: Schedule): Schedule {
  positiveInteger('warmup steps', steps);
  return (step) => then(step) * Math.min(1, step / steps);
}
