// Seeded, stratified splits. Each class is shuffled with its own seed (derived from the user
// seed and the class's index in the full dataset), so a split does not change when other classes
// are added or left out: pretraining on classes 0-4 and transferring to 5-9 see disjoint,
// stable samples. Within a split, samples keep their original order (file order, sorted paths),
// which makes "the first N per class" well defined.
import { GraftError } from '../errors.js';
import { seededRandom } from '../random.js';
import { mixSeeds } from './seeds.js';

export type SplitName = 'train' | 'val' | 'test';
export type SplitIndices = Record<SplitName, number[]>;

export interface SplitFractions {
  val: number;
  test: number;
}

/**
 * Splits indices 0..labels.length-1 by class. Per class of n samples, round(n*val) go to val and
 * round(n*test) to test, but at least one stays in train.
 */
export function stratifiedSplit(labels: ArrayLike<number>, fractions: SplitFractions, seed: number): SplitIndices {
  checkFractions(fractions);
  const byClass = groupByClass(labels);
  const out: SplitIndices = { train: [], val: [], test: [] };
  for (const [cls, members] of byClass) {
    const shuffled = shuffle(members, mixSeeds(seed, cls));
    const n = members.length;
    let nVal = Math.round(n * fractions.val);
    let nTest = Math.round(n * fractions.test);
    while (n - nVal - nTest < 1 && nVal + nTest > 0) {
      if (nTest >= nVal && nTest > 0) nTest--;
      else nVal--;
    }
    // One element at a time: push(...list) passes each element as an argument, and a class
    // of a few hundred thousand rows overflows the stack.
    shuffled.forEach((index, k) => (k < nVal ? out.val : k < nVal + nTest ? out.test : out.train).push(index));
  }
  for (const s of ['train', 'val', 'test'] as const) out[s].sort((a, b) => a - b);
  return out;
}

function checkFractions({ val, test }: SplitFractions): void {
  const ok = (f: number) => Number.isFinite(f) && f >= 0 && f < 1;
  if (!ok(val) || !ok(test) || val + test >= 1) {
    throw new GraftError('dataset-bad-option', `split fractions must be in [0, 1) and sum below 1 (val ${val}, test ${test})`);
  }
}

function groupByClass(labels: ArrayLike<number>): Map<number, number[]> {
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const members = byClass.get(labels[i]);
    if (members) members.push(i);
    else byClass.set(labels[i], [i]);
  }
  return new Map([...byClass].sort((a, b) => a[0] - b[0]));
}

/** Fisher-Yates on a copy. */
function shuffle(items: readonly number[], seed: number): number[] {
  const rand = seededRandom(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * Validates a class subset against the number of classes and returns old index -> new index
 * (-1 for classes left out). The subset order defines the new indices.
 */
export function classRemap(subset: readonly number[], classCount: number): Int32Array {
  const remap = new Int32Array(classCount).fill(-1);
  subset.forEach((cls, newIndex) => {
    if (!Number.isInteger(cls) || cls < 0 || cls >= classCount) {
      throw new GraftError('dataset-bad-option', `class subset: ${cls} is not a class index (the dataset has ${classCount} classes, 0..${classCount - 1})`);
    }
    if (remap[cls] !== -1) throw new GraftError('dataset-bad-option', `class subset: class ${cls} is listed twice`);
    remap[cls] = newIndex;
  });
  return remap;
}

/** Keeps the first `limit` indices of each class, in the order given. */
export function limitPerClass(indices: readonly number[], labelOf: (index: number) => number, limit: number): number[] {
  if (!Number.isInteger(limit) || limit < 1) throw new GraftError('dataset-bad-option', `perClassLimit must be a positive integer, got ${limit}`);
  const taken = new Map<number, number>();
  return indices.filter((i) => {
    const cls = labelOf(i);
    const n = taken.get(cls) ?? 0;
    if (n >= limit) return false;
    taken.set(cls, n + 1);
    return true;
  });
}

/** A split that the data already has (train/test files, train/ and val/ folders); members are record indices. */
export type GivenSplit = Partial<Record<SplitName, number[]>>;

/**
 * The final split. Without a given split, all records are split by `fractions`. With one, it is
 * kept as given, and a missing val split is carved from train (stratified) by `fractions.val`.
 */
export function resolveSplits(labels: ArrayLike<number>, given: GivenSplit | null, fractions: SplitFractions, seed: number): SplitIndices {
  if (!given) return stratifiedSplit(labels, fractions, seed);
  const train = given.train ?? [];
  if (given.val) return { train: [...train], val: [...given.val], test: [...(given.test ?? [])] };
  const carved = stratifiedSplit(
    train.map((i) => labels[i]),
    { val: fractions.val, test: 0 },
    seed,
  );
  return { train: carved.train.map((k) => train[k]), val: carved.val.map((k) => train[k]), test: [...(given.test ?? [])] };
}
