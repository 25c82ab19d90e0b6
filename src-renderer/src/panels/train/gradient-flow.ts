// Which runs the gradient-through-time chart overlays and how it names them: runs of the
// project on the same data (same task and length) that recorded a gradient flow.
import type { GradflowSnapshot, RunRecord } from '../../../../src-main/api/contract.js';
import { firstStepRatio } from '../../../../src-main/api/run-words.js';

/** A run's per-epoch snapshots; records stored before they were kept have only the latest. */
export function flowSnapshots(run: RunRecord): GradflowSnapshot[] {
  const kept = (run.gradflowEpochs ?? []).filter((s) => s.layers.length > 0);
  if (kept.length > 0) return kept;
  return run.gradflow && run.gradflow.layers.length > 0 ? [{ epoch: run.epochs.length, step: run.gradflow.step, layers: run.gradflow.layers }] : [];
}

/** The first recurrent layer's share of the gradient reaching step 1. */
export function firstStepRatioOf(snap: GradflowSnapshot): number {
  return firstStepRatio(snap.layers[0]);
}

/**
 * The project's other runs on the same data whose sequences have the same length; runs that
 * failed (a diverged one's gradient is noise) are left out.
 */
export function flowPeers(run: RunRecord, runs: RunRecord[]): RunRecord[] {
  const T = flowSnapshots(run)[0]?.layers[0].norms.length;
  const failed = (r: RunRecord) => r.status === 'failed' || r.status === 'crashed';
  return runs.filter((r) => r.id !== run.id && !failed(r) && r.config.data.path === run.config.data.path && flowSnapshots(r)[0]?.layers[0].norms.length === T);
}

/** "LSTM", or "LSTM #3" when several of the runs shown have the same cell. */
export function runFlowName(run: RunRecord, all: RunRecord[], shown: RunRecord[]): string {
  const cell = (r: RunRecord) => flowSnapshots(r)[0]?.layers[0].cell ?? '?';
  const same = shown.filter((r) => cell(r) === cell(run)).length;
  return same > 1 ? `${cell(run)} #${all.indexOf(run) + 1}` : cell(run);
}
