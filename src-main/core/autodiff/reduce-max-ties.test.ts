// ReduceMax's gradient at a tie of three, which central differences cannot judge (a step
// moves one element off the tie), against PyTorch's numbers.
import type * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { graphInput, newModel } from '../ir/builder.js';
import { Emitter } from '../ir/emitter.js';
import { Graph } from '../ir/graph.js';
import { DataType } from '../onnx/dtype.js';
import { encodeModel } from '../onnx/codec.js';
import { makeTensor } from '../onnx/tensor.js';
import { inferShapes } from '../shape/infer.js';
import { compileTrainingStep } from '../train/compile.js';
import { ortTensor, runOrt } from '../../test-support/ort.js';

describe("ties follow PyTorch's amax", () => {
  // torch 1.13: x = [[3, 3, 3, 1]]; x.amax(1).sum().backward() gives [[1/3, 1/3, 1/3, 0]].
  it('ReduceMax splits the gradient evenly among three equal maxima', async () => {
    const step = compileTrainingStep(gemmWrapped(), { trainable: 'all', loss: 'mse', optimizer: null });
    const feeds: Record<string, ort.Tensor> = { [step.data]: tensor([3, 3, 3, 1], [1, 4]), [step.target]: tensor([0], [1]) };
    for (const [n, t] of step.initialParams) feeds[n] = ortTensor(t);
    const out = await runOrt(encodeModel(step.model), feeds);
    // mse against 0: dL/dy = 2y = 6, so dL/dx = 6·[1/3, 1/3, 1/3, 0] = [2, 2, 2, 0];
    // x = data·I, so dL/dI[i][j] = data_i·dL/dx_j.
    const grad = Array.from(out[step.gradOutputs.get('eye')!].data as Float32Array);
    const want = [3, 3, 3, 1].flatMap((d) => [2, 2, 2, 0].map((v) => d * v));
    grad.forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
  });
});

/** data [1,4] -> Gemm(data, I) -> ReduceMax over axis 1: the identity I is the parameter. */
function gemmWrapped() {
  const g = new Graph('ties');
  const e = new Emitter(g, 17);
  const data = graphInput(g, 'data', { elemType: DataType.FLOAT, shape: [1, 4] });
  const eye = new Float32Array(16);
  for (let i = 0; i < 4; i++) eye[i * 5] = 1;
  const x = e.op('Gemm', [data, g.addInitializer('eye', makeTensor('eye', DataType.FLOAT, [4, 4], eye))]);
  g.outputs = [e.op('ReduceMax', [x], { axes: [1], keepdims: 0 })];
  inferShapes(g, { opset: 17 });
  return newModel(g, { opset: 17 });
}

function tensor(values: number[], dims: number[]) {
  return ortTensor(makeTensor('t', DataType.FLOAT, dims, Float32Array.from(values)));
}
