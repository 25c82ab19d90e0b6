// The built-in tasks of `graft train --task NAME`: a model the CLI makes, the data it reads, and
// the settings measured to show each task's lesson (README, "Recurrent networks: what the
// defaults show"). Any flag given overrides its default.
import { ADDING_TASK_DEFAULTS } from '../api/adding-task.js';
import type { ModelProto } from '../core/onnx/gen/onnx_pb.js';
import { addingModel, type RecurrentCell } from '../core/templates/adding-model.js';
import { sequenceModel } from '../core/templates/sequence.js';

export type TaskName = 'adding' | 'rows';
export const TASKS: readonly TaskName[] = ['adding', 'rows'];

/** Flag values (as typed on the command line) a task sets unless the user does. */
export type TaskDefaults = Record<string, string>;

/** The adding problem: the studio's defaults too (api/adding-task.ts), as flag values. */
const A = ADDING_TASK_DEFAULTS;
export const ADDING_DEFAULTS: TaskDefaults = {
  length: String(A.length),
  hidden: String(A.hidden),
  samples: String(A.samples),
  epochs: String(A.train.epochs),
  batch: String(A.train.batchSize),
  optimizer: A.train.optimizer,
  lr: String(A.train.lr),
  'weight-decay': String(A.train.weightDecay),
  schedule: A.train.schedule,
  clip: A.train.clipNorm === null ? 'off' : String(A.train.clipNorm),
  strategy: 'full',
  head: 'keep',
};

/**
 * Fashion-MNIST read row by row: 28 steps of 28 pixels, 10 classes, 1,000 training images per
 * class. Debian's dataset-fashion-mnist unless --data names another.
 */
export const ROWS_DEFAULTS: TaskDefaults = {
  data: '/usr/share/datasets/fashion-mnist',
  hidden: '64',
  'per-class': '1000',
  epochs: '3',
  batch: '64',
  optimizer: 'adamw',
  lr: '0.005',
  schedule: 'cosine',
  clip: '1',
  strategy: 'full',
  head: 'keep',
};

export const TASK_DEFAULTS: Record<TaskName, TaskDefaults> = { adding: ADDING_DEFAULTS, rows: ROWS_DEFAULTS };

/** A generated model: the CLI builds it and writes it to a temporary file before the run. */
export interface TaskModel {
  task: TaskName;
  /** Time steps: the adding problem's T, or the image's rows. */
  length: number;
  cell: RecurrentCell;
  hidden: number;
  /** Outputs: 1 for the adding problem, the classes for rows. */
  outputs: number;
  /** Multiplies the initial recurrent weights (the exploding-gradient demonstration). */
  recurrentScale: number;
}

/** Rows of 28 pixels: the images are resized to 28 x 28. */
const ROW_PIXELS = 28;

export function taskModel(t: TaskModel, seed: number): ModelProto {
  if (t.task === 'adding') {
    return addingModel({ inputSize: 2, steps: t.length, cell: t.cell, hiddenSize: t.hidden, outputs: 1, seed, recurrentScale: t.recurrentScale });
  }
  return sequenceModel({ inputSize: ROW_PIXELS, cell: t.cell, hiddenSize: t.hidden, layers: 1, direction: 'forward', steps: ROW_PIXELS, outputs: t.outputs, head: 'last', seed, forgetBias: 1 });
}

export function taskModelFileName(t: TaskModel): string {
  return `${t.task}-${t.cell.toLowerCase()}-T${t.length}-h${t.hidden}.onnx`;
}
