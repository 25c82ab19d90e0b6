// Dataset previews: a request may not ask for unbounded work (they run in a worker process, one per studio).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { DEFAULT_DATA_OPTIONS } from '../../api/studio-types.js';
import { linearModel } from '../../test-support/hostile-models.js';
import { DatasetPreviews, MAX_PREVIEW_SAMPLES } from './datasets.js';
import { ModelFiles } from './model-files.js';

const work = mkdtempSync(join(tmpdir(), 'graft-previews-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

it(`answers up to ${MAX_PREVIEW_SAMPLES} samples per request and refuses more before opening anything`, async () => {
  const model = join(work, 'linear.onnx');
  writeFileSync(model, linearModel(2, 2));
  const csv = join(work, 'rows.csv');
  writeFileSync(csv, ['a,b,label', ...Array.from({ length: 200 }, (_, i) => `${i % 5},${i % 7},${i % 2}`)].join('\n'));
  const previews = new DatasetPreviews(new ModelFiles());
  const options = { ...DEFAULT_DATA_OPTIONS, valFraction: 0 };
  const few = await previews.samples(csv, model, options, 'train', Array.from({ length: MAX_PREVIEW_SAMPLES }, (_, i) => i));
  expect(few).toHaveLength(MAX_PREVIEW_SAMPLES);
  await expect(previews.samples(csv, model, options, 'train', Array.from({ length: 100_000 }, (_, i) => i % 200))).rejects.toMatchObject({
    code: 'sample-range',
    message: `100000 samples asked for at once; previews show at most ${MAX_PREVIEW_SAMPLES} per request`,
  });
});
