// The Try panel's engine against onnxruntime run directly on the model file: the same
// probabilities for a dropped image (preprocessed here independently, from the raw pixels and
// the export's metadata), readable errors for damaged images and models that cannot take
// images, and samples of a sequence task with prediction and truth.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_DATA_OPTIONS } from '../../api/training.js';
import { encodeModel } from '../../core/onnx/codec.js';
import { bundledSampleDir, defaultModelPath, resourcesDir } from '../resources.js';
import { readModelProto } from '../model-file.js';
import { openDataset } from '../data/index.js';
import { tryModel } from './predict.js';
import { tryInWorker } from './try-in-worker.js';

const work = mkdtempSync(join(tmpdir(), 'graft-try-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const RNN = join(resourcesDir, 'models', 'adding-rnn.onnx');
const bagDir = join(bundledSampleDir, 'test', 'Bag');
const bag = join(bagDir, readdirSync(bagDir).sort()[0]);

async function ortProbabilities(model: string, x: Float32Array, shape: number[]): Promise<number[]> {
  const session = await ort.InferenceSession.create(model);
  try {
    const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', x, shape) });
    const logits = Array.from(out[session.outputNames[0]].data as Float32Array);
    const exps = logits.map((v) => Math.exp(v));
    return exps.map((e) => e / exps.reduce((a, b) => a + b, 0));
  } finally {
    await session.release();
  }
}

describe('trying a model on images', () => {
  it('gives the probabilities onnxruntime gives on the image normalised as the metadata says', async () => {
    const { model } = await readModelProto(defaultModelPath);
    const prep = JSON.parse(model.metadataProps.find((m) => m.key === 'preprocessing')!.value) as { mean: number[]; std: number[] };
    const names = JSON.parse(model.metadataProps.find((m) => m.key === 'class_names')!.value) as string[];
    // The sample is a grey image stored as RGB: every channel holds the grey value.
    const { data, info } = await sharp(bag).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([28, 28]);
    const grey = Float32Array.from({ length: 784 }, (_, i) => (data[i * info.channels] / 255 - prep.mean[0]) / prep.std[0]);
    const want = await ortProbabilities(defaultModelPath, grey, [1, 1, 28, 28]);

    const answer = await tryModel({ model: defaultModelPath, data: null, inputs: [{ kind: 'image', path: bag }], top: 5 });
    expect(answer.task).toBe('classification');
    expect(answer.classes).toEqual(names);
    const [p] = answer.predictions;
    expect(p.error).toBeNull();
    expect(p.name).toBe(bag.split('/').pop());
    expect(p.top).toHaveLength(5);
    for (const c of p.top!) {
      expect(c.probability).toBeCloseTo(want[c.index], 5);
      expect(c.className).toBe(names[c.index]);
    }
    // Best first, and all five classes together make 1.
    const order = want.map((_, i) => i).sort((a, b) => want[b] - want[a]);
    expect(p.top!.map((c) => c.index)).toEqual(order);
    expect(p.top!.reduce((s, c) => s + c.probability, 0)).toBeCloseTo(1, 5);
    expect(p.input).toMatch(/^data:image\/png;base64,/);
    expect(p.inputSummary).toContain('28×28 image read as 28×28 grey');
  });

  it('resizes a larger colour photo as training would, and reports a damaged file by name only', async () => {
    const photo = join(work, 'photo.jpg');
    await sharp({ create: { width: 90, height: 60, channels: 3, background: { r: 200, g: 40, b: 10 } } })
      .jpeg()
      .toFile(photo);
    const broken = join(work, 'broken.png');
    writeFileSync(broken, Buffer.concat([readFileSync(bag).subarray(0, 40), Buffer.alloc(30, 7)]));
    const text = join(work, 'notes.txt');
    writeFileSync(text, 'not an image\n');
    const answer = await tryModel({
      model: defaultModelPath,
      data: null,
      inputs: [
        { kind: 'image', path: photo },
        { kind: 'image', path: broken },
        { kind: 'image', path: text },
      ],
      top: 3,
    });
    const [ok, damaged, notImage] = answer.predictions;
    expect(ok.error).toBeNull();
    expect(ok.top).toHaveLength(3);
    expect(ok.inputSummary).toContain('90×60 image read as 28×28 grey');
    for (const bad of [damaged, notImage]) {
      expect(bad.top).toBeNull();
      expect(bad.error).toMatch(/image/);
      expect(bad.error).not.toContain(work);
    }
    expect(damaged.name).toBe('broken.png');
  });

  it('refuses a model whose input size is not fixed, saying why', async () => {
    const { model } = await readModelProto(defaultModelPath);
    const dims = model.graph!.input[0].type!.value.value as { shape: { dim: { value: { case: string; value: unknown } }[] } };
    dims.shape.dim[2].value = { case: 'dimParam', value: 'H' };
    const path = join(work, 'any-height.onnx');
    writeFileSync(path, encodeModel(model));
    await expect(tryModel({ model: path, data: null, inputs: [{ kind: 'image', path: bag }], top: 3 })).rejects.toThrow(/input size is not fixed/);
  });
});

describe('trying a sequence model on samples of its task', () => {
  const data = { path: 'task:adding?length=50&samples=400', options: DEFAULT_DATA_OPTIONS };

  it('predicts the adding problem’s test samples as onnxruntime does, beside the truth', async () => {
    const answer = await tryModel({ model: RNN, data, inputs: [{ kind: 'sample', split: 'test', index: 3 }, { kind: 'image', path: bag }], top: 3 });
    expect(answer.task).toBe('regression');
    const [sample, image] = answer.predictions;
    expect(sample.error).toBeNull();
    // The same sample read independently, run in onnxruntime.
    const ds = await openDataset(data.path, { channels: 1, height: 50, width: 2, resize: 'pad', seed: 0 }, { seed: 0, valFraction: 0.1 });
    const b = await ds.getBatch('test', [3]);
    const session = await ort.InferenceSession.create(RNN);
    const want = (await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', b.x, [1, 50, 2]) }))[session.outputNames[0]].data as Float32Array;
    await session.release();
    expect(sample.values![0]).toBeCloseTo(want[0], 5);
    expect(sample.truth!.values![0]).toBeCloseTo(b.labels[0], 6);
    // The two marked numbers are what the sum is of.
    const marked = [...sample.inputSummary.matchAll(/(-?\d+\.\d+) at step/g)].map((m) => Number(m[1]));
    expect(marked).toHaveLength(2);
    expect(marked[0] + marked[1]).toBeCloseTo(b.labels[0], 2);
    expect(image.error).toMatch(/reads sequences .* not images/);
  });

  it('answers the same from its worker process', async () => {
    const req = { model: RNN, data, inputs: [{ kind: 'sample' as const, split: 'test' as const, index: 3 }], top: 1 };
    const [inProcess, inWorker] = [await tryModel(req), await tryInWorker(req)];
    expect(inWorker.predictions[0].values).toEqual(inProcess.predictions[0].values);
  });
});
