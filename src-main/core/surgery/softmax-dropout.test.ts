// Removing and restoring the trailing softmax (training needs the logits), and inserting a
// Dropout after a block in the form the model's opset wants.
import { describe, expect, it } from 'vitest';
import { buildBlockTree, detectHead } from '../blocks/index.js';
import { graphFromModel, modelWithGraph } from '../ir/proto.js';
import { inferShapes } from '../shape/infer.js';
import type { ModelProto } from '../onnx/gen/onnx_pb.js';
import { hasFixtures, load, run, withSoftmax } from '../../test-support/surgery.js';
import { applyEdits, removeTrailingSoftmax, restoreSoftmax } from './index.js';

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
