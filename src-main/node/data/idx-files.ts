// Finding and reading IDX files (MNIST layout): `<prefix>-images-idx3-ubyte[.gz]` paired with
// `<prefix>-labels-idx1-ubyte[.gz]`, where the prefix `train` is the train split and `t10k` or
// `test` the test split. Given one file, its whole folder is opened, so train and t10k come
// together.
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { GraftError } from '../../core/errors.js';
import { IdxError, parseIdx } from '../../core/data/idx-format.js';
import { readRegularFile } from '../regular-file.js';

const gunzipAsync = promisify(gunzip);

/**
 * The most bytes one IDX file may hold once inflated (MNIST's largest is 47 MB). A 3 MB gzip
 * can inflate to gigabytes; past this the inflater stops and the file is refused by name.
 */
export const MAX_IDX_BYTES = 1 << 30;

export const IDX_FILE = /^(.+?)-(images|labels)[-.]idx(\d)-ubyte(\.gz)?$/i;

export interface IdxPart {
  prefix: string;
  split: 'train' | 'test' | null;
  images: string;
  labels: string;
}

export function isIdxFileName(name: string): boolean {
  return IDX_FILE.test(basename(name));
}

/** The image/label file pairs of the folder that holds (or is) `path`, train first. */
export async function findIdxParts(path: string): Promise<{ folder: string; parts: IdxPart[] }> {
  const folder = (await stat(path)).isDirectory() ? path : dirname(path);
  const byPrefix = new Map<string, Partial<IdxPart>>();
  for (const name of await readdir(folder)) {
    const m = IDX_FILE.exec(name);
    if (!m) continue;
    const part = byPrefix.get(m[1]) ?? { prefix: m[1] };
    const kind = m[2].toLowerCase() as 'images' | 'labels';
    // Prefer the uncompressed file when both exist (faster to read).
    if (!part[kind] || !m[4]) part[kind] = join(folder, name);
    byPrefix.set(m[1], part);
  }
  const parts: IdxPart[] = [];
  for (const part of byPrefix.values()) {
    if (!part.images || !part.labels) {
      throw new GraftError('dataset-idx-unpaired', `${folder}: IDX ${part.images ? 'images' : 'labels'} file '${basename((part.images ?? part.labels)!)}' has no matching ${part.images ? 'labels' : 'images'} file`);
    }
    parts.push({ prefix: part.prefix!, split: splitOfPrefix(part.prefix!), images: part.images, labels: part.labels });
  }
  if (parts.length === 0) throw new GraftError('dataset-idx-none', `${folder}: no IDX files (*-images-idx3-ubyte[.gz] with *-labels-idx1-ubyte[.gz])`);
  const rank = (p: IdxPart) => (p.split === 'train' ? 0 : p.split === 'test' ? 1 : 2);
  parts.sort((a, b) => rank(a) - rank(b) || (a.prefix < b.prefix ? -1 : 1));
  return { folder, parts };
}

function splitOfPrefix(prefix: string): IdxPart['split'] {
  const p = prefix.toLowerCase();
  if (p === 'train') return 'train';
  if (p === 't10k' || p === 'test') return 'test';
  return null;
}

export interface IdxImages {
  count: number;
  height: number;
  width: number;
  pixels: Uint8Array;
  labels: Uint8Array;
}

export async function readIdxPart(part: IdxPart, maxBytes = MAX_IDX_BYTES): Promise<IdxImages> {
  const [images, labels] = await Promise.all([readIdxFile(part.images, maxBytes), readIdxFile(part.labels, maxBytes)]);
  if (images.dims.length !== 3) throw new GraftError('dataset-idx-shape', `${part.images}: expected images [N, H, W], the file holds [${images.dims.join(', ')}]`);
  if (labels.dims.length !== 1) throw new GraftError('dataset-idx-shape', `${part.labels}: expected labels [N], the file holds [${labels.dims.join(', ')}]`);
  const [count, height, width] = images.dims;
  if (height === 0 || width === 0) throw new GraftError('dataset-idx-shape', `${part.images}: images of ${height}x${width} pixels hold nothing to learn from`);
  if (labels.dims[0] !== count) {
    throw new GraftError('dataset-idx-shape', `${basename(part.images)} has ${count} images but ${basename(part.labels)} has ${labels.dims[0]} labels`);
  }
  return { count, height, width, pixels: images.data, labels: labels.data };
}

async function readIdxFile(path: string, maxBytes: number) {
  const tooLarge = () => new GraftError('dataset-too-large', `${path}: over ${maxBytes} bytes of IDX data${path.endsWith('.gz') ? ' once inflated' : ''}; not read`);
  let bytes: Uint8Array = await readRegularFile(path, maxBytes).catch((e: { code?: string }) => {
    throw e.code === 'file-too-large' ? tooLarge() : e;
  });
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = await gunzipAsync(bytes, { maxOutputLength: maxBytes });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge();
      throw new GraftError('dataset-idx-corrupt', `${path}: corrupt gzip data (${(e as Error).message})`);
    }
  }
  try {
    return parseIdx(bytes, path);
  } catch (e) {
    if (e instanceof IdxError) throw new GraftError('dataset-idx-corrupt', e.message);
    throw e;
  }
}
