// One forward/backward pass of a compiled gradient graph in onnxruntime: the loss and
// dLoss/dparam for every trainable parameter.
import * as ort from 'onnxruntime-node';
import type { ModelProto, TensorProto } from '../../core/onnx/gen/onnx_pb.js';
import { dtypeName } from '../../core/onnx/dtype.js';
import { readTensor, tensorDims } from '../../core/onnx/tensor.js';
import type { LossKind } from '../../core/train/loss.js';
import { compileTrainingStep } from '../../core/train/compile.js';
import { createSession } from './session.js';

export interface GradientResult {
  loss: number;
  grads: Map<string, { dims: number[]; data: Float32Array }>;
  trainable: string[];
  untied: string[];
}

export function ortTensorOf(t: TensorProto): ort.Tensor {
  return new ort.Tensor(dtypeName(t.dataType) as ort.Tensor.Type, readTensor(t) as never, tensorDims(t));
}

export async function computeGradients(
  model: ModelProto,
  input: TensorProto,
  labels: TensorProto,
  trainable: 'all' | ReadonlySet<string>,
  loss: LossKind = 'cross-entropy',
): Promise<GradientResult> {
  const step = compileTrainingStep(model, { trainable, loss, optimizer: null });
  const session = await createSession(step.model);
  try {
    const feeds: Record<string, ort.Tensor> = { [step.data]: ortTensorOf(input), [step.target]: ortTensorOf(labels) };
    // The trainable parameters are inputs of the step: feed their current values.
    for (const [name, t] of step.initialParams) feeds[name] = ortTensorOf(t);
    const out = await session.run(feeds);
    const grads = new Map<string, { dims: number[]; data: Float32Array }>();
    for (const [param, name] of step.gradOutputs) grads.set(param, { dims: [...out[name].dims], data: out[name].data as Float32Array });
    return { loss: (out[step.loss].data as Float32Array)[0], grads, trainable: step.params, untied: step.untied };
  } finally {
    await session.release();
  }
}
