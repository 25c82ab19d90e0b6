// The registry: picks the adapter from what the path is. A `.csv` file is a table; an IDX file
// (`*-idx3-ubyte[.gz]`), or a folder holding them, is IDX; any other folder is an image folder
// of class subfolders; a folder of loose files holding one CSV is that CSV.
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { GraftError } from '../../core/errors.js';
import { isAddingSpec, openAddingDataset, parseAddingSpec } from './adding.js';
import { openCsvDataset } from './csv-dataset.js';
import { isIdxFileName } from './idx-files.js';
import { openIdxDataset } from './idx-dataset.js';
import { openImageFolder } from './image-folder.js';
import { NO_PROGRESS, type ProgressSink } from './progress.js';
import type { Dataset, DatasetKind, OpenOptions, Preprocess } from './types.js';

/** What the studio can read, for messages about what it cannot. */
export const ACCEPTED_DATASETS = 'a folder of class folders (cats/, dogs/ …), MNIST-style IDX files (train-images-idx3-ubyte with train-labels-idx1-ubyte …), or a CSV file with a label column';

const isCsv = (name: string) => extname(name).toLowerCase() === '.csv';

/** The kind of dataset at `path`, and the file or folder to open it from. */
export async function resolveDataset(path: string): Promise<{ kind: DatasetKind; path: string }> {
  const info = await stat(path).catch(() => null);
  if (!info) throw new GraftError('dataset-not-found', `no such file or folder: ${path}`);
  if (info.isFile()) {
    if (isCsv(path)) return { kind: 'csv', path };
    if (isIdxFileName(path)) return { kind: 'idx', path };
    throw new GraftError('dataset-unknown-kind', `${path}: not a dataset; the studio reads ${ACCEPTED_DATASETS}`);
  }
  const entries = (await readdir(path, { withFileTypes: true })).filter((e) => !e.name.startsWith('.'));
  if (entries.some((e) => isIdxFileName(e.name))) return { kind: 'idx', path };
  if (entries.some((e) => e.isDirectory())) return { kind: 'image-folder', path };
  // Loose files and no folders: one dropped CSV is the dataset; anything else is not one. The
  // files are named, never the folder (an upload's is the studio's own, not the user's).
  const files = entries.filter((e) => e.isFile()).map((e) => e.name);
  const csv = files.filter(isCsv);
  if (csv.length === 1) return { kind: 'csv', path: join(path, csv[0]) };
  if (files.length === 0) throw new GraftError('dataset-empty', `the folder is empty; the studio reads ${ACCEPTED_DATASETS}`);
  const named = files.slice(0, 3).map((f) => `"${f}"`).join(', ') + (files.length > 3 ? ` and ${files.length - 3} more` : '');
  const why = csv.length > 1 ? `${csv.length} CSV files (open one of them)` : `${named}: not a dataset`;
  throw new GraftError('dataset-unknown-kind', `${why}; the studio reads ${ACCEPTED_DATASETS}`);
}

export async function detectDatasetKind(path: string): Promise<DatasetKind> {
  return (await resolveDataset(path)).kind;
}

/** Opens the dataset at `pathOrFile`; `progress` hears each stage's counts as it advances (unthrottled). */
export async function openDataset(pathOrFile: string, pre: Preprocess, opts: OpenOptions, progress: ProgressSink = NO_PROGRESS): Promise<Dataset> {
  // Generated tasks are named, not found on disk: `task:adding?length=100` (see adding.ts).
  if (isAddingSpec(pathOrFile)) return openAddingDataset(parseAddingSpec(pathOrFile, opts.seed));
  checkPreprocess(pre);
  const { kind, path } = await resolveDataset(pathOrFile);
  if (kind === 'csv') return openCsvDataset(path, opts, progress);
  if (kind === 'idx') return openIdxDataset(path, pre, opts, progress);
  return openImageFolder(path, pre, opts, progress);
}

function checkPreprocess(pre: Preprocess): void {
  const positive = (v: number) => Number.isInteger(v) && v > 0;
  if (!positive(pre.height) || !positive(pre.width)) throw new GraftError('dataset-bad-option', `input size must be positive integers, got ${pre.width}x${pre.height}`);
  if (pre.channels !== 1 && pre.channels !== 3) throw new GraftError('dataset-bad-option', `channels must be 1 or 3, got ${String(pre.channels)}`);
}
