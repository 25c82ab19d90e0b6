// Image-folder datasets: scan, read every header (bad files and oversized images are reported
// and left out before training starts), split, then decode lazily per sample with a byte-bounded
// cache of decoded pixels for reads that are not augmented.
import { GraftError } from '../../core/errors.js';
import { ByteLru } from '../../core/data/byte-lru.js';
import { planPlacement } from '../../core/data/geometry.js';
import { channelTables, imagenetMeanStd, normaliseToChw, resolveMeanStd } from '../../core/data/normalisation.js';
import { mixSeeds } from '../../core/data/seeds.js';
import { seededRandom } from '../../core/random.js';
import { assembleDataset } from './assemble.js';
import { type DecodeTarget, decodeImage } from './image-decode.js';
import { scanImageFolder } from './image-folder-scan.js';
import { DEFAULT_MAX_PIXELS, type ImageHeader, probeImage } from './image-probe.js';
import { NO_PROGRESS, type ProgressSink } from './progress.js';
import type { Dataset, OpenOptions, Preprocess, SkippedItem, Split } from './types.js';

export const DEFAULT_MEMORY_BUDGET_BYTES = 256 * 1024 * 1024;
/** Header reads in flight while opening: file opens and sharp metadata calls overlap. */
const PROBE_CONCURRENCY = 16;

interface ImageRecord {
  path: string;
  className: string;
  split: Split | null;
  header: ImageHeader;
}

export async function openImageFolder(root: string, pre: Preprocess, opts: OpenOptions, progress: ProgressSink = NO_PROGRESS): Promise<Dataset> {
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  const scan = await scanImageFolder(root, progress);
  const skipped: SkippedItem[] = [...scan.skipped];
  const total = scan.files.length;
  progress({ stage: 'checking', done: 0, total, unit: 'images' });
  const headers = await mapLimited(scan.files, PROBE_CONCURRENCY, (f) => probeImage(f.path, maxPixels), (done) => progress({ stage: 'checking', done, total, unit: 'images' }));
  const records: ImageRecord[] = [];
  scan.files.forEach((f, i) => {
    const probe = headers[i];
    if (probe.ok) records.push({ ...f, header: probe.header });
    else skipped.push({ id: f.path, reason: probe.reason });
  });

  // A class is a folder with at least one usable image (in any split), as in torchvision.
  const used = new Set(records.map((r) => r.className));
  const classes = scan.classFolders.filter((c) => used.has(c));
  const warnings: string[] = [];
  for (const c of scan.classFolders.filter((name) => !used.has(name))) {
    skipped.push({ id: c, reason: `class folder '${c}' has no usable images; not a class` });
    warnings.push(`class folder '${c}' has no usable images and is not used as a class`);
  }
  if (classes.length < 2) {
    throw new GraftError('dataset-single-class', `an image folder needs at least 2 classes (folders with images); ${root} has ${classes.length}${classes.length ? ` ('${classes[0]}')` : ''}`);
  }
  const classIndex = new Map(classes.map((c, i) => [c, i]));
  const given = scan.presplit
    ? {
        train: indicesWhere(records, (r) => r.split === 'train'),
        // Without a val folder, val is carved from train (see resolveSplits).
        ...(records.some((r) => r.split === 'val') ? { val: indicesWhere(records, (r) => r.split === 'val') } : {}),
        test: indicesWhere(records, (r) => r.split === 'test'),
      }
    : null;

  const ms = resolveMeanStd(pre.channels, pre, imagenetMeanStd(pre.channels));
  const tables = channelTables(ms);
  const target: DecodeTarget = { channels: pre.channels, width: pre.width, height: pre.height, resize: pre.resize, maxPixels };
  const augmenting = !!(pre.augment?.randomResizedCrop || pre.augment?.horizontalFlip);
  const cache = new ByteLru<number, Uint8Array>(opts.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES);

  const pixelsOf = async (record: number, augmentSeed: number | null): Promise<Uint8Array> => {
    const r = records[record];
    if (augmentSeed === null) {
      const hit = cache.get(record);
      if (hit) return hit;
      const pixels = await decodeImage(r.path, r.header, target, null);
      cache.set(record, pixels);
      return pixels;
    }
    const rand = seededRandom(augmentSeed);
    const placement = planPlacement(r.header.width, r.header.height, pre.width, pre.height, pre.resize, pre.augment, rand);
    return decodeImage(r.path, r.header, target, { crop: pre.augment?.randomResizedCrop ? placement : null, flip: placement.flip });
  };

  return assembleDataset(
    {
      kind: 'image-folder',
      root,
      classes,
      recordCount: records.length,
      classOf: (i) => classIndex.get(records[i].className)!,
      idOf: (i) => records[i].path,
      given,
      inputShape: [pre.channels, pre.height, pre.width],
      normalisation: ms,
      skipped,
      warnings,
      read: async (i, augment, read) => {
        const seed = augment && augmenting ? mixSeeds(pre.seed, read.epoch ?? 0, i) : null;
        return normaliseToChw(await pixelsOf(i, seed), pre.height, pre.width, tables);
      },
    },
    opts,
  );
}

function indicesWhere<T>(items: T[], test: (item: T) => boolean): number[] {
  return items.flatMap((item, i) => (test(item) ? [i] : []));
}

/** `f` over `items`, `limit` at a time, in order; `onDone` hears how many have finished. */
async function mapLimited<T, R>(items: T[], limit: number, f: (item: T) => Promise<R>, onDone: (done: number) => void): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < items.length) {
      const k = next++;
      out[k] = await f(items[k]);
      onDone(++done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
