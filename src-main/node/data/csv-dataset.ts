// Tabular CSV datasets: one row, one sample; features standardised with train-split statistics
// (computed after the split, so val and test never leak into them).
import { readFile } from 'node:fs/promises';
import { GraftError } from '../../core/errors.js';
import { CsvSyntaxError, parseCsv } from '../../core/data/csv-parse.js';
import { buildTable, featureStats } from '../../core/data/tabular.js';
import { assembleDataset } from './assemble.js';
import type { Dataset, OpenOptions } from './types.js';

export async function openCsvDataset(file: string, opts: OpenOptions): Promise<Dataset> {
  const bytes = await readFile(file);
  let records;
  try {
    records = parseCsv(new TextDecoder('utf-8').decode(bytes));
  } catch (e) {
    if (e instanceof CsvSyntaxError) throw new GraftError('dataset-csv-syntax', `${file}: ${e.message}`);
    throw e;
  }
  let table;
  try {
    table = buildTable(records, { labelColumn: opts.labelColumn, task: opts.task });
  } catch (e) {
    if (e instanceof GraftError) throw new GraftError(e.code, `${file}: ${e.message}`);
    throw e;
  }
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
