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
  return plan;
}

/** A head with K outputs cannot learn labels 0..C-1 when C != K: say so before training. */
function checkHeadFits(plan: TrainingPlan, classes: string[] | null, regression: boolean): void {
  if (regression || !classes) return;
  const k = plan.outputShape?.[plan.outputShape.length - 1];
  if (typeof k === 'number' && k !== classes.length) {
    throw new GraftError('train-head-mismatch', `the model's output has ${k} classes but the dataset has ${classes.length}; swap the head for ${classes.length} classes (graft train --head auto, or "Swap head" in the studio)`);
  }
}
