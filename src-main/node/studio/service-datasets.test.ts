// The studio's engine: datasets as the data panel sees them, with previews checked pixel for
// pixel against the stored images.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StudioEvent } from '../../api/studio-types.js';
import { decodeDataUrl, errorOf, FASHION, haveFashion, studioScratch } from '../../test-support/studio.js';
import { FASHION_MNIST_CLASSES } from '../data/index.js';
import { defaultModelPath } from '../resources.js';
import type { StudioService } from './service.js';

const { work, service } = studioScratch('datasets');

describe.skipIf(!haveFashion)('Fashion-MNIST as the data panel sees it', () => {
  const options = { classes: [5, 6, 7, 8, 9], perClassLimit: 100, valFraction: 0.1, seed: 0 };
  let s: StudioService;
  let rawImages: Buffer;
  let rawLabels: Buffer;

  beforeAll(() => {
    s = service({ mode: 'serve', workspace: join(work, 'ws-fashion') });
    rawImages = gunzipSync(readFileSync(join(FASHION, 'train-images-idx3-ubyte.gz')));
    rawLabels = gunzipSync(readFileSync(join(FASHION, 'train-labels-idx1-ubyte.gz')));
  });

  it('opens classes 5-9 with 100 training images each, listing all 10 classes', async () => {
    const d = await s.openDataset({ path: FASHION, model: defaultModelPath, options });
    expect(d.kind).toBe('idx');
    expect(d.classes).toEqual(['Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);
    expect(d.allClasses).toHaveLength(10);
    expect(d.allClasses).toEqual(FASHION_MNIST_CLASSES);
    expect(d.counts.train).toEqual({ Sandal: 100, Shirt: 100, Sneaker: 100, Bag: 100, 'Ankle boot': 100 });
    expect(d.splits.train).toBe(500);
    expect(d.splits.test).toBe(5000);
    expect(d.inputShape).toEqual([1, 28, 28]);
    expect(d.images).toBe(true);
    expect(d.skipped).toEqual([]);
  });

  it('draws each sample\'s input back as the stored image, pixel for pixel', async () => {
    const samples = await s.datasetSamples({ path: FASHION, model: defaultModelPath, options, split: 'train', indices: [0, 1, 2, 499] });
    expect(samples.map((x) => x.index)).toEqual([0, 1, 2, 499]);
    for (const sample of samples) {
      const m = /^train-images-idx3-ubyte\.gz#(\d+)$/.exec(sample.id);
      expect(m, sample.id).not.toBeNull();
      const record = Number(m![1]);
      const rawLabel = rawLabels[8 + record];
      // Classes 5..9 are remapped to 0..4.
      expect(sample.label).toBe(rawLabel - 5);
      expect(sample.className).toBe(FASHION_MNIST_CLASSES[rawLabel]);
      expect(sample.original).toBeNull();
      expect(sample.inputSummary).toMatch(/^1×28×28, mean -?\d/);
      const img = await decodeDataUrl(sample.input);
      expect([img.width, img.height]).toEqual([112, 112]);
      let worst = 0;
      for (let y = 0; y < 28; y++) {
        for (let x = 0; x < 28; x++) {
          // Each pixel is a 4x4 block of the thumbnail (nearest-neighbour scaling).
          for (const [dx, dy] of [[0, 0], [3, 3]]) {
            const shown = img.data[((y * 4 + dy) * 112 + x * 4 + dx) * img.channels];
            worst = Math.max(worst, Math.abs(shown - rawImages[16 + record * 784 + y * 28 + x]));
          }
        }
      }
      expect(worst, sample.id).toBeLessThanOrEqual(1);
    }
  });

  it('takes test samples from the t10k file and refuses an index past the split', async () => {
    const [t] = await s.datasetSamples({ path: FASHION, model: defaultModelPath, options, split: 'test', indices: [4999] });
    expect(t.id).toMatch(/^t10k-images-idx3-ubyte\.gz#\d+$/);
    expect(t.label).toBeGreaterThanOrEqual(0);
    expect(t.label).toBeLessThan(5);
    const e = await errorOf(s.datasetSamples({ path: FASHION, model: defaultModelPath, options, split: 'train', indices: [500] }));
    expect(e.code).toBe('sample-range');
  });
});

describe('an image folder with bad files', () => {
  let s: StudioService;
  let root: string;
  const options = { classes: null, perClassLimit: null, valFraction: 0.2, seed: 0 };
  const green = (i: number) => ({ r: 40 * i, g: 255, b: 0 });
  const red = (i: number) => ({ r: 255, g: 20 * i, b: 0 });

  beforeAll(async () => {
    root = join(work, 'images');
    for (const c of ['circles', 'squares', 'empty class']) mkdirSync(join(root, c), { recursive: true });
    for (let i = 0; i < 6; i++) {
      await sharp({ create: { width: 20, height: 14, channels: 3, background: green(i) } }).png().toFile(join(root, 'circles', `c ${i}.png`));
      await sharp({ create: { width: 30, height: 30, channels: 3, background: red(i) } }).png().toFile(join(root, 'squares', `s${i}.png`));
    }
    writeFileSync(join(root, 'squares', 'corrupt.png'), 'this is not a png');
    s = service({ mode: 'serve', roots: [root], workspace: join(work, 'ws-images') });
  });

  it('lists what it skipped, with the reason', async () => {
    const d = await s.openDataset({ path: root, model: defaultModelPath, options });
    expect(d.kind).toBe('image-folder');
    expect(d.classes).toEqual(['circles', 'squares']);
    expect(d.splits.train + d.splits.val + d.splits.test).toBe(12);
    const corrupt = d.skipped.find((x) => x.id.endsWith('corrupt.png'));
    expect(corrupt?.reason).toMatch(/not a readable image/);
    const empty = d.skipped.find((x) => x.id.includes('empty class'));
    expect(empty?.reason).toMatch(/no usable images/);
    expect(d.skipped).toHaveLength(2);
    // The model's input: one gray channel, 28x28.
    expect(d.inputShape).toEqual([1, 28, 28]);
  });

  it('shows the stored image and the network\'s input for each sample', async () => {
    const d = await s.openDataset({ path: root, model: defaultModelPath, options });
    const indices = Array.from({ length: d.splits.train }, (_, i) => i);
    const samples = await s.datasetSamples({ path: root, model: defaultModelPath, options, split: 'train', indices });
    expect(new Set(samples.map((x) => x.className))).toEqual(new Set(['circles', 'squares']));
    for (const sample of samples) {
      expect(sample.id.startsWith(join(root, sample.className!))).toBe(true);
      expect(sample.label).toBe(sample.className === 'circles' ? 0 : 1);
      const i = Number(/(\d+)\.png$/.exec(sample.id)![1]);
      const colour = sample.className === 'circles' ? green(i) : red(i);
      // The original: the file as the user knows it, scaled to fit 112x112, in colour.
      const original = await decodeDataUrl(sample.original);
      expect([original.width, original.height]).toEqual(sample.className === 'circles' ? [112, 78] : [112, 112]);
      expect(original.channels).toBeGreaterThanOrEqual(3);
      const centre = ((original.height >> 1) * original.width + (original.width >> 1)) * original.channels;
      expect([...original.data.subarray(centre, centre + 3)]).toEqual([colour.r, colour.g, colour.b]);
      // The input: what the network receives (gray, 28x28, solid), drawn back at 4x.
      const input = await decodeDataUrl(sample.input);
      expect([input.width, input.height]).toEqual([112, 112]);
      const first = input.data[0];
      expect(input.data.every((v, k) => k % input.channels !== 0 || v === first)).toBe(true);
    }
  });
});

describe('progress of opening a dataset, pushed under the request\'s ticket', () => {
  it('reaches the page from the preview worker before the answer, for the dataset and for its samples', async () => {
    const root = join(work, 'progress');
    for (const c of ['ants', 'bees', 'wasps']) {
      mkdirSync(join(root, c), { recursive: true });
      for (let i = 0; i < 4; i++) await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 60 * i, g: 9, b: 9 } } }).png().toFile(join(root, c, `${i}.png`));
    }
    // Every report, not a few a second: the test's folder opens in a blink.
    const s = service({ mode: 'serve', roots: [root], workspace: join(work, 'ws-progress'), previewProgressMs: 0 });
    const options = { classes: null, perClassLimit: null, valFraction: 0, seed: 0 };
    const events: StudioEvent[] = [];
    s.onEvent((e) => events.push(e));
    const ofTicket = (t: string) => events.flatMap((e) => (e.type === 'dataset' && e.ticket === t ? [e.progress] : []));

    const d = await s.openDataset({ path: root, model: defaultModelPath, options, ticket: 'page-1' });
    const opened = ofTicket('page-1');
    expect(opened.filter((p) => p.stage === 'scanning').at(-1)).toEqual({ stage: 'scanning', done: 3, total: 3, unit: 'class folders', found: 12 });
    expect(opened.filter((p) => p.stage === 'checking').at(-1)).toEqual({ stage: 'checking', done: 12, total: 12, unit: 'images' });

    await s.datasetSamples({ path: root, model: defaultModelPath, options, split: 'train', indices: [0, 5, 9], ticket: 'page-2' });
    expect(ofTicket('page-2').map((p) => `${p.stage} ${p.done}/${p.total}`)).toEqual(['sampling 0/3', 'sampling 1/3', 'sampling 2/3', 'sampling 3/3']);
    expect(d.splits.train).toBe(12);

    // Without a ticket nothing is pushed (another page's request, or an older client).
    const before = events.length;
    await s.openDataset({ path: root, model: defaultModelPath, options: { ...options, seed: 1 } });
    expect(events.length).toBe(before);
  });
});
