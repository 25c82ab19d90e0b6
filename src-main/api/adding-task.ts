// The adding problem's defaults, one source for `graft train --task adding` (cli/tasks.ts turns
// them into flag values) and the studio (AppInfo.defaults.adding: the data it generates, the
// settings its "learn it" preset applies, the bundled model's size). Measured to show the
// lesson (README, "Recurrent networks: what the defaults show"): an LSTM or a GRU leaves the
// mean-predictor plateau (MSE 0.167) and ends below 0.01; a tanh RNN stays on it.
import type { TrainConfig } from './training.js';

export type AddingTrainSettings = Pick<TrainConfig, 'epochs' | 'batchSize' | 'optimizer' | 'lr' | 'weightDecay' | 'schedule' | 'clipNorm'>;

export interface AddingTaskDefaults {
  /** T: the sequence length (time steps). */
  length: number;
  /** Hidden units of the generated (CLI) and bundled (studio) recurrent layer. */
  hidden: number;
  /** Generated training sequences (validation and test sets have their own sizes). */
  samples: number;
  train: AddingTrainSettings;
}

/**
 * AdamW at 1e-2 with a cosine decay leaves the plateau within ~600 steps; clipping at 1 keeps
 * the first large gradients of the escape from throwing the weights off. 20k samples x 4
 * epochs of 64 = 1,250 steps: fewer (8k or 10k samples) end on the plateau for the LSTM too.
 */
export const ADDING_TASK_DEFAULTS: AddingTaskDefaults = {
  length: 50,
  hidden: 64,
  samples: 20_000,
  train: { epochs: 4, batchSize: 64, optimizer: 'adamw', lr: 0.01, weightDecay: 0.01, schedule: 'cosine', clipNorm: 1 },
};
