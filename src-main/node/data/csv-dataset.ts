// Tabular CSV datasets: one row, one sample; features standardised with train-split statistics
// (computed after the split, so val and test never leak into them).
import { basename } from 'node:path';
import { GraftError } from '../../core/errors.js';
import { CsvSyntaxError, parseCsvInSteps } from '../../core/data/csv-parse.js';
import { buildTableInSteps, featureStats, type Table } from '../../core/data/tabular.js';
import { readRegularFile } from '../regular-file.js';
import { assembleDataset } from './assemble.js';
import { NO_PROGRESS, type ProgressSink, runInSteps } from './progress.js';
import type { Dataset, OpenOptions } from './types.js';

/** Larger CSV text than this cannot even be held as one JavaScript string (about 2^29 characters). */
const MAX_CSV_BYTES = 512 << 20;

export async function openCsvDataset(file: string, opts: OpenOptions, progress: ProgressSink = NO_PROGRESS): Promise<Dataset> {
  const bytes = await readRegularFile(file, MAX_CSV_BYTES);
  const name = basename(file);
  let records;
  try {
    const text = new TextDecoder('utf-8').decode(bytes);
    // Counted in bytes of the file (characters scaled), which is what a person knows it by,
    // with the data rows found so far (the header row is not one).
    const parsing = (chars: number, records: number) =>
      progress({ stage: 'parsing', done: Math.round((chars / Math.max(1, text.length)) * bytes.length), total: bytes.length, unit: 'bytes', found: Math.max(0, records - 1), file: name });
    parsing(0, 0);
    records = await runInSteps(parseCsvInSteps(text), (step) => parsing(step.chars, step.records));
    parsing(text.length, records.length);
  } catch (e) {
    if (e instanceof CsvSyntaxError) throw new GraftError('dataset-csv-syntax', `${file}: ${e.message}`);
    throw e;
  }
  let table;
  try {
    const total = Math.max(0, records.length - 1);
    progress({ stage: 'tabulating', done: 0, total, unit: 'rows', file: name });
    table = await runInSteps(buildTableInSteps(records, { labelColumn: opts.labelColumn, task: opts.task }), (step) => progress({ stage: 'tabulating', done: step.rows, total, unit: 'rows', file: name }));
    progress({ stage: 'tabulating', done: total, total, unit: 'rows', file: name });
  } catch (e) {
    if (e instanceof GraftError) throw new GraftError(e.code, `${file}: ${e.message}`);
    throw e;
  }
  const sampleCol = table.featureNames.findIndex((n) => n.trim().toLowerCase() === 'sample');
  const timeCol = table.featureNames.findIndex((n) => n.trim().toLowerCase() === 'time');
  if (sampleCol >= 0 && timeCol >= 0) return sequenceDataset(file, table, sampleCol, timeCol, opts);
  const featureCount = table.featureNames.length;
  const normalisation = { mean: new Array<number>(featureCount).fill(0), std: new Array<number>(featureCount).fill(1) };
  const standardised = new Float32Array(table.features.length);
  const labels = table.labels;

  return assembleDataset(
    {
      kind: 'csv',
      root: file,
      classes: table.classes,
      recordCount: table.rowIds.length,
      classOf: (r) => labels[r],
      targetOf: (r) => labels.subarray(r, r + 1) as Float32Array,
      idOf: (r) => table.rowIds[r],
      given: null,
      inputShape: [featureCount],
      normalisation,
      skipped: table.skipped,
      warnings: table.warnings,
      onSplit: (split) => {
        const stats = featureStats(table.features, featureCount, split.train);
        normalisation.mean.splice(0, featureCount, ...stats.mean);
        normalisation.std.splice(0, featureCount, ...stats.std);
        for (let i = 0; i < table.features.length; i++) {
          const f = i % featureCount;
          standardised[i] = (table.features[i] - stats.mean[f]) / stats.std[f];
        }
      },
      read: (r) => standardised.slice(r * featureCount, (r + 1) * featureCount),
    },
    opts,
  );
}

/**
 * Long-format sequences: one row per (sample, time) step, `sample,time,feature...,label`.
 * Each sample becomes a [T, F] input; every sample must have the same T and one label.
 */
function sequenceDataset(file: string, table: Table, sampleCol: number, timeCol: number, opts: OpenOptions): Dataset {
  const width = table.featureNames.length;
  const featureIdx = table.featureNames.map((_, i) => i).filter((i) => i !== sampleCol && i !== timeCol);
  const groups = new Map<number, number[]>();
  for (let r = 0; r < table.rowIds.length; r++) {
    const id = table.features[r * width + sampleCol];
    const rows = groups.get(id) ?? [];
    rows.push(r);
    groups.set(id, rows);
  }
  const ids = [...groups.keys()].sort((a, b) => a - b);
  const steps = groups.get(ids[0])!.length;
  const F = featureIdx.length;
  const x = new Float32Array(ids.length * steps * F);
  const labels = table.labels instanceof Int32Array ? new Int32Array(ids.length) : new Float32Array(ids.length);
  ids.forEach((id, s) => {
    const rows = groups.get(id)!.sort((a, b) => table.features[a * width + timeCol] - table.features[b * width + timeCol]);
    if (rows.length !== steps) {
      throw new GraftError('dataset-csv-sequence', `${file}: sample ${id} has ${rows.length} time steps, sample ${ids[0]} has ${steps}; sequences must have one length`);
    }
    const label = table.labels[rows[0]];
    if (rows.some((r) => table.labels[r] !== label)) throw new GraftError('dataset-csv-sequence', `${file}: sample ${id} has more than one label`);
    labels[s] = label;
    rows.forEach((r, t) => featureIdx.forEach((c, f) => (x[(s * steps + t) * F + f] = table.features[r * width + c])));
  });
  const normalisation = { mean: new Array<number>(F).fill(0), std: new Array<number>(F).fill(1) };
  const standardised = new Float32Array(x.length);
  return assembleDataset(
    {
      kind: 'csv',
      root: file,
      classes: table.classes,
      recordCount: ids.length,
      classOf: (r) => labels[r],
      targetOf: (r) => labels.subarray(r, r + 1) as Float32Array,
      idOf: (r) => `sample ${ids[r]}`,
      given: null,
      inputShape: [steps, F],
      normalisation,
      skipped: table.skipped,
      warnings: table.warnings,
      onSplit: (split) => {
        // Per-feature statistics over every time step of the training samples.
        const trainSteps = split.train.flatMap((s) => Array.from({ length: steps }, (_, t) => s * steps + t));
        const stats = featureStats(x, F, trainSteps);
        normalisation.mean.splice(0, F, ...stats.mean);
        normalisation.std.splice(0, F, ...stats.std);
        for (let i = 0; i < x.length; i++) standardised[i] = (x[i] - stats.mean[i % F]) / stats.std[i % F];
      },
      read: (r) => standardised.slice(r * steps * F, (r + 1) * steps * F),
    },
    opts,
  );
}
