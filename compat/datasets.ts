// Tiny generated datasets the table's runs train on: enough for a few batches of 32, with a
// signal a head can pick up (the class is a colour for images, where a feature peaks for
// sequences), seeded so every run sees the same data.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

export const CLASSES = 3;
export const PER_CLASS = 40;
export const SEQUENCE = { steps: 12, features: 8 };

function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
}

/** `root/class_<k>/<i>.png`, 64x64 RGB: noise over a tint that names the class. */
export async function writeImageFolder(root: string): Promise<string> {
  const rand = generator(7);
  const size = 64;
  for (let k = 0; k < CLASSES; k++) {
    const dir = join(root, `class_${k}`);
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < PER_CLASS; i++) {
      const pixels = Buffer.alloc(size * size * 3);
      for (let p = 0; p < pixels.length; p++) pixels[p] = Math.floor(rand() * 128) + (p % 3 === k ? 100 : 0);
      await sharp(pixels, { raw: { width: size, height: size, channels: 3 } }).png().toFile(join(dir, `${i}.png`));
    }
  }
  return root;
}

/** One sample per row (steps x features values, time-major, then the label): the class is the third of the sequence where feature 0 peaks. */
export function writeSequenceCsv(path: string): string {
  const rand = generator(5);
  const { steps, features } = SEQUENCE;
  const header = [...Array.from({ length: steps * features }, (_, i) => `v${i}`), 'label'].join(',');
  const rows = [header];
  for (let i = 0; i < CLASSES * PER_CLASS; i++) {
    const label = i % CLASSES;
    const values: number[] = [];
    for (let t = 0; t < steps; t++) {
      for (let f = 0; f < features; f++) values.push((rand() * 2 - 1) * 0.3 + (f === 0 && Math.floor((t * CLASSES) / steps) === label ? 1 : 0));
    }
    rows.push([...values.map((v) => v.toFixed(4)), label].join(','));
  }
  writeFileSync(path, rows.join('\n'));
  return path;
}
