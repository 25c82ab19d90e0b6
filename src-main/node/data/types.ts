// The dataset adapter interface. The trainer process opens a dataset once, then reads samples
// and batches by (split, index); decoding, resizing and normalising happen here, never in a UI
// process. Every adapter (image folder, IDX, CSV) answers the same interface.

import type { LossBaseline } from '../../api/training.js';

export type Split = 'train' | 'val' | 'test';
export const SPLITS: readonly Split[] = ['train', 'val', 'test'];

export type DatasetKind = 'image-folder' | 'idx' | 'csv' | 'generated';
export type Task = 'classification' | 'regression';

export interface Sample {
  /** Preprocessed input: CHW for images, [F] for tabular rows. */
  x: Float32Array;
  /** Class index (after any class subset remapping), or the regression target. */
  label: number | Float32Array;
  /** File path or `row N` / `train-images…#i` record id, so the UI can show "worst samples". */
  id: string;
}

export interface SkippedItem {
  id: string;
  reason: string;
}

export interface DatasetInfo {
  kind: DatasetKind;
  root: string;
  task: Task;
  /** Class names in label order; null for regression. */
  classes: string[] | null;
  /** Samples per class name, per split (empty records for regression). */
  counts: Record<Split, Record<string, number>>;
  splits: Record<Split, number>;
  /** Files or rows left out, each with the reason; grows when a file fails to decode late. */
  skipped: SkippedItem[];
  /** Per-sample input shape, e.g. [1, 28, 28] or [F]. */
  inputShape: number[];
  /** Regression target shape ([1]); null for classification. */
  targetShape: number[] | null;
  /** The mean/std applied (per channel for images, per feature for tables). */
  normalisation: { mean: number[]; std: number[] };
  /** Things worth a look that do not stop training, e.g. class imbalance. */
  warnings: string[];
  /** The loss a trivial predictor scores, when the task knows it (the adding problem: 1/6). */
  baseline?: LossBaseline;
}

export interface ReadOptions {
  /** Augmentation is seeded per (seed, epoch, index), so a rerun sees the same crops. */
  epoch?: number;
}

export interface Batch {
  /** [B, ...inputShape], row-major. */
  x: Float32Array;
  shape: number[];
  /** Class indices (classification) or targets [B, ...targetShape] (regression). */
  labels: Int32Array | Float32Array;
  ids: string[];
  /** The dataset indices actually in the batch (failed ones are left out). */
  indices: number[];
  /** Samples that failed to decode; also appended to info.skipped. */
  failed: { index: number; id: string; reason: string }[];
}

export interface Dataset {
  readonly info: DatasetInfo;
  size(split: Split): number;
  get(split: Split, index: number, read?: ReadOptions): Promise<Sample>;
  getBatch(split: Split, indices: readonly number[], read?: ReadOptions): Promise<Batch>;
  /** Class index per sample of a split (for balanced sampling, confusion matrices); null for regression. */
  labels(split: Split): Int32Array | null;
}

export interface Preprocess {
  channels: 1 | 3;
  height: number;
  width: number;
  /**
   * Per-channel mean/std on the 0..1 scale. Pass the model's own when its metadata has them.
   * When absent: ImageNet's for image folders; for IDX, the pixel mean/std of the whole train
   * file (see idx-dataset.ts). Ignored by CSV, whose features are standardised per column.
   */
  mean?: number[];
  std?: number[];
  resize: 'center-crop' | 'pad';
  /** Applied to the train split only. */
  augment?: { randomResizedCrop?: boolean; horizontalFlip?: boolean };
  seed: number;
}

export interface OpenOptions {
  valFraction?: number;
  testFraction?: number;
  seed: number;
  /** Images above this many pixels are refused before decoding (default 100 megapixels). */
  maxPixels?: number;
  /** Byte budget of the decoded-image cache (default 256 MiB). */
  memoryBudgetBytes?: number;
  /** Subset of class indices, remapped to 0..k-1 in the order given. */
  classes?: number[];
  /** Classes renamed: the source's name -> the name used (before any subset is taken). */
  renames?: Record<string, string>;
  /** Keep the first N samples per class of the train split. */
  perClassLimit?: number;
  /** CSV: the label column (default: the last column). */
  labelColumn?: string;
  /** CSV: force the task instead of inferring it from the label column. */
  task?: Task;
}
