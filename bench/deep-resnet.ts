// A synthetic deep residual network for load benchmarks: `units` residual units in 4 stages,
// scoped names as PyTorch writes them (or none, to exercise the topology path).
import { DataType } from '../src-main/core/onnx/dtype.js';
import type { ModelProto } from '../src-main/core/onnx/gen/onnx_pb.js';
import { makeTensor } from '../src-main/core/onnx/tensor.js';
import { Graph, type Value } from '../src-main/core/ir/graph.js';
import { graphInput, newModel } from '../src-main/core/ir/builder.js';
import { Emitter } from '../src-main/core/ir/emitter.js';
import { seededRandom, uniform } from '../src-main/core/random.js';

/** `base`: channels of the first stage (doubling per stage); small values keep the file small. */
export function deepResnet(unitsPerStage: number, named = true, base = 16): ModelProto {
  const g = new Graph('deep_resnet');
  const e = new Emitter(g, 13);
  const rand = seededRandom(1);
  const param = (name: string, dims: number[]): Value => g.addInitializer(name, makeTensor(name, DataType.FLOAT, dims, uniform(rand, dims.reduce((a, b) => a * b, 1), 0.05)));
  const n = (s: string) => (named ? s : undefined);
  let x = graphInput(g, 'input', { elemType: DataType.FLOAT, shape: ['N', 3, 64, 64] });
  x = e.op('Conv', [x, param('conv1.weight', [base, 3, 3, 3]), param('conv1.bias', [base])], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, n('/conv1/Conv'));
  x = e.op('Relu', [x], {}, n('/relu/Relu'));
  let c = base;
  for (let s = 1; s <= 4; s++) {
    const cout = base * 2 ** (s - 1);
    for (let u = 0; u < unitsPerStage; u++) {
      const scope = `/layer${s}/layer${s}.${u}`;
      const p = `layer${s}.${u}`;
      const stride = s > 1 && u === 0 ? 2 : 1;
      let y = e.op('Conv', [x, param(`${p}.conv1.weight`, [cout, c, 3, 3]), param(`${p}.conv1.bias`, [cout])], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [stride, stride] }, n(`${scope}/conv1/Conv`));
      y = e.op('Relu', [y], {}, n(`${scope}/relu/Relu`));
      y = e.op('Conv', [y, param(`${p}.conv2.weight`, [cout, cout, 3, 3]), param(`${p}.conv2.bias`, [cout])], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, n(`${scope}/conv2/Conv`));
      let skip = x;
      if (stride !== 1 || c !== cout) {
        skip = e.op('Conv', [x, param(`${p}.downsample.0.weight`, [cout, c, 1, 1]), param(`${p}.downsample.0.bias`, [cout])], { kernel_shape: [1, 1], strides: [stride, stride] }, n(`${scope}/downsample/downsample.0/Conv`));
      }
      x = e.op('Add', [y, skip], {}, n(`${scope}/Add`));
      x = e.op('Relu', [x], {}, n(`${scope}/relu_1/Relu`));
      c = cout;
    }
  }
  x = e.op('GlobalAveragePool', [x], {}, n('/avgpool/GlobalAveragePool'));
  x = e.op('Flatten', [x], { axis: 1 }, n('/Flatten'));
  const logits = e.op('Gemm', [x, param('fc.weight', [10, c]), param('fc.bias', [10])], { transB: 1 }, n('/fc/Gemm'));
  g.renameValue(logits, 'logits');
  g.outputs.push(logits);
  return newModel(g, { opset: 13 });
}
