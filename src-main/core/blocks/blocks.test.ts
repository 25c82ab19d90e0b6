import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Emitter } from '../ir/emitter.js';
import { Graph } from '../ir/graph.js';
import { graphFromModel } from '../ir/proto.js';
import { decodeModel } from '../onnx/codec.js';
import { DataType } from '../onnx/dtype.js';
import type { ModelProto } from '../onnx/gen/onnx_pb.js';
import { makeTensor, numel } from '../onnx/tensor.js';
import { inferShapes } from '../shape/infer.js';
import { presetBlocks } from '../surgery/freeze.js';
import { fixturePath, fixturesDir, readGolden } from '../../test-support/fixtures.js';
import { type Block, buildBlockTree, countParams, detectHead, headAndLastStages, parameterValues, recurrentNodes } from './index.js';

const hasFixtures = existsSync(fixturesDir);

function loadModel(name: string): ModelProto {
  return decodeModel(readFileSync(fixturePath(name)), name);
}

/** Shapes make stage boundaries exact; without them topology falls back to strides. */
function withShapes(g: Graph): Graph {
  inferShapes(g);
  return g;
}

/** The model with every node name cleared and parameters renamed as anonymous exports do. */
function anonymised(model: ModelProto): ModelProto {
  const g = model.graph!;
  const rename = new Map(g.initializer.map((t, i) => [t.name, `onnx::W_${i}`]));
  for (const t of g.initializer) t.name = rename.get(t.name)!;
  for (const n of g.node) {
    n.name = '';
    n.input = n.input.map((x) => rename.get(x) ?? x);
  }
  for (const vi of g.input) vi.name = rename.get(vi.name) ?? vi.name;
  return model;
}

function child(b: Block, name: string): Block {
  const c = b.children.find((x) => x.name === name);
  if (!c) throw new Error(`block "${b.path}" has no child "${name}" (has ${b.children.map((x) => x.name).join(', ')})`);
  return c;
}

function allBlocks(b: Block): Block[] {
  return [b, ...b.children.flatMap(allBlocks)];
}

describe.skipIf(!hasFixtures)('parameters against PyTorch goldens', () => {
  for (const name of ['resnet18', 'mobilenet_v3_small', 'lstm_classifier', 'gru_classifier', 'rnn_classifier', 'bn_inference']) {
    it(name, () => {
      const golden = readGolden(name);
      const g = graphFromModel(loadModel(name));
      const params = parameterValues(g);
      expect(params.map((v) => v.name).sort()).toEqual(Object.keys(golden.params).sort());
      const expected = Object.values(golden.params).reduce((s, p) => s + numel(p.shape), 0);
      expect(countParams(params)).toBe(expected);
      // Every parameter is counted exactly once in the tree.
      expect(buildBlockTree(g).root.params).toBe(expected);
    });
  }
});

describe.skipIf(!hasFixtures)('blocks from names', () => {
  it('ResNet-18: module tree from parameter names, stages, residual units, head', () => {
    const g = withShapes(graphFromModel(loadModel('resnet18')));
    const tree = buildBlockTree(g);
    const top = tree.root.children.map((b) => b.name);
    expect(top).toEqual(expect.arrayContaining(['conv1', 'maxpool', 'layer1', 'layer2', 'layer3', 'layer4', 'avgpool', 'fc']));
    const layer4 = child(tree.root, 'layer4');
    expect(layer4.children.map((b) => b.name)).toEqual(['layer4.0', 'layer4.1']);
    expect(layer4.kind).toBe('stage');
    expect(child(layer4, 'layer4.0').kind).toBe('residual');
    expect(child(child(layer4, 'layer4.1'), 'conv2').kind).toBe('conv');
    expect(tree.blockOfNode.get('/conv2_7/Conv')).toBe('layer4/layer4.1/conv2');
    expect(child(tree.root, 'conv1').kind).toBe('stem');
    // The residual Add and the ReLU after it belong to their unit.
    expect(tree.blockOfNode.get('/Add_7')).toBe('layer4/layer4.1');
    expect(tree.blockOfNode.get('/relu_16/Relu')).toBe('layer4/layer4.1/relu');
    // Boundaries and counts.
    const unit = child(layer4, 'layer4.1');
    expect(unit.inputs.map((t) => t.name)).toEqual(['/relu_14/Relu_output_0']);
    expect(unit.outputs.map((t) => t.name)).toEqual(['/relu_16/Relu_output_0']);
    expect(unit.params).toBe(2 * (512 * 512 * 9 + 512));
    expect(tree.root.inputs.map((t) => t.name)).toEqual(['input']);
    expect(tree.root.outputs[0]).toMatchObject({ name: 'logits', dtype: 'float32' });
    expect(tree.blockOfNode.size).toBe(g.nodes.length);

    const head = detectHead(g, tree);
    expect(head).toMatchObject({ block: 'fc', nodeId: '/fc/Gemm', opType: 'Gemm', weight: 'fc.weight', bias: 'fc.bias', inFeatures: 512, outFeatures: 5, softmaxNodeId: null });
    expect(child(tree.root, 'fc').kind).toBe('head');
  });

  it('MobileNetV3-Small: squeeze-excite blocks and the classifier head', () => {
    const g = graphFromModel(loadModel('mobilenet_v3_small'));
    const tree = buildBlockTree(g);
    const se = allBlocks(tree.root).filter((b) => b.kind === 'squeeze-excite');
    expect(se.map((b) => b.path)).toContain('features/features.1/block/block.1');
    expect(se.length).toBe(9);
    const seBlock = tree.blocks.get('features/features.4/block/block.2')!;
    expect(seBlock.kind).toBe('squeeze-excite');
    expect(seBlock.children.map((b) => b.name)).toEqual(['avgpool', 'fc1', 'activation', 'fc2', 'scale_activation']);
    expect(allBlocks(tree.root).filter((b) => b.kind === 'residual').length).toBe(6);
    const head = detectHead(g, tree);
    expect(head).toMatchObject({ block: 'classifier/classifier.3', weight: 'classifier.3.weight', inFeatures: 1024, outFeatures: 3 });
    expect(child(tree.root, 'classifier').kind).toBe('head');
  });

  it('bn_inference: full PyTorch scopes nest; unscoped nodes sit in the root', () => {
    const g = graphFromModel(loadModel('bn_inference'));
    const tree = buildBlockTree(g);
    expect(tree.source).toBe('scopes');
    const features = child(tree.root, 'features');
    expect(features.children.map((b) => [b.name, b.kind])).toEqual([['conv', 'conv'], ['bn', 'norm'], ['relu', 'activation']]);
    expect(child(features, 'bn').params).toBe(16); // scale and bias, not the running statistics
    expect(tree.root.nodeIds).toEqual(['/Flatten']);
  });

  it('LSTM, GRU and RNN classifiers: recurrent info', () => {
    const expectCell = (name: string, cell: string) => {
      const g = graphFromModel(loadModel(name));
      const tree = buildBlockTree(g);
      const rec = recurrentNodes(g, tree);
      expect(rec).toEqual([{ nodeId: `/rnn/${cell}`, block: 'rnn', cell, hiddenSize: 16, direction: 'forward', inputSize: 8 }]);
      expect(child(tree.root, 'rnn').kind).toBe('recurrent');
      expect(detectHead(g, tree)).toMatchObject({ block: 'head', inFeatures: 16, outFeatures: 3 });
      // The unscoped constant feeding the LSTM's shape arithmetic goes with its reader.
      expect(tree.blockOfNode.get('Constant_4')).toBe('rnn');
    };
    expectCell('lstm_classifier', 'LSTM');
    expectCell('gru_classifier', 'GRU');
    expectCell('rnn_classifier', 'RNN');
  });
});

describe.skipIf(!hasFixtures)('blocks from topology (names stripped)', () => {
  it('ResNet-18: stem, four stages of two residual units, head', () => {
    const g = withShapes(graphFromModel(anonymised(loadModel('resnet18'))));
    const tree = buildBlockTree(g);
    expect(tree.source).toBe('topology');
    expect(tree.root.children.map((b) => [b.name, b.kind])).toEqual([
      ['stem', 'stem'], ['stage1', 'stage'], ['stage2', 'stage'], ['stage3', 'stage'], ['stage4', 'stage'], ['head', 'head'],
    ]);
    for (const s of tree.root.children.filter((b) => b.kind === 'stage')) {
      expect(s.children.map((b) => [b.name, b.kind])).toEqual([['unit1', 'residual'], ['unit2', 'residual']]);
    }
    expect(child(tree.root, 'stem').nodeIds.map((id) => g.node(id).opType)).toEqual(['Conv', 'Relu', 'MaxPool']);
    expect(child(tree.root, 'head').nodeIds.map((id) => g.node(id).opType)).toEqual(['GlobalAveragePool', 'Flatten', 'Gemm']);
    expect(child(child(tree.root, 'stage2'), 'unit1').params).toBe(128 * 64 * 9 + 128 + 128 * 128 * 9 + 128 + 128 * 64 + 128);
    expect(detectHead(g, tree)).toMatchObject({ block: 'head', inFeatures: 512, outFeatures: 5 });
    expect(tree.root.params).toBe(countParams(parameterValues(g)));
  });

  it('MobileNetV3-Small: squeeze-excite units nest in residual units', () => {
    const g = withShapes(graphFromModel(anonymised(loadModel('mobilenet_v3_small'))));
    const tree = buildBlockTree(g);
    expect(tree.source).toBe('topology');
    const names = tree.root.children.map((b) => b.name);
    expect(names[0]).toBe('stem');
    expect(names[names.length - 1]).toBe('head');
    const kinds = allBlocks(tree.root).map((b) => b.kind);
    expect(kinds.filter((k) => k === 'squeeze-excite').length).toBe(9);
    expect(kinds.filter((k) => k === 'residual').length).toBe(6);
    const nested = allBlocks(tree.root).find((b) => b.kind === 'residual' && b.children.some((c) => c.kind === 'squeeze-excite'));
    expect(nested?.path).toMatch(/^stage\d+\/unit\d+$/);
    expect(detectHead(g, tree)).toMatchObject({ block: 'head', inFeatures: 1024, outFeatures: 3 });
  });
});

// ---- hand-built graphs ----------------------------------------------------------------------

function floats(name: string, dims: number[]) {
  return makeTensor(name, DataType.FLOAT, dims, new Float32Array(numel(dims)).fill(0.5));
}

function input(g: Graph, name: string, shape: (number | string)[]) {
  const v = g.createValue(name);
  v.type = { elemType: DataType.FLOAT, shape };
  g.inputs.push(v);
  return v;
}

describe('hand-built graphs', () => {
  it('MatMul + Add head with a Softmax after it', () => {
    const g = new Graph('mlp');
    const emit = new Emitter(g, 17);
    const x = input(g, 'x', ['N', 8]);
    const w1 = g.addInitializer('body.weight', floats('body.weight', [8, 6]));
    const w2 = g.addInitializer('out.weight', floats('out.weight', [6, 4]));
    const b2 = g.addInitializer('out.bias', floats('out.bias', [4]));
    const shape = g.addInitializer('shape', makeTensor('shape', DataType.INT64, [2], new BigInt64Array([-1n, 6n])));
    const h = emit.op('MatMul', [x, w1], {}, '/body/MatMul');
    const r = emit.op('Relu', [h], {}, '/act/Relu');
    const rs = emit.op('Reshape', [r, shape], {}, '/Reshape');
    const mm = emit.op('MatMul', [rs, w2], {}, '/out/MatMul');
    const add = emit.op('Add', [mm, b2], {}, '/out/Add');
    const sm = emit.op('Softmax', [add], {}, '/Softmax');
    g.outputs.push(sm);

    expect(parameterValues(g).map((v) => v.name)).toEqual(['body.weight', 'out.weight', 'out.bias']);
    expect(countParams(parameterValues(g))).toBe(48 + 24 + 4);
    const tree = buildBlockTree(g);
    expect(detectHead(g, tree)).toEqual({
      block: 'out', nodeId: '/out/MatMul', opType: 'MatMul', weight: 'out.weight', bias: 'out.bias',
      inFeatures: 6, outFeatures: 4, softmaxNodeId: '/Softmax',
    });
    expect(child(tree.root, 'out').params).toBe(28);
    expect(child(tree.root, 'out').kind).toBe('head');
  });

  it('a weight tied through Identity counts once, in the block holding both readers', () => {
    const g = new Graph('tied');
    const emit = new Emitter(g, 17);
    const ids = g.createValue('ids');
    ids.type = { elemType: DataType.INT64, shape: ['N'] };
    g.inputs.push(ids);
    const table = g.addInitializer('emb.weight', floats('emb.weight', [10, 4]));
    const tied = emit.op('Identity', [table], {}, 'Identity_0');
    const e = emit.op('Gather', [table, ids], {}, '/enc/emb/Gather');
    const logits = emit.op('Gemm', [e, tied], { transB: 1 }, '/dec/proj/Gemm');
    g.outputs.push(logits);

    expect(parameterValues(g).map((v) => v.name)).toEqual(['emb.weight']);
    expect(countParams(parameterValues(g))).toBe(40);
    const tree = buildBlockTree(g);
    expect(tree.root.params).toBe(40);
    expect(child(tree.root, 'enc').params).toBe(0); // shared with dec: owned by their common ancestor
    expect(tree.blockOfNode.get('Identity_0')).toBe('dec/proj'); // a constant goes with its reader
    expect(detectHead(g, tree)).toMatchObject({ nodeId: '/dec/proj/Gemm', weight: 'emb.weight', inFeatures: 4, outFeatures: 10, bias: null });
  });

  it('the last stage of a network wrapped, head included, in one scope (tf2onnx) is beside the head', () => {
    const g = new Graph('wrapped');
    const emit = new Emitter(g, 17);
    const x = input(g, 'x', ['N', 3, 8, 8]);
    const scope = 'StatefulPartitionedCall/sequential';
    let v = emit.op('Identity', [x], {}, 'input_transpose'); // outside the scope, as tf2onnx's input Transpose
    for (const [i, c] of [[1, 3], [2, 4]]) {
      const w = g.addInitializer(`conv${i}.w`, floats(`conv${i}.w`, [4, c, 3, 3]));
      v = emit.op('Relu', [emit.op('Conv', [v, w], { pads: [1, 1, 1, 1] }, `${scope}/conv2d_${i}/Conv`)], {}, `${scope}/conv2d_${i}/Relu`);
    }
    const pooled = emit.op('Flatten', [emit.op('GlobalAveragePool', [v], {}, `${scope}/pool/GlobalAveragePool`)], {}, `${scope}/pool/Flatten`);
    g.outputs.push(emit.op('Gemm', [pooled, g.addInitializer('dense.w', floats('dense.w', [5, 4]))], { transB: 1 }, `${scope}/dense/Gemm`));
    const tree = buildBlockTree(withShapes(g));
    expect(tree.root.children.filter((b) => b.params > 0).map((b) => b.path)).toEqual(['StatefulPartitionedCall']);
    expect(presetBlocks(g, tree, 'fine-tune', 1)).toEqual([`${scope}/conv2d_2`, `${scope}/dense`]);
  });

  it("a lone BatchNorm before the head (DenseNet's norm5) trains with the last stage, not instead of it", () => {
    const g = new Graph('densenet-like');
    const emit = new Emitter(g, 17);
    let v = input(g, 'x', ['N', 4, 8, 8]);
    for (const name of ['block1', 'block2']) {
      const w = g.addInitializer(`${name}.w`, floats(`${name}.w`, [4, 4, 3, 3]));
      v = emit.op('Relu', [emit.op('Conv', [v, w], { pads: [1, 1, 1, 1] }, `/features/${name}/conv/Conv`)], {}, `/features/${name}/relu/Relu`);
    }
    const bn = ['scale', 'bias', 'mean', 'var'].map((k) => g.addInitializer(`norm5.${k}`, floats(`norm5.${k}`, [4])));
    v = emit.op('BatchNormalization', [v, ...bn], {}, '/features/norm5/BatchNormalization');
    const pooled = emit.op('Flatten', [emit.op('GlobalAveragePool', [v], {}, '/GlobalAveragePool')], {}, '/Flatten');
    g.outputs.push(emit.op('Gemm', [pooled, g.addInitializer('classifier.w', floats('classifier.w', [5, 4]))], { transB: 1 }, '/classifier/Gemm'));
    const tree = buildBlockTree(withShapes(g));
    expect(presetBlocks(g, tree, 'fine-tune', 1)).toEqual(['features/block2', 'features/norm5', 'classifier']);
  });

  it('children follow the dataflow, not the order the exporter listed their weight Identities in', () => {
    // As DenseNet-121 exports: the weight Identity nodes come first, the last layer's first.
    const g = new Graph('dense');
    const emit = new Emitter(g, 17);
    const x = input(g, 'x', ['N', 4]);
    const weights = ['stage3', 'stage2', 'stage1'].map((s) => emit.op('Identity', [g.addInitializer(`${s}.w`, floats(`${s}.w`, [4, 4]))], {}, `Identity_${s}`));
    let h = x;
    for (const s of ['stage1', 'stage2', 'stage3']) h = emit.op('MatMul', [h, weights[3 - Number(s.slice(-1))]], {}, `/${s}/MatMul`);
    g.outputs.push(emit.op('Gemm', [h, g.addInitializer('fc.w', floats('fc.w', [2, 4]))], { transB: 1 }, '/fc/Gemm'));
    const tree = buildBlockTree(g);
    expect(tree.root.children.map((b) => b.name)).toEqual(['stage1', 'stage2', 'stage3', 'fc']);
    expect(headAndLastStages(tree, detectHead(g, tree), 1)).toEqual(['stage3', 'fc']);
  });

  it("a fine-tune stage is a block of blocks: a trailing norm trains with the last stage, it is not one", () => {
    const g = new Graph('densenet-like');
    const emit = new Emitter(g, 17);
    let h = input(g, 'x', ['N', 4]);
    const mm = (scope: string) => (h = emit.op('MatMul', [h, g.addInitializer(`${scope}.w`, floats(`${scope}.w`, [4, 4]))], {}, `/${scope}/MatMul`));
    for (const scope of ['features/conv0', 'features/block1/layer1', 'features/block1/layer2', 'features/block2/layer1', 'features/block2/layer2', 'features/norm5']) mm(scope);
    g.outputs.push(emit.op('Gemm', [h, g.addInitializer('fc.w', floats('fc.w', [2, 4]))], { transB: 1 }, '/fc/Gemm'));
    const tree = buildBlockTree(g);
    expect(headAndLastStages(tree, detectHead(g, tree), 1)).toEqual(['features/block2', 'features/norm5', 'fc']);
    expect(headAndLastStages(tree, detectHead(g, tree), 2)).toEqual(['features/block1', 'features/block2', 'features/norm5', 'fc']);
  });

  it('initializers listed as graph inputs (IR < 4) are parameters', () => {
    const g = new Graph('old');
    const x = input(g, 'x', [1, 3]);
    const w = g.addInitializer('W', floats('W', [2, 3]));
    g.inputs.push(w);
    g.outputs.push(new Emitter(g, 17).op('Gemm', [x, w], { transB: 1 }));
    expect(parameterValues(g).map((v) => v.name)).toEqual(['W']);
    const tree = buildBlockTree(g);
    expect(tree.root.inputs.map((t) => t.name)).toEqual(['x']);
  });

  it('builds the tree of a 1,500-node model', () => {
    const g = new Graph('deep');
    const emit = new Emitter(g, 17);
    let v = input(g, 'x', ['N', 16, 32, 32]);
    for (let s = 0; s < 4; s++) {
      for (let u = 0; u < 75; u++) {
        const scope = `/layer${s}/layer${s}.${u}`;
        const w1 = g.addInitializer(`w${s}_${u}a`, floats('a', [16, 16, 3, 3]));
        const w2 = g.addInitializer(`w${s}_${u}b`, floats('b', [16, 16, 3, 3]));
        const c1 = emit.op('Conv', [v, w1], {}, `${scope}/conv1/Conv`);
        const r1 = emit.op('Relu', [c1], {}, `${scope}/relu/Relu`);
        const c2 = emit.op('Conv', [r1, w2], {}, `${scope}/conv2/Conv`);
        const a = emit.op('Add', [c2, v], {}, `${scope}/Add`);
        v = emit.op('Relu', [a], {}, `${scope}/relu_1/Relu`);
      }
    }
    g.outputs.push(v);
    expect(g.nodes.length).toBe(1500);
    // How long it takes is measured by `npm run bench` (deep resnet, 1,500+ nodes), not here.
    const tree = buildBlockTree(g);
    expect(tree.root.children.length).toBe(4);
    expect(tree.blocks.get('layer3/layer3.74')!.kind).toBe('residual');
  });
});

describe("torch's ViT export, weights merged behind Identity nodes at the top of the graph", () => {
  it('lists blocks in computing order, so the encoder is the last stage before the head', () => {
    const bytes = readFileSync(new URL('../autodiff/testdata/tiny_vit/model.onnx', import.meta.url));
    const g = withShapes(graphFromModel(decodeModel(bytes, 'tiny_vit')));
    expect(g.nodes[0].opType).toBe('Identity'); // what misled the order
    const tree = buildBlockTree(g);
    expect(tree.root.children.map((b) => b.name)).toEqual(['conv_proj', 'encoder', 'heads']);
    expect(presetBlocks(g, tree, 'fine-tune', 1)).toEqual(['encoder', 'heads']);
  });
});
