// A model's compiled gradients against a PyTorch golden (core/autodiff/testdata/*/golden.json):
// the loss, each gradient's shape and norm, and every element, at the fixture tolerances.
import type * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import { encodeModel } from '../core/onnx/codec.js';
import type { ModelProto } from '../core/onnx/gen/onnx_pb.js';
import { compileTrainingStep } from '../core/train/compile.js';
import { ortTensor, runOrt } from './ort.js';

export interface GradGolden {
  loss: number;
  params: Record<string, { shape: number[]; grad: number[] }>;
}

export const l2 = (a: ArrayLike<number>) => Math.sqrt(Array.from(a).reduce((s, v) => s + v * v, 0));

/** Trains everything; `required` must be among the trained parameters. */
export async function expectGradientsMatchGolden(model: ModelProto, input: ort.Tensor, labels: ort.Tensor, golden: GradGolden, required: readonly string[]): Promise<void> {
  const step = compileTrainingStep(model, { trainable: 'all', loss: 'cross-entropy', optimizer: null });
  for (const p of required) expect(step.gradOutputs.has(p), p).toBe(true);
  const feeds: Record<string, ort.Tensor> = { [step.data]: input, [step.target]: labels };
  for (const [n, t] of step.initialParams) feeds[n] = ortTensor(t);
  const out = await runOrt(encodeModel(step.model), feeds);
  const loss = (out[step.loss].data as Float32Array)[0];
  expect(Math.abs(loss - golden.loss) / golden.loss).toBeLessThan(1e-5);
  for (const [param, output] of step.gradOutputs) {
    const want = golden.params[param];
    expect(want, `${param} is a PyTorch parameter`).toBeDefined();
    const got = out[output].data as Float32Array;
    expect(Array.from(out[output].dims), param).toEqual(want.shape);
    expect(Math.abs(l2(got) - l2(want.grad)) / l2(want.grad), `norm of ${param}`).toBeLessThan(1e-3);
    let worst = 0;
    want.grad.forEach((v, i) => (worst = Math.max(worst, Math.abs(got[i] - v) - 1e-3 * Math.abs(v))));
    expect(worst, `full gradient of ${param}`).toBeLessThanOrEqual(1e-3);
  }
}
