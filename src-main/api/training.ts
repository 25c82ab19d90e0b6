// Training runs as the UI and the CLI see them: the configuration of a run and the events it
// streams. Plain JSON: the same objects cross the trainer-process boundary, IPC and WebSocket.

import type { Edit } from '../core/surgery/edits.js';

export type ScheduleName = 'constant' | 'step' | 'cosine' | 'one-cycle' | 'warmup-cosine';

/** How a dataset is read: the same options for previews and training, so they match. */
export interface DataOptions {
  /** Only these class indices (remapped to 0..k-1). */
  classes: number[] | null;
  perClassLimit: number | null;
  valFraction: number;
  /** The split's seed. */
  seed: number;
  /**
   * Classes the user renamed: the source's name -> the name shown, trained under and written
   * into the export. Absent or null: the source's names.
   */
  renames?: Record<string, string> | null;
}

export const DEFAULT_DATA_OPTIONS: DataOptions = { classes: null, perClassLimit: null, valFraction: 0.1, seed: 0 };

/** A dataset (folder, IDX files, CSV, or a generated task spec) and how it is read. */
export interface DataSpec {
  path: string;
  options: DataOptions;
}

/** onnxruntime's execution providers a run can use (node/train/devices.ts probes them). */
export const DEVICES = ['cpu', 'webgpu', 'cuda'] as const;
export type Device = (typeof DEVICES)[number];
/** A device, or `auto`: the fastest that works here. */
export type DeviceChoice = Device | 'auto';
export const DEVICE_CHOICES: readonly DeviceChoice[] = ['auto', ...DEVICES];

/** Whether a provider works on this machine, and if not, why (in words a user can act on). */
export interface DeviceReport {
  device: Device;
  available: boolean;
  reason: string | null;
}

export interface TrainConfig {
  model: string;
  data: DataSpec;
  /**
   * What trains and how the model is changed (freezing, head and cell swaps), replayed on the
   * model as it is: the studio's edit list, or what the CLI's flags became
   * (core/surgery/presets.ts).
   */
  edits: Edit[];
  /** From scratch: the edited architecture with every weight re-initialised. */
  reinit: boolean;
  epochs: number;
  batchSize: number;
  optimizer: 'sgd' | 'adamw';
  lr: number;
  momentum: number;
  weightDecay: number;
  schedule: ScheduleName;
  clipNorm: number | null;
  augment: boolean;
  /** Cache the frozen prefix's outputs (ignored, and said so, when augmenting). */
  cache: boolean;
  /** Initialisation (new heads, from scratch) and shuffling. */
  seed: number;
  earlyStopPatience: number | null;
  checkpointDir: string | null;
  resumeDir: string | null;
  exportPath: string | null;
  /** Learning-rate multiplier per block path (discriminative learning rates). */
  lrMultipliers: Record<string, number>;
  /** Where the step runs: an onnxruntime execution provider, or the fastest that works. */
  device: DeviceChoice;
  /**
   * Batch norm: `frozen` normalises with the running statistics; `batch` is PyTorch's
   * model.train() in the trainable part (batch statistics, running ones updated and exported).
   */
  batchnorm: 'frozen' | 'batch';
}

export const DEFAULT_TRAIN_CONFIG: Omit<TrainConfig, 'model' | 'data'> = {
  edits: [],
  reinit: false,
  epochs: 5,
  batchSize: 32,
  optimizer: 'sgd',
  lr: 0.01,
  momentum: 0.9,
  weightDecay: 0,
  schedule: 'cosine',
  clipNorm: null,
  augment: false,
  cache: true,
  seed: 0,
  earlyStopPatience: null,
  checkpointDir: null,
  resumeDir: null,
  exportPath: null,
  lrMultipliers: {},
  device: 'auto',
  batchnorm: 'frozen',
};

/** Strategies as a person names them (core/surgery/presets.ts turns each into edit records). */
export const STRATEGY_NAMES = ['feature-extraction', 'fine-tune', 'full', 'scratch'] as const;
export type StrategyName = (typeof STRATEGY_NAMES)[number];

export type StrategyHyper = Pick<TrainConfig, 'optimizer' | 'lr' | 'weightDecay' | 'epochs' | 'schedule' | 'batchnorm'>;

/**
 * Per strategy, the settings a run starts from (the CLI's when a flag is not given, the
 * studio's strategy buttons): a new head alone learns fast from cached features, so it gets
 * a larger rate; weights that were already good move with a smaller one; from scratch gets
 * the same budget as transfer, so the comparison is fair. Batch norm (README, "Batch norm"):
 * frozen where a pretrained body feeds the trained part (its running statistics describe the
 * features it sees, small batches cannot estimate better ones, and eval matches training);
 * batch statistics when every layer moves, where running statistics go stale (full) or start
 * blank (scratch), as in PyTorch's recipe.
 */
export const STRATEGY_DEFAULTS: Record<StrategyName, StrategyHyper> = {
  'feature-extraction': { optimizer: 'adamw', lr: 3e-3, weightDecay: 0.01, epochs: 30, schedule: 'cosine', batchnorm: 'frozen' },
  'fine-tune': { optimizer: 'adamw', lr: 1e-3, weightDecay: 0.01, epochs: 30, schedule: 'cosine', batchnorm: 'frozen' },
  full: { optimizer: 'adamw', lr: 1e-3, weightDecay: 0.01, epochs: 30, schedule: 'cosine', batchnorm: 'batch' },
  scratch: { optimizer: 'adamw', lr: 3e-3, weightDecay: 0.01, epochs: 30, schedule: 'cosine', batchnorm: 'batch' },
};

export interface StepPoint {
  step: number;
  epoch: number;
  loss: number;
  lr: number;
  /** L2 norm of the gradient per block (top-level block paths). */
  gradNorms: Record<string, number>;
  /** Before clipping. */
  globalGradNorm: number;
  /** After clipping, min(globalGradNorm, clipNorm): present only when the run clips. */
  clippedGradNorm?: number;
}

/** A loss level that means "learned nothing", for the loss chart and the CLI to measure against. */
export interface LossBaseline {
  loss: number;
  /** What scores it, e.g. "predicting the mean". */
  label: string;
}

export interface EpochSummary {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number | null;
  valLoss: number;
  valAccuracy: number | null;
  lr: number;
  seconds: number;
  samplesPerSecond: number;
  etaSeconds: number;
}

/**
 * An epoch as a run reports it: without validation samples (empty val and test splits) there
 * is no validation loss to show, so it is null rather than a fake 0.
 */
export type EpochReport = Omit<EpochSummary, 'valLoss'> & { valLoss: number | null };

export interface Evaluation {
  split: 'val' | 'test';
  samples: number;
  loss: number;
  accuracy: number | null;
  classes: string[] | null;
  perClassAccuracy: number[] | null;
  /** confusion[true][predicted] */
  confusion: number[][] | null;
  /** `index`: the sample's index in `split`, for datasetSamples. */
  worst: { id: string; index: number; label: number; predicted: number; loss: number }[];
}

export interface GradientFlowLayer {
  nodeId: string;
  cell: string;
  direction: string;
  /** ||dLoss/dh_t|| for t = 1..T, on the step's batch. */
  norms: number[];
}

/**
 * A wait outside the training steps, with counts: caching the frozen features of a split,
 * validating after an epoch, evaluating the best epoch, checking the export. Sent a few
 * times a second at most; the next step, epoch or result event ends it.
 */
export interface RunProgress {
  phase: 'caching' | 'validating' | 'evaluating' | 'exporting';
  split: 'train' | 'val' | 'test';
  done: number;
  total: number;
}

export type TrainEvent =
  | {
      event: 'start';
      trainableParams: number;
      totalParams: number;
      trainableBlocks: string[];
      cache: 'on' | 'off' | 'off: augmentation changes every epoch';
      samples: { train: number; val: number; test: number };
      classes: string[] | null;
      resumedFromEpoch: number | null;
      /** Regression tasks that know one: the loss a trivial predictor scores. */
      baseline?: LossBaseline;
    }
  | { event: 'steps'; points: StepPoint[] }
  | ({ event: 'epoch' } & EpochReport)
  | { event: 'checkpoint'; epoch: number; path: string }
  | ({ event: 'evaluation' } & Evaluation)
  | {
      event: 'export';
      path: string;
      verified: boolean;
      maxAbsDiff: number;
      samples: number;
      /** The split the file was checked on; 'train' when the run had no validation samples. */
      checkedOn?: 'train' | 'val' | 'test';
      /** Why the check is weaker than usual (or missing), for the person reading it. */
      note?: string;
    }
  | { event: 'log'; message: string }
  | ({ event: 'progress' } & RunProgress)
  | {
      /** Gradient flow through time of each recurrent layer: norms[t] = ||dLoss/dh_t|| (every 50 steps and each epoch's last). */
      event: 'gradflow';
      step: number;
      layers: GradientFlowLayer[];
    }
  | {
      event: 'done';
      /** Null without validation samples: then `bestEpoch` is simply the last epoch. */
      bestValLoss: number | null;
      bestValAccuracy: number | null;
      bestEpoch: number;
      trainSeconds: number;
      trainableParams: number;
      totalParams: number;
      exported: string | null;
      /** Early stopping ended the run. */
      stoppedEarly: boolean;
      /** The user stopped it; the epochs completed before were evaluated and exported. */
      stoppedByUser: boolean;
    }
  | { event: 'error'; message: string; code: string };
