// Dataset previews run outside the server's process: one client's huge or hostile dataset must
// not hold up another client's requests (issue 12, item 9), and one that needs more memory than
// the preview's cap is stopped and named, leaving the studio to answer the next preview.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DATA_OPTIONS } from '../../api/studio-types.js';
import { linearModel } from '../../test-support/hostile-models.js';
import { errorOf, studioScratch } from '../../test-support/studio.js';
import { addressSpaceCapper } from '../worker-process.js';
import { DatasetWorker } from './dataset-worker.js';

const { work, service } = studioScratch('preview-isolation');
const options = { ...DEFAULT_DATA_OPTIONS, valFraction: 0.1 };
const model = join(work, 'linear.onnx');
writeFileSync(model, linearModel(2, 2));

describe('dataset previews beside other requests', () => {
  it('answers another client 300 times before one huge CSV preview is done', async () => {
    // A million rows: seconds of parsing wherever it runs. On the server's thread the parse
    // began after a few dozen turns of the event loop (reading the file) and then answered
    // nothing else until it was done; 300 calls of another client need far more turns.
    const big = join(work, 'big.csv');
    const rows = ['a,b,label'];
    for (let i = 0; i < 1_000_000; i++) rows.push(`${i % 5},${i % 7},${i % 2}`);
    writeFileSync(big, rows.join('\n'));
    const s = service({ mode: 'serve', workspace: join(work, 'ws'), roots: [work] });

    const order: string[] = [];
    const slow = s.openDataset({ path: big, model, options }).finally(() => order.push('big preview'));
    for (let i = 0; i < 300 && order.length === 0; i++) await s.listModels();
    order.push('another client, 300 times');
    const view = await slow;
    expect(order).toEqual(['another client, 300 times', 'big preview']);
    expect(view.splits.train + view.splits.val + view.splits.test).toBe(1_000_000);
  }, 120_000);

  it.skipIf(addressSpaceCapper() === null)('stops a preview that needs more than its memory cap, by name, and answers the next one', async () => {
    // An IDX file that inflates to 900 MB (under the 1 GiB IDX limit) from under 1 MB on disk:
    // a header member, then 100 gzip members of 12,000 blank images each (gunzip reads them all).
    const dir = join(work, 'idx-bomb');
    mkdirSync(dir, { recursive: true });
    const member = 12_000 * 28 * 28;
    const count = 100 * 12_000;
    const header = Buffer.alloc(16);
    header.writeUInt32BE(0x00000803, 0);
    header.writeUInt32BE(count, 4);
    header.writeUInt32BE(28, 8);
    header.writeUInt32BE(28, 12);
    const zeros = gzipSync(Buffer.alloc(member));
    writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), Buffer.concat([gzipSync(header), ...Array.from({ length: 100 }, () => zeros)]));
    const labels = Buffer.alloc(8 + count);
    labels.writeUInt32BE(0x00000801, 0);
    labels.writeUInt32BE(count, 4);
    for (let i = 0; i < count; i++) labels[8 + i] = i % 2;
    writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(labels));

    const previews = new DatasetWorker({ addressSpaceMb: 2048 });
    try {
      const err = await errorOf(previews.view(dir, model, options));
      expect(err.code).toBe('dataset-too-large');
      expect(err.message).toMatch(/^previewing this dataset needs more than 2 GiB of memory, the preview's limit/);
      const small = join(work, 'small.csv');
      writeFileSync(small, ['a,b,label', ...Array.from({ length: 100 }, (_, i) => `${i % 5},${i % 7},${i % 2}`)].join('\n'));
      const after = await previews.view(small, model, options);
      expect(after.splits.train + after.splits.val + after.splits.test).toBe(100);
    } finally {
      previews.close();
    }
  }, 120_000);
});
