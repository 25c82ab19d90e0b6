// The studio's engine end to end, as both transports call it: models with edits, path
// restriction in serve mode, datasets with previews, projects across restarts, and training
// runs in trainer processes (finished, exported, crashed, and interrupted by a restart).
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Edit, ProjectState, RunRecord, StudioEvent } from '../../api/studio-types.js';
import { DEFAULT_DATA_OPTIONS, DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../../api/training.js';
import { checkCall } from '../../api/validate.js';
import { FASHION_MNIST_CLASSES } from '../data/index.js';
import { readModelFile } from '../model-file.js';
import { FASHION_MNIST_DIR, defaultModelPath } from '../resources.js';
import { forkLauncher, type WorkerChannel } from '../worker-process.js';
import { createStudioService, type StudioService, type StudioServiceOptions } from './service.js';

const FASHION = FASHION_MNIST_DIR;
const haveFashion = existsSync(join(FASHION, 'train-images-idx3-ubyte.gz'));
if (!haveFashion) console.warn(`Fashion-MNIST studio tests skipped: ${FASHION} not found (Debian package dataset-fashion-mnist)`);

const work = mkdtempSync(join(tmpdir(), 'graft-studio-'));
const services: StudioService[] = [];

function service(o: Partial<StudioServiceOptions> & { workspace: string }): StudioService {
  const s = createStudioService({ mode: 'electron', initialModel: defaultModelPath, roots: [], ...o });
  services.push(s);
  return s;
}

afterAll(() => {
  for (const s of services) s.close();
  rmSync(work, { recursive: true, force: true });
});

/** The `code` of the error a promise rejects with (fails when it resolves). */
async function errorOf(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return { code: (e as { code?: string }).code ?? '(no code)', message: (e as Error).message };
  }
  throw new Error('expected a rejection');
}

/** A PNG data URL decoded to its raw pixels. */
async function decodeDataUrl(url: string | null): Promise<{ data: Buffer; width: number; height: number; channels: number }> {
  expect(url).toMatch(/^data:image\/png;base64,/);
  const png = Buffer.from(url!.slice('data:image/png;base64,'.length), 'base64');
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

const FE_EDITS: Edit[] = [
  { kind: 'swap-head', classes: 5, seed: 0 },
  { kind: 'freeze-preset', preset: 'feature-extraction' },
];

describe('models with edits', () => {
  let s: StudioService;
  /** Parameter elements per initializer of the bundled model, counted from the file itself. */
  const elements = new Map<string, number>();

  beforeAll(async () => {
    s = service({ workspace: join(work, 'ws-models') });
    const file = await readModelFile(defaultModelPath);
    for (const t of file.model.graph!.initializer) elements.set(t.name, t.dims.reduce((n, d) => n * Number(d), 1));
  });

  const sumOf = (prefix: string) => [...elements].filter(([name]) => name.startsWith(prefix)).reduce((n, [, k]) => n + k, 0);

  it('without edits, every parameter is trainable', async () => {
    const v = await s.openModel({ path: defaultModelPath, edits: [] });
    expect(v.summary.inputs[0].shape).toEqual(['N', 1, 28, 28]);
    expect(v.summary.head?.block).toBe('classifier/classifier.3');
    expect(v.surgery.totalParams).toBe(v.summary.totalParams);
    expect(v.surgery.trainableParams).toBe(v.surgery.totalParams);
    expect(v.surgery.totalParams).toBe(sumOf(''));
    expect(v.surgery.frozenBlocks).toEqual([]);
    expect(v.surgery.trainableByBlock['']).toBe(v.surgery.totalParams);
    expect(v.surgery.trainableByBlock.features).toBe(sumOf('features.'));
    expect(v.surgery.edits).toEqual([]);
  });

  it('swap-head + feature extraction: a 5-class head, only the classifier trains', async () => {
    const v = await s.openModel({ path: defaultModelPath, edits: FE_EDITS });
    expect(v.summary.outputs).toHaveLength(1);
    expect(v.summary.outputs[0].shape).toEqual(['N', 5]);
    const sv = v.surgery;
    expect(sv.frozenBlocks).toContain('features');
    expect(sv.frozenBlocks).not.toContain('classifier');
    expect(sv.trainableByBlock.features ?? 0).toBe(0);
    expect(sv.trainableByBlock['features/features.0'] ?? 0).toBe(0);
    expect(sv.trainableByBlock.classifier).toBe(sv.trainableParams);
    expect(sv.trainableByBlock['']).toBe(sv.trainableParams);
    // Counted independently: the classifier's tensors in the file (the new head has the old one's shape).
    expect(sv.trainableParams).toBe(sumOf('classifier.'));
    expect(sv.trainableParams).toBe(73_856 + 645);
    // ... and the block tree's own count for "classifier".
    const classifier = v.root.children.find((b) => b.path === 'classifier');
    expect(classifier?.params).toBe(sv.trainableParams);
    expect(sv.totalParams).toBe(v.summary.totalParams);
    expect(sv.trainableParams).toBeLessThan(sv.totalParams);
    expect(sv.log.some((l) => l.includes('swap-head'))).toBe(true);
  });

  it('a 7-class head changes the output shape and the counts by exactly the new head\'s size', async () => {
    const v = await s.openModel({ path: defaultModelPath, edits: [{ kind: 'swap-head', classes: 7, seed: 1 }, FE_EDITS[1]] });
    expect(v.summary.outputs[0].shape).toEqual(['N', 7]);
    const inFeatures = elements.get('classifier.3.weight')! / elements.get('classifier.3.bias')!;
    const head = 7 * inFeatures + 7;
    expect(v.surgery.trainableParams).toBe(sumOf('classifier.0.') + head);
    expect(v.surgery.trainableByBlock['classifier/classifier.3']).toBe(head);
    expect(v.surgery.totalParams).toBe(sumOf('') - sumOf('classifier.3.') + head);
  });

  it('undo is the same list without its last edit: freezing goes, the head stays', async () => {
    const v = await s.openModel({ path: defaultModelPath, edits: [FE_EDITS[0]] });
    expect(v.surgery.frozenBlocks).toEqual([]);
    expect(v.surgery.trainableParams).toBe(v.surgery.totalParams);
  });

  it('an invalid edit passes the transport but is refused where it is replayed, naming the field', async () => {
    const edits = [{ kind: 'swap-head', classes: 1, seed: 0 }];
    const call = checkCall('openModel', [{ path: defaultModelPath, edits }]);
    if (!call.ok) throw new Error(call.error.message);
    const e = await errorOf(s.openModel(call.params[0] as { path: string; edits: Edit[] }));
    expect(e.code).toBe('edit-invalid');
    expect(e.message).toMatch(/edit 1 \(swap-head\)/);
    expect(e.message).toContain('"classes"');
  });

  it('reports a missing model file', async () => {
    expect((await errorOf(s.openModel({ path: join(work, 'nope.onnx') }))).code).toBe('file-not-found');
  });
});

describe('serve mode: only files below the allowed roots', () => {
  let s: StudioService;
  let root: string;
  let outsideModel: string;

  beforeAll(() => {
    root = join(work, 'allowed');
    mkdirSync(root, { recursive: true });
    const outside = join(work, 'outside');
    mkdirSync(outside, { recursive: true });
    outsideModel = join(outside, 'model.onnx');
    copyFileSync(defaultModelPath, outsideModel);
    copyFileSync(defaultModelPath, join(root, 'inside.onnx'));
    symlinkSync(outsideModel, join(root, 'link.onnx'));
    symlinkSync(outside, join(root, 'linked folder'));
    s = service({ mode: 'serve', roots: [root], workspace: join(work, 'ws-serve') });
  });

  it('opens models below a root and the bundled ones', async () => {
    expect((await s.openModel({ path: join(root, 'inside.onnx') })).summary.fileName).toBe('inside.onnx');
    expect((await s.openModel({ path: defaultModelPath })).summary.fileName).toBe(basename(defaultModelPath));
  });

  it('refuses a model outside the roots, directly, through "..", or through a symlink', async () => {
    for (const path of [outsideModel, join(root, '..', 'outside', 'model.onnx'), join(root, 'link.onnx'), join(root, 'linked folder', 'model.onnx')]) {
      const e = await errorOf(s.openModel({ path }));
      expect(e.code, path).toBe('path-not-allowed');
    }
    expect((await errorOf(s.probeModel({ path: outsideModel }))).code).toBe('path-not-allowed');
  });

  it('refuses hostile dataset and folder paths', async () => {
    const options = { classes: null, perClassLimit: null, valFraction: 0.1, seed: 0 };
    expect((await errorOf(s.openDataset({ path: '/etc', model: defaultModelPath, options }))).code).toBe('path-not-allowed');
    expect((await errorOf(s.openDataset({ path: join(root, '..', '..', '..', 'etc'), model: defaultModelPath, options }))).code).toBe('path-not-allowed');
    expect((await errorOf(s.datasetSamples({ path: '/etc', model: defaultModelPath, options, split: 'train', indices: [0] }))).code).toBe('path-not-allowed');
    expect((await errorOf(s.openDataset({ path: root, model: outsideModel, options }))).code).toBe('path-not-allowed');
    expect((await errorOf(s.browse({ path: '/etc' }))).code).toBe('path-not-allowed');
  });

  it('refuses to start a run on data outside the roots', async () => {
    const config: TrainConfig = { ...DEFAULT_TRAIN_CONFIG, model: defaultModelPath, data: { path: '/etc', options: DEFAULT_DATA_OPTIONS } };
    expect((await errorOf(s.startRun({ config }))).code).toBe('path-not-allowed');
    expect(await s.listRuns()).toEqual([]);
  });

  it('the desktop app (electron mode) may open the same file', async () => {
    const desktop = service({ roots: [], workspace: join(work, 'ws-desktop') });
    expect((await desktop.openModel({ path: outsideModel })).summary.fileName).toBe('model.onnx');
  });
});

describe.skipIf(!haveFashion)('Fashion-MNIST as the data panel sees it', () => {
  const options = { classes: [5, 6, 7, 8, 9], perClassLimit: 100, valFraction: 0.1, seed: 0 };
  let s: StudioService;
  let rawImages: Buffer;
  let rawLabels: Buffer;

  beforeAll(() => {
    s = service({ mode: 'serve', workspace: join(work, 'ws-fashion') });
    rawImages = gunzipSync(readFileSync(join(FASHION, 'train-images-idx3-ubyte.gz')));
    rawLabels = gunzipSync(readFileSync(join(FASHION, 'train-labels-idx1-ubyte.gz')));
  });

  it('opens classes 5-9 with 100 training images each, listing all 10 classes', async () => {
    const d = await s.openDataset({ path: FASHION, model: defaultModelPath, options });
    expect(d.kind).toBe('idx');
    expect(d.classes).toEqual(['Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);
    expect(d.allClasses).toHaveLength(10);
    expect(d.allClasses).toEqual(FASHION_MNIST_CLASSES);
    expect(d.counts.train).toEqual({ Sandal: 100, Shirt: 100, Sneaker: 100, Bag: 100, 'Ankle boot': 100 });
    expect(d.splits.train).toBe(500);
    expect(d.splits.test).toBe(5000);
    expect(d.inputShape).toEqual([1, 28, 28]);
    expect(d.images).toBe(true);
    expect(d.skipped).toEqual([]);
  });

  it('draws each sample\'s input back as the stored image, pixel for pixel', async () => {
    const samples = await s.datasetSamples({ path: FASHION, model: defaultModelPath, options, split: 'train', indices: [0, 1, 2, 499] });
    expect(samples.map((x) => x.index)).toEqual([0, 1, 2, 499]);
    for (const sample of samples) {
      const m = /^train-images-idx3-ubyte\.gz#(\d+)$/.exec(sample.id);
      expect(m, sample.id).not.toBeNull();
      const record = Number(m![1]);
      const rawLabel = rawLabels[8 + record];
      // Classes 5..9 are remapped to 0..4.
      expect(sample.label).toBe(rawLabel - 5);
      expect(sample.className).toBe(FASHION_MNIST_CLASSES[rawLabel]);
      expect(sample.original).toBeNull();
      expect(sample.inputSummary).toMatch(/^1×28×28, mean -?\d/);
      const img = await decodeDataUrl(sample.input);
      expect([img.width, img.height]).toEqual([112, 112]);
      let worst = 0;
      for (let y = 0; y < 28; y++) {
        for (let x = 0; x < 28; x++) {
          // Each pixel is a 4x4 block of the thumbnail (nearest-neighbour scaling).
          for (const [dx, dy] of [[0, 0], [3, 3]]) {
            const shown = img.data[((y * 4 + dy) * 112 + x * 4 + dx) * img.channels];
            worst = Math.max(worst, Math.abs(shown - rawImages[16 + record * 784 + y * 28 + x]));
          }
        }
      }
      expect(worst, sample.id).toBeLessThanOrEqual(1);
    }
  });

  it('takes test samples from the t10k file and refuses an index past the split', async () => {
    const [t] = await s.datasetSamples({ path: FASHION, model: defaultModelPath, options, split: 'test', indices: [4999] });
    expect(t.id).toMatch(/^t10k-images-idx3-ubyte\.gz#\d+$/);
    expect(t.label).toBeGreaterThanOrEqual(0);
    expect(t.label).toBeLessThan(5);
    const e = await errorOf(s.datasetSamples({ path: FASHION, model: defaultModelPath, options, split: 'train', indices: [500] }));
    expect(e.code).toBe('sample-range');
  });
});

describe('an image folder with bad files', () => {
  let s: StudioService;
  let root: string;
  const options = { classes: null, perClassLimit: null, valFraction: 0.2, seed: 0 };
  const green = (i: number) => ({ r: 40 * i, g: 255, b: 0 });
  const red = (i: number) => ({ r: 255, g: 20 * i, b: 0 });

  beforeAll(async () => {
    root = join(work, 'images');
    for (const c of ['circles', 'squares', 'empty class']) mkdirSync(join(root, c), { recursive: true });
    for (let i = 0; i < 6; i++) {
      await sharp({ create: { width: 20, height: 14, channels: 3, background: green(i) } }).png().toFile(join(root, 'circles', `c ${i}.png`));
      await sharp({ create: { width: 30, height: 30, channels: 3, background: red(i) } }).png().toFile(join(root, 'squares', `s${i}.png`));
    }
    writeFileSync(join(root, 'squares', 'corrupt.png'), 'this is not a png');
    s = service({ mode: 'serve', roots: [root], workspace: join(work, 'ws-images') });
  });

  it('lists what it skipped, with the reason', async () => {
    const d = await s.openDataset({ path: root, model: defaultModelPath, options });
    expect(d.kind).toBe('image-folder');
    expect(d.classes).toEqual(['circles', 'squares']);
    expect(d.splits.train + d.splits.val + d.splits.test).toBe(12);
    const corrupt = d.skipped.find((x) => x.id.endsWith('corrupt.png'));
    expect(corrupt?.reason).toMatch(/not a readable image/);
    const empty = d.skipped.find((x) => x.id.includes('empty class'));
    expect(empty?.reason).toMatch(/no usable images/);
    expect(d.skipped).toHaveLength(2);
    // The model's input: one gray channel, 28x28.
    expect(d.inputShape).toEqual([1, 28, 28]);
  });

  it('shows the stored image and the network\'s input for each sample', async () => {
    const d = await s.openDataset({ path: root, model: defaultModelPath, options });
    const indices = Array.from({ length: d.splits.train }, (_, i) => i);
    const samples = await s.datasetSamples({ path: root, model: defaultModelPath, options, split: 'train', indices });
    expect(new Set(samples.map((x) => x.className))).toEqual(new Set(['circles', 'squares']));
    for (const sample of samples) {
      expect(sample.id.startsWith(join(root, sample.className!))).toBe(true);
      expect(sample.label).toBe(sample.className === 'circles' ? 0 : 1);
      const i = Number(/(\d+)\.png$/.exec(sample.id)![1]);
      const colour = sample.className === 'circles' ? green(i) : red(i);
      // The original: the file as the user knows it, scaled to fit 112x112, in colour.
      const original = await decodeDataUrl(sample.original);
      expect([original.width, original.height]).toEqual(sample.className === 'circles' ? [112, 78] : [112, 112]);
      expect(original.channels).toBeGreaterThanOrEqual(3);
      const centre = ((original.height >> 1) * original.width + (original.width >> 1)) * original.channels;
      expect([...original.data.subarray(centre, centre + 3)]).toEqual([colour.r, colour.g, colour.b]);
      // The input: what the network receives (gray, 28x28, solid), drawn back at 4x.
      const input = await decodeDataUrl(sample.input);
      expect([input.width, input.height]).toEqual([112, 112]);
      const first = input.data[0];
      expect(input.data.every((v, k) => k % input.channels !== 0 || v === first)).toBe(true);
    }
  });
});

describe('projects', () => {
  const ws = join(work, 'ws-projects');
  let s: StudioService;

  beforeAll(() => {
    s = service({ workspace: ws });
  });

  it('a fresh workspace opens the default project on the initial model', async () => {
    const { project, runs } = await s.loadProject({ name: null });
    expect(project).toEqual({
      name: 'untitled',
      model: defaultModelPath,
      edits: [],
      data: haveFashion ? FASHION : null,
      dataOptions: haveFashion ? { classes: [5, 6, 7, 8, 9], perClassLimit: 100, valFraction: 0.1, seed: 0 } : { classes: null, perClassLimit: null, valFraction: 0.1, seed: 0 },
      train: {},
    });
    expect(runs).toEqual([]);
  });

  it('reopens the saved project after a restart, and lists it', async () => {
    const saved: ProjectState = {
      name: 'Sandals ü 1',
      model: defaultModelPath,
      edits: FE_EDITS,
      data: '/some/data',
      dataOptions: { classes: [5, 6], perClassLimit: 20, valFraction: 0.2, seed: 3 },
      train: { epochs: 3, optimizer: 'adamw', lr: 0.003 },
    };
    const { savedAt } = await s.saveProject({ project: saved });
    expect(Number.isNaN(Date.parse(savedAt))).toBe(false);
    const restarted = service({ workspace: ws });
    const { project } = await restarted.loadProject({ name: null });
    expect(project).toMatchObject(saved);
    expect((await restarted.listProjects()).map((p) => [p.name, p.runs])).toEqual([['Sandals ü 1', 0]]);
    expect(await restarted.loadProject({ name: 'Sandals ü 1' })).toMatchObject({ project: saved, runs: [] });
  });

  it('a project never saved opens as a default one under its name', async () => {
    const { project } = await s.loadProject({ name: 'brand new' });
    expect(project.name).toBe('brand new');
    expect(project.edits).toEqual([]);
    expect(project.model).toBe(defaultModelPath);
  });

  it('a corrupt project.json is reported, not replaced', async () => {
    const dir = join(ws, 'projects', 'broken');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'project.json'), '{"name": "broken", "edits": [');
    const e = await errorOf(s.loadProject({ name: 'broken' }));
    expect(e.code).toBe('project-corrupt');
    expect(e.message).toContain(join(dir, 'project.json'));
    expect(readFileSync(join(dir, 'project.json'), 'utf8')).toBe('{"name": "broken", "edits": [');
  });

  it('reopening on start sets a damaged last project aside instead of failing or overwriting it', async () => {
    const wsDamaged = join(work, 'ws-damaged');
    const first = createStudioService({ mode: 'serve', initialModel: defaultModelPath, roots: [], workspace: wsDamaged });
    await first.saveProject({ project: { name: 'damaged', model: defaultModelPath, edits: [], data: null, dataOptions: { classes: null, perClassLimit: null, valFraction: 0.1, seed: 0 }, train: {} } });
    const dir = join(wsDamaged, 'projects', 'damaged');
    writeFileSync(join(dir, 'project.json'), '{"name": "damaged", "ed');
    const second = createStudioService({ mode: 'serve', initialModel: defaultModelPath, roots: [], workspace: wsDamaged });
    const { project } = await second.loadProject({ name: null });
    expect(project.name).toBe('damaged');
    expect(project.edits).toEqual([]);
    const aside = readdirSync(dir).filter((f) => f.startsWith('project.unreadable-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(dir, aside[0]), 'utf8')).toBe('{"name": "damaged", "ed');
    first.close();
    second.close();
  });

  it('the service itself refuses project names that are not folder names', async () => {
    const base: ProjectState = { name: 'x', model: null, edits: [], data: null, dataOptions: { classes: null, perClassLimit: null, valFraction: 0.1, seed: 0 }, train: {} };
    for (const name of ['../escaped', '.hidden', 'a/b']) {
      expect((await errorOf(s.saveProject({ project: { ...base, name } }))).code, name).toBe('project-name');
    }
    expect(existsSync(join(ws, 'escaped'))).toBe(false);
    expect(existsSync(join(ws, 'projects', '.hidden'))).toBe(false);
  });

  it('a refused save leaves the current project as it was', async () => {
    const guarded = service({ mode: 'serve', workspace: join(work, 'ws-refused-save') });
    const base: ProjectState = { name: 'x', model: null, edits: [], data: null, dataOptions: { classes: null, perClassLimit: null, valFraction: 0.1, seed: 0 }, train: {} };
    expect((await errorOf(guarded.saveProject({ project: { ...base, name: '../escaped' } }))).code).toBe('project-name');
    // Still usable: the allowed roots, the runs and the uploads folder all name the current project.
    expect((await guarded.openModel({ path: defaultModelPath })).summary.totalParams).toBeGreaterThan(0);
    expect(await guarded.listRuns()).toEqual([]);
    expect(guarded.uploadsDir()).toBe(join(work, 'ws-refused-save', 'projects', 'untitled', 'uploads'));
  });
});

/** Resolves with the first pushed event that `match` accepts. */
function nextEvent<T extends StudioEvent>(s: StudioService, match: (e: StudioEvent) => e is T, timeoutMs = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error('timed out waiting for an event'));
    }, timeoutMs);
    const off = s.onEvent((e) => {
      if (!match(e)) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

type StatusEvent = Extract<StudioEvent, { type: 'run-status' }>;
const statusOf = (id: string, statuses: string[]) => (e: StudioEvent): e is StatusEvent => e.type === 'run-status' && e.run.id === id && statuses.includes(e.run.status);

describe.skipIf(!haveFashion)('training runs', () => {
  const ws = join(work, 'ws-runs');
  const exportDir = join(work, 'exports');
  let s: StudioService;
  const config: TrainConfig = {
    ...DEFAULT_TRAIN_CONFIG,
    model: defaultModelPath,
    data: { path: FASHION, options: { ...DEFAULT_DATA_OPTIONS, classes: [5, 6, 7, 8, 9], perClassLimit: 50 } },
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
    expect(r.start?.classes).toEqual(['Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);
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
  });
});
