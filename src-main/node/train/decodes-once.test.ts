// The training plan's promise (DESIGN.md, "The training plan"): a run decodes its model once.
// Everything after reading the file (replaying the edits, the frozen prefix, the compiled
// step, the evaluation graph, the NCHWc lowering, the export) works on clones of that graph.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_DATA_OPTIONS, DEFAULT_TRAIN_CONFIG, type TrainConfig, type TrainEvent } from '../../api/training.js';
import * as codec from '../../core/onnx/codec.js';
import * as proto from '../../core/ir/proto.js';
import { freezePreset, swapHeadEdit } from '../../core/surgery/presets.js';
import { imageCnn } from '../../core/templates/image-cnn.js';
import { runTraining } from './run.js';

vi.mock('../../core/ir/proto.js', async (importOriginal) => {
  const m = await importOriginal<typeof proto>();
  return { ...m, graphFromModel: vi.fn(m.graphFromModel) };
});
vi.mock('../../core/onnx/codec.js', async (importOriginal) => {
  const m = await importOriginal<typeof codec>();
  return { ...m, decodeModel: vi.fn(m.decodeModel) };
});

const work = mkdtempSync(join(tmpdir(), 'graft-decodes-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const model = join(work, 'cnn.onnx');
const data = join(work, 'data');

beforeAll(async () => {
  for (const [k, c] of ['dark', 'light'].entries()) {
    mkdirSync(join(data, c), { recursive: true });
    for (let i = 0; i < 12; i++) {
      const v = k === 0 ? 20 + i : 200 + i;
      await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: v, g: v, b: v } } }).png().toFile(join(data, c, `${i}.png`));
    }
  }
  writeFileSync(model, codec.encodeModel(imageCnn({ channels: 3, height: 16, width: 16, classes: 10, widths: [8, 16], pooling: 'flatten', hidden: 32, seed: 1 })));
});

async function train(config: TrainConfig): Promise<TrainEvent[]> {
  const events: TrainEvent[] = [];
  await runTraining(config, { emit: (e) => events.push(e), checkpointBoundary: async () => false });
  return events;
}

describe('a training run', () => {
  it.each([
    ['feature extraction (cached prefix)', [freezePreset('feature-extraction')], false],
    ['from scratch, everything trained', [freezePreset('full')], true],
  ] as const)('%s decodes the model file once, export included', async (_, freezing, reinit) => {
    vi.mocked(proto.graphFromModel).mockClear();
    vi.mocked(codec.decodeModel).mockClear();
    const events = await train({
      ...DEFAULT_TRAIN_CONFIG,
      model,
      data: { path: data, options: { ...DEFAULT_DATA_OPTIONS, valFraction: 0.25 } },
      edits: [swapHeadEdit({ classes: 2, seed: 1, classNames: ['dark', 'light'] }), ...freezing],
      reinit,
      epochs: 2,
      batchSize: 8,
      exportPath: join(work, `out-${reinit}.onnx`),
    });
    const error = events.find((e) => e.event === 'error');
    expect(error).toBeUndefined();
    expect(events.find((e) => e.event === 'export')).toMatchObject({ verified: true });
    expect(events.find((e) => e.event === 'start')).toMatchObject({ cache: reinit ? 'off' : 'on' });
    expect(vi.mocked(codec.decodeModel)).toHaveBeenCalledTimes(1);
    expect(vi.mocked(proto.graphFromModel)).toHaveBeenCalledTimes(1);
  }, 60_000);
});
