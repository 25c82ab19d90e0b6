// A run whose dataset has no validation samples (valFraction 0 on a folder with only a train/
// split) says so, reports no validation loss instead of a fake 0, keeps the last epoch rather
// than a "best" one picked from nothing, and checks its export on training samples, saying so.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_DATA_OPTIONS, DEFAULT_TRAIN_CONFIG, type TrainConfig, type TrainEvent } from '../../api/training.js';
import { encodeModel } from '../../core/onnx/codec.js';
import { freezePreset, swapHeadEdit } from '../../core/surgery/presets.js';
import { imageCnn } from '../../core/templates/image-cnn.js';
import { NO_VALIDATION, runTraining } from './run.js';

const work = mkdtempSync(join(tmpdir(), 'graft-noval-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const model = join(work, 'cnn.onnx');
const data = join(work, 'data');

beforeAll(async () => {
  for (const [k, c] of ['dark', 'light'].entries()) {
    mkdirSync(join(data, 'train', c), { recursive: true });
    for (let i = 0; i < 12; i++) {
      const v = k === 0 ? 20 + i : 200 + i;
      await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: v, g: v, b: v } } }).png().toFile(join(data, 'train', c, `${i}.png`));
    }
  }
  // An empty test/ folder makes the folder pre-split, so no test split is carved out of train.
  mkdirSync(join(data, 'test'));
  writeFileSync(model, encodeModel(imageCnn({ channels: 3, height: 16, width: 16, classes: 10, widths: [8, 16], pooling: 'flatten', hidden: 32, seed: 1 })));
});

function config(valFraction: number, earlyStopPatience: number | null = null): TrainConfig {
  return {
    ...DEFAULT_TRAIN_CONFIG,
    model,
    data: { path: data, options: { ...DEFAULT_DATA_OPTIONS, valFraction } },
    edits: [swapHeadEdit({ classes: 2, seed: 1, classNames: ['dark', 'light'] }), freezePreset('feature-extraction')],
    epochs: 3,
    batchSize: 8,
    lr: 0.05,
    earlyStopPatience,
    exportPath: join(work, `out-${valFraction}.onnx`),
  };
}

async function train(c: TrainConfig): Promise<TrainEvent[]> {
  const events: TrainEvent[] = [];
  await runTraining(c, { emit: (e) => events.push(e), checkpointBoundary: async () => false });
  return events;
}

const of = <K extends TrainEvent['event']>(events: TrainEvent[], kind: K) => events.filter((e): e is Extract<TrainEvent, { event: K }> => e.event === kind);

describe('a run without validation samples', () => {
  it('says so, plots no validation, keeps the last epoch and checks the export on training samples', async () => {
    const events = await train(config(0, 1));
    expect(of(events, 'error')).toEqual([]);
    expect(of(events, 'start')[0].samples).toMatchObject({ val: 0, test: 0 });
    expect(of(events, 'log').map((e) => e.message)).toContain(`${NO_VALIDATION}; early stopping is off, as it watches the validation loss`);
    const epochs = of(events, 'epoch');
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    for (const e of epochs) expect([e.valLoss, e.valAccuracy]).toEqual([null, null]);
    expect(of(events, 'evaluation')).toEqual([]);
    expect(of(events, 'done')[0]).toMatchObject({ bestValLoss: null, bestValAccuracy: null, bestEpoch: 3, stoppedEarly: false });
    const exp = of(events, 'export')[0];
    expect(exp).toMatchObject({ verified: true, checkedOn: 'train', samples: 24 });
    expect(exp.note).toMatch(/checked on training samples because the run had no validation samples/);
  }, 60_000);

  it('with validation samples, the export is checked on them with no note', async () => {
    const events = await train(config(0.25));
    expect(of(events, 'epoch').every((e) => typeof e.valLoss === 'number')).toBe(true);
    expect(of(events, 'log').map((e) => e.message)).not.toContain(NO_VALIDATION);
    expect(of(events, 'export')[0]).toMatchObject({ verified: true, checkedOn: 'val' });
    expect(of(events, 'export')[0].note).toBeUndefined();
    expect(of(events, 'done')[0].bestValLoss).toEqual(expect.any(Number));
  }, 60_000);
});
