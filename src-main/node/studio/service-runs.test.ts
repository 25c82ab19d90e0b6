// The studio's engine: training runs in trainer processes (finished, exported, crashed, and
// interrupted by a restart).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunRecord, StudioEvent } from '../../api/studio-types.js';
import { DEFAULT_DATA_OPTIONS, DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../../api/training.js';
import { errorOf, FASHION, FE_EDITS, haveFashion, nextEvent, statusOf, studioScratch } from '../../test-support/studio.js';
import { openDataset } from '../data/index.js';
import { readModelProto } from '../model-file.js';
import { defaultModelPath } from '../resources.js';
import { forkLauncher, type WorkerChannel } from '../worker-process.js';
import type { StudioService } from './service.js';

const { work, service } = studioScratch('runs');

describe.skipIf(!haveFashion)('training runs', () => {
  const ws = join(work, 'ws-runs');
  const exportDir = join(work, 'exports');
  let s: StudioService;
  const config: TrainConfig = {
    ...DEFAULT_TRAIN_CONFIG,
    model: defaultModelPath,
    // One class renamed by the user: the run trains, evaluates and exports under the new name.
    data: { path: FASHION, options: { ...DEFAULT_DATA_OPTIONS, classes: [5, 6, 7, 8, 9], perClassLimit: 50, renames: { Bag: 'Handbag' } } },
    edits: FE_EDITS,
    epochs: 1,
    batchSize: 32,
    optimizer: 'adamw',
    lr: 0.003,
  };
  let finished: RunRecord;

  beforeAll(() => {
    mkdirSync(exportDir, { recursive: true });
    s = service({ mode: 'serve', roots: [exportDir], workspace: ws });
  });

  it('trains one epoch of feature extraction, streaming events, and stores the record', async () => {
    const events: StudioEvent[] = [];
    s.onEvent((e) => events.push(e));
    const started = await s.startRun({ config });
    expect(started.status).toBe('starting');
    expect(started.label).toBe('feature extraction · 1 epoch · adamw 0.003');
    // Where the run writes is the engine's choice: below the project's runs folder.
    expect(started.config.checkpointDir).toBe(join(ws, 'projects', 'untitled', 'runs', started.id, 'ckpt'));
    expect(started.config.exportPath).toBe(join(ws, 'projects', 'untitled', 'runs', started.id, 'model.onnx'));
    await nextEvent(s, statusOf(started.id, ['done', 'failed', 'crashed']));

    const kinds = events.filter((e) => e.type === 'run' && e.runId === started.id).map((e) => (e as Extract<StudioEvent, { type: 'run' }>).event.event);
    for (const k of ['start', 'steps', 'epoch', 'checkpoint', 'evaluation', 'export', 'done']) expect(kinds, k).toContain(k);
    expect(events.some((e) => e.type === 'run-status' && e.run.id === started.id && e.run.status === 'running')).toBe(true);

    const [r] = (await s.listRuns()).filter((x) => x.id === started.id);
    expect(r.status).toBe('done');
    expect(r.error).toBeNull();
    expect(r.epochs).toHaveLength(1);
    expect(r.start?.trainableParams).toBe(73_856 + 645);
    expect(r.start?.trainableBlocks).toEqual(['classifier']);
    expect(r.start?.classes).toEqual(['Sandal', 'Shirt', 'Sneaker', 'Handbag', 'Ankle boot']);
    expect(r.start?.samples.train).toBe(250);
    expect(r.steps.length).toBeGreaterThan(0);
    const ev = r.evaluation!;
    expect(ev.confusion).toHaveLength(5);
    for (const row of ev.confusion!) expect(row).toHaveLength(5);
    expect(ev.confusion!.flat().reduce((a, b) => a + b, 0)).toBe(ev.samples);
    expect(ev.samples).toBe(5000);
    // Accuracy is the confusion matrix's diagonal.
    expect(ev.accuracy).toBeCloseTo(ev.confusion!.reduce((a, row, k) => a + row[k], 0) / ev.samples, 10);
    expect(r.export?.verified).toBe(true);
    expect(r.checkpointEpoch).toBe(1);
    expect(r.done?.exported).toBe(started.config.exportPath);
    finished = r;
  });

  it('exports the verified model into an allowed folder; onnxruntime runs it with 5 outputs', async () => {
    const dest = join(exportDir, 'transferred.onnx');
    const out = await s.exportRun({ id: finished.id, path: dest });
    expect(out.path).toBe(dest);
    expect(out.bytes).toBe(readFileSync(dest).length);
    const session = await ort.InferenceSession.create(dest);
    try {
      const x = new ort.Tensor('float32', new Float32Array(3 * 28 * 28).fill(0.25), [3, 1, 28, 28]);
      const result = await session.run({ [session.inputNames[0]]: x });
      const y = result[session.outputNames[0]];
      expect(y.dims).toEqual([3, 5]);
      expect(Array.from(y.data as Float32Array).every(Number.isFinite)).toBe(true);
    } finally {
      await session.release();
    }
  });

  it('writes the classes, the renamed one under its new name, into the export', async () => {
    const { model } = await readModelProto(finished.config.exportPath!);
    expect(JSON.parse(model.metadataProps.find((m) => m.key === 'class_names')!.value)).toEqual(['Sandal', 'Shirt', 'Sneaker', 'Handbag', 'Ankle boot']);
    expect(finished.evaluation?.classes).toEqual(['Sandal', 'Shirt', 'Sneaker', 'Handbag', 'Ankle boot']);
  });

  it('tries the run’s model on a test sample as onnxruntime runs the export, beside the truth', async () => {
    const answer = await s.tryRun({ id: finished.id, inputs: [{ kind: 'sample', split: 'test', index: 7 }], top: 5 });
    expect(answer.classes).toEqual(['Sandal', 'Shirt', 'Sneaker', 'Handbag', 'Ankle boot']);
    const [p] = answer.predictions;
    expect(p.error).toBeNull();
    // The same test sample, read the way the run read it, through the exported file.
    const ds = await openDataset(FASHION, { channels: 1, height: 28, width: 28, resize: 'center-crop', seed: 0 }, { seed: 0, valFraction: 0.1, classes: [5, 6, 7, 8, 9], perClassLimit: 50 });
    const b = await ds.getBatch('test', [7]);
    const session = await ort.InferenceSession.create(finished.config.exportPath!);
    const logits = Array.from((await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', b.x, [1, 1, 28, 28]) }))[session.outputNames[0]].data as Float32Array);
    await session.release();
    const exps = logits.map((v) => Math.exp(v - Math.max(...logits)));
    for (const c of p.top!) expect(c.probability).toBeCloseTo(exps[c.index] / exps.reduce((a, e) => a + e, 0), 5);
    expect(p.truth?.index).toBe(b.labels[0]);
    expect((await errorOf(s.tryRun({ id: 'no-such-run', inputs: [{ kind: 'sample', split: 'test', index: 0 }], top: 3 }))).code).toBe('run-not-found');
  });

  it('refuses exports outside the allowed folders, to a non-.onnx name, and of unknown runs', async () => {
    expect((await errorOf(s.exportRun({ id: finished.id, path: join(work, 'outside-export.onnx') }))).code).toBe('path-not-allowed');
    expect(existsSync(join(work, 'outside-export.onnx'))).toBe(false);
    expect((await errorOf(s.exportRun({ id: finished.id, path: join(exportDir, 'model.txt') }))).code).toBe('export-name');
    expect((await errorOf(s.exportRun({ id: 'no-such-run', path: join(exportDir, 'x.onnx') }))).code).toBe('run-no-export');
    expect(await s.runExportFile(finished.id)).toBe(finished.config.exportPath);
  });

  it('a restarted studio lists the same run', async () => {
    const restarted = service({ mode: 'serve', roots: [exportDir], workspace: ws });
    // run.json is written after the last event; give the write its moment.
    await expect.poll(async () => (await restarted.listRuns()).find((r) => r.id === finished.id)?.status).toBe('done');
    const [r] = (await restarted.listRuns()).filter((x) => x.id === finished.id);
    expect(r.epochs).toEqual(finished.epochs);
    expect(r.evaluation).toEqual(finished.evaluation);
    expect(r.export).toEqual(finished.export);
    // No trainer of this studio has it.
    expect((await errorOf(restarted.controlRun({ id: finished.id, action: 'stop' }))).code).toBe('run-not-running');
  });

  it('a run stored as running, with no trainer left, is listed as crashed (the studio stopped)', async () => {
    const id = 'zzzz-interrupted';
    const dir = join(ws, 'projects', 'untitled', 'runs', id);
    mkdirSync(dir, { recursive: true });
    const stored: RunRecord = { ...finished, id, status: 'running', done: null, error: null, checkpointEpoch: 1, createdAt: new Date(Date.parse(finished.createdAt) + 1).toISOString() };
    writeFileSync(join(dir, 'run.json'), JSON.stringify(stored));
    const restarted = service({ mode: 'serve', roots: [exportDir], workspace: ws });
    const runs = await restarted.listRuns();
    const r = runs.find((x) => x.id === id)!;
    expect(r.status).toBe('crashed');
    expect(r.error?.code).toBe('studio-stopped');
    expect(r.error?.message).toMatch(/checkpoint of epoch 1 is kept/);
    // Oldest first; the finished run is unaffected.
    expect(runs.map((x) => x.id)).toEqual([finished.id, id]);
    expect(runs[0].status).toBe('done');
  });
});

describe.skipIf(!haveFashion)('a trainer that dies mid-run', () => {
  it('is reported as crashed with the kept checkpoint, and the studio keeps answering', async () => {
    const channels: WorkerChannel[] = [];
    const s = service({
      workspace: join(work, 'ws-crash'),
      launcher: (entry) => {
        const ch = forkLauncher(entry);
        channels.push(ch);
        return ch;
      },
    });
    const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, model: defaultModelPath, data: { path: FASHION, options: { ...DEFAULT_DATA_OPTIONS, classes: [5, 6, 7, 8, 9], perClassLimit: 50 } }, edits: FE_EDITS, epochs: 500, optimizer: 'adamw', lr: 0.003 };
    const run = await s.startRun({ config });
    expect(channels).toHaveLength(1);
    await nextEvent(s, (e): e is StudioEvent => e.type === 'run' && e.runId === run.id && e.event.event === 'checkpoint');
    const crashed = nextEvent(s, statusOf(run.id, ['crashed', 'done', 'failed', 'stopped']));
    channels[0].kill();
    const { run: summary } = await crashed;
    expect(summary.status).toBe('crashed');
    expect(summary.error?.code).toBe('trainer-crashed');
    const m = /killed \(SIGKILL\).*the checkpoint of epoch (\d+) is kept/.exec(summary.error?.message ?? '');
    expect(m, summary.error?.message).not.toBeNull();
    const keptEpoch = Number(m![1]);
    expect(keptEpoch).toBeGreaterThanOrEqual(1);
    expect(keptEpoch).toBeLessThan(500);
    // The studio still answers, and the record agrees with the event.
    const [r] = await s.listRuns();
    expect(r.id).toBe(run.id);
    expect(r.status).toBe('crashed');
    expect(r.checkpointEpoch).toBe(keptEpoch);
    expect(r.done).toBeNull();
    expect(existsSync(r.config.checkpointDir!)).toBe(true);
    expect((await s.openModel({ path: defaultModelPath })).summary.totalParams).toBeGreaterThan(0);
    // And after a restart it is still the trainer's crash, not the studio's.
    const restarted = service({ workspace: join(work, 'ws-crash') });
    await expect.poll(async () => (await restarted.listRuns())[0]?.error?.code).toBe('trainer-crashed');

    // Resumed from the studio: the same run goes on from the epoch after its checkpoint.
    const started = nextEvent(s, (e): e is StudioEvent => e.type === 'run' && e.runId === run.id && e.event.event === 'start');
    const next = nextEvent(s, (e): e is StudioEvent => e.type === 'run' && e.runId === run.id && e.event.event === 'epoch');
    const resumed = await s.resumeRun({ id: run.id });
    expect(resumed.id).toBe(run.id);
    expect(resumed.status).toBe('starting');
    expect(resumed.epochs.every((e) => e.epoch <= keptEpoch)).toBe(true);
    expect(((await started) as Extract<StudioEvent, { type: 'run' }>).event).toMatchObject({ resumedFromEpoch: keptEpoch });
    expect(((await next) as Extract<StudioEvent, { type: 'run' }>).event).toMatchObject({ epoch: keptEpoch + 1 });
    expect((await errorOf(s.resumeRun({ id: run.id }))).code).toBe('run-running');
    const stopped = nextEvent(s, statusOf(run.id, ['stopped', 'done', 'failed', 'crashed']));
    await s.controlRun({ id: run.id, action: 'stop' });
    expect((await stopped).run.status).toBe('stopped');
    // Once its trainer has exited, a stopped run is no crash to resume.
    await expect.poll(async () => (await errorOf(s.resumeRun({ id: run.id }))).code).toBe('run-not-resumable');
  });
});
