// The run's dataset, preprocessed for the model: channels and size from the model's input,
// mean and std from its metadata when it has them.
import type { TrainConfig } from '../../api/training.js';
import { GraftError } from '../../core/errors.js';
import type { ModelFile } from '../model-file.js';
import { openDataset } from '../data/index.js';
import type { Dataset, Preprocess } from '../data/types.js';

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
  const input = file.graph.inputs.find((v) => !v.initializer);
  const shape = input?.type?.shape ?? null;
  const meta = file.model.metadataProps.find((m) => m.key === 'preprocessing');
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
  // Tabular and sequence models: the dataset adapter shapes rows itself.
  return { channels: 1, height: 1, width: 1, resize: 'center-crop', seed };
}

export async function openRunData(file: ModelFile, config: TrainConfig): Promise<{ dataset: Dataset; preprocess: Preprocess }> {
  const preprocess = modelPreprocess(file, config.seed, config.augment);
  const dataset = await openDataset(config.data, preprocess, {
    seed: config.seed,
    valFraction: config.valFraction,
    ...(config.classes ? { classes: config.classes } : {}),
    ...(config.perClassLimit ? { perClassLimit: config.perClassLimit } : {}),
  });
  return { dataset, preprocess };
}
