// The adding problem (Hochreiter & Schmidhuber 1997; as in Le et al. 2015): a generated
// regression task for recurrent models. Each sample is a sequence [T, 2]: channel 0 uniform in
// [0, 1), channel 1 a marker that is 1 at exactly two steps, one in [0, T/2) and one in
// [T/2, T); the target is the sum of the two marked values. Always predicting 1 scores an MSE
// of 1/6 (0.167, the variance of a sum of two uniforms); a model that solves it goes far below.
//
// Opened through the registry as `task:adding?length=T&samples=N&val=N&test=N&seed=S`
// (TrainConfig.data), so no new field crosses the trainer-process boundary.
import { GraftError } from '../../core/errors.js';
import { seededRandom } from '../../core/random.js';
import type { Batch, Dataset, DatasetInfo, Sample, Split } from './types.js';

export interface AddingOptions {
  /** Sequence length T (at least 2). */
  length: number;
  /** Training samples (default 10,000). */
  samples?: number;
  /** Validation and test samples (default 1,000 each). */
  val?: number;
  test?: number;
  seed: number;
}

export const ADDING_PREFIX = 'task:adding';

/** The MSE of always predicting the mean target 1: the variance of U(0,1) + U(0,1), 2/12. */
export const MEAN_PREDICTOR_MSE = 1 / 6;

/** True for a `task:adding...` data spec. */
export function isAddingSpec(spec: string): boolean {
  return spec === ADDING_PREFIX || spec.startsWith(`${ADDING_PREFIX}?`);
}

/** The data spec the CLI puts in TrainConfig.data. */
export function addingSpec(o: Omit<AddingOptions, 'seed'> & { seed?: number }): string {
  const q = new URLSearchParams({ length: String(o.length) });
  if (o.samples !== undefined) q.set('samples', String(o.samples));
  if (o.val !== undefined) q.set('val', String(o.val));
  if (o.test !== undefined) q.set('test', String(o.test));
  if (o.seed !== undefined) q.set('seed', String(o.seed));
  return `${ADDING_PREFIX}?${q.toString()}`;
}

/** Parses a spec; `seed` (the run's) is used unless the spec names its own. */
export function parseAddingSpec(spec: string, seed: number): AddingOptions {
  if (!isAddingSpec(spec)) throw new GraftError('dataset-bad-option', `not an adding-problem spec: ${spec}`);
  const q = new URLSearchParams(spec.slice(ADDING_PREFIX.length + 1));
  const int = (name: string, dflt: number | undefined): number | undefined => {
    const v = q.get(name);
    if (v === null) return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new GraftError('dataset-bad-option', `task:adding: ${name} must be a whole number, not "${v}"`);
    return n;
  };
  const length = int('length', undefined);
  if (length === undefined) throw new GraftError('dataset-bad-option', 'task:adding needs a length, e.g. task:adding?length=100');
  return { length, samples: int('samples', 10_000), val: int('val', 1_000), test: int('test', 1_000), seed: int('seed', seed)! };
}

const SPLIT_SALT: Record<Split, number> = { train: 0x9e3779b1, val: 0x85ebca6b, test: 0xc2b2ae35 };

/** Generates one split: x [n, T, 2] and targets [n]. Each split has its own seed. */
export function generateAdding(length: number, n: number, seed: number, split: Split): { x: Float32Array; y: Float32Array; marks: Int32Array } {
  const rand = seededRandom((Math.imul(seed | 0, 2654435761) ^ SPLIT_SALT[split]) >>> 0);
  const T = length;
  const half = Math.floor(T / 2);
  const x = new Float32Array(n * T * 2);
  const y = new Float32Array(n);
  const marks = new Int32Array(n * 2);
  for (let s = 0; s < n; s++) {
    const base = s * T * 2;
    for (let t = 0; t < T; t++) x[base + 2 * t] = rand();
    const a = Math.floor(rand() * half);
    const b = half + Math.floor(rand() * (T - half));
    x[base + 2 * a + 1] = 1;
    x[base + 2 * b + 1] = 1;
    y[s] = x[base + 2 * a] + x[base + 2 * b];
    marks[2 * s] = a;
    marks[2 * s + 1] = b;
  }
  return { x, y, marks };
}

export function openAddingDataset(o: AddingOptions): Dataset {
  const T = o.length;
  if (!Number.isInteger(T) || T < 2) throw new GraftError('dataset-bad-option', `task:adding: length must be at least 2, got ${T}`);
  const sizes: Record<Split, number> = { train: o.samples ?? 10_000, val: o.val ?? 1_000, test: o.test ?? 1_000 };
  if (sizes.train < 1) throw new GraftError('dataset-bad-option', 'task:adding: samples must be at least 1');
  const data = {
    train: generateAdding(T, sizes.train, o.seed, 'train'),
    val: generateAdding(T, sizes.val, o.seed, 'val'),
    test: generateAdding(T, sizes.test, o.seed, 'test'),
  };
  const per = T * 2;
  const info: DatasetInfo = {
    // Not a file format: the registry's kinds name adapters; this one is generated.
    kind: 'generated',
    root: addingSpec({ length: T, samples: sizes.train, val: sizes.val, test: sizes.test, seed: o.seed }),
    task: 'regression',
    classes: null,
    counts: { train: {}, val: {}, test: {} },
    splits: sizes,
    skipped: [],
    inputShape: [T, 2],
    targetShape: [1],
    normalisation: { mean: [0, 0], std: [1, 1] },
    warnings: [],
    baseline: { loss: MEAN_PREDICTOR_MSE, label: 'predicting the mean' },
  };
  const check = (split: Split, i: number) => {
    if (!Number.isInteger(i) || i < 0 || i >= sizes[split]) throw new GraftError('dataset-index', `${split} index ${i} out of range (0..${sizes[split] - 1})`);
  };
  const id = (split: Split, i: number) => `${split}#${i}`;
  return {
    info,
    size: (split) => sizes[split],
    async get(split, index): Promise<Sample> {
      check(split, index);
      const d = data[split];
      return { x: d.x.slice(index * per, (index + 1) * per), label: Float32Array.of(d.y[index]), id: id(split, index) };
    },
    async getBatch(split, indices): Promise<Batch> {
      const d = data[split];
      const x = new Float32Array(indices.length * per);
      const labels = new Float32Array(indices.length);
      indices.forEach((i, k) => {
        check(split, i);
        x.set(d.x.subarray(i * per, (i + 1) * per), k * per);
        labels[k] = d.y[i];
      });
      return { x, shape: [indices.length, T, 2], labels, ids: indices.map((i) => id(split, i)), indices: [...indices], failed: [] };
    },
    labels: () => null,
  };
}
