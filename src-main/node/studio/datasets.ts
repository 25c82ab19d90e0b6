// Datasets as the data panel sees them: opened exactly as a run will open them (the model's
// input size and normalisation, the same split options), with sample previews: the stored
// image and the tensor the network receives, drawn back as an image.
import { isAbsolute, relative, resolve } from 'node:path';
import type { DataOptions, DatasetView, SampleView } from '../../api/studio-types.js';
import { GraftError } from '../../core/errors.js';
import { NO_PROGRESS, openDataset, type ProgressSink } from '../data/index.js';
import { fileThumbnail, summariseInput, tensorImage } from '../data/previews.js';
import type { Dataset, Split } from '../data/types.js';
import type { ModelFile } from '../model-file.js';
import { dataOpenOptions, modelPreprocess, shapedForModel } from '../train/data.js';
import type { ModelFiles } from './model-files.js';

const CACHE_ENTRIES = 3;
/** Samples per preview request: each is decoded and drawn (in the preview worker, see dataset-worker.ts). */
export const MAX_PREVIEW_SAMPLES = 64;

interface Opened {
  /** The data options, as JSON, for the model file below. */
  key: string;
  file: ModelFile;
  dataset: Dataset;
  sourceClasses: string[] | null;
}

function inside(root: string, path: string): boolean {
  const rel = relative(resolve(root), resolve(path));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

export class DatasetPreviews {
  private opened: Opened[] = [];
  /** Every class of a source (path), whatever subset is chosen: read once per source. */
  private classesOf = new Map<string, string[] | null>();

  constructor(private readonly files: ModelFiles) {}

  private async open(path: string, modelPath: string, options: DataOptions, progress: ProgressSink): Promise<Opened> {
    const file = await this.files.get(modelPath);
    const key = JSON.stringify([path, options]);
    const hit = this.opened.find((o) => o.file === file && o.key === key);
    if (hit) return hit;
    const pre = modelPreprocess(file, options.seed, false);
    const opts = dataOpenOptions(options);
    const dataset = shapedForModel(await openDataset(path, pre, opts, progress), file);
    // The class picker lists every class the source has, under the source's own names (what
    // renames are keyed by), also when a subset is chosen or classes are renamed.
    if (!this.classesOf.has(path)) {
      const { classes: _subset, renames: _renamed, ...whole } = opts;
      this.classesOf.set(path, opts.classes || opts.renames ? (await openDataset(path, pre, whole, progress)).info.classes : dataset.info.classes);
    }
    const entry = { key, file, dataset, sourceClasses: this.classesOf.get(path) ?? null };
    this.opened = [entry, ...this.opened].slice(0, CACHE_ENTRIES);
    return entry;
  }

  /** The dataset as a run will read it; `progress` hears how opening it advances (not throttled). */
  async view(path: string, modelPath: string, options: DataOptions, progress: ProgressSink = NO_PROGRESS): Promise<DatasetView> {
    const { dataset, sourceClasses } = await this.open(path, modelPath, options, progress);
    const i = dataset.info;
    const renames = options.renames ?? {};
    return {
      path,
      kind: i.kind,
      task: i.task,
      classes: i.classes,
      allClasses: sourceClasses?.map((c) => (Object.hasOwn(renames, c) ? renames[c] : c)) ?? null,
      sourceClasses,
      counts: i.counts,
      splits: i.splits,
      skipped: i.skipped.slice(0, 500),
      inputShape: i.inputShape,
      normalisation: i.normalisation,
      warnings: i.warnings,
      images: (i.kind === 'image-folder' || i.kind === 'idx') && i.inputShape.length === 3,
    };
  }

  async samples(path: string, modelPath: string, options: DataOptions, split: Split, indices: number[], progress: ProgressSink = NO_PROGRESS): Promise<SampleView[]> {
    if (indices.length > MAX_PREVIEW_SAMPLES) {
      throw new GraftError('sample-range', `${indices.length} samples asked for at once; previews show at most ${MAX_PREVIEW_SAMPLES} per request`);
    }
    const { dataset } = await this.open(path, modelPath, options, progress);
    const info = dataset.info;
    const size = dataset.size(split);
    const out: SampleView[] = [];
    const drawn = () => progress({ stage: 'sampling', done: out.length, total: indices.length, unit: 'samples' });
    for (const index of indices) {
      drawn();
      if (index >= size) throw new GraftError('sample-range', `the ${split} split has ${size} samples; there is no sample ${index}`);
      let s;
      try {
        s = await dataset.get(split, index);
      } catch (e) {
        out.push({ split, index, id: `#${index}`, label: null, className: null, original: null, input: null, inputSummary: `unreadable: ${(e as Error).message}` });
        continue;
      }
      const label = typeof s.label === 'number' ? s.label : null;
      const images = info.inputShape.length === 3;
      out.push({
        split,
        index,
        id: s.id,
        label,
        className: label !== null && info.classes ? (info.classes[label] ?? null) : null,
        // Only files the dataset itself listed, below its own folder.
        original: info.kind === 'image-folder' && inside(info.root, s.id) ? await fileThumbnail(s.id) : null,
        input: images ? await tensorImage(s.x, info.inputShape, info.normalisation.mean, info.normalisation.std) : null,
        inputSummary: summariseInput(s.x, info.inputShape),
      });
    }
    drawn();
    return out;
  }
}
