// A run's numbers in words, shared by `graft train`'s text output and the studio's charts: a
// loss against the level that means "learned nothing", and how much of the loss's gradient
// reaches a sequence's first step. Pure (types only), so the renderer may import it.
import type { GradientFlowLayer, LossBaseline } from './training.js';

/** A loss as a share of the baseline: "2.5%", "98%". */
export function baselineShare(loss: number, baseline: LossBaseline): string {
  const pct = (100 * loss) / baseline.loss;
  return `${pct < 10 ? pct.toFixed(1) : pct.toFixed(0)}%`;
}

/** "(2.5% of the 0.167 that predicting the mean scores)". */
export function baselineWords(loss: number, baseline: LossBaseline): string {
  return `(${baselineShare(loss, baseline)} of the ${baseline.loss.toFixed(3)} that ${baseline.label} scores)`;
}

/** How r compares a to b: "10^-11 of", "0.17 of", "3.2 times", "10^4 times". */
export function ratioWords(r: number): string {
  if (!Number.isFinite(r)) return 'infinitely more than';
  const k = Math.round(Math.log10(r));
  const size = Math.abs(k) <= 1 ? r.toPrecision(2) : `10^${k}`;
  return r < 1 ? `${size} of` : `${size} times`;
}

/** ||dL/dh_1|| / ||dL/dh_T||; a reverse pass reads the sequence backwards, so its "first step" is t = T. */
export function firstStepRatio(layer: Pick<GradientFlowLayer, 'norms' | 'direction'>): number {
  const n = layer.norms;
  const T = n.length;
  const [first, last] = layer.direction === 'reverse' ? [n[T - 1], n[0]] : [n[0], n[T - 1]];
  return last > 0 ? first / last : first > 0 ? Infinity : 0;
}

/** "the gradient reaching step 1 is 10^-11 of the one at step 50" (or "no gradient reaches step 1 from step 50"). */
export function gradientReachWords(layer: Pick<GradientFlowLayer, 'norms' | 'direction'>): string {
  const ratio = firstStepRatio(layer);
  const T = layer.norms.length;
  return ratio === 0 ? `no gradient reaches step 1 from step ${T}` : `the gradient reaching step 1 is ${ratioWords(ratio)} the one at step ${T}`;
}

/** Just the size: "10^-11", "0.17", "10^4 times": for comparing runs in one sentence. */
export function ratioSize(r: number): string {
  if (r === 0) return '0';
  const words = ratioWords(r);
  return words.endsWith(' of') ? words.slice(0, -3) : words;
}

/**
 * Several runs' gradient flow in one sentence:
 * "In the RNN, the gradient reaching step 1 is 10^-11 of the one at step 50; in the LSTM, 10^-2."
 */
export function gradientCompareSentence(runs: { name: string; layer: Pick<GradientFlowLayer, 'norms' | 'direction'> }[]): string {
  if (runs.length === 0) return '';
  const [head, ...rest] = runs;
  const tail = rest.map((r) => `in the ${r.name}, ${ratioSize(firstStepRatio(r.layer))}`);
  return `${[`In the ${head.name}, ${gradientReachWords(head.layer)}`, ...tail].join('; ')}.`;
}

/** What a loss against the "learned nothing" level says: below 10% of it, learned; above 90%, nothing. */
export function learnedWords(loss: number, baseline: LossBaseline): string {
  const share = loss / baseline.loss;
  return share < 0.1 ? 'it learned the task' : share > 0.9 ? 'it learned nothing' : 'it learned part of it';
}

/** One run as measured at an epoch: its gradient flow and, where known, its validation loss. */
export interface MeasuredFlow {
  name: string;
  layer: Pick<GradientFlowLayer, 'norms' | 'direction'>;
  valLoss: number | null;
  baseline: LossBaseline | null;
}

/**
 * What the runs measured, run by run, with no claim the numbers do not make:
 * "The LSTM: validation loss 0.0026, 1.5% of the 0.167 that predicting the mean scores, so it
 * learned the task; 10^-2 of the gradient at step 50 reaches step 1. The RNN: ..."
 */
export function gradientOutcomeSentence(runs: MeasuredFlow[]): string {
  return runs
    .map((r) => {
      const T = r.layer.norms.length;
      const ratio = firstStepRatio(r.layer);
      const reach = ratio === 0 ? `no gradient reaches step 1 from step ${T}` : `${ratioSize(ratio)} of the gradient at step ${T} reaches step 1`;
      if (r.valLoss === null || !r.baseline) return `The ${r.name}: ${reach}.`;
      const loss = `validation loss ${r.valLoss.toPrecision(2)}, ${baselineShare(r.valLoss, r.baseline)} of the ${r.baseline.loss.toFixed(3)} that ${r.baseline.label} scores`;
      return `The ${r.name}: ${loss}, so ${learnedWords(r.valLoss, r.baseline)}; ${reach}.`;
    })
    .join(' ');
}
