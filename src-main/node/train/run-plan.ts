// A run's plan from its settings: the optimizer and loss the config names, the edit list as
// it is, and the checks that belong before any compute (does the head fit the data?).
import type { TrainConfig } from '../../api/training.js';
import { GraftError } from '../../core/errors.js';
import { adamw, sgd } from '../../core/train/optimizers.js';
import { planTraining, type TrainingPlan } from '../../core/train/plan.js';
import type { ModelFile } from '../model-file.js';

export function planRun(file: ModelFile, config: TrainConfig, classes: string[] | null, regression: boolean): TrainingPlan {
  const plan = planTraining(file.model, file.graph, {
    edits: config.edits,
    reinit: config.reinit,
    seed: config.seed,
    cache: config.cache && !config.augment,
    loss: regression ? 'mse' : 'cross-entropy',
    optimizer: config.optimizer === 'adamw' ? adamw({ weightDecay: config.weightDecay }) : sgd({ momentum: config.momentum, weightDecay: config.weightDecay }),
    clipNorm: config.clipNorm ?? undefined,
    lrMultipliers: config.lrMultipliers,
    batchnorm: config.batchnorm,
  });
  checkHeadFits(plan, classes, regression);
  checkBatchFits(plan, config.batchSize);
  return plan;
}

/**
 * A batch dimension that could not be relaxed (core/train/relax-batch.ts says why in the log)
 * takes only that batch: say so before onnxruntime refuses the first one in its own words.
 */
function checkBatchFits(plan: TrainingPlan, batchSize: number): void {
  const fixed = plan.exported.graph.dataInputs[0]?.type?.shape?.[0];
  if (typeof fixed !== 'number' || fixed === batchSize) return;
  const why = plan.log.find((l) => l.startsWith('the batch stays fixed'));
  throw new GraftError('train-fixed-batch', `this model takes batches of exactly ${fixed}${why ? ` (${why})` : ''}; train with batch size ${fixed} (--batch ${fixed}, or Batch size in the Train tab)`);
}

/** A head with K outputs cannot learn labels 0..C-1 when C != K: say so before training. */
function checkHeadFits(plan: TrainingPlan, classes: string[] | null, regression: boolean): void {
  if (regression || !classes) return;
  const k = plan.outputShape?.[plan.outputShape.length - 1];
  if (typeof k === 'number' && k !== classes.length) {
    throw new GraftError('train-head-mismatch', `the model's output has ${k} classes but the dataset has ${classes.length}; swap the head for ${classes.length} classes (graft train --head auto, or "Swap head" in the studio)`);
  }
}
