// The studio's working data as the UI sees it: edits applied to a model, datasets with their
// previews, runs with their streamed events, projects. Plain JSON, like the rest of the API.
import type { Edit } from '../core/surgery/edits.js';
import type { SurgeryViewData } from '../core/view/surgery-view.js';
import type { DataOptions, EpochReport, Evaluation, GradientFlowLayer, RunProgress, StepPoint, TrainConfig, TrainEvent } from './training.js';

export { DEFAULT_DATA_OPTIONS, type DataOptions } from './training.js';

export type { Edit };

/** What the edit list did to the model: the trainable set, per block, and a line per edit. */
export type SurgeryView = SurgeryViewData;

export interface DatasetView {
  path: string;
  kind: 'image-folder' | 'idx' | 'csv' | 'generated';
  task: 'classification' | 'regression';
  /** Class names after any subset, in label order. */
  classes: string[] | null;
  /** Every class the source has, before any subset (for the class picker), renames applied. */
  allClasses: string[] | null;
  /** The same classes under the source's own names: what `DataOptions.renames` is keyed by. */
  sourceClasses: string[] | null;
  counts: Record<'train' | 'val' | 'test', Record<string, number>>;
  splits: Record<'train' | 'val' | 'test', number>;
  skipped: { id: string; reason: string }[];
  inputShape: number[];
  normalisation: { mean: number[]; std: number[] };
  warnings: string[];
  /** Whether sample images can be shown (image data, not tables or generated series). */
  images: boolean;
}

export interface SampleView {
  split: 'train' | 'val' | 'test';
  index: number;
  id: string;
  label: number | null;
  className: string | null;
  /** PNG data URL of the stored image, shown as the user knows it (null for tables). */
  original: string | null;
  /** PNG data URL of exactly what the network receives, de-normalised for display. */
  input: string | null;
  /** e.g. "1×28×28, mean 0.286, std 0.353". */
  inputSummary: string;
}

export interface BrowseEntry {
  name: string;
  path: string;
  kind: 'dir' | 'file';
  bytes: number | null;
}

export interface BrowseResult {
  path: string;
  parent: string | null;
  entries: BrowseEntry[];
  /** Folders the studio may read (serve mode); empty when unrestricted. */
  roots: string[];
}

export type RunStatus = 'starting' | 'running' | 'paused' | 'done' | 'stopped' | 'failed' | 'crashed';

/** One gradient-flow snapshot, placed in the epoch it was taken in. */
export interface GradflowSnapshot {
  epoch: number;
  step: number;
  layers: GradientFlowLayer[];
}

/** A run as stored in the project and shown in the training and compare panels. */
export interface RunRecord {
  id: string;
  /** e.g. "feature extraction, 3 epochs". */
  label: string;
  createdAt: string;
  status: RunStatus;
  config: TrainConfig;
  start: Extract<TrainEvent, { event: 'start' }> | null;
  steps: StepPoint[];
  epochs: EpochReport[];
  evaluation: Evaluation | null;
  export: Extract<TrainEvent, { event: 'export' }> | null;
  done: Extract<TrainEvent, { event: 'done' }> | null;
  gradflow: { step: number; layers: GradientFlowLayer[] } | null;
  /**
   * The gradient flow at the end of each epoch (its last snapshot), for the per-epoch view;
   * absent in records stored before it existed.
   */
  gradflowEpochs?: GradflowSnapshot[];
  log: string[];
  error: { code: string; message: string } | null;
  /** The epoch of the last checkpoint written, if any. */
  checkpointEpoch: number | null;
  /** The wait in progress outside the training steps (caching, evaluating...), or none. */
  progress?: RunProgress | null;
}

/** What a project file holds: everything needed to pick the work up again. */
export interface ProjectState {
  name: string;
  model: string | null;
  edits: Edit[];
  /** How the edits group into user actions, for the history panel (sizes sum to edits.length). */
  history?: { label: string; count: number }[];
  data: string | null;
  dataOptions: DataOptions;
  /** The training panel's settings (model, data and edits come from the fields above). */
  train: Partial<TrainConfig>;
}

/** What the Try panel runs a model on: an image file on the engine's machine, or a sample of the run's own data. */
export type TryInput = { kind: 'image'; path: string } | { kind: 'sample'; split: 'train' | 'val' | 'test'; index: number };

/** One class among a prediction's best, with the model's probability for it (0..1). */
export interface TryClass {
  index: number;
  className: string;
  probability: number;
}

/** The model's answer for one input of a Try request. */
export interface TryPrediction {
  /** The image's file name (never its folder), or e.g. "test sample 12". */
  name: string;
  /** Why this input could not be tried (a damaged image, a wrong size); the rest are null then. */
  error: string | null;
  /** Classification: the best classes, most probable first (probabilities over all classes). */
  top: TryClass[] | null;
  /** Regression: the predicted values. */
  values: number[] | null;
  /** Samples only: the true class, or the true target values. */
  truth: { index: number | null; className: string | null; values: number[] | null } | null;
  /** PNG data URL of what the network received (images), de-normalised for display. */
  input: string | null;
  /** e.g. "1×28×28, mean 0.286, std 0.353", or a sequence's first steps. */
  inputSummary: string;
}

export interface TryResult {
  runId: string;
  task: 'classification' | 'regression';
  /** The model's class names (its export's metadata), in output order. */
  classes: string[] | null;
  predictions: TryPrediction[];
  millis: number;
}

export interface ProjectSummary {
  name: string;
  updatedAt: string;
  runs: number;
}

/**
 * A dataset being opened or previewed, as the engine advances (a few a second at most, and at
 * each new stage): `done` of `total` `unit`s, the total null until it is known.
 * - scanning: class folders listed, with the images `found` in them so far;
 * - checking: image headers read (size, format), before any pixel is decoded;
 * - reading: an IDX images `file` inflated, in images;
 * - parsing: a CSV `file` read as rows, in bytes, with the rows `found`;
 * - tabulating: the CSV's rows turned into numbers;
 * - sampling: the preview samples decoded and drawn.
 */
export interface DatasetProgress {
  stage: 'scanning' | 'checking' | 'reading' | 'parsing' | 'tabulating' | 'sampling';
  done: number;
  total: number | null;
  unit: 'class folders' | 'images' | 'bytes' | 'rows' | 'samples';
  found?: number;
  /** The file being read, by its name only. */
  file?: string;
}

/** A run's events, as the run panels fold them. */
export type RunEvent = { type: 'run'; runId: string; event: TrainEvent } | { type: 'run-status'; run: RunSummary };

/** Progress of the openDataset or datasetSamples request that carried `ticket`. */
export interface DatasetEvent {
  type: 'dataset';
  ticket: string;
  progress: DatasetProgress;
}

/** Pushed from the engine to every connected UI. */
export type StudioEvent = RunEvent | DatasetEvent;

/** A run's status change, without its curves. */
export interface RunSummary {
  id: string;
  status: RunStatus;
  error: { code: string; message: string } | null;
}
