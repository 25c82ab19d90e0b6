// A few SGD-momentum steps of a compiled training graph on one fixed batch: the losses, to
// check that a model built or edited in code actually trains.
import * as ort from 'onnxruntime-node';
import type { ModelProto } from '../core/onnx/gen/onnx_pb.js';
import { encodeModel } from '../core/onnx/codec.js';
import { readFloats, tensorDims } from '../core/onnx/tensor.js';
import type { LossKind } from '../core/train/loss.js';
import { compileTrainingStep } from '../core/train/compile.js';
import { sgd } from '../core/train/optimizers.js';

export async function trainLosses(model: ModelProto, x: ort.Tensor, y: ort.Tensor, loss: LossKind = 'cross-entropy', steps = 20, lr = 0.1): Promise<number[]> {
  const step = compileTrainingStep(model, { trainable: 'all', loss, optimizer: sgd({ momentum: 0.9 }) });
  const session = await ort.InferenceSession.create(encodeModel(step.model), { intraOpNumThreads: 1 });
  try {
    const params = new Map<string, ort.Tensor>([...step.initialParams].map(([n, t]) => [n, new ort.Tensor('float32', readFloats(t), tensorDims(t))]));
    let state = new Map<string, ort.Tensor>(step.state.map((s) => [s.name, new ort.Tensor('float32', new Float32Array(s.dims.reduce((a, b) => a * b, 1)), s.dims)]));
    const losses: number[] = [];
    for (let t = 1; t <= steps; t++) {
      const feeds: Record<string, ort.Tensor> = { [step.data]: x, [step.target]: y };
      for (const [n, v] of params) feeds[n] = v;
      for (const [n, v] of state) feeds[n] = v;
      feeds[step.lr!] = new ort.Tensor('float32', Float32Array.of(lr), []);
      feeds[step.step!] = new ort.Tensor('float32', Float32Array.of(t), []);
      const out = await session.run(feeds);
      losses.push((out[step.loss].data as Float32Array)[0]);
      for (const n of step.params) params.set(n, out[step.updatedParams.get(n)!]);
      state = new Map(step.state.map((s) => [s.name, out[step.updatedState.get(s.name)!]]));
    }
    return losses;
  } finally {
    await session.release();
  }
}
