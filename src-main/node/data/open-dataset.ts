// The registry: picks the adapter from what the path is. A `.csv` file is a table; an IDX file
// (`*-idx3-ubyte[.gz]`), or a folder holding them, is IDX; any other folder is an image folder
// of class subfolders.
import { readdir, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { GraftError } from '../../core/errors.js';
import { isAddingSpec, openAddingDataset, parseAddingSpec } from './adding.js';
import { openCsvDataset } from './csv-dataset.js';
import { isIdxFileName } from './idx-files.js';
import { openIdxDataset } from './idx-dataset.js';
import { openImageFolder } from './image-folder.js';
import type { Dataset, DatasetKind, OpenOptions, Preprocess } from './types.js';

export async function detectDatasetKind(path: string): Promise<DatasetKind> {
  const info = await stat(path).catch(() => null);
  if (!info) throw new GraftError('dataset-not-found', `no such file or folder: ${path}`);
  if (info.isFile()) {
    if (extname(path).toLowerCase() === '.csv') return 'csv';
    if (isIdxFileName(path)) return 'idx';
    throw new GraftError('dataset-unknown-kind', `${path}: not a dataset (expected a .csv file, an IDX file such as train-images-idx3-ubyte.gz, or a folder of class folders)`);
  }
  if ((await readdir(path)).some(isIdxFileName)) return 'idx';
  return 'image-folder';
}

export async function openDataset(pathOrFile: string, pre: Preprocess, opts: OpenOptions): Promise<Dataset> {
  // Generated tasks are named, not found on disk: `task:adding?length=100` (see adding.ts).
  if (isAddingSpec(pathOrFile)) return openAddingDataset(parseAddingSpec(pathOrFile, opts.seed));
  checkPreprocess(pre);
  const kind = await detectDatasetKind(pathOrFile);
  if (kind === 'csv') return openCsvDataset(pathOrFile, opts);
  if (kind === 'idx') return openIdxDataset(pathOrFile, pre, opts);
  return openImageFolder(pathOrFile, pre, opts);
}

function checkPreprocess(pre: Preprocess): void {
  const positive = (v: number) => Number.isInteger(v) && v > 0;
  if (!positive(pre.height) || !positive(pre.width)) throw new GraftError('dataset-bad-option', `input size must be positive integers, got ${pre.width}x${pre.height}`);
  if (pre.channels !== 1 && pre.channels !== 3) throw new GraftError('dataset-bad-option', `channels must be 1 or 3, got ${String(pre.channels)}`);
}
