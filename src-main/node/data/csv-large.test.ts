// CSV datasets at the sizes that overflowed the stack: 600,000 rows, and 120,000 columns.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openDataset } from './index.js';
import type { Preprocess } from './types.js';

const work = mkdtempSync(join(tmpdir(), 'graft-csv-large-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const pre: Preprocess = { channels: 1, height: 1, width: 1, resize: 'center-crop', seed: 1 };

it('opens a 600,000-row CSV and a 120,000-column CSV', async () => {
  const rows = join(work, 'rows.csv');
  const lines = ['a,b,label'];
  for (let i = 0; i < 600_000; i++) lines.push(`${i % 7},${i % 11},${i % 3}`);
  writeFileSync(rows, lines.join('\n'));
  const tall = await openDataset(rows, pre, { seed: 1, valFraction: 0.2, testFraction: 0 });
  expect(tall.info.splits).toEqual({ train: 480_000, val: 120_000, test: 0 });

  const cols = join(work, 'cols.csv');
  const n = 120_000;
  const header = Array.from({ length: n }, (_, i) => `c${i}`).join(',') + ',label';
  const row = (label: number) => Array.from({ length: n }, (_, i) => (i * label) % 5).join(',') + `,${label}`;
  writeFileSync(cols, [header, row(0), row(1), row(0), row(1)].join('\n'));
  const wide = await openDataset(cols, pre, { seed: 1, valFraction: 0, testFraction: 0 });
  expect(wide.info.inputShape).toEqual([n]);
  const batch = await wide.getBatch('train', [0, 1, 2, 3]);
  expect(batch.x.length).toBe(4 * n);
}, 60_000);
