// The studio's engine as both transports call it: models opened with edits, and serve mode's
// restriction to files below the allowed roots.
import { copyFileSync, mkdirSync, symlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Edit } from '../../api/studio-types.js';
import { DEFAULT_DATA_OPTIONS, DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../../api/training.js';
import { checkCall } from '../../api/validate.js';
import { errorOf, FE_EDITS, studioScratch } from '../../test-support/studio.js';
import { readModelFile } from '../model-file.js';
import { defaultModelPath } from '../resources.js';
import type { StudioService } from './service.js';

const { work, service } = studioScratch('models');

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
