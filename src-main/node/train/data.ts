// The run's dataset, preprocessed for the model: channels and size from the model's input,
// mean and std from its metadata when it has them.
import type { DataOptions, TrainConfig } from '../../api/training.js';
import { GraftError } from '../../core/errors.js';
import { PREPROCESSING_KEY } from '../../core/surgery/metadata.js';
import { type ModelFile, readModelFile } from '../model-file.js';
import { openDataset } from '../data/index.js';
import type { Dataset, OpenOptions, Preprocess } from '../data/types.js';

/** `preprocessing` metadata as Graft writes it on export (and reads it back). */
export interface PreprocessingMetadata {
  channels: number;
  height: number;
  width: number;
  mean: number[];
  std: number[];
  layout: 'NCHW';
  resize: 'center-crop' | 'pad';
}

export function modelPreprocess(file: ModelFile, seed: number, augment: boolean): Preprocess {
  const input = file.graph.dataInputs[0];
  const shape = input?.type?.shape ?? null;
  const meta = file.model.metadataProps.find((m) => m.key === PREPROCESSING_KEY);
  const saved = meta ? (JSON.parse(meta.value) as Partial<PreprocessingMetadata>) : {};
  if (shape && shape.length === 4) {
    const [, c, h, w] = shape;
    if (c !== 1 && c !== 3) throw new GraftError('train-input', `the model's input has ${String(c)} channels; images need 1 or 3`);
    if (typeof h !== 'number' || typeof w !== 'number') throw new GraftError('train-input', `the model's input size is not fixed (${shape.join('×')}); cannot size images for it`);
    return {
      channels: c,
      height: h,
      width: w,
      ...(saved.mean && saved.std ? { mean: saved.mean, std: saved.std } : {}),
      resize: saved.resize ?? 'center-crop',
      augment: augment ? { randomResizedCrop: true, horizontalFlip: true } : undefined,
      seed,
    };
  }
  if (shape && shape.length === 3 && typeof shape[1] === 'number' && typeof shape[2] === 'number') {
    // A sequence model [N, T, F] reads images row by row: T rows of F pixels (sequential
    // MNIST). Images come as one gray channel of T x F; generated and CSV data shape themselves.
    return { channels: 1, height: shape[1], width: shape[2], resize: 'pad', seed };
  }
  // Tabular models: the dataset adapter shapes rows itself.
  return { channels: 1, height: 1, width: 1, resize: 'center-crop', seed };
}

/**
 * The dataset with its batches shaped as the model's input [N, T, F]: a gray image batch
 * [B, 1, H, W] becomes [B, H, W] (the same memory, read row by row), and a CSV batch of one
 * row per sample [B, T·F] becomes [B, T, F].
 */
export function shapedForModel(dataset: Dataset, file: ModelFile): Dataset {
  const shape = file.graph.dataInputs[0]?.type?.shape;
  if (shape?.length !== 3) return dataset;
  const [, T, F] = shape;
  return Object.assign(Object.create(dataset) as Dataset, {
    async getBatch(...args: Parameters<Dataset['getBatch']>) {
      const b = await dataset.getBatch(...args);
      const s = b.shape;
      if (s.length === 4 && s[1] === 1) return { ...b, shape: [s[0], s[2], s[3]] };
      // One CSV row per sample holding T x F values, time-major.
      if (s.length === 2 && typeof T === 'number' && typeof F === 'number' && s[1] === T * F) return { ...b, shape: [s[0], T, F] };
      return b;
    },
  });
}

/** The adapter options of the studio's data options: one place, so runs, previews and tries split alike. */
export function dataOpenOptions(o: DataOptions): OpenOptions {
  return {
    seed: o.seed,
    valFraction: o.valFraction,
    ...(o.classes ? { classes: o.classes } : {}),
    ...(o.perClassLimit ? { perClassLimit: o.perClassLimit } : {}),
    ...(o.renames ? { renames: o.renames } : {}),
  };
}

export async function openRunData(file: ModelFile, config: TrainConfig): Promise<{ dataset: Dataset; preprocess: Preprocess }> {
  const preprocess = modelPreprocess(file, config.seed, config.augment);
  const dataset = await openDataset(config.data.path, preprocess, dataOpenOptions(config.data.options));
  return { dataset: shapedForModel(dataset, file), preprocess };
}

/** The class names a run of `config` will see (null for regression): what a head swap is sized by. */
export async function runDatasetClasses(config: TrainConfig): Promise<string[] | null> {
  const { dataset } = await openRunData(await readModelFile(config.model), config);
  return dataset.info.task === 'regression' ? null : dataset.info.classes;
}
