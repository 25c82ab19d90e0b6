import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMAGENET_MEAN, IMAGENET_STD } from '../../core/data/normalisation.js';
import { openDataset } from './index.js';
import { writeBmp, writeHugePngHeader } from './test-images.js';
import type { Preprocess } from './types.js';

const rgb16: Preprocess = { channels: 3, height: 16, width: 16, resize: 'center-crop', seed: 1 };
const unit = { mean: [0, 0, 0], std: [1, 1, 1] };

function solid(width: number, height: number, [r, g, b]: number[]) {
  return sharp({ create: { width, height, channels: 3, background: { r, g, b } } });
}

function rgbBytes(width: number, height: number, f: (x: number, y: number) => number[]): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out.set(f(x, y), (y * width + x) * 3);
  return out;
}

/** Pixel (x, y) of channel c of a CHW sample, back on the 0..255 scale (unit mean/std). */
function px(sample: Float32Array, size: [number, number], c: number, x: number, y: number): number {
  const [w, h] = size;
  return Math.round(sample[c * w * h + y * w + x] * 255);
}

describe('image folder with every format and bad files', () => {
  let root: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'graft-img-'));
    // Code point order puts U+FF21 (fullwidth A) before U+1F600 (emoji); UTF-16 order does not.
    const classes = ['cats', 'dogs and wolves', 'Ａ', '😀 smile', 'über'];
    for (const c of classes) mkdirSync(join(root, c));
    await solid(20, 20, [255, 0, 0]).png().toFile(join(root, 'cats', 'a.png'));
    await solid(20, 20, [255, 0, 0]).jpeg().toFile(join(root, 'cats', 'b.jpg'));
    await solid(20, 20, [255, 0, 0]).webp().toFile(join(root, 'cats', 'c.webp'));
    mkdirSync(join(root, 'cats', 'nested dir'));
    await solid(20, 20, [255, 0, 0]).gif().toFile(join(root, 'cats', 'nested dir', 'd.gif'));
    await solid(20, 20, [0, 0, 255]).tiff().toFile(join(root, 'dogs and wolves', 'e.tiff'));
    writeBmp(join(root, 'dogs and wolves', 'f.bmp'), 3, 2, rgbBytes(3, 2, (x, y) => [x * 100, y * 200, 7]), 24, false);
    writeBmp(join(root, 'dogs and wolves', 'g.bmp'), 3, 2, rgbBytes(3, 2, (x, y) => [x * 100, y * 200, 7]), 32, true);
    await solid(20, 20, [0, 255, 0]).png().toFile(join(root, 'Ａ', 'h h.png'));
    await solid(20, 20, [0, 255, 0]).png().toFile(join(root, '😀 smile', 'ü 1.png'));
    await solid(20, 20, [0, 255, 0]).png().toFile(join(root, 'über', 'i.png'));
    // Bad data, all reported and skipped:
    writeFileSync(join(root, 'cats', 'zero.png'), Buffer.alloc(0));
    writeFileSync(join(root, 'cats', 'corrupt.jpg'), Buffer.from('this is not a jpeg at all'));
    writeFileSync(join(root, 'cats', 'notes.txt'), 'hello');
    writeFileSync(join(root, 'cats', '.DS_Store'), 'x');
    writeFileSync(join(root, 'readme.md'), 'x');
    writeHugePngHeader(join(root, 'über', 'huge.png'), 20000, 20000);
    mkdirSync(join(root, 'empty'));
    mkdirSync(join(root, '.git'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('orders classes by code point, reads every format, and reports each bad file with its reason', async () => {
    const ds = await openDataset(root, { ...rgb16, ...unit }, { seed: 1, valFraction: 0, testFraction: 0 });
    expect(ds.info.kind).toBe('image-folder');
    expect(ds.info.classes).toEqual(['cats', 'dogs and wolves', 'über', 'Ａ', '😀 smile']);
    expect(ds.info.counts.train).toEqual({ cats: 4, 'dogs and wolves': 3, über: 1, Ａ: 1, '😀 smile': 1 });
    const reasons = Object.fromEntries(ds.info.skipped.map((s) => [s.id.replace(root, ''), s.reason]));
    expect(reasons).toEqual({
      '/.git': "hidden folder '.git'",
      '/readme.md': "'readme.md' is not inside a class folder",
      '/cats/.DS_Store': "hidden file '.DS_Store'",
      '/cats/notes.txt': "not an image file ('.txt')",
      '/cats/zero.png': 'empty file (0 bytes)',
      '/cats/corrupt.jpg': 'not a readable image (Input file contains unsupported image format)',
      '/über/huge.png': 'image is 20000x20000 (400 megapixels), above the 100 megapixel limit; not decoded',
      empty: "class folder 'empty' has no usable images; not a class",
    });
    expect(ds.info.warnings).toContain("class folder 'empty' has no usable images and is not used as a class");
    // torchvision's file order: the class's own files, then its subfolders'.
    const batch = await ds.getBatch('train', Array.from({ length: ds.size('train') }, (_, i) => i));
    expect(batch.failed).toEqual([]);
    expect(batch.ids.slice(0, 4).map((id) => id.replace(root, ''))).toEqual(['/cats/a.png', '/cats/b.jpg', '/cats/c.webp', '/cats/nested dir/d.gif']);
    expect(Array.from(batch.labels)).toEqual([0, 0, 0, 0, 1, 1, 1, 2, 3, 4]);
    const size: [number, number] = [16, 16];
    const first = batch.x.subarray(0, 3 * 256);
    expect([px(first, size, 0, 8, 8), px(first, size, 1, 8, 8), px(first, size, 2, 8, 8)]).toEqual([255, 0, 0]);
    // The decoded BMPs: bottom-up 24-bit and top-down 32-bit give the same pixels.
    const bmp24 = (await ds.get('train', 5)).x;
    const bmp32 = (await ds.get('train', 6)).x;
    expect(Array.from(bmp24)).toEqual(Array.from(bmp32));
  });

  it('decodes a BMP to the exact pixels written (same size, no resampling)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'graft-bmp-'));
    mkdirSync(join(dir, 'a'));
    mkdirSync(join(dir, 'b'));
    const pixels = rgbBytes(4, 2, (x, y) => [x * 60, y * 200, 9]);
    writeBmp(join(dir, 'a', 'p.bmp'), 4, 2, pixels, 24);
    writeBmp(join(dir, 'b', 'q.bmp'), 4, 2, pixels, 32, true);
    const ds = await openDataset(dir, { channels: 3, height: 2, width: 4, resize: 'center-crop', seed: 1, ...unit }, { seed: 1, valFraction: 0, testFraction: 0 });
    for (const i of [0, 1]) {
      const s = (await ds.get('train', i)).x;
      expect([px(s, [4, 2], 0, 3, 0), px(s, [4, 2], 1, 3, 1), px(s, [4, 2], 2, 0, 0)]).toEqual([180, 200, 9]);
    }
    rmSync(dir, { recursive: true });
  });
});

describe('image decoding', () => {
  let root: string;
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'graft-geo-'));
    mkdirSync(join(root, 'geo'));
    mkdirSync(join(root, 'other'));
    // 200x100: left quarter red, the rest white.
    const wide = rgbBytes(200, 100, (x) => (x < 50 ? [255, 0, 0] : [255, 255, 255]));
    await sharp(wide, { raw: { width: 200, height: 100, channels: 3 } }).png().toFile(join(root, 'geo', 'a-wide.png'));
    // 40x20 stored sideways, left half red and right half blue, EXIF orientation 6 (rotate 90
    // clockwise to display): upright it is 20x40, red on top.
    const sideways = rgbBytes(40, 20, (x) => (x < 20 ? [255, 0, 0] : [0, 0, 255]));
    await sharp(sideways, { raw: { width: 40, height: 20, channels: 3 } }).jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toFile(join(root, 'geo', 'b-exif.jpg'));
    await sharp(new Uint8Array(64).fill(128), { raw: { width: 8, height: 8, channels: 1 } }).toColourspace('b-w').png().toFile(join(root, 'geo', 'c-gray.png'));
    await solid(8, 8, [200, 100, 50]).png().toFile(join(root, 'other', 'd.png'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const open = (pre: Partial<Preprocess>, opts = {}) =>
    openDataset(root, { ...rgb16, ...unit, width: 50, height: 50, ...pre }, { seed: 1, valFraction: 0, testFraction: 0, ...opts });

  it('center-crop covers the square and cuts the sides; pad fits the whole image on black', async () => {
    const crop = (await (await open({ resize: 'center-crop' })).get('train', 0)).x;
    // Scaled to 100x50, the middle 50 columns kept: the red quarter (25 scaled columns) is gone.
    // (The first columns pick up a little red from the resampling kernel, so look a bit inside.)
    expect([px(crop, [50, 50], 0, 3, 25), px(crop, [50, 50], 1, 3, 25)]).toEqual([255, 255]);
    const pad = (await (await open({ resize: 'pad' })).get('train', 0)).x;
    // Scaled to 50x25 and centred: black bands above and below, red on the left of the band.
    expect([0, 1, 2].map((c) => px(pad, [50, 50], c, 25, 2))).toEqual([0, 0, 0]);
    expect([0, 1, 2].map((c) => px(pad, [50, 50], c, 3, 25))).toEqual([255, 0, 0]);
    expect([0, 1, 2].map((c) => px(pad, [50, 50], c, 40, 25))).toEqual([255, 255, 255]);
    expect([0, 1, 2].map((c) => px(pad, [50, 50], c, 25, 47))).toEqual([0, 0, 0]);
  });

  it('applies EXIF orientation', async () => {
    const s = (await (await open({ width: 20, height: 40 })).get('train', 1)).x;
    const [r0, b0] = [px(s, [20, 40], 0, 10, 5), px(s, [20, 40], 2, 10, 5)];
    const [r1, b1] = [px(s, [20, 40], 0, 10, 35), px(s, [20, 40], 2, 10, 35)];
    expect(r0).toBeGreaterThan(240);
    expect(b0).toBeLessThan(15);
    expect(r1).toBeLessThan(15);
    expect(b1).toBeGreaterThan(240);
  });

  it('converts gray to RGB and RGB to gray, normalised with ImageNet statistics by default', async () => {
    const rgb = await openDataset(root, { ...rgb16, width: 8, height: 8 }, { seed: 1, valFraction: 0, testFraction: 0 });
    expect(rgb.info.normalisation).toEqual({ mean: IMAGENET_MEAN, std: IMAGENET_STD });
    const gray = (await rgb.get('train', 2)).x;
    expect(gray.length).toBe(3 * 64);
    [0, 1, 2].forEach((c) => expect(gray[c * 64 + 10]).toBeCloseTo((128 / 255 - IMAGENET_MEAN[c]) / IMAGENET_STD[c], 5));
    const one = await openDataset(root, { ...rgb16, channels: 1, width: 8, height: 8, mean: [0], std: [1] }, { seed: 1, valFraction: 0, testFraction: 0 });
    const colour = (await one.get('train', 3)).x;
    expect(colour.length).toBe(64);
    // A luminance of (200, 100, 50): between the darkest and brightest channel.
    expect(colour[0] * 255).toBeGreaterThan(100);
    expect(colour[0] * 255).toBeLessThan(140);
  });

  it('reports a file that fails to decode after its header was read, and keeps going', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'graft-late-'));
    mkdirSync(join(dir, 'a'));
    mkdirSync(join(dir, 'b'));
    await solid(30, 30, [1, 2, 3]).png().toFile(join(dir, 'a', 'good.png'));
    const noise = rgbBytes(64, 64, (x, y) => [(x * 7919 + y) % 251, (y * 31) % 256, (x * y) % 256]);
    const png = await sharp(noise, { raw: { width: 64, height: 64, channels: 3 } }).png().toBuffer();
    // Cut short: the header stays readable, the pixel data ends early.
    writeFileSync(join(dir, 'b', 'broken.png'), png.subarray(0, Math.floor(png.length * 0.6)));
    const ds = await openDataset(dir, rgb16, { seed: 1, valFraction: 0, testFraction: 0 });
    expect(ds.info.skipped).toEqual([]);
    const batch = await ds.getBatch('train', [0, 1]);
    expect(batch.indices).toEqual([0]);
    expect(batch.shape).toEqual([1, 3, 16, 16]);
    expect(batch.failed.map((f) => [f.index, f.id])).toEqual([[1, join(dir, 'b', 'broken.png')]]);
    expect(ds.info.skipped.map((s) => s.id)).toEqual([join(dir, 'b', 'broken.png')]);
    expect(batch.failed[0].reason.startsWith(`${join(dir, 'b', 'broken.png')}: the image data is damaged or cut short (decoder: `)).toBe(true);
    await expect(ds.get('train', 1)).rejects.toThrow(batch.failed[0].reason);
    rmSync(dir, { recursive: true });
  });

  it('serves repeated reads from the decoded cache, within its byte budget', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'graft-cache-'));
    mkdirSync(join(dir, 'a'));
    mkdirSync(join(dir, 'b'));
    await solid(10, 10, [1, 2, 3]).png().toFile(join(dir, 'a', 'x.png'));
    await solid(10, 10, [4, 5, 6]).png().toFile(join(dir, 'b', 'y.png'));
    const cached = await openDataset(dir, rgb16, { seed: 1, valFraction: 0, testFraction: 0 });
    const uncached = await openDataset(dir, rgb16, { seed: 1, valFraction: 0, testFraction: 0, memoryBudgetBytes: 0 });
    const before = await cached.get('train', 0);
    await uncached.get('train', 0);
    unlinkSync(join(dir, 'a', 'x.png'));
    expect(Array.from((await cached.get('train', 0)).x)).toEqual(Array.from(before.x));
    await expect(uncached.get('train', 0)).rejects.toThrow('x.png');
    rmSync(dir, { recursive: true });
  });
});

describe('image folder splits and refusals', () => {
  async function makeFolder(layout: Record<string, number>): Promise<string> {
    const root = mkdtempSync(join(tmpdir(), 'graft-split-'));
    for (const [folder, n] of Object.entries(layout)) {
      mkdirSync(join(root, folder), { recursive: true });
      const png = await solid(4, 4, [9, 9, 9]).png().toBuffer();
      for (let i = 0; i < n; i++) writeFileSync(join(root, folder, `${String(i).padStart(3, '0')}.png`), png);
    }
    return root;
  }

  it('uses an existing train/val split as given', async () => {
    const root = await makeFolder({ 'train/a': 5, 'train/b': 4, 'val/a': 2, 'val/b': 1 });
    const ds = await openDataset(root, rgb16, { seed: 1 });
    expect(ds.info.splits).toEqual({ train: 9, val: 3, test: 0 });
    expect(ds.info.counts.val).toEqual({ a: 2, b: 1 });
    rmSync(root, { recursive: true });
  });

  it('carves val from train when the folder has train/ and test/ only', async () => {
    const root = await makeFolder({ 'train/a': 10, 'train/b': 10, 'test/a': 3, 'test/b': 3 });
    const ds = await openDataset(root, rgb16, { seed: 1, valFraction: 0.2 });
    expect(ds.info.counts).toEqual({ train: { a: 8, b: 8 }, val: { a: 2, b: 2 }, test: { a: 3, b: 3 } });
    rmSync(root, { recursive: true });
  });

  it('splits a plain folder stratified and seeded, and applies a class subset with a per-class limit', async () => {
    const root = await makeFolder({ a: 20, b: 40, c: 10 });
    const ds = await openDataset(root, rgb16, { seed: 5, valFraction: 0.1, testFraction: 0.2 });
    expect(ds.info.counts).toEqual({ train: { a: 14, b: 28, c: 7 }, val: { a: 2, b: 4, c: 1 }, test: { a: 4, b: 8, c: 2 } });
    expect(ds.info.warnings).toEqual(["class imbalance: 'b' has 28 train samples, 'c' only 7 (4.0x fewer)"]);
    const again = await openDataset(root, rgb16, { seed: 5, valFraction: 0.1, testFraction: 0.2 });
    const ids = async (d: typeof ds) => (await d.getBatch('val', [...Array(d.size('val')).keys()])).ids;
    expect(await ids(again)).toEqual(await ids(ds));
    const sub = await openDataset(root, rgb16, { seed: 5, valFraction: 0.1, testFraction: 0.2, classes: [2, 0], perClassLimit: 3 });
    expect(sub.info.classes).toEqual(['c', 'a']);
    expect(sub.info.counts.train).toEqual({ c: 3, a: 3 });
    expect(Array.from(sub.labels('train')!)).toEqual([1, 1, 1, 0, 0, 0]);
    // The subset's val samples are the full split's val samples of those classes.
    expect((await ids(sub)).sort()).toEqual((await ids(ds)).filter((id) => !id.includes('/b/')).sort());
    rmSync(root, { recursive: true });
  });

  it('refuses a single class', async () => {
    const root = await makeFolder({ only: 3, empty: 0 });
    await expect(openDataset(root, rgb16, { seed: 1 })).rejects.toThrow(`an image folder needs at least 2 classes (folders with images); ${root} has 1 ('only')`);
    rmSync(root, { recursive: true });
  });

  it('refuses a class subset with an unknown class', async () => {
    const root = await makeFolder({ a: 2, b: 2 });
    await expect(openDataset(root, rgb16, { seed: 1, classes: [0, 7] })).rejects.toThrow('class subset: 7 is not a class index (the dataset has 2 classes, 0..1)');
    rmSync(root, { recursive: true });
  });

  it('honours a lower pixel cap', async () => {
    const root = await makeFolder({ a: 1, b: 1 });
    await solid(300, 200, [0, 0, 0]).png().toFile(join(root, 'a', 'big.png'));
    const ds = await openDataset(root, rgb16, { seed: 1, maxPixels: 50_000 });
    expect(ds.info.skipped).toEqual([{ id: join(root, 'a', 'big.png'), reason: 'image is 300x200 (0.1 megapixels), above the 0.1 megapixel limit; not decoded' }]);
    rmSync(root, { recursive: true });
  });
});
