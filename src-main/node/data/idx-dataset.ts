// IDX datasets (MNIST, Fashion-MNIST): all images in memory as bytes, no sharp. A sample is
// resized only when the model's input differs from the stored size (bilinear), replicated to
// 3 channels for RGB models, and normalised.
//
// Default normalisation (when the caller passes no mean/std): the pixel mean and std of the
// whole train file, all classes. Classic for MNIST (0.1307/0.3081), better conditioned than
// 0.5/0.5 for mostly-black images, and independent of class subsets and per-class limits, so a
// model pretrained on classes 0-4 and one transferred to 5-9 see the same input scale.
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { GraftError } from '../../core/errors.js';
import { drawPlacement } from '../../core/data/bilinear.js';
import { FASHION_MNIST_CLASSES, isFashionMnistLabels, parseClassNamesFile } from '../../core/data/idx-class-names.js';
import { planPlacement } from '../../core/data/geometry.js';
import { type MeanStd, channelTables, normaliseReplicated, resolveMeanStd } from '../../core/data/normalisation.js';
import { mixSeeds } from '../../core/data/seeds.js';
import { seededRandom } from '../../core/random.js';
import { assembleDataset } from './assemble.js';
import { type IdxImages, type IdxPart, MAX_IDX_BYTES, findIdxParts, readIdxPart } from './idx-files.js';
import { NO_PROGRESS, type ProgressSink } from './progress.js';
import type { Dataset, OpenOptions, Preprocess } from './types.js';

export { FASHION_MNIST_CLASSES };

/** Beside IDX files, names their classes one per line (label order): IDX stores only numbers. */
export const CLASS_NAMES_FILE = 'classes.txt';

export async function openIdxDataset(path: string, pre: Preprocess, opts: OpenOptions, progress: ProgressSink = NO_PROGRESS): Promise<Dataset> {
  const { folder, parts } = await findIdxParts(path);
  // One part at a time, so the counts shown are those of one file.
  const loaded: IdxImages[] = [];
  for (const part of parts) {
    const file = basename(part.images);
    progress({ stage: 'reading', done: 0, total: null, unit: 'images', file });
    loaded.push(await readIdxPart(part, MAX_IDX_BYTES, (done, total) => progress({ stage: 'reading', done, total, unit: 'images', file })));
  }
  const { height, width } = loaded[0];
  loaded.forEach((p, i) => {
    if (p.height !== height || p.width !== width) {
      throw new GraftError('dataset-idx-shape', `${basename(parts[i].images)} holds ${p.width}x${p.height} images, ${basename(parts[0].images)} ${width}x${height}`);
    }
  });
  const offsets: number[] = [];
  let total = 0;
  for (const p of loaded) {
    offsets.push(total);
    total += p.count;
  }
  const partOf = (record: number) => {
    let k = offsets.length - 1;
    while (offsets[k] > record) k--;
    return k;
  };
  const recordRange = (k: number) => Array.from({ length: loaded[k].count }, (_, i) => offsets[k] + i);
  const hasGivenSplit = parts.some((p) => p.split === 'test') && parts.some((p) => p.split === 'train');
  const given = hasGivenSplit
    ? {
        train: parts.flatMap((p, k) => (p.split !== 'test' ? recordRange(k) : [])),
        test: parts.flatMap((p, k) => (p.split === 'test' ? recordRange(k) : [])),
      }
    : null;

  const classCount = Math.max(...loaded.map((p) => p.labels.reduce((m, v) => Math.max(m, v), 0))) + 1;
  const warnings: string[] = [];
  const classes = await idxClassNames(folder, parts, loaded, classCount, warnings);

  const trainParts = loaded.filter((_, k) => !given || parts[k].split !== 'test');
  const ms = resolveMeanStd(pre.channels, pre, pixelStats(trainParts));
  const reader = idxSampleReader(height, width, pre, ms);

  return assembleDataset(
    {
      kind: 'idx',
      root: folder,
      classes,
      recordCount: total,
      classOf: (r) => {
        const k = partOf(r);
        return loaded[k].labels[r - offsets[k]];
      },
      idOf: (r) => {
        const k = partOf(r);
        return `${basename(parts[k].images)}#${r - offsets[k]}`;
      },
      given,
      inputShape: [pre.channels, pre.height, pre.width],
      normalisation: ms,
      skipped: [],
      warnings,
      read: (r, augment, read) => {
        const k = partOf(r);
        const i = r - offsets[k];
        return reader(loaded[k].pixels.subarray(i * height * width, (i + 1) * height * width), augment ? mixSeeds(pre.seed, read.epoch ?? 0, r) : null);
      },
    },
    opts,
  );
}

/**
 * The classes' names: from a names file beside the IDX files, else Fashion-MNIST's when the
 * files are Fashion-MNIST (by content, or by a folder or file name that says so), else the
 * label numbers.
 */
async function idxClassNames(folder: string, parts: IdxPart[], loaded: IdxImages[], classCount: number, warnings: string[]): Promise<string[]> {
  const text = await readFile(join(folder, CLASS_NAMES_FILE), 'utf8').catch(() => null);
  if (text !== null) {
    const parsed = parseClassNamesFile(text, classCount);
    if (parsed.ok) return parsed.names;
    warnings.push(`${CLASS_NAMES_FILE} is not used: ${parsed.reason}`);
  }
  const named = /fashion/i.test(folder) || parts.some((p) => /fashion/i.test(basename(p.images)));
  const fashion = named || loaded.some((p) => isFashionMnistLabels(p.labels, p.height, p.width));
  return fashion && classCount <= FASHION_MNIST_CLASSES.length ? FASHION_MNIST_CLASSES : Array.from({ length: classCount }, (_, i) => String(i));
}

/** Mean and std of all pixels (0..1 scale), from a byte histogram: one pass, no float sums. */
function pixelStats(parts: IdxImages[]): MeanStd {
  const histogram = new Float64Array(256);
  let n = 0;
  for (const p of parts) {
    for (let i = 0; i < p.pixels.length; i++) histogram[p.pixels[i]]++;
    n += p.pixels.length;
  }
  let sum = 0;
  let sq = 0;
  for (let v = 0; v < 256; v++) {
    sum += (histogram[v] * v) / 255;
    sq += histogram[v] * (v / 255) ** 2;
  }
  const mean = sum / n;
  const std = Math.sqrt(Math.max(sq / n - mean * mean, 0)) || 1;
  return { mean: [mean], std: [std] };
}

/** One 1-channel HxW image -> normalised [C, outH, outW]; `augmentSeed` null means no augmentation. */
function idxSampleReader(height: number, width: number, pre: Preprocess, ms: MeanStd) {
  const augmenting = !!(pre.augment?.horizontalFlip || pre.augment?.randomResizedCrop);
  const tables = channelTables(ms);
  return (image: Uint8Array, augmentSeed: number | null): Float32Array => {
    let pixels = image;
    const augment = augmenting && augmentSeed !== null;
    if (augment || pre.height !== height || pre.width !== width) {
      const rand = augment ? seededRandom(augmentSeed) : undefined;
      const placement = planPlacement(width, height, pre.width, pre.height, pre.resize, augment ? pre.augment : undefined, rand);
      pixels = drawPlacement(image, width, height, 1, placement, pre.width, pre.height);
    }
    return normaliseReplicated(pixels, tables);
  };
}
