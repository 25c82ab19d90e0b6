// swap-head: the new head computes what PyTorch's Linear (or MLP) would, on the features
// the old one read, initialised as torch.nn initialises it; names and blocks follow the export.
import { describe, expect, it } from 'vitest';
import { buildBlockTree, detectHead } from '../blocks/index.js';
import { Graph } from '../ir/graph.js';
import { graphInput, newModel } from '../ir/builder.js';
import { Emitter } from '../ir/emitter.js';
import { graphFromModel } from '../ir/proto.js';
import { encodeModel } from '../onnx/codec.js';
import { DataType } from '../onnx/dtype.js';
import { makeTensor, readFloats, tensorDims } from '../onnx/tensor.js';
import { seededRandom, uniform } from '../random.js';
import { expectClose, FEATURES, hasFixtures, linear, load, param, run, withOutputs } from '../../test-support/surgery.js';
import { ortTensor, runOrt } from '../../test-support/ort.js';
import { type Edit, applyEdits } from './index.js';

describe.skipIf(!hasFixtures)('swap-head on resnet18', () => {
  const swap: Edit = { kind: 'swap-head', classes: 3, seed: 7 };

  it('runs in onnxruntime with [4, 3] logits = unchanged features · Wᵀ + b', async () => {
    const original = load('resnet18');
    const r = applyEdits(original, [swap]);
    const before = await run(withOutputs(original, [FEATURES]), 'resnet18');
    const after = await run(withOutputs(r.model, [FEATURES]), 'resnet18');
    expect(after.logits.dims).toEqual([4, 3]);
    // The body is untouched: bit-identical features.
    expect(after[FEATURES].data).toEqual(before[FEATURES].data);
    const w = param(r.model, 'fc.weight');
    expect(w.dims).toEqual([3, 512]);
    const b = param(r.model, 'fc.bias').data;
    expectClose(after.logits.data, linear(after[FEATURES].data, 4, w, b), 1e-4);
  });

  it('initialises like torch.nn.Linear: U(-1/√in, 1/√in), seeded', () => {
    const r = applyEdits(load('resnet18'), [{ kind: 'swap-head', classes: 200, seed: 3 }]);
    const w = param(r.model, 'fc.weight').data;
    const b = param(r.model, 'fc.bias').data;
    const bound = 1 / Math.sqrt(512);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...b.map(Math.abs))).toBeLessThanOrEqual(bound);
    const mean = w.reduce((s, x) => s + x, 0) / w.length;
    const std = Math.sqrt(w.reduce((s, x) => s + (x - mean) ** 2, 0) / w.length);
    expect(Math.abs(std / (bound / Math.sqrt(3)) - 1)).toBeLessThan(0.1);
    expect(Math.abs(mean)).toBeLessThan(bound / 20);
    // Seeded: another seed gives other weights, the same seed the same ones.
    const again = param(applyEdits(load('resnet18'), [{ kind: 'swap-head', classes: 200, seed: 3 }]).model, 'fc.weight').data;
    const other = param(applyEdits(load('resnet18'), [{ kind: 'swap-head', classes: 200, seed: 4 }]).model, 'fc.weight').data;
    expect(again).toEqual(w);
    expect(other).not.toEqual(w);
  });

  it('keeps the head block: fc is the head with outFeatures 3, the output declared [N, 3]', () => {
    const r = applyEdits(load('resnet18'), [swap]);
    const g = graphFromModel(r.model);
    const tree = buildBlockTree(g);
    expect(tree.root.children.map((c) => c.path)).toEqual(['conv1', 'relu', 'maxpool', 'layer1', 'layer2', 'layer3', 'layer4', 'avgpool', 'fc']);
    expect(tree.blocks.get('fc')!.kind).toBe('head');
    expect(tree.blocks.get('fc')!.params).toBe(512 * 3 + 3);
    expect(detectHead(g, tree)).toMatchObject({ block: 'fc', inFeatures: 512, outFeatures: 3, weight: 'fc.weight', bias: 'fc.bias' });
    expect(g.outputs.map((o) => o.name)).toEqual(['logits']);
    expect(g.outputs[0].type).toEqual({ elemType: DataType.FLOAT, shape: ['N', 3] });
    // The old head's tensors are gone, nothing else was.
    expect(r.model.graph!.initializer.length).toBe(load('resnet18').graph!.initializer.length);
    expect(r.model.graph!.node.map((n) => n.name).filter((n) => n.startsWith('/fc'))).toEqual(['/fc/Gemm']);
  });

  it('MLP head: Linear(512, 32) -> ReLU -> Dropout(0.25) -> Linear(32, 3), computed as the test computes it', async () => {
    const r = applyEdits(load('resnet18'), [{ kind: 'swap-head', classes: 3, hidden: 32, dropout: 0.25, seed: 1 }]);
    const out = await run(withOutputs(r.model, [FEATURES]), 'resnet18');
    expect(out.logits.dims).toEqual([4, 3]);
    const w0 = param(r.model, 'fc.0.weight');
    const w1 = param(r.model, 'fc.3.weight');
    expect(w0.dims).toEqual([32, 512]);
    expect(w1.dims).toEqual([3, 32]);
    expect(Math.max(...w1.data.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(32));
    const hidden = Float32Array.from(linear(out[FEATURES].data, 4, w0, param(r.model, 'fc.0.bias').data), (v) => Math.max(0, v));
    expectClose(out.logits.data, linear(hidden, 4, w1, param(r.model, 'fc.3.bias').data), 1e-4);

    const g = graphFromModel(r.model);
    const dropout = g.nodes.find((n) => n.opType === 'Dropout')!;
    // Opset 13: the ratio is an input, a float scalar.
    expect(readFloats(dropout.input(1)!.initializer!)[0]).toBeCloseTo(0.25);
    expect(tensorDims(dropout.input(1)!.initializer!)).toEqual([]);
    const tree = buildBlockTree(g);
    expect(tree.blocks.get('fc')!.kind).toBe('head');
    expect(tree.blocks.get('fc')!.children.map((c) => c.path)).toEqual(['fc/fc.0', 'fc/fc.1', 'fc/fc.2', 'fc/fc.3']);
    expect(detectHead(g, tree)).toMatchObject({ block: 'fc/fc.3', inFeatures: 32, outFeatures: 3 });
    // The rest of the tree is as it was.
    expect(tree.source).toBe('parameter-names');
    expect(tree.root.children.map((c) => c.path)).toEqual(['conv1', 'relu', 'maxpool', 'layer1', 'layer2', 'layer3', 'layer4', 'avgpool', 'fc']);
  });

  it('writes class names to the metadata, and drops them when a later swap gives none', () => {
    const named = applyEdits(load('resnet18'), [{ ...swap, classNames: ['cat', 'dog', 'bird'] }]);
    expect(named.model.metadataProps.find((p) => p.key === 'class_names')?.value).toBe('["cat","dog","bird"]');
    const unnamed = applyEdits(load('resnet18'), [{ ...swap, classNames: ['cat', 'dog', 'bird'] }, { kind: 'swap-head', classes: 4, seed: 1 }]);
    expect(unnamed.model.metadataProps.some((p) => p.key === 'class_names')).toBe(false);
  });
});

describe.skipIf(!hasFixtures)('swap-head on other exports', () => {
  it('mobilenet_v3_small: an MLP replaces classifier.3 inside the classifier; feature extraction trains the whole classifier', async () => {
    const r = applyEdits(load('mobilenet_v3_small'), [
      { kind: 'swap-head', classes: 5, hidden: 64, seed: 2 },
      { kind: 'freeze-preset', preset: 'feature-extraction' },
    ]);
    expect((await run(r.model, 'mobilenet_v3_small')).logits.dims).toEqual([4, 5]);
    expect([...r.trainable].sort()).toEqual(
      ['classifier.0.bias', 'classifier.0.weight', 'classifier.3.0.bias', 'classifier.3.0.weight', 'classifier.3.3.bias', 'classifier.3.3.weight'].sort(),
    );
    expect(r.frozenBlocks).toEqual(['features']);
    const g = graphFromModel(r.model);
    expect(detectHead(g, buildBlockTree(g))).toMatchObject({ block: 'classifier/classifier.3/classifier.3.3', outFeatures: 5 });
  });

  it('lstm_classifier (full scopes): MLP nodes land in the head block', async () => {
    const r = applyEdits(load('lstm_classifier'), [{ kind: 'swap-head', classes: 4, hidden: 8, dropout: 0.5, seed: 2 }]);
    expect((await run(r.model, 'lstm_classifier')).logits.dims).toEqual([5, 4]);
    const g = graphFromModel(r.model);
    const tree = buildBlockTree(g);
    expect(tree.root.children.map((c) => c.path)).toEqual(['rnn', 'head']);
    expect(tree.blocks.get('head')!.params).toBe(16 * 8 + 8 + 8 * 4 + 4);
  });

  it('a MatMul + Add head on a sequence keeps the MatMul form (any rank)', async () => {
    const g = new Graph('seq');
    const e = new Emitter(g, 17);
    const x = graphInput(g, 'x', { elemType: DataType.FLOAT, shape: ['N', 6, 8] });
    const rand = seededRandom(1);
    const w = g.addInitializer('proj.weight', makeTensor('proj.weight', DataType.FLOAT, [8, 5], uniform(rand, 40, 0.3)));
    const b = g.addInitializer('proj.bias', makeTensor('proj.bias', DataType.FLOAT, [5], uniform(rand, 5, 0.3)));
    const y = e.op('Add', [e.op('MatMul', [x, w], {}, '/proj/MatMul'), b], {}, '/proj/Add');
    g.outputs.push(y);
    g.renameValue(y, 'scores');
    y.type = { elemType: DataType.FLOAT, shape: ['N', 6, 5] };
    const r = applyEdits(newModel(g, { opset: 17 }), [{ kind: 'swap-head', classes: 3, seed: 9 }]);
    const out = await runOrt(encodeModel(r.model), { x: ortTensor(makeTensor('x', DataType.FLOAT, [2, 6, 8], uniform(rand, 96, 1))) });
    expect(out.scores.dims).toEqual([2, 6, 3]);
    expect(param(r.model, 'proj.weight').dims).toEqual([8, 3]);
    expect(graphFromModel(r.model).nodes.map((n) => `${n.name}:${n.opType}`)).toEqual(['/proj/MatMul:MatMul', '/proj/Add:Add']);
  });
});
