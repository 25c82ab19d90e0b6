import { describe, expect, it } from 'vitest';
import { BmpError, readBmpHeader } from './bmp.js';
import { drawPlacement } from './bilinear.js';
import { ByteLru } from './byte-lru.js';
import { compareCodePoints, sortByCodePoint } from './code-point-order.js';
import { parseCsv } from './csv-parse.js';
import { centerCropBox, padTarget, planPlacement, randomResizedCropBox } from './geometry.js';
import { seededRandom } from '../random.js';
import { classRemap, limitPerClass, resolveSplits, stratifiedSplit } from './stratified-split.js';

describe('code point order', () => {
  it('matches Python sorted() for astral characters, unlike Array.sort()', () => {
    const names = ['😀', 'Ａ', 'b', 'B', 'a b', 'a', 'ab'];
    expect([...names].sort()).toEqual(['B', 'a', 'a b', 'ab', 'b', '😀', 'Ａ']);
    expect(sortByCodePoint(names)).toEqual(['B', 'a', 'a b', 'ab', 'b', 'Ａ', '😀']);
    expect(compareCodePoints('a', 'a')).toBe(0);
    expect(compareCodePoints('a', 'ab')).toBe(-1);
  });
});

describe('stratified split', () => {
  const labels = [...Array(100).fill(0), ...Array(50).fill(1), ...Array(10).fill(2)];

  it('represents each class proportionally and is the same for the same seed', () => {
    const s = stratifiedSplit(labels, { val: 0.1, test: 0.2 }, 42);
    const count = (idx: number[], c: number) => idx.filter((i) => labels[i] === c).length;
    expect([0, 1, 2].map((c) => [count(s.train, c), count(s.val, c), count(s.test, c)])).toEqual([
      [70, 10, 20],
      [35, 5, 10],
      [7, 1, 2],
    ]);
    expect(stratifiedSplit(labels, { val: 0.1, test: 0.2 }, 42)).toEqual(s);
    expect(stratifiedSplit(labels, { val: 0.1, test: 0.2 }, 43).val).not.toEqual(s.val);
    expect(new Set([...s.train, ...s.val, ...s.test]).size).toBe(labels.length);
  });

  it('keeps a class membership stable when other classes are absent', () => {
    const full = stratifiedSplit(labels, { val: 0.2, test: 0 }, 9);
    const onlyTwo = labels.map((c) => (c === 2 ? 2 : -1));
    const alone = stratifiedSplit(onlyTwo, { val: 0.2, test: 0 }, 9);
    expect(alone.val.filter((i) => labels[i] === 2)).toEqual(full.val.filter((i) => labels[i] === 2));
  });

  it('leaves at least one sample of a class in train', () => {
    const s = stratifiedSplit([0, 1, 1], { val: 0.5, test: 0.4 }, 1);
    expect(s.train.map((i) => [0, 1, 1][i]).sort()).toEqual([0, 1]);
  });

  it('carves val from a given train split and keeps the given test split', () => {
    const s = resolveSplits([0, 0, 0, 0, 1, 1, 1, 1, 0, 1], { train: [0, 1, 2, 3, 4, 5, 6, 7], test: [8, 9] }, { val: 0.25, test: 0.5 }, 3);
    expect(s.test).toEqual([8, 9]);
    expect(s.val.length).toBe(2);
    expect(s.train.length).toBe(6);
  });

  it('rejects bad fractions, bad subsets and bad limits', () => {
    expect(() => stratifiedSplit(labels, { val: 0.6, test: 0.5 }, 1)).toThrow('split fractions must be in [0, 1) and sum below 1 (val 0.6, test 0.5)');
    expect(() => classRemap([1, 1], 3)).toThrow('class subset: class 1 is listed twice');
    expect(() => limitPerClass([1], () => 0, 0)).toThrow('perClassLimit must be a positive integer, got 0');
    expect(limitPerClass([5, 1, 2, 7, 3], (i) => i % 2, 2)).toEqual([5, 1, 2]);
  });
});

describe('geometry', () => {
  it('centre-crops to the target aspect and letterboxes for padding', () => {
    expect(centerCropBox(200, 100, 50, 50)).toEqual({ left: 50, top: 0, width: 100, height: 100 });
    expect(padTarget(200, 100, 50, 50)).toEqual({ left: 0, top: 12, width: 50, height: 25 });
  });

  it('draws random resized crops inside the image, within the scale and ratio limits', () => {
    const rand = seededRandom(5);
    for (let k = 0; k < 200; k++) {
      const b = randomResizedCropBox(64, 48, rand);
      expect(b.left + b.width).toBeLessThanOrEqual(64);
      expect(b.top + b.height).toBeLessThanOrEqual(48);
      expect((b.width * b.height) / (64 * 48)).toBeGreaterThan(0.06);
    }
    // A sliver image never fits a random try: the fallback is a centred crop at the max ratio.
    expect(randomResizedCropBox(100, 1, () => 0.99)).toEqual({ left: 49, top: 0, width: 1, height: 1 });
  });

  it('copies exactly at the same size, mirrors on flip, and keeps a constant image constant', () => {
    const src = Uint8Array.from([1, 2, 3, 4, 5, 6]); // 3x2
    const same = planPlacement(3, 2, 3, 2, 'center-crop');
    expect(Array.from(drawPlacement(src, 3, 2, 1, same, 3, 2))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(drawPlacement(src, 3, 2, 1, { ...same, flip: true }, 3, 2))).toEqual([3, 2, 1, 6, 5, 4]);
    const up = drawPlacement(new Uint8Array(4).fill(77), 2, 2, 1, planPlacement(2, 2, 5, 5, 'center-crop'), 5, 5);
    expect(Array.from(up).every((v) => v === 77)).toBe(true);
  });
});

describe('byte-bounded LRU', () => {
  it('evicts the least recently used entries past the budget', () => {
    const lru = new ByteLru<string, Uint8Array>(10);
    lru.set('a', new Uint8Array(4));
    lru.set('b', new Uint8Array(4));
    lru.get('a');
    lru.set('c', new Uint8Array(4));
    expect([lru.get('a') !== undefined, lru.get('b') !== undefined, lru.get('c') !== undefined]).toEqual([true, false, true]);
    expect(lru.bytes).toBe(8);
    lru.set('huge', new Uint8Array(11));
    expect(lru.size).toBe(2);
  });
});

describe('CSV parsing', () => {
  it('parses quotes, escaped quotes, CRLF and blank lines, remembering rows and lines', () => {
    expect(parseCsv('a,b\r\n"x ""y""","1\n2"\r\n\r\n3,4')).toEqual([
      { row: 1, line: 1, cells: ['a', 'b'] },
      { row: 2, line: 2, cells: ['x "y"', '1\n2'] },
      { row: 3, line: 5, cells: ['3', '4'] },
    ]);
  });
});

describe('BMP headers', () => {
  it('refuses compressed and paletted BMPs with a clear message', () => {
    const header = new Uint8Array(54);
    const view = new DataView(header.buffer);
    header.set([0x42, 0x4d]);
    view.setUint32(14, 40, true);
    view.setInt32(18, 2, true);
    view.setInt32(22, 2, true);
    view.setUint16(28, 8, true);
    expect(() => readBmpHeader(header)).toThrow(new BmpError('unsupported BMP: 8 bits per pixel; only uncompressed 24/32-bit BMP is supported'));
    view.setUint16(28, 24, true);
    view.setUint32(30, 1, true);
    expect(() => readBmpHeader(header)).toThrow('unsupported BMP: compressed (method 1); only uncompressed 24/32-bit BMP is supported');
  });
});
