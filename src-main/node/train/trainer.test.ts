// Training runs end to end in the trainer process, on a small generated image folder:
// learning, bad files, export verification, and a kill mid-epoch followed by --resume.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { DEFAULT_DATA_OPTIONS, DEFAULT_TRAIN_CONFIG, type TrainConfig, type TrainEvent } from '../../api/training.js';
import { freezePreset, swapHeadEdit } from '../../core/surgery/presets.js';
import { encodeModel } from '../../core/onnx/codec.js';
import { imageCnn } from '../../core/templates/image-cnn.js';
import { TrainerProcess } from './trainer-process.js';

const work = mkdtempSync(join(tmpdir(), 'graft-trainer-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const data = join(work, 'shapes');
const classNames = ['bar', 'corner a', 'corner ü'];
const model = join(work, 'cnn.onnx');

/** Three classes a small CNN can tell apart: a bright square top-left, bottom-right, or a bar. */
async function makeDataset(): Promise<void> {
  const classes = classNames;
  for (const c of classes) mkdirSync(join(data, c), { recursive: true });
  let seed = 3;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
  for (let i = 0; i < 40; i++) {
    for (const [k, c] of classes.entries()) {
      const px = Buffer.alloc(16 * 16 * 3);
      for (let j = 0; j < px.length; j++) px[j] = Math.floor(rand() * 60);
      for (let y = 0; y < 16; y++) {
        for (let x = 0; x < 16; x++) {
          const on = k === 0 ? x >= 6 && x < 10 : k === 1 ? x < 7 && y < 7 : x > 8 && y > 8;
          if (on) for (let ch = 0; ch < 3; ch++) px[(y * 16 + x) * 3 + ch] = 200 + Math.floor(rand() * 55);
        }
      }
      await sharp(px, { raw: { width: 16, height: 16, channels: 3 } }).png().toFile(join(data, c, `img ${i}.png`));
    }
  }
  writeFileSync(join(data, 'bar', 'broken.png'), 'not a png at all');
  writeFileSync(join(data, 'bar', 'empty.jpg'), '');
  writeFileSync(join(data, 'corner a', 'notes.txt'), 'hello');
}

beforeAll(async () => {
  await makeDataset();
  writeFileSync(model, encodeModel(imageCnn({ channels: 3, height: 16, width: 16, classes: 10, widths: [8, 16], pooling: 'flatten', hidden: 32, seed: 1 })));
}, 60_000);

const dataSpec = (path: string) => ({ path, options: { ...DEFAULT_DATA_OPTIONS, seed: 5 } });

/** A new head for the three classes, everything trained. */
function config(over: Partial<TrainConfig>): TrainConfig {
  const edits = [swapHeadEdit({ classes: 3, seed: 5, classNames }), freezePreset('full')];
  return { ...DEFAULT_TRAIN_CONFIG, model, data: dataSpec(data), edits, epochs: 4, batchSize: 16, optimizer: 'adamw', lr: 0.01, weightDecay: 0, seed: 5, ...over };
}

function run(c: TrainConfig, onEvent?: (e: TrainEvent, t: TrainerProcess) => void): Promise<{ events: TrainEvent[]; crashed: boolean }> {
  const events: TrainEvent[] = [];
  const trainer: TrainerProcess = TrainerProcess.start(c, (e) => {
    events.push(e);
    onEvent?.(e, trainer);
  });
  return trainer.exited.then((x) => ({ events, crashed: x.crashed }));
}

const done = (events: TrainEvent[]) => events.find((e): e is Extract<TrainEvent, { event: 'done' }> => e.event === 'done');

describe('a training run', () => {
  it('learns, reports bad files, and exports a model that reproduces its outputs', async () => {
    const exportPath = join(work, 'trained.onnx');
    const { events } = await run(config({ exportPath, checkpointDir: join(work, 'ck-a') }));
    const error = events.find((e) => e.event === 'error');
    expect(error).toBeUndefined();
    const logs = events.filter((e): e is Extract<TrainEvent, { event: 'log' }> => e.event === 'log').map((e) => e.message);
    expect(logs.some((m) => m.includes('broken.png'))).toBe(true);
    expect(logs.some((m) => m.includes('empty.jpg'))).toBe(true);
    const start = events.find((e) => e.event === 'start') as Extract<TrainEvent, { event: 'start' }>;
    expect(start.classes).toEqual(['bar', 'corner a', 'corner ü']);
    const steps = events.filter((e) => e.event === 'steps');
    // Metrics arrive in batches, not one message per step.
    const stepCount = steps.reduce((s, e) => s + (e as Extract<TrainEvent, { event: 'steps' }>).points.length, 0);
    expect(steps.length).toBeLessThan(stepCount);
    // The waits between steps are reported with counts, each ending at its total.
    const progress = events.filter((e): e is Extract<TrainEvent, { event: 'progress' }> => e.event === 'progress');
    expect(progress.some((p) => p.phase === 'validating' && p.split === 'val' && p.done === p.total && p.total === start.samples.val)).toBe(true);
    expect(progress.some((p) => p.phase === 'exporting' && p.done === p.total)).toBe(true);
    const d = done(events)!;
    expect(d.bestValAccuracy).toBeGreaterThan(0.8);
    const exp = events.find((e) => e.event === 'export') as Extract<TrainEvent, { event: 'export' }>;
    expect(exp.verified).toBe(true);
    expect(exp.maxAbsDiff).toBeLessThanOrEqual(1e-4);
    const session = await ort.InferenceSession.create(exportPath);
    expect(session.outputNames).toEqual(['logits']);
    expect(existsSync(join(work, 'ck-a', 'last.ckpt'))).toBe(true);
  }, 120_000);

  it('killed mid-epoch, resumes from the last checkpoint to the same result', async () => {
    // Six epochs, killed once epoch 3 is under way: the kill lands in epoch 3 or, on a fast
    // machine, a later one; either way mid-epoch, with the run far from done.
    const epochs = 6;
    const reference = done((await run(config({ epochs, checkpointDir: join(work, 'ck-ref') }))).events)!;
    const dir = join(work, 'ck-kill');
    let killed = false;
    const first = await run(config({ epochs, checkpointDir: dir }), (e, t) => {
      if (e.event === 'steps' && e.points.some((p) => p.epoch === 3) && !killed) {
        killed = true;
        t.kill();
      }
    });
    expect(killed).toBe(true);
    expect(first.crashed).toBe(true);
    expect(done(first.events)).toBeUndefined();
    const checkpoints = first.events.filter((e): e is Extract<TrainEvent, { event: 'checkpoint' }> => e.event === 'checkpoint');
    const lastSaved = checkpoints.at(-1)!.epoch;
    expect(lastSaved).toBeGreaterThanOrEqual(2);
    expect(lastSaved).toBeLessThan(epochs);
    expect(existsSync(join(dir, 'last.ckpt'))).toBe(true);
    const resumed = await run(config({ epochs, checkpointDir: dir, resumeDir: dir }));
    const start = resumed.events.find((e) => e.event === 'start') as Extract<TrainEvent, { event: 'start' }>;
    expect(start.resumedFromEpoch).toBe(lastSaved);
    const d = done(resumed.events)!;
    expect(d.bestEpoch).toBe(reference.bestEpoch);
    expect(d.bestValLoss).toBeCloseTo(reference.bestValLoss!, 5);
    expect(d.bestValAccuracy).toBe(reference.bestValAccuracy);
  }, 180_000);

  it('stopped after its second epoch or later, evaluates and exports the best epoch so far; paused time is not training time', async () => {
    const out = join(work, 'stopped.onnx');
    let paused = false;
    let resumed = false;
    let stopped = false;
    const t0 = performance.now();
    // Pause and stop land at the trainer's next batch, which may be an epoch later than the
    // event that sent them: stop only once the pause is over, so that the pause happened.
    const { events } = await run(config({ epochs: 50, exportPath: out }), (e, t) => {
      if (e.event !== 'epoch') return;
      if (e.epoch === 1 && !paused) {
        // A long pause: it must not count in the training time.
        paused = true;
        t.pause();
        setTimeout(() => {
          resumed = true;
          t.resume();
        }, 3000);
      }
      if (e.epoch >= 2 && resumed && !stopped) {
        stopped = true;
        t.stop();
      }
    });
    const d = done(events)!;
    expect(d.stoppedByUser).toBe(true);
    const epochs = events.filter((e): e is Extract<TrainEvent, { event: 'epoch' }> => e.event === 'epoch');
    expect(epochs.length).toBeGreaterThanOrEqual(2);
    expect(epochs.length).toBeLessThan(10);
    expect(d.bestEpoch).toBeGreaterThanOrEqual(1);
    expect(d.bestEpoch).toBeLessThanOrEqual(epochs.length);
    expect(events.some((e) => e.event === 'evaluation')).toBe(true);
    const exported = events.find((e) => e.event === 'export') as Extract<TrainEvent, { event: 'export' }>;
    expect(exported.verified).toBe(true);
    expect(existsSync(out)).toBe(true);
    // A few short epochs and an export take well under the 3 s pause.
    const epochSeconds = epochs.reduce((s, e) => s + e.seconds, 0);
    expect(epochSeconds).toBeLessThan(2.5);
    const wallSeconds = (performance.now() - t0) / 1000;
    expect(wallSeconds).toBeGreaterThan(3);
    expect(d.trainSeconds).toBeLessThan(wallSeconds - 2.5);
  }, 120_000);

  it('refuses a head that does not fit the dataset, naming both class counts', async () => {
    const { events } = await run(config({ edits: [freezePreset('full')], epochs: 1 }));
    const error = events.find((e) => e.event === 'error') as Extract<TrainEvent, { event: 'error' }>;
    expect(error.code).toBe('train-head-mismatch');
    expect(error.message).toMatch(/10 classes but the dataset has 3/);
  }, 60_000);

  it('refuses a dataset with one class, with the reason', async () => {
    const one = join(work, 'one');
    mkdirSync(join(one, 'only'), { recursive: true });
    await sharp({ create: { width: 8, height: 8, channels: 3, background: '#fff' } }).png().toFile(join(one, 'only', 'a.png'));
    const { events } = await run(config({ data: dataSpec(one) }));
    const error = events.find((e) => e.event === 'error') as Extract<TrainEvent, { event: 'error' }>;
    expect(error.message).toMatch(/at least 2 classes/);
  }, 60_000);
});
