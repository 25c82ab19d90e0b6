// onnxruntime sessions for training: creation with the studio's settings, and the tensors
// the trainer feeds (parameters it owns between steps, batches it slices).
import * as ort from 'onnxruntime-node';
import type { ModelProto, TensorProto } from '../../core/onnx/gen/onnx_pb.js';
import { encodeModel } from '../../core/onnx/codec.js';
import { readFloats, tensorDims } from '../../core/onnx/tensor.js';

export async function createSession(model: ModelProto, threads = 2): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(encodeModel(model), {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
  });
}

/** A float tensor the trainer owns: the parameters and optimizer state between steps. */
export interface OwnedTensor {
  dims: number[];
  data: Float32Array;
}

export function ownedFromProto(t: TensorProto): OwnedTensor {
  return { dims: tensorDims(t), data: readFloats(t) };
}

export function toOrt(t: OwnedTensor): ort.Tensor {
  return new ort.Tensor('float32', t.data, t.dims);
}

export function fromOrt(t: ort.Tensor): OwnedTensor {
  return { dims: [...t.dims], data: t.data as Float32Array };
}

export function labelsTensor(labels: Int32Array | Float32Array, shape: number[]): ort.Tensor {
  if (labels instanceof Int32Array) return new ort.Tensor('int64', BigInt64Array.from(labels, (v) => BigInt(v)), [labels.length]);
  return new ort.Tensor('float32', labels, shape);
}

export function scalar(v: number): ort.Tensor {
  return new ort.Tensor('float32', Float32Array.of(v), []);
}
