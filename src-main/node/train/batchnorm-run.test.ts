// A run with batch statistics, start to finish: the running statistics of the BNs it trains
// move (and only theirs), evaluation reads the moved ones, and the exported file, ordinary
// inference-mode BatchNormalization nodes, reproduces the trainer's eval outputs. The model is
// a Conv/BN network exported by PyTorch in training mode (core/train/testdata/batchnorm_net).
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_DATA_OPTIONS, DEFAULT_TRAIN_CONFIG, type TrainConfig, type TrainEvent } from '../../api/training.js';
import { trainBlocks } from '../../core/surgery/presets.js';
import { decodeModel } from '../../core/onnx/codec.js';
import { readFloats } from '../../core/onnx/tensor.js';
import { runTraining } from './run.js';

const fixture = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'core', 'train', 'testdata', 'batchnorm_net', 'model.onnx');
const work = mkdtempSync(join(tmpdir(), 'graft-bn-run-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const data = join(work, 'images');

beforeAll(async () => {
  let seed = 9;
  const rand = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  for (const [k, c] of ['a', 'b', 'c'].entries()) {
    mkdirSync(join(data, c), { recursive: true });
    for (let i = 0; i < 16; i++) {
      const px = Buffer.alloc(8 * 8 * 3);
      for (let j = 0; j < px.length; j++) px[j] = Math.floor(rand() * 120) + (j % 3 === k ? 120 : 0);
      await sharp(px, { raw: { width: 8, height: 8, channels: 3 } }).png().toFile(join(data, c, `${i}.png`));
    }
  }
}, 60_000);

/** Exported tensor values by initializer name. */
function initializers(path: string): Map<string, Float32Array> {
  const model = decodeModel(readFileSync(path), path);
  return new Map(model.graph!.initializer.map((t) => [t.name, readFloats(t)]));
}

async function train(batchnorm: TrainConfig['batchnorm'], exportPath: string): Promise<TrainEvent[]> {
  const events: TrainEvent[] = [];
  // fc1 and bn4 train with the head: bn1..bn3 lie in the cached frozen prefix.
  const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, model: fixture, data: { path: data, options: { ...DEFAULT_DATA_OPTIONS, valFraction: 0.25, seed: 1 } }, edits: trainBlocks(['fc1', 'bn4']), epochs: 2, batchSize: 8, optimizer: 'sgd', lr: 0.05, seed: 1, device: 'cpu', batchnorm, exportPath };
  await runTraining(config, { emit: (e) => events.push(e), checkpointBoundary: async () => false });
  return events;
}

it('batch: the trained BN running statistics move, the others stay, and the export reproduces the eval outputs', async () => {
  const original = initializers(fixture);
  const path = join(work, 'batch.onnx');
  const events = await train('batch', path);
  const logs = events.flatMap((e) => (e.event === 'log' ? [e.message] : []));
  expect(logs.join('\n')).toMatch(/1 BatchNormalization node in the trainable part .* 3 before it see frozen features/);
  const exp = events.find((e): e is Extract<TrainEvent, { event: 'export' }> => e.event === 'export')!;
  expect(exp.verified, JSON.stringify(exp)).toBe(true);
  expect(exp.maxAbsDiff).toBeLessThanOrEqual(1e-4);

  const exported = initializers(path);
  const moved = (name: string) => Math.max(...exported.get(name)!.map((v, i) => Math.abs(v - original.get(name)![i])));
  expect(moved('bn4.running_mean')).toBeGreaterThan(1e-3);
  expect(moved('bn4.running_var')).toBeGreaterThan(1e-3);
  for (const frozen of ['bn1.running_mean', 'bn2.running_var', 'bn3.running_mean']) expect(moved(frozen), frozen).toBe(0);
  // Ordinary inference-mode nodes: no training_mode, one output each.
  const model = decodeModel(readFileSync(path), path);
  const bns = model.graph!.node.filter((n) => n.opType === 'BatchNormalization');
  expect(bns).toHaveLength(4);
  for (const n of bns) {
    expect(n.output).toHaveLength(1);
    expect(n.attribute.find((a) => a.name === 'training_mode')).toBeUndefined();
  }
}, 120_000);

it('frozen: the running statistics stay as they were', async () => {
  const original = initializers(fixture);
  const path = join(work, 'frozen.onnx');
  const events = await train('frozen', path);
  expect(events.find((e): e is Extract<TrainEvent, { event: 'export' }> => e.event === 'export')!.verified).toBe(true);
  const exported = initializers(path);
  expect(Array.from(exported.get('bn4.running_mean')!)).toEqual(Array.from(original.get('bn4.running_mean')!));
}, 120_000);
