// A converter-made model (paddle2onnx style: Constant-node weights, op-only node names) runs
// feature extraction end to end: the trainer counts its true parameters, caches the frozen
// stages, trains the head, and exports a verified model with the trained head in the
// initializers the Constant nodes became.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_DATA_OPTIONS, DEFAULT_TRAIN_CONFIG, type TrainEvent } from '../../api/training.js';
import { decodeModel, encodeModel } from '../../core/onnx/codec.js';
import { readFloats } from '../../core/onnx/tensor.js';
import { strategyEdits } from '../../core/surgery/presets.js';
import { paddleStyleResNet } from '../../test-support/converter-models.js';
import { runTraining } from './run.js';

const work = mkdtempSync(join(tmpdir(), 'graft-converter-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const model = join(work, 'paddle_resnet.onnx');
const data = join(work, 'data');
const converted = paddleStyleResNet(2);

beforeAll(async () => {
  for (const [k, c] of ['dark', 'light'].entries()) {
    mkdirSync(join(data, c), { recursive: true });
    for (let i = 0; i < 12; i++) {
      const v = k === 0 ? 20 + i : 200 + i;
      await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: v, g: v, b: v } } }).png().toFile(join(data, c, `${i}.png`));
    }
  }
  writeFileSync(model, encodeModel(converted.model));
});

it('a paddle2onnx-style model trains feature extraction, cached, and exports its trained head', async () => {
  const events: TrainEvent[] = [];
  const fe = strategyEdits('feature-extraction');
  const exportPath = join(work, 'trained.onnx');
  await runTraining(
    { ...DEFAULT_TRAIN_CONFIG, model, data: { path: data, options: { ...DEFAULT_DATA_OPTIONS, valFraction: 0.25 } }, ...fe, epochs: 3, batchSize: 8, lr: 0.05, exportPath },
    { emit: (e) => events.push(e), checkpointBoundary: async () => false },
  );
  expect(events.find((e) => e.event === 'error')).toBeUndefined();
  // The head: Linear(16, 2) as MatMul + Add.
  expect(events.find((e) => e.event === 'start')).toMatchObject({ totalParams: converted.params, trainableParams: 16 * 2 + 2, cache: 'on' });
  expect(events.find((e) => e.event === 'export')).toMatchObject({ verified: true });

  const exported = decodeModel(readFileSync(exportPath), 'trained.onnx').graph!;
  const tensor = (name: string, g = exported) => g.initializer.find((t) => t.name === name);
  const original = converted.model.graph!.node.find((n) => n.output[0] === 'linear_0.w_0')!.attribute[0].t!;
  expect(Array.from(readFloats(tensor('linear_0.w_0')!))).not.toEqual(Array.from(readFloats(original)));
  // The frozen convolutions are written back unchanged, now as initializers.
  const conv = converted.model.graph!.node.find((n) => n.output[0] === 'conv2d_3.w_0')!.attribute[0].t!;
  expect(Array.from(readFloats(tensor('conv2d_3.w_0')!))).toEqual(Array.from(readFloats(conv)));
}, 120_000);
