// A CSV's records -> numeric features, labels and a task. Bad rows are reported and skipped,
// never fatal, unless nothing valid remains. Columns with no numeric value at all (ids, names)
// are left out of the features with a warning rather than failing every row.
import { GraftError } from '../errors.js';
import { compareCodePoints } from './code-point-order.js';
import { type CsvRecord, parseNumber } from './csv-parse.js';
import { runToEnd } from './steps.js';

export type TableTask = 'classification' | 'regression';

export interface TableSpec {
  labelColumn?: string;
  task?: TableTask;
}

export interface Table {
  featureNames: string[];
  labelName: string;
  task: TableTask;
  classes: string[] | null;
  /** Row-major [rows, features]. */
  features: Float32Array;
  /** Class indices (classification) or targets (regression), one per kept row. */
  labels: Int32Array | Float32Array;
  rowIds: string[];
  skipped: { id: string; reason: string }[];
  warnings: string[];
}

/** Integer labels with at most this many distinct values are read as classes. */
export const MAX_INTEGER_CLASSES = 20;

export function buildTable(records: CsvRecord[], spec: TableSpec = {}): Table {
  return runToEnd(buildTableInSteps(records, spec));
}

/** How far building a table is: data rows read of all of them. */
export interface TableStep {
  rows: number;
  total: number;
}

/**
 * buildTable, pausing every `stepCells` cells (whole rows) with how far it is: a 785-column
 * row takes about a millisecond. The generator returns the table.
 */
export function* buildTableInSteps(records: CsvRecord[], spec: TableSpec = {}, stepCells = 1 << 18): Generator<TableStep, Table> {
  if (records.length === 0) throw new GraftError('dataset-empty', 'the CSV file is empty');
  const header = readHeader(records[0]);
  const labelIndex = findLabelColumn(header, spec.labelColumn);
  const rows = records.slice(1);
  if (rows.length === 0) throw new GraftError('dataset-empty', 'the CSV file has a header but no data rows');

  const warnings: string[] = [];
  const featureColumns = numericColumns(header, rows, labelIndex, warnings);
  const skipped: Table['skipped'] = [];
  const kept: { id: string; values: number[]; label: string }[] = [];
  const stepRows = Math.max(1, Math.floor(stepCells / header.length));
  for (let r = 0; r < rows.length; r++) {
    if (r > 0 && r % stepRows === 0) yield { rows: r, total: rows.length };
    const record = rows[r];
    const id = recordId(record);
    const problem = rowProblem(record, header, featureColumns, labelIndex);
    if (problem) {
      skipped.push({ id, reason: `${id}: ${problem}` });
      continue;
    }
    kept.push({ id, values: featureColumns.map((c) => parseNumber(record.cells[c])!), label: record.cells[labelIndex].trim() });
  }
  if (kept.length === 0) {
    const first = skipped[0]?.reason ?? '';
    throw new GraftError('dataset-no-valid-rows', `no valid rows in the CSV file (${skipped.length} bad rows; the first: ${first})`);
  }
  if (featureColumns.length === 0) throw new GraftError('dataset-no-features', 'the CSV file has no numeric feature columns besides the label');

  const task = spec.task ?? inferTask(kept.map((r) => r.label));
  const features = new Float32Array(kept.length * featureColumns.length);
  kept.forEach((r, i) => features.set(r.values, i * featureColumns.length));
  const base = { featureNames: featureColumns.map((c) => header[c]), labelName: header[labelIndex], task, features, rowIds: kept.map((r) => r.id), skipped, warnings };
  if (task === 'regression') {
    const labels = new Float32Array(kept.length);
    for (let i = 0; i < kept.length; i++) {
      const v = parseNumber(kept[i].label);
      if (v === null) throw new GraftError('dataset-bad-label', `${kept[i].id}: regression target '${kept[i].label}' in column '${header[labelIndex]}' is not a number`);
      labels[i] = v;
    }
    return { ...base, classes: null, labels };
  }
  // Numeric class labels are named canonically, so "1", "1.0" and "01" are one class.
  if (kept.every((r) => parseNumber(r.label) !== null)) for (const r of kept) r.label = String(parseNumber(r.label));
  const classes = sortClassNames([...new Set(kept.map((r) => r.label))]);
  const indexOf = new Map(classes.map((c, i) => [c, i]));
  return { ...base, classes, labels: Int32Array.from(kept, (r) => indexOf.get(r.label)!) };
}

function readHeader(record: CsvRecord): string[] {
  const header = record.cells.map((c, i) => c.trim() || `column ${i + 1}`);
  if (header.every((c) => parseNumber(c) !== null)) {
    throw new GraftError('dataset-no-header', `the CSV file needs a header row; the first row looks like data (${header.slice(0, 4).join(', ')})`);
  }
  const seen = new Set<string>();
  for (const name of header) {
    if (seen.has(name)) throw new GraftError('dataset-bad-header', `the CSV header names column '${name}' twice`);
    seen.add(name);
  }
  return header;
}

function findLabelColumn(header: string[], name: string | undefined): number {
  if (name === undefined) return header.length - 1;
  const index = header.indexOf(name);
  if (index < 0) throw new GraftError('dataset-no-label-column', `label column '${name}' is not in the CSV header (columns: ${header.join(', ')})`);
  return index;
}

/** Feature columns: every non-label column with at least one numeric value. */
function numericColumns(header: string[], rows: CsvRecord[], labelIndex: number, warnings: string[]): number[] {
  const columns: number[] = [];
  for (let c = 0; c < header.length; c++) {
    if (c === labelIndex) continue;
    let example: string | null = null;
    const numeric = rows.some((r) => {
      const cell = r.cells[c]?.trim() ?? '';
      if (cell !== '' && example === null) example = cell;
      return parseNumber(cell) !== null;
    });
    if (numeric) columns.push(c);
    else warnings.push(`column '${header[c]}' is not numeric (e.g. '${example ?? ''}'); left out of the features`);
  }
  return columns;
}

function recordId(record: CsvRecord): string {
  return record.line === record.row ? `row ${record.row}` : `row ${record.row} (line ${record.line})`;
}

function rowProblem(record: CsvRecord, header: string[], featureColumns: number[], labelIndex: number): string | null {
  if (record.cells.length !== header.length) return `${record.cells.length} cells, but the header has ${header.length} columns`;
  const missing = [...featureColumns, labelIndex].filter((c) => record.cells[c].trim() === '').sort((a, b) => a - b);
  if (missing.length) return `missing value in column ${missing.map((c) => `'${header[c]}'`).join(', ')}`;
  for (const c of featureColumns) {
    if (parseNumber(record.cells[c]) === null) return `column '${header[c]}' is not a number ('${record.cells[c].trim()}')`;
  }
  return null;
}

function inferTask(labels: string[]): TableTask {
  const numbers = labels.map(parseNumber);
  if (numbers.some((v) => v === null)) return 'classification';
  const integers = numbers.every((v) => Number.isInteger(v));
  return integers && new Set(numbers).size <= MAX_INTEGER_CLASSES ? 'classification' : 'regression';
}

/** Numeric class names in numeric order ("2" before "10"), others by code point. */
function sortClassNames(names: string[]): string[] {
  if (names.every((n) => parseNumber(n) !== null)) return names.sort((a, b) => parseNumber(a)! - parseNumber(b)!);
  return names.sort(compareCodePoints);
}

/** Per-feature mean and (population) std over the given rows; a constant feature gets std 1. */
export function featureStats(features: Float32Array, featureCount: number, rows: readonly number[]): { mean: number[]; std: number[] } {
  const mean = new Array<number>(featureCount).fill(0);
  const sq = new Array<number>(featureCount).fill(0);
  for (const r of rows) for (let f = 0; f < featureCount; f++) mean[f] += features[r * featureCount + f];
  const n = Math.max(1, rows.length);
  for (let f = 0; f < featureCount; f++) mean[f] /= n;
  for (const r of rows) {
    for (let f = 0; f < featureCount; f++) {
      const d = features[r * featureCount + f] - mean[f];
      sq[f] += d * d;
    }
  }
  const std = sq.map((s) => Math.sqrt(s / n)).map((s) => (s > 1e-12 ? s : 1));
  return { mean, std };
}
