// A small image classifier in the shape PyTorch exports it (scoped node names, module-path
// initializer names), initialised as torch.nn initialises Conv2d and Linear.
import { DataType } from '../onnx/dtype.js';
import type { ModelProto } from '../onnx/gen/onnx_pb.js';
import { makeTensor } from '../onnx/tensor.js';
import { Graph, type Value } from '../ir/graph.js';
import { graphInput, newModel } from '../ir/builder.js';
import { Emitter } from '../ir/emitter.js';
import { seededRandom, uniform } from '../random.js';
import { CLASS_NAMES_KEY } from '../surgery/metadata.js';

export interface ImageCnnOptions {
  channels: number;
  height: number;
  width: number;
  classes: number;
  /** Output channels of each conv stage; each stage is conv 3x3, ReLU, max-pool 2x2. */
  widths: number[];
  /**
   * 'global': global average pooling before the classifier (few features, any input size);
   * 'flatten': the last feature map flattened (keeps where things are: better features to
   * transfer from small images).
   */
  pooling: 'global' | 'flatten';
  hidden: number;
  seed: number;
  classNames?: string[];
}

const OPSET = 13;

export function imageCnn(o: ImageCnnOptions): ModelProto {
  const g = new Graph('main_graph');
  const e = new Emitter(g, OPSET);
  const rand = seededRandom(o.seed);
  // kaiming_uniform(a=sqrt(5)) for weights and the matching bias bound: both 1/sqrt(fan_in).
  const param = (name: string, dims: number[], fanIn: number): Value =>
    g.addInitializer(name, makeTensor(name, DataType.FLOAT, dims, uniform(rand, dims.reduce((a, b) => a * b, 1), 1 / Math.sqrt(fanIn))));

  let x = graphInput(g, 'input', { elemType: DataType.FLOAT, shape: ['N', o.channels, o.height, o.width] });
  let cin = o.channels;
  let index = 0;
  o.widths.forEach((cout, stage) => {
    const conv = `features.${index}`;
    const w = param(`${conv}.weight`, [cout, cin, 3, 3], cin * 9);
    const b = param(`${conv}.bias`, [cout], cin * 9);
    x = e.op('Conv', [x, w, b], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [1, 1] }, `/features/${conv}/Conv`);
    x = e.op('Relu', [x], {}, `/features/features.${index + 1}/Relu`);
    const last = stage === o.widths.length - 1;
    if (!last || o.pooling === 'flatten') {
      x = e.op('MaxPool', [x], { kernel_shape: [2, 2], strides: [2, 2] }, `/features/features.${index + 2}/MaxPool`);
      index += 3;
    } else index += 2;
    cin = cout;
  });
  let features = cin;
  if (o.pooling === 'global') x = e.op('GlobalAveragePool', [x], {}, '/avgpool/GlobalAveragePool');
  else {
    let [h, w] = [o.height, o.width];
    for (let i = 0; i < o.widths.length; i++) [h, w] = [Math.floor(h / 2), Math.floor(w / 2)];
    features = cin * h * w;
  }
  x = e.op('Flatten', [x], { axis: 1 }, '/Flatten');
  const w0 = param('classifier.0.weight', [o.hidden, features], features);
  const b0 = param('classifier.0.bias', [o.hidden], features);
  x = e.op('Gemm', [x, w0, b0], { alpha: { float: 1 }, beta: { float: 1 }, transB: 1 }, '/classifier/classifier.0/Gemm');
  x = e.op('Relu', [x], {}, '/classifier/classifier.1/Relu');
  const w1 = param('classifier.3.weight', [o.classes, o.hidden], o.hidden);
  const b1 = param('classifier.3.bias', [o.classes], o.hidden);
  const logits = e.op('Gemm', [x, w1, b1], { alpha: { float: 1 }, beta: { float: 1 }, transB: 1 }, '/classifier/classifier.3/Gemm');
  g.renameValue(logits, 'logits');
  g.outputs.push(logits);
  logits.type = { elemType: DataType.FLOAT, shape: ['N', o.classes] };
  return newModel(g, {
    opset: OPSET,
    metadata: o.classNames ? { [CLASS_NAMES_KEY]: JSON.stringify(o.classNames) } : {},
  });
}
