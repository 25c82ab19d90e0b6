// The rules of modern networks against central finite differences (the shared harness in
// test-support/grad-check.ts); the cases are in rules-modern.cases.ts. Ties of three, which
// central differences cannot judge, are checked against PyTorch's numbers.
import type * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { graphInput, newModel, op } from '../ir/builder.js';
import { Graph } from '../ir/graph.js';
import { DataType } from '../onnx/dtype.js';
import { encodeModel } from '../onnx/codec.js';
import { makeTensor } from '../onnx/tensor.js';
import { inferShapes } from '../shape/infer.js';
import { compileTrainingStep } from '../train/compile.js';
import { checkCase, releaseSessions } from '../../test-support/grad-check.js';
import { ortTensor, runOrt } from '../../test-support/ort.js';
import { MODERN_CASES } from './rules-modern.cases.js';

afterAll(releaseSessions);

describe('gradient rules of modern networks against finite differences', () => {
  for (const c of MODERN_CASES) {
    it(`${c.op}: ${c.name} (opset ${c.opset ?? 17})`, async () => {
      await checkCase(c);
    });
  }
});

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
  const data = graphInput(g, 'data', { elemType: DataType.FLOAT, shape: [1, 4] });
  const eye = new Float32Array(16);
  for (let i = 0; i < 4; i++) eye[i * 5] = 1;
  const x = op(g, 'Gemm', [data, g.addInitializer('eye', makeTensor('eye', DataType.FLOAT, [4, 4], eye))]);
  g.outputs = [op(g, 'ReduceMax', [x], { axes: [1], keepdims: 0 })];
  inferShapes(g, { opset: 17 });
  return newModel(g, { opset: 17 });
}

function tensor(values: number[], dims: number[]) {
  return ortTensor(makeTensor('t', DataType.FLOAT, dims, Float32Array.from(values)));
}
