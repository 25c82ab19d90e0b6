// Comparing strategies on one dataset (`graft compare`, the Compare tab): the rows and the
// conclusion drawn from them in a sentence with the numbers. Pure functions of plain data,
// shared by both sides.
import type { RunRecord } from './studio-types.js';
import type { StrategyName, TrainConfig } from './training.js';

export interface CompareRow {
  strategy: StrategyName;
  trainableParams: number;
  /** Of the run on the last size tried (all the training images by default). */
  trainSeconds: number;
  /** Best validation accuracy of that run. */
  valAccuracy: number | null;
  testAccuracy: number | null;
  /** Test accuracy per training-set size: "10", "50", ..., and "all". */
  accuracyAt: Record<string, number | null>;
}

const LABEL: Record<StrategyName, string> = {
  'feature-extraction': 'feature extraction',
  'fine-tune': 'fine-tuning',
  full: 'training everything',
  scratch: 'training from scratch',
};

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/**
 * "With 10 images per class, feature extraction reaches 81.2% and training from scratch
 * 52.0%: transfer wins by 29.2 points. ..." One sentence per size, best transfer strategy
 * against from scratch; null when there is no from-scratch row to compare with.
 */
export function compareConclusion(rows: readonly CompareRow[]): string | null {
  const scratch = rows.find((r) => r.strategy === 'scratch');
  const transfer = rows.filter((r) => r.strategy !== 'scratch');
  if (!scratch || transfer.length === 0) return null;
  const sentences: string[] = [];
  for (const size of Object.keys(scratch.accuracyAt)) {
    const base = scratch.accuracyAt[size];
    const best = transfer
      .map((r) => ({ r, acc: r.accuracyAt[size] }))
      .filter((x): x is { r: CompareRow; acc: number } => x.acc !== null && x.acc !== undefined)
      .sort((a, b) => b.acc - a.acc)[0];
    if (base === null || base === undefined || !best) continue;
    const images = size === 'all' ? 'all the training images' : `${size} images per class`;
    const diff = 100 * (best.acc - base);
    const verdict = Math.abs(diff) < 0.5 ? 'about the same' : diff > 0 ? `transfer wins by ${diff.toFixed(1)} points` : `from scratch wins by ${(-diff).toFixed(1)} points`;
    sentences.push(`With ${images}, ${LABEL[best.r.strategy]} reaches ${pct(best.acc)} and ${LABEL.scratch} ${pct(base)}: ${verdict}.`);
  }
  return sentences.length ? sentences.join(' ') : null;
}

/** The strategy a run's settings describe: its last freeze preset, or from scratch. */
export function strategyOfRun(config: Pick<TrainConfig, 'edits' | 'reinit'>): StrategyName | null {
  if (config.reinit) return 'scratch';
  const at = config.edits.map((e) => e.kind).lastIndexOf('freeze-preset');
  const last = config.edits[at];
  if (!last || last.kind !== 'freeze-preset' || config.edits.slice(at + 1).some((e) => e.kind === 'freeze' || e.kind === 'unfreeze')) return null;
  return last.preset === 'none' ? null : last.preset;
}

/**
 * The project's finished classification runs as compare rows: per strategy and training-set
 * size (images per class, or "all"), the run with the best test accuracy. Runs whose freezing
 * is custom are left out: they are no strategy to conclude about.
 */
export function rowsFromRuns(runs: readonly RunRecord[]): CompareRow[] {
  const rows = new Map<StrategyName, CompareRow>();
  for (const r of runs) {
    const strategy = strategyOfRun(r.config);
    const accuracy = r.evaluation?.accuracy;
    if (!strategy || !r.done || accuracy === null || accuracy === undefined) continue;
    const size = r.config.data.options.perClassLimit === null ? 'all' : String(r.config.data.options.perClassLimit);
    const row = rows.get(strategy) ?? { strategy, trainableParams: r.done.trainableParams, trainSeconds: r.done.trainSeconds, valAccuracy: r.done.bestValAccuracy, testAccuracy: accuracy, accuracyAt: {} };
    const kept = row.accuracyAt[size];
    if (kept === undefined || kept === null || accuracy > kept) row.accuracyAt[size] = accuracy;
    rows.set(strategy, row);
  }
  return [...rows.values()];
}
