import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDataset } from './index.js';
import type { OpenOptions, Preprocess } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'graft-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const pre: Preprocess = { channels: 1, height: 1, width: 1, resize: 'center-crop', seed: 1 };
let n = 0;
function csv(text: string, opts: Partial<OpenOptions> = {}) {
  const file = join(dir, `t${n++}.csv`);
  writeFileSync(file, text);
  return { file, open: () => openDataset(file, pre, { seed: 1, valFraction: 0, testFraction: 0, ...opts }) };
}

describe('CSV datasets', () => {
  it('handles a BOM, quoted fields with commas and newlines, and reports bad rows by row and column', async () => {
    const { open } = csv(
      '\uFEFFlength,"width, cm",species\r\n' +
        '1,2,cat\r\n' +
        '"3","4","dog\nwith a newline"\r\n' +
        '5,,cat\r\n' + // missing cell
        '6,7\r\n' + // ragged
        'x,8,dog\r\n' + // non-numeric
        '9,10,cat\r\n',
    );
    const ds = await open();
    expect(ds.info.kind).toBe('csv');
    expect(ds.info.classes).toEqual(['cat', 'dog\nwith a newline']);
    expect(ds.info.inputShape).toEqual([2]);
    expect(ds.info.skipped).toEqual([
      { id: 'row 4 (line 5)', reason: "row 4 (line 5): missing value in column 'width, cm'" },
      { id: 'row 5 (line 6)', reason: 'row 5 (line 6): 2 cells, but the header has 3 columns' },
      { id: 'row 6 (line 7)', reason: "row 6 (line 7): column 'length' is not a number ('x')" },
    ]);
    expect(ds.size('train')).toBe(3);
    const first = await ds.get('train', 0);
    expect(first.id).toBe('row 2');
    expect(first.label).toBe(0);
  });

  it('standardises features with train-split statistics only', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${i},${i % 2 ? 'b' : 'a'}`).join('\n');
    const { open } = csv(`v,label\n${rows}\n`, { valFraction: 0.25 });
    const ds = await open();
    const train = await ds.getBatch('train', [...Array(ds.size('train')).keys()]);
    const mean = train.x.reduce((a, b) => a + b, 0) / train.x.length;
    const variance = train.x.reduce((a, b) => a + (b - mean) ** 2, 0) / train.x.length;
    expect(mean).toBeCloseTo(0, 5);
    expect(variance).toBeCloseTo(1, 5);
    expect(ds.info.counts.val).toEqual({ a: 5, b: 5 });
    const val = await ds.getBatch('val', [...Array(ds.size('val')).keys()]);
    const raw = val.ids.map((id) => Number(id.replace('row ', '')) - 2);
    const { mean: [m], std: [s] } = ds.info.normalisation;
    val.x.forEach((v, i) => expect(v).toBeCloseTo((raw[i] - m) / s, 5));
  });

  it('infers regression from a real-valued label, picks the label column by name, and drops text columns', async () => {
    const { open } = csv('name,target,x1,x2\nann,0.5,1,2\nbob,1.25,2,3\ncy,2.75,3,5\n', { labelColumn: 'target' });
    const ds = await open();
    expect(ds.info.task).toBe('regression');
    expect(ds.info.classes).toBeNull();
    expect(ds.info.targetShape).toEqual([1]);
    expect(ds.info.warnings).toEqual(["column 'name' is not numeric (e.g. 'ann'); left out of the features"]);
    const batch = await ds.getBatch('train', [0, 1, 2]);
    expect(batch.labels).toBeInstanceOf(Float32Array);
    expect(Array.from(batch.labels)).toEqual([0.5, 1.25, 2.75]);
    expect(batch.shape).toEqual([3, 2]);
  });

  it('reads small integer labels as classes, in numeric order', async () => {
    const { open } = csv('a,b,y\n1,2,10\n3,4,2\n5,6,10\n7,8,2.0\n');
    const ds = await open();
    expect(ds.info.task).toBe('classification');
    expect(ds.info.classes).toEqual(['2', '10']);
    expect(Array.from(ds.labels('train')!)).toEqual([1, 0, 1, 0]);
  });

  it('refuses a file with no valid rows, quoting the first problem', async () => {
    const { file, open } = csv('a,b,y\n1,,p\n2\n,3,q\n');
    await expect(open()).rejects.toThrow(`${file}: no valid rows in the CSV file (3 bad rows; the first: row 2: missing value in column 'b')`);
  });

  it('refuses a file without a header, an unknown label column, and an unterminated quote', async () => {
    const noHeader = csv('1,2,3\n4,5,6\n');
    await expect(noHeader.open()).rejects.toThrow(`${noHeader.file}: the CSV file needs a header row; the first row looks like data (1, 2, 3)`);
    const noLabel = csv('a,b\n1,2\n3,4\n', { labelColumn: 'y' });
    await expect(noLabel.open()).rejects.toThrow(`${noLabel.file}: label column 'y' is not in the CSV header (columns: a, b)`);
    const open = csv('a,b\n1,"2\n3,4\n');
    await expect(open.open()).rejects.toThrow(`${open.file}: unterminated quoted field starting on line 2`);
  });

  it('refuses a single class', async () => {
    const { file, open } = csv('a,y\n1,cat\n2,cat\n');
    await expect(open()).rejects.toThrow(`a classification dataset needs at least 2 classes; ${file} has 1 ('cat')`);
  });
});
