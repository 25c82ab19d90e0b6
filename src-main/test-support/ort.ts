import * as ort from 'onnxruntime-node';
import type { TensorProto } from '../core/onnx/gen/onnx_pb.js';
import { readTensor, tensorDims } from '../core/onnx/tensor.js';
import { dtypeName } from '../core/onnx/dtype.js';

export function ortTensor(t: TensorProto): ort.Tensor {
  return new ort.Tensor(dtypeName(t.dataType) as ort.Tensor.Type, readTensor(t) as never, tensorDims(t));
}

/** Runs model bytes in onnxruntime on named inputs; returns every output. */
export async function runOrt(model: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1 });
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}
