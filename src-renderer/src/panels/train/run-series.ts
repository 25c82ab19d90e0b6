// Chart data from a run record: aligned arrays for uPlot, computed once per change of the run.
import type { RunRecord } from '../../../../src-main/api/contract.js';

export interface RunSeries {
  loss: (number | null)[][];
  accuracy: (number | null)[][];
  lr: (number | null)[][];
  /** [x, after clipping?, before clipping, clip threshold?]: the clipped ones when the run clips. */
  gradNorm: (number | null)[][];
  /** Whether the run clipped (its steps carry the clipped norm). */
  clipped: boolean;
  blocks: string[];
  /** gradNorms[b][i]: block b at step index i. */
  blockNorms: (number | undefined)[][];
}

export function runSeries(run: RunRecord): RunSeries {
  const steps = run.steps;
  const x = steps.map((p) => p.step);
  // Epoch summaries sit on the last step of their epoch.
  const lastStepOfEpoch = new Map<number, number>();
  for (const p of steps) lastStepOfEpoch.set(p.epoch, p.step);
  const at = new Map<number, { train: number; val: number | null }>();
  for (const e of run.epochs) {
    const s = lastStepOfEpoch.get(e.epoch);
    if (s !== undefined) at.set(s, { train: e.trainLoss, val: e.valLoss });
  }
  const clipped = steps.some((p) => p.clippedGradNorm !== undefined);
  const clip = run.config.clipNorm;
  const positive = (v: number | undefined) => (v !== undefined && v > 0 ? v : null);
  const blocks = [...new Set(steps.flatMap((p) => Object.keys(p.gradNorms)))];
  return {
    // The baseline, when the task has one, as a flat line across the run.
    loss: [
      x,
      steps.map((p) => p.loss),
      x.map((s) => at.get(s)?.train ?? null),
      x.map((s) => at.get(s)?.val ?? null),
      ...(run.start?.baseline ? [x.map(() => run.start!.baseline!.loss)] : []),
    ],
    accuracy: [run.epochs.map((e) => e.epoch), run.epochs.map((e) => e.trainAccuracy), run.epochs.map((e) => e.valAccuracy)],
    lr: [x, steps.map((p) => p.lr)],
    gradNorm: [
      x,
      ...(clipped ? [steps.map((p) => positive(p.clippedGradNorm))] : []),
      steps.map((p) => positive(p.globalGradNorm)),
      ...(clipped ? [...(clip !== null && clip > 0 ? [x.map(() => clip)] : [])] : []),
    ],
    clipped,
    blocks,
    blockNorms: blocks.map((b) => steps.map((p) => p.gradNorms[b])),
  };
}
