import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_IDX_BYTES, readIdxPart } from './idx-files.js';
import { FASHION_MNIST_CLASSES, openDataset } from './index.js';
import type { Preprocess } from './types.js';

const FASHION = '/usr/share/datasets/fashion-mnist';
const haveFashion = existsSync(join(FASHION, 'train-images-idx3-ubyte.gz'));
if (!haveFashion) console.warn(`Fashion-MNIST tests skipped: ${FASHION} not found (Debian package dataset-fashion-mnist)`);

const gray28: Preprocess = { channels: 1, height: 28, width: 28, resize: 'center-crop', seed: 1 };

describe.skipIf(!haveFashion)('Fashion-MNIST from the Debian package', () => {
  it('opens 60000 train and 10000 test images with their class names', async () => {
    const ds = await openDataset(join(FASHION, 'train-images-idx3-ubyte.gz'), gray28, { seed: 7 });
    expect(ds.info.kind).toBe('idx');
    expect(ds.info.classes).toEqual(FASHION_MNIST_CLASSES);
    expect(ds.size('train') + ds.size('val')).toBe(60000);
    expect(ds.size('val')).toBe(6000);
    expect(ds.size('test')).toBe(10000);
    expect(Object.values(ds.info.counts.test)).toEqual(Array(10).fill(1000));
    expect(Object.values(ds.info.counts.val)).toEqual(Array(10).fill(600));
    expect(ds.info.inputShape).toEqual([1, 28, 28]);
    expect(ds.info.normalisation.mean[0]).toBeCloseTo(0.2860, 3);
    expect(ds.info.normalisation.std[0]).toBeCloseTo(0.3530, 3);
  });

  it('normalises a sample exactly as computed by hand from the raw bytes', async () => {
    const mean = [0.5];
    const std = [0.25];
    const ds = await openDataset(FASHION, { ...gray28, mean, std }, { seed: 7 });
    const raw = gunzipSync(readFileSync(join(FASHION, 't10k-images-idx3-ubyte.gz')));
    const labels = gunzipSync(readFileSync(join(FASHION, 't10k-labels-idx1-ubyte.gz')));
    const i = 123;
    const sample = await ds.get('test', i);
    expect(sample.id).toBe(`t10k-images-idx3-ubyte.gz#${i}`);
    expect(sample.label).toBe(labels[8 + i]);
    const expected = Float32Array.from(raw.subarray(16 + i * 784, 16 + (i + 1) * 784), (v) => (v / 255 - 0.5) / 0.25);
    expect(Array.from(sample.x)).toEqual(Array.from(expected));
  });

  it('takes a class subset, remapped, with 100 train images per class', async () => {
    const ds = await openDataset(FASHION, gray28, { seed: 7, classes: [5, 6, 7, 8, 9], perClassLimit: 100 });
    expect(ds.info.classes).toEqual(['Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);
    expect(ds.info.counts.train).toEqual({ Sandal: 100, Shirt: 100, Sneaker: 100, Bag: 100, 'Ankle boot': 100 });
    expect(ds.size('test')).toBe(5000);
    const testLabels = ds.labels('test')!;
    expect(Math.min(...testLabels)).toBe(0);
    expect(Math.max(...testLabels)).toBe(4);
    // The held-out test images of 5..9 are the t10k ones; the pretraining subset never sees them.
    const pre = await openDataset(FASHION, gray28, { seed: 7, classes: [0, 1, 2, 3, 4] });
    const trainIds = new Set((await pre.getBatch('train', Array.from({ length: pre.size('train') }, (_, k) => k))).ids);
    const transferTest = await ds.getBatch('test', [0, 1, 2]);
    expect(transferTest.ids.every((id) => id.startsWith('t10k') && !trainIds.has(id))).toBe(true);
  });

  it('serves RGB models at 224x224 with augmentation seeded per (epoch, index)', async () => {
    const pre: Preprocess = { channels: 3, height: 64, width: 64, resize: 'center-crop', seed: 3, augment: { randomResizedCrop: true, horizontalFlip: true } };
    const ds = await openDataset(FASHION, pre, { seed: 7, classes: [0, 1], perClassLimit: 4 });
    const a = await ds.get('train', 2, { epoch: 1 });
    const b = await ds.get('train', 2, { epoch: 1 });
    const c = await ds.get('train', 2, { epoch: 2 });
    expect(a.x.length).toBe(3 * 64 * 64);
    expect(Array.from(a.x)).toEqual(Array.from(b.x));
    expect(Array.from(a.x)).not.toEqual(Array.from(c.x));
    // Gray replicated to three identical planes.
    expect(Array.from(a.x.subarray(0, 4096))).toEqual(Array.from(a.x.subarray(4096, 8192)));
    // Val and test are never augmented.
    const v1 = await ds.get('val', 0, { epoch: 1 });
    const v2 = await ds.get('val', 0, { epoch: 2 });
    expect(Array.from(v1.x)).toEqual(Array.from(v2.x));
  });
});

describe('IDX files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'graft-idx-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function idx(dims: number[], data: Uint8Array): Buffer {
    const header = Buffer.alloc(4 + 4 * dims.length);
    header[2] = 0x08;
    header[3] = dims.length;
    dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
    return Buffer.concat([header, data]);
  }

  function writeDigits(folder: string, n: number, gz: boolean) {
    const images = new Uint8Array(n * 4 * 4);
    for (let i = 0; i < n; i++) images.fill(i * 10, i * 16, (i + 1) * 16);
    const labels = Uint8Array.from({ length: n }, (_, i) => i % 3);
    const ext = gz ? '.gz' : '';
    const enc = (b: Buffer) => (gz ? gzipSync(b) : b);
    writeFileSync(join(folder, `train-images-idx3-ubyte${ext}`), enc(idx([n, 4, 4], images)));
    writeFileSync(join(folder, `train-labels-idx1-ubyte${ext}`), enc(idx([n], labels)));
  }

  it('reads raw files, names classes by digit, and splits all records when there is no test file', async () => {
    writeDigits(dir, 30, false);
    const ds = await openDataset(dir, { channels: 1, height: 8, width: 8, resize: 'center-crop', seed: 1, mean: [0], std: [1] }, { seed: 1, valFraction: 0.2, testFraction: 0.2 });
    expect(ds.info.classes).toEqual(['0', '1', '2']);
    expect(ds.info.splits).toEqual({ train: 18, val: 6, test: 6 });
    // A uniform 4x4 image upsampled bilinearly to 8x8 stays uniform.
    const s = await ds.get('train', 1);
    const value = s.x[0];
    expect(Array.from(s.x).every((v) => Math.abs(v - value) < 1e-6)).toBe(true);
  });

  it('refuses a file with a bad magic number, naming it', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'graft-idx-bad-'));
    writeFileSync(join(bad, 'train-images-idx3-ubyte'), Buffer.from('not an idx file'));
    writeFileSync(join(bad, 'train-labels-idx1-ubyte'), idx([1], new Uint8Array(1)));
    await expect(openDataset(join(bad, 'train-images-idx3-ubyte'), gray28, { seed: 1 })).rejects.toThrow(
      `${join(bad, 'train-images-idx3-ubyte')}: not an IDX file (bad magic number 0x6e6f7420)`,
    );
    rmSync(bad, { recursive: true });
  });

  it('refuses images and labels of different counts', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'graft-idx-bad-'));
    writeFileSync(join(bad, 'train-images-idx3-ubyte.gz'), gzipSync(idx([2, 2, 2], new Uint8Array(8))));
    writeFileSync(join(bad, 'train-labels-idx1-ubyte.gz'), gzipSync(idx([3], new Uint8Array(3))));
    await expect(openDataset(bad, gray28, { seed: 1 })).rejects.toThrow('train-images-idx3-ubyte.gz has 2 images but train-labels-idx1-ubyte.gz has 3 labels');
    rmSync(bad, { recursive: true });
  });

  it('refuses a gzip bomb by name once the inflated bytes pass the cap, without inflating it all', async () => {
    const bomb = mkdtempSync(join(tmpdir(), 'graft-idx-bomb-'));
    // Gzip members concatenate: a 16 MiB member of zeros, repeated 64 times, inflates to
    // 1 GiB from 1 MB (the review's 3 MB file inflated to 3 GiB the same way).
    const chunk = 16 << 20;
    const n = 64 * (chunk / (28 * 28));
    const zeros = gzipSync(Buffer.alloc(chunk), { level: 9 });
    const header = gzipSync(idx([n, 28, 28], new Uint8Array(0)));
    const images = join(bomb, 'train-images-idx3-ubyte.gz');
    writeFileSync(images, Buffer.concat([header, ...Array.from({ length: 64 }, () => zeros)]));
    writeFileSync(join(bomb, 'train-labels-idx1-ubyte.gz'), gzipSync(idx([n], new Uint8Array(n))));
    const part = { prefix: 'train', split: 'train' as const, images, labels: join(bomb, 'train-labels-idx1-ubyte.gz') };
    // A 32 MiB cap here (the default is MAX_IDX_BYTES, 1 GiB) keeps the test quick.
    const before = process.memoryUsage().rss;
    await expect(readIdxPart(part, 32 << 20)).rejects.toMatchObject({ code: 'dataset-too-large', message: `${images}: over 33554432 bytes of IDX data once inflated; not read` });
    expect(process.memoryUsage().rss - before).toBeLessThan(256 << 20);
    expect(MAX_IDX_BYTES).toBe(2 ** 30);
    rmSync(bomb, { recursive: true });
  });

  it('refuses images with zero pixels', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'graft-idx-empty-'));
    writeFileSync(join(bad, 'train-images-idx3-ubyte'), idx([3, 0, 28], new Uint8Array(0)));
    writeFileSync(join(bad, 'train-labels-idx1-ubyte'), idx([3], new Uint8Array(3)));
    await expect(openDataset(bad, gray28, { seed: 1 })).rejects.toThrow(/images of 0x28 pixels hold nothing to learn from/);
    rmSync(bad, { recursive: true });
  });
});
