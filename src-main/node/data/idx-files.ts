// Finding and reading IDX files (MNIST layout): `<prefix>-images-idx3-ubyte[.gz]` paired with
// `<prefix>-labels-idx1-ubyte[.gz]`, where the prefix `train` is the train split and `t10k` or
// `test` the test split. Given one file, its whole folder is opened, so train and t10k come
// together.
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { GraftError } from '../../core/errors.js';
import { IdxError, parseIdx } from '../../core/data/idx-format.js';
import { readRegularFile } from '../regular-file.js';

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

/**
 * Reads one image/label pair. `onImages` hears how many images of the images file are in
 * memory as it inflates (and of how many, from its header), so a 60,000-image file shows counts.
 */
export async function readIdxPart(part: IdxPart, maxBytes = MAX_IDX_BYTES, onImages?: (done: number, total: number) => void): Promise<IdxImages> {
  const [images, labels] = await Promise.all([readIdxFile(part.images, maxBytes, onImages && imagesInflated(onImages)), readIdxFile(part.labels, maxBytes)]);
  if (images.dims.length !== 3) throw new GraftError('dataset-idx-shape', `${part.images}: expected images [N, H, W], the file holds [${images.dims.join(', ')}]`);
  if (labels.dims.length !== 1) throw new GraftError('dataset-idx-shape', `${part.labels}: expected labels [N], the file holds [${labels.dims.join(', ')}]`);
  const [count, height, width] = images.dims;
  if (height === 0 || width === 0) throw new GraftError('dataset-idx-shape', `${part.images}: images of ${height}x${width} pixels hold nothing to learn from`);
  if (labels.dims[0] !== count) {
    throw new GraftError('dataset-idx-shape', `${basename(part.images)} has ${count} images but ${basename(part.labels)} has ${labels.dims[0]} labels`);
  }
  onImages?.(count, count);
  return { count, height, width, pixels: images.data, labels: labels.data };
}

/** Inflated bytes -> whole images, read from the IDX header at the start ([N, H, W] of bytes). */
function imagesInflated(onImages: (done: number, total: number) => void) {
  return (bytes: number, head: Uint8Array) => {
    if (head.length < 16 || head[3] !== 3) return;
    const view = new DataView(head.buffer, head.byteOffset, 16);
    const [count, height, width] = [view.getUint32(4), view.getUint32(8), view.getUint32(12)];
    const per = height * width;
    if (per > 0 && count > 0) onImages(Math.min(count, Math.floor(Math.max(0, bytes - 16) / per)), count);
  };
}

type OnInflated = (bytes: number, head: Uint8Array) => void;

async function readIdxFile(path: string, maxBytes: number, onInflated?: OnInflated) {
  const tooLarge = () => new GraftError('dataset-too-large', `${path}: over ${maxBytes} bytes of IDX data${path.endsWith('.gz') ? ' once inflated' : ''}; not read`);
  let bytes: Uint8Array = await readRegularFile(path, maxBytes).catch((e: { code?: string }) => {
    throw e.code === 'file-too-large' ? tooLarge() : e;
  });
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = await inflate(bytes, maxBytes, tooLarge, (e) => new GraftError('dataset-idx-corrupt', `${path}: corrupt gzip data (${e.message})`), onInflated);
  try {
    return parseIdx(bytes, path);
  } catch (e) {
    if (e instanceof IdxError) throw new GraftError('dataset-idx-corrupt', e.message);
    throw e;
  }
}

/**
 * Gzip data inflated a megabyte at a time (a 26 MB file takes a second or more), telling
 * `onInflated` how far it is; refused once the output passes `maxBytes`, before it is all
 * inflated (a small file can inflate to gigabytes).
 */
function inflate(bytes: Uint8Array, maxBytes: number, tooLarge: () => Error, corrupt: (e: Error) => Error, onInflated?: OnInflated): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const gz = createGunzip({ chunkSize: INFLATE_CHUNK });
    const chunks: Buffer[] = [];
    let size = 0;
    gz.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        gz.destroy();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
      onInflated?.(size, chunks[0]);
    });
    gz.on('error', (e) => reject(corrupt(e)));
    gz.on('end', () => resolve(Buffer.concat(chunks, size)));
    gz.end(bytes);
  });
}

const INFLATE_CHUNK = 1 << 20;
