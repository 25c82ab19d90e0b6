// Converter-made models (paddle2onnx style): weights in Constant nodes, node names that only
// number the op. Lifted on open, the weights are counted as the builder counted them, the
// model computes what it computed before (onnxruntime), and the blocks are stages, units and
// layers named by the weights' own names instead of one group per op type.
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { encodeModel } from '../onnx/codec.js';
import { graphFromModel } from '../ir/proto.js';
import { inferShapes } from '../shape/infer.js';
import { seededRandom, uniform } from '../random.js';
import { paddleStyleResNet } from '../../test-support/converter-models.js';
import { runOrt } from '../../test-support/ort.js';
import { liftConstantWeights, withConstantWeightsLifted } from './constant-weights.js';
import { layerOfTensor } from './param-names.js';
import { type Block, buildBlockTree, countParams, parameterValues } from './index.js';

const converted = paddleStyleResNet(5);

describe('Constant-node weights', () => {
  it('are lifted to initializers of the same name: counted, and the model computes the same', async () => {
    expect(countParams(parameterValues(graphFromModel(converted.model)))).toBe(0); // what the studio saw before
    const { model, lifted } = withConstantWeightsLifted(converted.model);
    // 8 convs, 8 batch norms (scale, bias and both running statistics), the Linear's weight and bias.
    expect(lifted.length).toBe(8 + 8 * 4 + 2);
    expect(lifted).toEqual(expect.arrayContaining(['conv2d_7.w_0', 'batch_norm_3.b_0', 'batch_norm_3.w_2', 'linear_0.w_0']));
    const g = graphFromModel(model);
    expect(g.nodes.filter((n) => n.opType === 'Constant').length).toBe(2); // the shape and the scalar
    expect(countParams(parameterValues(g))).toBe(converted.params);
    // convs 216 + 2·576 + 1152 + 3·2304 + 128; BN scale and bias 2·(3·8 + 5·16); Linear 16·5 + 5
    expect(converted.params).toBe(9560 + 208 + 85);

    const x = new ort.Tensor('float32', uniform(seededRandom(3), 2 * 3 * 16 * 16, 1), [2, 3, 16, 16]);
    const [before, after] = [await runOrt(encodeModel(converted.model), { x }), await runOrt(encodeModel(model), { x })];
    expect(Array.from(after.logits.data as Float32Array)).toEqual(Array.from(before.logits.data as Float32Array));
  });

  it('leave other files alone: the same model object, nothing lifted', () => {
    const { model } = withConstantWeightsLifted(converted.model);
    const again = withConstantWeightsLifted(model);
    expect(again.lifted).toEqual([]);
    expect(again.model).toBe(model);
  });

  it('lift only weights: the reshape target and the scalar scale stay Constant nodes', () => {
    const g = graphFromModel(converted.model);
    const before = g.nodes.filter((n) => n.opType === 'Constant').length;
    expect(liftConstantWeights(g).length).toBe(before - 2);
    expect(g.nodes.filter((n) => n.opType === 'Constant').map((n) => n.output(0)!.type?.elemType ?? n.attributes[0].t!.dataType)).toEqual([7, 1]);
  });
});

function shape(b: Block): unknown {
  return b.children.length === 0 ? b.kind : Object.fromEntries(b.children.map((c) => [c.name, shape(c)]));
}

describe('blocks of a converter-made model', () => {
  it('are stages between downsampling points, residual units, and layers named by their weights', () => {
    const g = graphFromModel(withConstantWeightsLifted(converted.model).model);
    inferShapes(g);
    const tree = buildBlockTree(g);
    expect(tree.source).toBe('topology');
    expect(shape(tree.root)).toEqual({
      stem: { conv2d_0: 'conv', batch_norm_0: 'norm' },
      stage1: { unit1: { conv2d_1: 'conv', batch_norm_1: 'norm', conv2d_2: 'conv', batch_norm_2: 'norm' } },
      stage2: {
        unit1: { conv2d_3: 'conv', batch_norm_3: 'norm', conv2d_4: 'conv', batch_norm_4: 'norm', conv2d_5: 'conv', batch_norm_5: 'norm' },
        unit2: { conv2d_6: 'conv', batch_norm_6: 'norm', conv2d_7: 'conv', batch_norm_7: 'norm' },
      },
      head: { linear_0: 'linear' },
    });
    const kinds = tree.root.children.map((b) => b.kind);
    expect(kinds).toEqual(['stem', 'stage', 'stage', 'head']);
    expect(tree.blocks.get('stage2/unit1')!.kind).toBe('residual');
    // Counts per block, from the shapes: a 3x3 conv 8->8 and its batch norm's scale and bias.
    expect(tree.blocks.get('stage1')!.params).toBe(2 * (8 * 8 * 9 + 16));
    expect(tree.blocks.get('head')!.params).toBe(16 * 5 + 5);
    expect(tree.root.params).toBe(converted.params);
    // The residual Add and the ReLU after it belong to their unit, not to a group of Adds.
    const add = g.nodes.filter((n) => n.opType === 'Add')[0];
    expect(tree.blockOfNode.get(add.id)).toBe('stage1/unit1');
  });
});

describe('layer names from tensor names', () => {
  it.each([
    ['conv2d_12.w_0', 'conv2d_12'], // paddle2onnx
    ['batch_norm_3.b_0', 'batch_norm_3'],
    ['res2_0_branch2a_w', 'res2_0_branch2a'], // Caffe2
    ['res2_0_branch2a_bn_s', 'res2_0_branch2a'],
    ['dense_1/kernel', 'dense_1'], // Keras
    ['layer1.0.conv1.weight', 'layer1.0.conv1'],
    ['onnx::Conv_123', null], // anonymous
    ['W_3', null],
  ])('%s -> %s', (name, layer) => expect(layerOfTensor(name)).toBe(layer));
});
