import { existsSync, readFileSync } from 'node:fs';
import type * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { type Block, buildBlockTree, detectHead, parameterValues } from '../blocks/index.js';
import { isGraftError } from '../errors.js';
import { Graph } from '../ir/graph.js';
import { graphInput, newModel } from '../ir/builder.js';
import { Emitter } from '../ir/emitter.js';
import { graphFromModel, modelWithGraph } from '../ir/proto.js';
import { decodeModel, encodeModel } from '../onnx/codec.js';
import { DataType } from '../onnx/dtype.js';
import type { ModelProto } from '../onnx/gen/onnx_pb.js';
import { makeTensor, readFloats, tensorDims } from '../onnx/tensor.js';
import { seededRandom, uniform } from '../random.js';
import { inferShapes } from '../shape/infer.js';
import { fixturePath, fixturesDir, readTensorFile } from '../../test-support/fixtures.js';
import { ortTensor, runOrt } from '../../test-support/ort.js';
import { type Edit, applyEdits, removeTrailingSoftmax, restoreSoftmax } from './index.js';

const hasFixtures = existsSync(fixturesDir);
const FEATURES = '/Flatten_output_0'; // resnet18: the pooled features entering fc

const cache = new Map<string, Uint8Array>();
function load(name: string): ModelProto {
  if (!cache.has(name)) cache.set(name, readFileSync(fixturePath(name)));
  return decodeModel(cache.get(name)!, name);
}

function batch(name: string): Record<string, ort.Tensor> {
  return { input: ortTensor(readTensorFile(fixturePath(name, 'input.pb'))) };
}

/** The model with extra graph outputs, to read intermediate values in onnxruntime. */
function withOutputs(model: ModelProto, names: string[]): ModelProto {
  const g = graphFromModel(model);
  inferShapes(g);
  for (const n of names) g.outputs.push(g.value(n));
  return modelWithGraph(model, g);
}

async function run(model: ModelProto, name: string): Promise<Record<string, { data: Float32Array; dims: number[] }>> {
  const out = await runOrt(encodeModel(model), batch(name));
  return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, { data: t.data as Float32Array, dims: [...t.dims] }]));
}

function param(model: ModelProto, name: string): { dims: number[]; data: Float32Array } {
  const t = model.graph!.initializer.find((i) => i.name === name);
  if (!t) throw new Error(`no initializer "${name}" (have ${model.graph!.initializer.map((i) => i.name).slice(-6).join(', ')}, ...)`);
  return { dims: tensorDims(t), data: readFloats(t) };
}

/** y = x·Wᵀ + b for x [rows, in] and W [out, in], in float64. */
function linear(x: Float32Array, rows: number, w: { dims: number[]; data: Float32Array }, b: Float32Array): Float64Array {
  const [fout, fin] = w.dims;
  const y = new Float64Array(rows * fout);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < fout; o++) {
      let s = b[o];
      for (let i = 0; i < fin; i++) s += x[r * fin + i] * w.data[o * fin + i];
      y[r * fout + o] = s;
    }
  }
  return y;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  expect(worst).toBeLessThan(tol);
}

function expectGraftError(f: () => unknown, code: string, message?: RegExp): void {
  let err: unknown = null;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(isGraftError(err), `expected a GraftError, got ${String(err)}`).toBe(true);
  const e = err as { code: string; message: string };
  expect(e.code).toBe(code);
  if (message) expect(e.message).toMatch(message);
}

/** Byte equality without the matcher's element-by-element walk over tens of megabytes. */
const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);

const allBlocks = (b: Block): Block[] => [b, ...b.children.flatMap(allBlocks)];

/** The fixture with a Softmax (or LogSoftmax) appended after the logits, as output "probs". */
function withSoftmax(model: ModelProto, opType = 'Softmax'): ModelProto {
  const g = graphFromModel(model);
  const logits = g.outputs[0];
  const probs = new Emitter(g, 17).op(opType, [logits], { axis: 1 }, `/${opType.toLowerCase()}/${opType}`);
  g.outputs = [probs];
  g.renameValue(probs, 'probs');
  inferShapes(g);
  return modelWithGraph(model, g);
}

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

describe.skipIf(!hasFixtures)('freezing', () => {
  const resnetParams = () => parameterValues(graphFromModel(load('resnet18'))).map((v) => v.name);

  it('with no freeze edits everything is trainable', () => {
    const model = load('resnet18');
    const r = applyEdits(model, []);
    expect([...r.trainable].sort()).toEqual(resnetParams().sort());
    expect(r.frozenBlocks).toEqual([]);
    expect(r.model === model).toBe(true);
  });

  it('feature extraction trains fc alone; fine-tune 1 trains layer4 and fc; full trains all', () => {
    const model = load('resnet18');
    const fe = applyEdits(model, [{ kind: 'freeze-preset', preset: 'feature-extraction' }]);
    expect([...fe.trainable].sort()).toEqual(['fc.bias', 'fc.weight']);
    expect(fe.frozenBlocks).toEqual(['conv1', 'layer1', 'layer2', 'layer3', 'layer4']);
    const ft = applyEdits(model, [{ kind: 'freeze-preset', preset: 'fine-tune', stages: 1 }]);
    const expected = resnetParams().filter((n) => n.startsWith('layer4.') || n.startsWith('fc.'));
    expect(expected.length).toBe(10 + 2); // 5 convs (downsample included; batch norm folded in) x (weight, bias), and fc
    expect([...ft.trainable].sort()).toEqual(expected.sort());
    const ft2 = applyEdits(model, [{ kind: 'freeze-preset', preset: 'fine-tune', stages: 2 }]);
    expect([...ft2.trainable].every((n) => /^(layer3|layer4|fc)\./.test(n))).toBe(true);
    expect(ft2.trainable.size).toBe(expected.length + 10);
    const full = applyEdits(model, [{ kind: 'freeze-preset', preset: 'feature-extraction' }, { kind: 'freeze-preset', preset: 'full' }]);
    expect(full.trainable.size).toBe(resnetParams().length);
  });

  it('unfreeze after freeze; nested paths; the frozen blocks are the outermost ones', () => {
    const r = applyEdits(load('resnet18'), [
      { kind: 'freeze', blocks: ['layer1', 'layer2', 'layer3'] },
      { kind: 'unfreeze', blocks: ['layer2'] },
      { kind: 'unfreeze', blocks: ['layer3/layer3.1'] },
    ]);
    const frozen = resnetParams().filter((n) => !r.trainable.has(n));
    expect(frozen.every((n) => n.startsWith('layer1.') || n.startsWith('layer3.0.'))).toBe(true);
    expect(frozen.length).toBe(8 + 6);
    expect(r.frozenBlocks).toEqual(['layer1', 'layer3/layer3.0']);
  });

  it('a new head is trainable even when everything was frozen before the swap', () => {
    const r = applyEdits(load('resnet18'), [
      { kind: 'freeze', blocks: ['conv1', 'layer1', 'layer2', 'layer3', 'layer4', 'fc'] },
      { kind: 'swap-head', classes: 3, seed: 1 },
    ]);
    expect([...r.trainable].sort()).toEqual(['fc.bias', 'fc.weight']);
    // Presets after a swap see the new head.
    const mlp = applyEdits(load('resnet18'), [
      { kind: 'swap-head', classes: 3, hidden: 16, seed: 1 },
      { kind: 'freeze-preset', preset: 'fine-tune', stages: 1 },
    ]);
    expect([...mlp.trainable].filter((n) => n.startsWith('fc')).sort()).toEqual(['fc.0.bias', 'fc.0.weight', 'fc.3.bias', 'fc.3.weight']);
    expect(mlp.frozenBlocks).toEqual(['conv1', 'layer1', 'layer2', 'layer3']);
  });
});

describe.skipIf(!hasFixtures)('replay', () => {
  const edits: Edit[] = [
    { kind: 'swap-head', classes: 3, hidden: 16, dropout: 0.1, seed: 5, classNames: ['a', 'b', 'c'] },
    { kind: 'insert-dropout', after: 'avgpool', ratio: 0.2 },
    { kind: 'freeze-preset', preset: 'fine-tune', stages: 1 },
    { kind: 'unfreeze', blocks: ['layer3'] },
  ];

  it('the same edits give the same bytes, and leave the original model alone', () => {
    const original = load('resnet18');
    const before = encodeModel(original);
    const a = applyEdits(original, edits);
    const b = applyEdits(load('resnet18'), JSON.parse(JSON.stringify(edits)) as Edit[]);
    expect(sameBytes(encodeModel(a.model), encodeModel(b.model))).toBe(true);
    expect(a.trainable).toEqual(b.trainable);
    expect(a.log).toEqual(b.log);
    expect(sameBytes(encodeModel(original), before)).toBe(true);
  });

  it('undo is dropping the last edit', () => {
    const model = load('resnet18');
    for (let n = 0; n < edits.length; n++) {
      const undone = applyEdits(model, [...edits.slice(0, n + 1)].slice(0, -1));
      const direct = applyEdits(model, edits.slice(0, n));
      expect(sameBytes(encodeModel(undone.model), encodeModel(direct.model))).toBe(true);
      expect(undone.trainable).toEqual(direct.trainable);
    }
    // Undoing everything gives the original object back, saved byte for byte.
    expect(applyEdits(model, []).model === model).toBe(true);
    expect(applyEdits(model, [{ kind: 'freeze', blocks: ['layer1'] }]).model === model).toBe(true);
  });

  it('the log says what each edit did', () => {
    const r = applyEdits(load('resnet18'), edits);
    expect(r.log).toEqual([
      'swap-head: "fc" Gemm(512 → 5) replaced by MLP(512 → 16 → ReLU → Dropout(0.1) → 3), seed 5',
      'insert-dropout: Dropout(0.2) after "avgpool" on "/avgpool/GlobalAveragePool_output_0"',
      'freeze-preset: fine-tune (1 stages), training "layer4", "fc"',
      'unfreeze: "layer3" (10 parameters)',
    ]);
  });
});

describe.skipIf(!hasFixtures)('softmax removal and restoration', () => {
  it('removes a trailing Softmax (the output keeps its name, now logits) and restores it for export', async () => {
    const plain = load('resnet18');
    const withProbs = withSoftmax(plain);
    const logits = (await run(plain, 'resnet18')).logits.data;
    const probs = (await run(withProbs, 'resnet18')).probs.data;
    expect(probs[0] + probs[1] + probs[2] + probs[3] + probs[4]).toBeCloseTo(1, 5);

    const r = applyEdits(withProbs, [{ kind: 'remove-softmax' }]);
    expect(r.removedSoftmax).toMatchObject({ op: 'Softmax', axis: 1 });
    const trained = await run(r.model, 'resnet18');
    expect(Object.keys(trained)).toEqual(['probs']);
    expect(trained.probs.data).toEqual(logits);

    const g = graphFromModel(r.model);
    restoreSoftmax(g, r.removedSoftmax!);
    inferShapes(g);
    const exported = modelWithGraph(r.model, g);
    expect((await run(exported, 'resnet18')).probs.data).toEqual(probs);
    // Restored as it was: same node name, and the logits got their name back.
    expect([g.outputs[0].producer!.name, g.outputs[0].producer!.opType]).toEqual(['/softmax/Softmax', 'Softmax']);
    expect(g.outputs[0].producer!.input(0)!.name).toBe('logits');
  });

  it('LogSoftmax through the IR functions; null when there is none', () => {
    const g = graphFromModel(withSoftmax(load('resnet18'), 'LogSoftmax'));
    const removed = removeTrailingSoftmax(g, 13)!;
    expect(removed).toMatchObject({ op: 'LogSoftmax', axis: 1 });
    expect(g.outputs[0].producer!.opType).toBe('Gemm');
    expect(g.outputs[0].name).toBe('probs');
    expect(removeTrailingSoftmax(g, 13)).toBeNull();
  });

  it('swap-head keeps the softmax after the new head', async () => {
    const r = applyEdits(withSoftmax(load('resnet18')), [{ kind: 'swap-head', classes: 3, seed: 1 }]);
    const out = (await run(r.model, 'resnet18')).probs;
    expect(out.dims).toEqual([4, 3]);
    for (let i = 0; i < 4; i++) expect(out.data[3 * i] + out.data[3 * i + 1] + out.data[3 * i + 2]).toBeCloseTo(1, 5);
    const g = graphFromModel(r.model);
    expect(detectHead(g, buildBlockTree(g))).toMatchObject({ outFeatures: 3, softmaxNodeId: '/softmax/Softmax' });
    expect(g.outputs[0].type!.shape).toEqual(['N', 3]);
  });
});

describe.skipIf(!hasFixtures)('insert-dropout', () => {
  it('opset 13: Dropout(x, ratio) on the block output only; inference output unchanged; placed in the block', async () => {
    const model = load('resnet18');
    const r = applyEdits(model, [{ kind: 'insert-dropout', after: 'layer4/layer4.0', ratio: 0.3 }]);
    expect((await run(r.model, 'resnet18')).logits.data).toEqual((await run(model, 'resnet18')).logits.data);
    const g = graphFromModel(r.model);
    const d = g.nodes.find((n) => n.opType === 'Dropout')!;
    expect(d.inputs.length).toBe(2);
    expect(d.attr('ratio')).toBeUndefined();
    // layer4.0's output feeds layer4.1's conv and its skip Add: both now read the dropout.
    expect(d.output(0)!.uses.map((u) => u.node.opType).sort()).toEqual(['Add', 'Conv']);
    const tree = buildBlockTree(g);
    expect(tree.blockOfNode.get(d.id)!.startsWith('layer4/layer4.0')).toBe(true);
    expect(tree.blocks.get('layer4/layer4.0')!.outputs.map((o) => o.name)).toEqual([d.output(0)!.name]);
  });

  it('readers inside the block keep the undropped value', () => {
    const r = applyEdits(load('resnet18'), [{ kind: 'insert-dropout', after: 'relu', ratio: 0.1 }]);
    const g = graphFromModel(r.model);
    const d = g.nodes.find((n) => n.opType === 'Dropout')!;
    expect(d.input(0)!.producer!.opType).toBe('Relu');
    expect(d.output(0)!.uses.map((u) => u.node.opType)).toEqual(['MaxPool']);
  });

  it('opset 11: the ratio is an attribute', async () => {
    const model = load('resnet18');
    const old = Object.assign(Object.create(Object.getPrototypeOf(model) as object) as ModelProto, model, {
      opsetImport: model.opsetImport.map((o) => Object.assign(Object.create(Object.getPrototypeOf(o) as object) as typeof o, o, { version: 11n })),
    });
    const r = applyEdits(old, [{ kind: 'insert-dropout', after: 'avgpool', ratio: 0.4 }]);
    const d = graphFromModel(r.model).nodes.find((n) => n.opType === 'Dropout')!;
    expect(d.inputs.length).toBe(1);
    expect(d.attr('ratio')!.f).toBeCloseTo(0.4);
    expect((await run(r.model, 'resnet18')).logits.dims).toEqual([4, 5]);
  });
});

describe.skipIf(!hasFixtures)('errors name the edit and the cause', () => {
  const resnet = () => load('resnet18');

  it('an unknown block lists the top-level blocks', () => {
    expectGraftError(
      () => applyEdits(resnet(), [{ kind: 'freeze', blocks: ['layer9'] }]),
      'unknown-block',
      /^edit 1 \(freeze\): no block "layer9" in this model \(top-level blocks: conv1, relu, maxpool, layer1, layer2, layer3, layer4, avgpool, fc\)$/,
    );
    expectGraftError(() => applyEdits(resnet(), [{ kind: 'insert-dropout', after: 'nope', ratio: 0.1 }]), 'unknown-block', /top-level blocks: conv1, /);
  });

  it('invalid records', () => {
    expectGraftError(() => applyEdits(resnet(), [{ kind: 'swap-head', classes: 1, seed: 1 }]), 'edit-invalid', /edit 1 \(swap-head\): "classes" must be .* at least 2 \(got 1\)/);
    expectGraftError(() => applyEdits(resnet(), [{ kind: 'swap-head', classes: 3, seed: 1, classNames: ['a'] }]), 'edit-invalid', /1 class names for 3 classes/);
    expectGraftError(() => applyEdits(resnet(), [{ kind: 'swap-head', classes: 3, seed: 1, dropout: 0.5 }]), 'edit-invalid', /set "hidden"/);
    expectGraftError(() => applyEdits(resnet(), [{ kind: 'insert-dropout', after: 'layer1', ratio: 1 }]), 'edit-invalid', /"ratio" must be in \[0, 1\)/);
    expectGraftError(() => applyEdits(resnet(), [{ kind: 'freeze', blocks: [] }]), 'edit-invalid', /no blocks given/);
    expectGraftError(() => applyEdits(resnet(), [{ kind: 'freeze-preset', preset: 'fine-tune', stages: -1 }]), 'edit-invalid', /"stages"/);
    expectGraftError(() => applyEdits(resnet(), [{ kind: 'prune' } as unknown as Edit]), 'edit-unknown', /unknown kind "prune"/);
  });

  it('no head, no softmax, a dropout on the output', () => {
    // The model cut after the pool: its output is not computed by a linear layer.
    const g = graphFromModel(resnet());
    g.outputs = [g.value('/avgpool/GlobalAveragePool_output_0')];
    g.cleanup();
    inferShapes(g);
    const headless = modelWithGraph(resnet(), g);
    expectGraftError(() => applyEdits(headless, [{ kind: 'swap-head', classes: 3, seed: 1 }]), 'no-head', /no classification head found: the first output "\/avgpool\/GlobalAveragePool_output_0"/);
    expectGraftError(() => applyEdits(headless, [{ kind: 'freeze-preset', preset: 'feature-extraction' }]), 'no-head', /no classification head/);
    expectGraftError(
      () => applyEdits(resnet(), [{ kind: 'freeze', blocks: ['layer1'] }, { kind: 'remove-softmax' }]),
      'no-softmax',
      /^edit 2 \(remove-softmax\): the first output "logits" is not computed by a Softmax or LogSoftmax$/,
    );
    expectGraftError(() => applyEdits(resnet(), [{ kind: 'insert-dropout', after: 'fc', ratio: 0.1 }]), 'dropout-unsupported', /produces the model's output "logits"/);
  });

  it('a block with several outputs cannot take a dropout', () => {
    // Every block sits on the main path in resnet18; a hand-built graph with a fork does not.
    const g = new Graph('fork');
    const e = new Emitter(g, 17);
    const x = graphInput(g, 'x', { elemType: DataType.FLOAT, shape: ['N', 4] });
    const a = e.op('Relu', [x], {}, '/body/Relu');
    const b = e.op('Sigmoid', [x], {}, '/body/Sigmoid');
    const w = g.addInitializer('fc.weight', makeTensor('fc.weight', DataType.FLOAT, [3, 4], new Float32Array(12)));
    const y = e.op('Gemm', [e.op('Add', [a, b], {}, '/mix/Add'), w], { transB: 1 }, '/fc/Gemm');
    g.outputs.push(y);
    y.type = { elemType: DataType.FLOAT, shape: ['N', 3] };
    expectGraftError(() => applyEdits(newModel(g), [{ kind: 'insert-dropout', after: 'body', ratio: 0.1 }]), 'dropout-unsupported', /block "body" has 2 outputs/);
  });
});

describe.skipIf(!hasFixtures)('anonymous exports (tree from topology)', () => {
  it('new names do not change how the tree is derived', () => {
    const model = load('resnet18');
    const gp = model.graph!;
    const rename = new Map(gp.initializer.map((t, i) => [t.name, `onnx::W_${i}`]));
    for (const t of gp.initializer) t.name = rename.get(t.name)!;
    for (const n of gp.node) {
      n.name = '';
      n.input = n.input.map((x) => rename.get(x) ?? x);
    }
    const r = applyEdits(model, [
      { kind: 'swap-head', classes: 3, hidden: 8, seed: 1 },
      { kind: 'freeze-preset', preset: 'feature-extraction' },
    ]);
    const g = graphFromModel(r.model);
    const tree = buildBlockTree(g);
    expect(tree.source).toBe('topology');
    expect(tree.root.children.map((c) => c.path)).toEqual(['stem', 'stage1', 'stage2', 'stage3', 'stage4', 'head']);
    expect([...r.trainable].sort()).toEqual(['head_0.bias', 'head_0.weight', 'head_3.bias', 'head_3.weight']);
    expect(allBlocks(tree.blocks.get('head')!).reduce((s, b) => s + b.nodeIds.length, 0)).toBeGreaterThanOrEqual(5);
  });
});
