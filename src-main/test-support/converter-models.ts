// Models as converters write them: a small ResNet in paddle2onnx's style, with every weight
// in a Constant node named as Paddle names its tensors (conv2d_3.w_0, batch_norm_3.b_0,
// linear_0.w_0) and node names that say only the op ("p2o.Conv.3").
import { Emitter } from '../core/ir/emitter.js';
import { Graph, type Value } from '../core/ir/graph.js';
import { graphInput, newModel } from '../core/ir/builder.js';
import { DataType } from '../core/onnx/dtype.js';
import type { ModelProto } from '../core/onnx/gen/onnx_pb.js';
import { makeTensor, numel } from '../core/onnx/tensor.js';
import { seededRandom, uniform } from '../core/random.js';

export interface ConverterModel {
  model: ModelProto;
  /** Trainable elements as the source framework counts them (BN running statistics excluded). */
  params: number;
  /** Weight names per stage, for checking where the blocks put them. */
  convsOfStage: string[][];
  classes: number;
}

/**
 * stem conv -> stage of one residual unit (8 channels, 16x16) -> stage with a downsampling
 * unit (1x1 stride-2 shortcut) and a residual unit (16 channels, 8x8) -> global pool ->
 * reshape -> scale by 1 -> Linear(16, classes) as MatMul + Add. Batch norm is not folded.
 */
export function paddleStyleResNet(classes = 5, seed = 7): ConverterModel {
  const graph = new Graph('paddle_resnet');
  const e = new Emitter(graph, 13);
  const rand = seededRandom(seed);
  let counter = 0;
  const named = (op: string) => `p2o.${op}.${counter++}`;
  let params = 0;
  const constant = (name: string, dims: number[], values: Float32Array, trainable: boolean): Value => {
    const v = e.op('Constant', [], { value: makeTensor(name, DataType.FLOAT, dims, values) }, named('Constant'));
    graph.renameValue(v, name);
    if (trainable) params += numel(dims);
    return v;
  };
  let convs = 0;
  let norms = 0;
  const convBn = (x: Value, cin: number, cout: number, k: number, stride: number, relu: boolean): { y: Value; conv: string } => {
    const c = `conv2d_${convs++}`;
    const w = constant(`${c}.w_0`, [cout, cin, k, k], uniform(rand, cout * cin * k * k, 1 / Math.sqrt(cin * k * k)), true);
    const conv = e.op('Conv', [x, w], { kernel_shape: [k, k], strides: [stride, stride], pads: Array(4).fill((k - 1) / 2) }, named('Conv'));
    const b = `batch_norm_${norms++}`;
    const scale = constant(`${b}.w_0`, [cout], uniform(rand, cout, 0.2).map((v) => 1 + v), true);
    const bias = constant(`${b}.b_0`, [cout], uniform(rand, cout, 0.1), true);
    const mean = constant(`${b}.w_1`, [cout], uniform(rand, cout, 0.1), false);
    const variance = constant(`${b}.w_2`, [cout], uniform(rand, cout, 0.2).map((v) => 1 + v), false);
    const y = e.op('BatchNormalization', [conv, scale, bias, mean, variance], { epsilon: 1e-5 }, named('BatchNormalization'));
    return { y: relu ? e.op('Relu', [y], {}, named('Relu')) : y, conv: c };
  };
  const unit = (x: Value, cin: number, cout: number, stride: number, convNames: string[]): Value => {
    const a = convBn(x, cin, cout, 3, stride, true);
    const b = convBn(a.y, cout, cout, 3, 1, false);
    convNames.push(a.conv, b.conv);
    let skip = x;
    if (stride !== 1 || cin !== cout) {
      const s = convBn(x, cin, cout, 1, stride, false);
      convNames.push(s.conv);
      skip = s.y;
    }
    return e.op('Relu', [e.op('Add', [b.y, skip], {}, named('Add'))], {}, named('Relu'));
  };

  const x = graphInput(graph, 'x', { elemType: DataType.FLOAT, shape: ['N', 3, 16, 16] });
  const stem = convBn(x, 3, 8, 3, 1, true);
  const stage1: string[] = [];
  const stage2: string[] = [];
  let h = unit(stem.y, 8, 8, 1, stage1);
  h = unit(h, 8, 16, 2, stage2);
  h = unit(h, 16, 16, 1, stage2);
  // Paddle's flatten and scale ops: a shape and a scalar in Constant nodes, which are not weights.
  const shape = e.op('Constant', [], { value: makeTensor('shape', DataType.INT64, [2], BigInt64Array.of(0n, -1n)) }, named('Constant'));
  const one = e.op('Constant', [], { value: makeTensor('scale', DataType.FLOAT, [], Float32Array.of(1)) }, named('Constant'));
  const pooled = e.op('Mul', [e.op('Reshape', [e.op('GlobalAveragePool', [h], {}, named('GlobalAveragePool')), shape], {}, named('Reshape')), one], {}, named('Mul'));
  const w = constant('linear_0.w_0', [16, classes], uniform(rand, 16 * classes, 0.25), true);
  const b = constant('linear_0.b_0', [classes], uniform(rand, classes, 0.25), true);
  const logits = e.op('Add', [e.op('MatMul', [pooled, w], {}, named('MatMul')), b], {}, named('Add'));
  graph.renameValue(logits, 'logits');
  graph.outputs.push(logits);
  return { model: newModel(graph, { opset: 13, producer: 'PaddlePaddle' }), params, convsOfStage: [[stem.conv], stage1, stage2], classes };
}
