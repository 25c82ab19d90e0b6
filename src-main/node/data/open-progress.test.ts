// Opening a dataset reports its progress as it goes: per stage, counts that never go back and
// end at the true totals (what the test wrote, not what the scan found), for an image folder
// (flat and split), IDX files (gzipped and raw) and a CSV file.
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import type { DatasetProgress } from '../../api/studio-types.js';
import { openDataset } from './index.js';
import { throttleProgress } from './progress.js';
import type { Preprocess } from './types.js';

const work = mkdtempSync(join(tmpdir(), 'graft-open-progress-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const gray28: Preprocess = { channels: 1, height: 28, width: 28, resize: 'center-crop', seed: 1 };

/** Every report, unthrottled. */
function recorder() {
  const seen: DatasetProgress[] = [];
  return { seen, sink: (p: DatasetProgress) => seen.push({ ...p }), of: (stage: DatasetProgress['stage'], file?: string) => seen.filter((p) => p.stage === stage && (file === undefined || p.file === file)) };
}

/** Counts that never decrease, a total that never changes, ending at `total` of `total`. */
function expectMonotoneTo(reports: DatasetProgress[], total: number, field: 'done' | 'found' = 'done', end = total) {
  expect(reports.length).toBeGreaterThan(0);
  const values = reports.map((p) => p[field] ?? -1);
  for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]);
  expect(values[values.length - 1]).toBe(end);
  const totals = new Set(reports.map((p) => p.total).filter((t) => t !== null));
  expect([...totals]).toEqual([total]);
}

async function png(path: string, shade: number) {
  await sharp({ create: { width: 12, height: 10, channels: 3, background: { r: shade, g: shade, b: shade } } }).png().toFile(path);
}

describe('an image folder', () => {
  it('reports class folders scanned with images found, then headers checked, up to what is there', async () => {
    const root = join(work, 'animals');
    const perClass = { cat: 7, dog: 3, eel: 0, fox: 5 } as Record<string, number>;
    for (const [name, n] of Object.entries(perClass)) {
      mkdirSync(join(root, name, 'more'), { recursive: true });
      for (let i = 0; i < n; i++) await png(join(root, name, i % 2 ? 'more' : '', `${i}.png`), 20 * i);
    }
    writeFileSync(join(root, 'cat', 'notes.txt'), 'not an image');
    writeFileSync(join(root, 'dog', 'broken.png'), 'not a png');
    writeFileSync(join(root, 'stray.png'), 'outside any class');
    const images = 7 + 3 + 5 + 1; // the broken PNG is found and checked, then left out

    const r = recorder();
    const d = await openDataset(root, gray28, { seed: 1, valFraction: 0, testFraction: 0 }, r.sink);
    expect(d.size('train')).toBe(images - 1);
    expect([...new Set(r.seen.map((p) => p.stage))]).toEqual(['scanning', 'checking']);
    const scanning = r.of('scanning');
    expect(scanning[0]).toEqual({ stage: 'scanning', done: 0, total: 4, unit: 'class folders', found: 0 });
    expectMonotoneTo(scanning, 4);
    expectMonotoneTo(scanning, 4, 'found', images);
    // One report per class folder: what it found is the running sum of the classes so far.
    expect(scanning.map((p) => p.found)).toEqual([0, 7, 11, 11, 16]);
    const checking = r.of('checking');
    expect(checking).toHaveLength(images + 1);
    expect(checking.every((p) => p.unit === 'images')).toBe(true);
    expectMonotoneTo(checking, images);
  });

  it('counts the class folders of every split of an already split folder', async () => {
    const root = join(work, 'split');
    for (const split of ['train', 'val']) {
      for (const name of ['a', 'b', 'c']) {
        mkdirSync(join(root, split, name), { recursive: true });
        for (let i = 0; i < 2; i++) await png(join(root, split, name, `${i}.png`), 40 * i);
      }
    }
    const r = recorder();
    await openDataset(root, gray28, { seed: 1 }, r.sink);
    expectMonotoneTo(r.of('scanning'), 6);
    expectMonotoneTo(r.of('scanning'), 6, 'found', 12);
    expectMonotoneTo(r.of('checking'), 12);
  });
});

function idx(dims: number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, data]);
}

describe('IDX files', () => {
  it('reports the images of each file as they are inflated, up to the count in its header', async () => {
    const dir = join(work, 'idx');
    mkdirSync(dir);
    // Noise does not compress: 6,000 images inflate in several 1 MiB steps.
    const train = 6000;
    const test = 500;
    const noise = (n: number) => Uint8Array.from({ length: n * 784 }, (_, i) => (i * 2654435761) >>> 24);
    const labels = (n: number) => Uint8Array.from({ length: n }, (_, i) => i % 10);
    writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(idx([train, 28, 28], noise(train)), { level: 1 }));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(idx([train], labels(train))));
    writeFileSync(join(dir, 't10k-images-idx3-ubyte'), idx([test, 28, 28], noise(test)));
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idx([test], labels(test)));

    const r = recorder();
    const d = await openDataset(dir, gray28, { seed: 1, valFraction: 0.1 }, r.sink);
    expect(d.size('test')).toBe(test);
    expect([...new Set(r.seen.map((p) => p.file))]).toEqual(['train-images-idx3-ubyte.gz', 't10k-images-idx3-ubyte']);
    const gz = r.of('reading', 'train-images-idx3-ubyte.gz');
    expect(gz[0]).toEqual({ stage: 'reading', done: 0, total: null, unit: 'images', file: 'train-images-idx3-ubyte.gz' });
    expectMonotoneTo(gz, train);
    // Counts in between, not just the start and the end.
    expect(gz.filter((p) => p.done > 0 && p.done < train).length).toBeGreaterThanOrEqual(3);
    expectMonotoneTo(r.of('reading', 't10k-images-idx3-ubyte'), test);
  });
});

describe('a CSV file', () => {
  it('reports bytes parsed with the rows found, then rows read, up to the file size and its rows', async () => {
    const file = join(work, 'table.csv');
    const rows = 60_000; // about 1.5 MB: more than one parsing step of 1 Mi characters
    const lines = ['width,height,depth,weight,label'];
    for (let i = 0; i < rows; i++) lines.push(`${(i % 97) / 7},${i % 13},${(i * 31) % 101},"${i % 5}.25",${i % 3}`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    const bytes = statSync(file).size;

    const r = recorder();
    const d = await openDataset(file, gray28, { seed: 1, valFraction: 0, testFraction: 0 }, r.sink);
    expect(d.size('train')).toBe(rows);
    expect([...new Set(r.seen.map((p) => p.stage))]).toEqual(['parsing', 'tabulating']);
    const parsing = r.of('parsing');
    expectMonotoneTo(parsing, bytes);
    expectMonotoneTo(parsing, bytes, 'found', rows);
    expect(parsing.filter((p) => p.done > 0 && p.done < bytes).length).toBeGreaterThanOrEqual(1);
    const tabulating = r.of('tabulating');
    expectMonotoneTo(tabulating, rows);
    // Five columns: a pause every 52,428 rows of them.
    expect(tabulating.map((p) => p.done)).toEqual([0, 52_428, rows]);
  });
});

describe('throttling', () => {
  it('passes on nothing before the interval, then at most one report per interval', () => {
    let t = 1000;
    const sent: number[] = [];
    const throttled = throttleProgress((p) => sent.push(p.done), 250, () => t);
    const report = (done: number) => throttled({ stage: 'checking', done, total: 100, unit: 'images' });
    report(1);
    t += 249;
    report(2);
    t += 1;
    report(3);
    t += 100;
    report(4);
    t += 150;
    report(5);
    report(6);
    t += 1000;
    report(7);
    expect(sent).toEqual([3, 5, 7]);
  });
});
