// Turns an adapter's records into a Dataset: split (seeded, stratified), class subset and
// per-class limit, counts and warnings, and the get/getBatch/labels readers. Adapters only
// say how to read one record.
import { GraftError } from '../../core/errors.js';
import { classBalanceWarnings } from '../../core/data/class-balance.js';
import { type GivenSplit, classRemap, limitPerClass, resolveSplits } from '../../core/data/stratified-split.js';
import { type Batch, type Dataset, type DatasetInfo, type OpenOptions, type ReadOptions, type SkippedItem, SPLITS, type Split } from './types.js';

export interface RecordSource {
  kind: DatasetInfo['kind'];
  root: string;
  /** All class names (full dataset, before any subset); null for regression. */
  classes: string[] | null;
  recordCount: number;
  /** Class index per record (full dataset indices); ignored for regression. */
  classOf(record: number): number;
  /** Regression target per record. */
  targetOf?(record: number): Float32Array;
  idOf(record: number): string;
  given: GivenSplit | null;
  inputShape: number[];
  normalisation: DatasetInfo['normalisation'];
  skipped: SkippedItem[];
  warnings: string[];
  /** Reads one record's preprocessed input; `augment` is true on the train split only. */
  read(record: number, augment: boolean, read: ReadOptions): Promise<Float32Array> | Float32Array;
  /** Called once the split is final (e.g. to compute train-split statistics). */
  onSplit?(split: Record<Split, readonly number[]>): void;
}

export const DEFAULT_VAL_FRACTION = 0.1;
export const DEFAULT_TEST_FRACTION = 0.1;
/** Reads in flight per batch: enough to keep sharp's thread pool busy on small images. */
const BATCH_CONCURRENCY = 8;

export function assembleDataset(source: RecordSource, opts: OpenOptions): Dataset {
  const regression = source.classes === null;
  const classOf = regression ? () => 0 : source.classOf;
  const allLabels = Int32Array.from({ length: source.recordCount }, (_, r) => classOf(r));
  const fractions = { val: opts.valFraction ?? DEFAULT_VAL_FRACTION, test: opts.testFraction ?? DEFAULT_TEST_FRACTION };
  let split = resolveSplits(allLabels, source.given, fractions, opts.seed);

  let classes = source.classes && opts.renames ? renamed(source.classes, opts.renames) : source.classes;
  let labelOf = (record: number) => classOf(record);
  if (classes && opts.classes) {
    const remap = classRemap(opts.classes, classes.length);
    const full = classes;
    classes = opts.classes.map((c) => full[c]);
    labelOf = (record) => remap[classOf(record)];
    split = mapSplits(split, (members) => members.filter((r) => remap[classOf(r)] >= 0));
  }
  if (classes && classes.length < 2) {
    throw new GraftError('dataset-single-class', `a classification dataset needs at least 2 classes; ${source.root} has ${classes.length}${classes.length ? ` ('${classes[0]}')` : ''}`);
  }
  if (opts.perClassLimit !== undefined) split = { ...split, train: limitPerClass(split.train, labelOf, opts.perClassLimit) };
  source.onSplit?.(split);

  const counts = countClasses(split, classes, labelOf);
  const info: DatasetInfo = {
    kind: source.kind,
    root: source.root,
    task: regression ? 'regression' : 'classification',
    classes,
    counts,
    splits: { train: split.train.length, val: split.val.length, test: split.test.length },
    skipped: source.skipped,
    inputShape: source.inputShape,
    targetShape: regression ? [1] : null,
    normalisation: source.normalisation,
    warnings: [...source.warnings, ...(classes ? classBalanceWarnings(classes, counts.train, counts) : [])],
  };
  if (info.splits.train === 0) throw new GraftError('dataset-empty', `${source.root}: no samples in the train split`);

  const failed = new Map<number, string>();
  const recordAt = (s: Split, index: number): number => {
    const members = split[s];
    if (!Number.isInteger(index) || index < 0 || index >= members.length) {
      throw new GraftError('dataset-index', `${s} index ${index} is out of range (the ${s} split has ${members.length} samples)`);
    }
    return members[index];
  };
  const readRecord = async (s: Split, record: number, read: ReadOptions): Promise<Float32Array> => {
    const known = failed.get(record);
    if (known) throw new GraftError('dataset-bad-sample', known);
    try {
      return await source.read(record, s === 'train', read);
    } catch (e) {
      const reason = `${source.idOf(record)}: ${e instanceof Error ? e.message : String(e)}`;
      failed.set(record, reason);
      info.skipped.push({ id: source.idOf(record), reason });
      throw new GraftError('dataset-bad-sample', reason);
    }
  };
  const labelValue = (record: number) => (regression ? source.targetOf!(record) : labelOf(record));

  const dataset: Dataset = {
    info,
    size: (s) => split[s].length,
    async get(s, index, read = {}) {
      const record = recordAt(s, index);
      return { x: await readRecord(s, record, read), label: labelValue(record), id: source.idOf(record) };
    },
    async getBatch(s, indices, read = {}) {
      const records = indices.map((i) => recordAt(s, i));
      const inputs = new Array<Float32Array | null>(records.length).fill(null);
      const batchFailed: Batch['failed'] = [];
      let next = 0;
      const worker = async () => {
        while (next < records.length) {
          const k = next++;
          try {
            inputs[k] = await readRecord(s, records[k], read);
          } catch (e) {
            batchFailed.push({ index: indices[k], id: source.idOf(records[k]), reason: (e as Error).message });
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, records.length) }, worker));
      const kept = records.map((_, k) => k).filter((k) => inputs[k] !== null);
      const sampleSize = info.inputShape.reduce((a, b) => a * b, 1);
      const x = new Float32Array(kept.length * sampleSize);
      kept.forEach((k, row) => x.set(inputs[k]!, row * sampleSize));
      const labels = regression ? new Float32Array(kept.length) : new Int32Array(kept.length);
      kept.forEach((k, row) => {
        const v = labelValue(records[k]);
        labels[row] = typeof v === 'number' ? v : v[0];
      });
      batchFailed.sort((a, b) => a.index - b.index);
      return { x, shape: [kept.length, ...info.inputShape], labels, ids: kept.map((k) => source.idOf(records[k])), indices: kept.map((k) => indices[k]), failed: batchFailed };
    },
    labels: (s) => (regression ? null : Int32Array.from(split[s], labelOf)),
  };
  return dataset;
}

/** The source's class names with the user's renames applied; two classes may not end up with one name. */
function renamed(classes: string[], renames: Record<string, string>): string[] {
  const out = classes.map((c) => (Object.hasOwn(renames, c) ? renames[c] : c));
  const seen = new Map<string, string>();
  out.forEach((name, i) => {
    const other = seen.get(name);
    if (other !== undefined) throw new GraftError('dataset-class-names', `classes '${other}' and '${classes[i]}' would both be called '${name}'; give each class a name of its own`);
    seen.set(name, classes[i]);
  });
  return out;
}

function mapSplits(split: Record<Split, number[]>, f: (members: number[]) => number[]): Record<Split, number[]> {
  return { train: f(split.train), val: f(split.val), test: f(split.test) };
}

function countClasses(split: Record<Split, number[]>, classes: string[] | null, labelOf: (r: number) => number): DatasetInfo['counts'] {
  const counts = { train: {}, val: {}, test: {} } as DatasetInfo['counts'];
  if (!classes) return counts;
  for (const s of SPLITS) {
    for (const c of classes) counts[s][c] = 0;
    for (const r of split[s]) counts[s][classes[labelOf(r)]]++;
  }
  return counts;
}
