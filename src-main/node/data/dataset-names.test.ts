// What a dataset's classes are called, wherever its files sit: Fashion-MNIST known by its
// content in a folder named by an upload, a names file beside IDX files, classes renamed by
// the user; and what a folder of loose non-dataset files is told, without naming the folder.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { FASHION_MNIST_CLASSES, openDataset } from './index.js';

const FASHION = '/usr/share/datasets/fashion-mnist';
const haveFashion = existsSync(join(FASHION, 'train-images-idx3-ubyte.gz'));
const work = mkdtempSync(join(tmpdir(), 'graft-names-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const gray28 = { channels: 1 as const, height: 28, width: 28, resize: 'center-crop' as const, seed: 0 };

/** The first `n` records of an IDX file (gzip or raw), as raw IDX bytes. */
function idxHead(file: Buffer, headerBytes: number, recordBytes: number, n: number): Buffer {
  const head = Buffer.from(file.subarray(0, headerBytes));
  head.writeUInt32BE(n, 4);
  return Buffer.concat([head, file.subarray(headerBytes, headerBytes + n * recordBytes)]);
}

function idx(dims: number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, data]);
}

function writeDigits(folder: string, n: number, classes: number): void {
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'train-images-idx3-ubyte'), idx([n, 28, 28], new Uint8Array(n * 784).fill(9)));
  writeFileSync(join(folder, 'train-labels-idx1-ubyte'), idx([n], Uint8Array.from({ length: n }, (_, i) => i % classes)));
}

describe.skipIf(!haveFashion)('Fashion-MNIST wherever it is', () => {
  it('is named by its content in a folder named by an upload, also as a subset of its files', async () => {
    const images = gunzipSync(readFileSync(join(FASHION, 't10k-images-idx3-ubyte.gz')));
    const labels = gunzipSync(readFileSync(join(FASHION, 't10k-labels-idx1-ubyte.gz')));
    const upload = join(work, 'projects', 'untitled', 'uploads', 'up-mx8tsyvc-fc85a6');
    mkdirSync(upload, { recursive: true });
    writeFileSync(join(upload, 'train-images-idx3-ubyte'), idxHead(images, 16, 784, 500));
    writeFileSync(join(upload, 'train-labels-idx1-ubyte'), idxHead(labels, 8, 1, 500));
    const ds = await openDataset(upload, gray28, { seed: 0 });
    expect(ds.info.classes).toEqual(FASHION_MNIST_CLASSES);
  });
});

describe('class names of IDX files', () => {
  it('are the digits for files that are not Fashion-MNIST', async () => {
    const dir = join(work, 'up-digits');
    writeDigits(dir, 60, 10);
    expect((await openDataset(dir, gray28, { seed: 0 })).info.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('come from classes.txt beside the files, one per line; a wrong one is said and not used', async () => {
    const dir = join(work, 'up-named');
    writeDigits(dir, 30, 3);
    writeFileSync(join(dir, 'classes.txt'), 'circle\r\nsquare\ntriangle\n\n');
    expect((await openDataset(dir, gray28, { seed: 0 })).info.classes).toEqual(['circle', 'square', 'triangle']);
    writeFileSync(join(dir, 'classes.txt'), 'circle\nsquare\n');
    const ds = await openDataset(dir, gray28, { seed: 0 });
    expect(ds.info.classes).toEqual(['0', '1', '2']);
    expect(ds.info.warnings).toContain('classes.txt is not used: it lists 2 names for 3 classes');
  });
});

describe('renamed classes', () => {
  const dir = join(work, 'renamed');
  writeDigits(dir, 30, 3);

  it('carry the new names into the classes and counts, before a subset is taken', async () => {
    const ds = await openDataset(dir, gray28, { seed: 0, renames: { '2': 'two', '0': 'zero' }, classes: [2, 1] });
    expect(ds.info.classes).toEqual(['two', '1']);
    const all = (name: string) => ds.info.counts.train[name] + ds.info.counts.val[name] + ds.info.counts.test[name];
    expect([all('two'), all('1')]).toEqual([10, 10]);
  });

  it('may not give two classes one name', async () => {
    await expect(openDataset(dir, gray28, { seed: 0, renames: { '0': '1' } })).rejects.toThrow("classes '0' and '1' would both be called '1'");
  });
});

describe('files that are no dataset', () => {
  it('are named (not their folder), with the kinds of dataset the studio reads', async () => {
    const upload = join(work, 'projects', 'untitled', 'uploads', 'up-notes-1234');
    mkdirSync(upload, { recursive: true });
    writeFileSync(join(upload, 'notes.txt'), 'hello\n');
    const err = await openDataset(upload, gray28, { seed: 0 }).then(
      () => null,
      (e: Error & { code: string }) => e,
    );
    expect(err?.code).toBe('dataset-unknown-kind');
    expect(err?.message).toContain('"notes.txt": not a dataset');
    expect(err?.message).toContain('a folder of class folders');
    expect(err?.message).toContain('IDX files');
    expect(err?.message).toContain('a CSV file');
    expect(err?.message).not.toContain(work);
  });

  it('but one CSV dropped alone is that table', async () => {
    const upload = join(work, 'up-csv-1234');
    mkdirSync(upload, { recursive: true });
    writeFileSync(join(upload, 'rows.csv'), `a,b,label\n${Array.from({ length: 40 }, (_, i) => `${i},${i % 7},${i % 2 ? 'odd' : 'even'}`).join('\n')}\n`);
    const ds = await openDataset(upload, gray28, { seed: 0 });
    expect(ds.info.kind).toBe('csv');
    expect(ds.info.classes).toEqual(['even', 'odd']);
  });
});
