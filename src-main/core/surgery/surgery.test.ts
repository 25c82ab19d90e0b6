// Edits as a list: freezing by block, replaying a list to the same bytes, the log, errors
// that name the edit and the cause, and models whose names say nothing (tree from topology).
import { describe, expect, it } from 'vitest';
import { buildBlockTree, parameterValues } from '../blocks/index.js';
import { Graph } from '../ir/graph.js';
import { graphInput, newModel } from '../ir/builder.js';
import { Emitter } from '../ir/emitter.js';
import { graphFromModel, modelWithGraph } from '../ir/proto.js';
import { encodeModel } from '../onnx/codec.js';
import { DataType } from '../onnx/dtype.js';
import { makeTensor } from '../onnx/tensor.js';
import { inferShapes } from '../shape/infer.js';
import { allBlocks, expectGraftError, hasFixtures, load, sameBytes } from '../../test-support/surgery.js';
import { type Edit, applyEdits } from './index.js';

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
