// Which NCHWc block size this machine's onnxruntime uses (16 with AVX-512, 8 with AVX2 or
// NEON), found by asking it: ReorderInput pads 4 channels up to one block. 0 when the kernels
// are missing or GRAFT_NCHWC=0, and the training step then keeps its plain convolutions.
import * as ort from 'onnxruntime-node';
import { create } from '@bufbuild/protobuf';
import { graphInput, newModel } from '../../core/ir/builder.js';
import { Graph } from '../../core/ir/graph.js';
import { encodeModel } from '../../core/onnx/codec.js';
import { DataType } from '../../core/onnx/dtype.js';
import { OperatorSetIdProtoSchema } from '../../core/onnx/gen/onnx_pb.js';
import { NCHWC_DOMAIN } from '../../core/train/nchwc-convs.js';
import { QUIET_SESSION } from '../runtime-errors.js';

let probed: Promise<number> | null = null;

async function probe(): Promise<number> {
  const g = new Graph('nchwc probe');
  const x = graphInput(g, 'x', { elemType: DataType.FLOAT, shape: [1, 4, 1, 1] });
  const n = g.addNode({ opType: 'ReorderInput', domain: NCHWC_DOMAIN, inputs: [x], outputs: ['y'] });
  g.outputs.push(n.outputs[0]!);
  const model = newModel(g);
  model.opsetImport.push(create(OperatorSetIdProtoSchema, { domain: NCHWC_DOMAIN, version: 1n }));
  try {
    const s = await ort.InferenceSession.create(encodeModel(model), { ...QUIET_SESSION, intraOpNumThreads: 1 });
    try {
      const out = await s.run({ x: new ort.Tensor('float32', new Float32Array(4), [1, 4, 1, 1]) });
      const b = Number(out.y.dims[1]);
      return b > 4 && (b & (b - 1)) === 0 ? b : 0;
    } finally {
      await s.release();
    }
  } catch {
    return 0;
  }
}

export function nchwcBlockSize(): Promise<number> {
  if (process.env.GRAFT_NCHWC === '0') return Promise.resolve(0);
  probed ??= probe();
  return probed;
}
