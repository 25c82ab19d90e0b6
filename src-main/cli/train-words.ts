// The numbers of a training run in words, for `graft train`'s text output: a loss against the
// level that means "learned nothing", the gradient that reaches a sequence's first step, and
// what clipping did.
import { firstStepRatio, gradientReachWords } from '../api/run-words.js';
import type { GradientFlowLayer, StepPoint } from '../api/training.js';

export { baselineWords, ratioWords } from '../api/run-words.js';

/**
 * Per recurrent layer, how much of the loss's gradient reaches the first step:
 * "gradient flow LSTM: the gradient reaching step 1 is 10^-3 of the one at step 50 (||dL/dh_1|| / ||dL/dh_T|| = 1.2e-3)".
 */
export function gradientFlowSummary(layers: GradientFlowLayer[]): string {
  return layers
    .map((l) => {
      const ratio = firstStepRatio(l);
      const words = gradientReachWords(l);
      return `gradient flow ${l.cell}${l.direction === 'forward' ? '' : ` (${l.direction})`}: ${words} (||dL/dh_1|| / ||dL/dh_T|| = ${ratio.toExponential(1)})`;
    })
    .join('\n');
}

/** Clipping and gradient-norm statistics over a run's steps. */
export class NormTally {
  steps = 0;
  clipped = 0;
  largest = 0;
  largestStep = 0;

  add(p: StepPoint): void {
    this.steps++;
    if (p.globalGradNorm > this.largest || !Number.isFinite(p.globalGradNorm)) {
      this.largest = p.globalGradNorm;
      this.largestStep = p.step;
    }
    // Clipping scales by clip / (norm + 1e-6): a step counts as clipped when it shrank.
    if (p.clippedGradNorm !== undefined && p.clippedGradNorm < p.globalGradNorm * (1 - 1e-4)) this.clipped++;
  }

  /** "gradient norm: largest 8.1e+3 (step 212); clipping to 1 shortened 97 of 1250 steps (7.8%)". */
  summary(clipNorm: number | null): string {
    const largest = `gradient norm: largest ${this.largest.toPrecision(3)} (step ${this.largestStep})`;
    if (clipNorm === null) return `${largest}; not clipped (--clip NORM clips the global norm)`;
    return `${largest}; clipping to ${clipNorm} shortened ${this.clipped} of ${this.steps} steps (${((100 * this.clipped) / Math.max(this.steps, 1)).toFixed(1)}%)`;
  }
}
