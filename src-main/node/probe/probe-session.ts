// Loading a model in onnxruntime and running one made-up sample through it: the runtime's
// own verdict on whether the model works, and the output shapes it really produces.
import * as ort from 'onnxruntime-node';
import type { ProbeResult, TensorInfo } from '../../api/contract.js';
import { encodeModel } from '../../core/onnx/codec.js';
import { readModelProto } from '../model-file.js';
import { QUIET_SESSION, runtimeMessage } from '../runtime-errors.js';

type OrtType = ort.Tensor.Type;

function sampleTensor(type: OrtType, dims: number[]): ort.Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  switch (type) {
    case 'float32': {
      // Deterministic values in [-1, 1): realistic enough for normalised inputs.
      const data = new Float32Array(n);
      for (let i = 0; i < n; i++) data[i] = ((i * 7919) % 2000) / 1000 - 1;
      return new ort.Tensor('float32', data, dims);
    }
    case 'float64':
      return new ort.Tensor('float64', new Float64Array(n), dims);
    case 'int64':
      return new ort.Tensor('int64', new BigInt64Array(n), dims);
    case 'int32':
      return new ort.Tensor('int32', new Int32Array(n), dims);
    case 'bool':
      return new ort.Tensor('bool', new Uint8Array(n), dims);
    case 'uint8':
      return new ort.Tensor('uint8', new Uint8Array(n), dims);
    default:
      throw new Error(`cannot make a sample for an input of type ${type}`);
  }
}

/**
 * The most elements all made-up inputs may hold together (256 MB of float32). A model that
 * declares a 1x3x30000x30000 input would otherwise take gigabytes before anything fails.
 */
export const MAX_PROBE_ELEMENTS = 2 ** 26;

function message(e: unknown): string {
  return runtimeMessage(e);
}

export async function probeModel(path: string): Promise<ProbeResult> {
  const started = performance.now();
  const fail = (error: string): ProbeResult => ({ ok: false, outputs: [], millis: performance.now() - started, error });
  let bytes: Uint8Array;
  try {
    // Through our reader, so external data passes the same path checks as everywhere else.
    bytes = encodeModel((await readModelProto(path)).model);
  } catch (e) {
    return fail(message(e));
  }
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { ...QUIET_SESSION, intraOpNumThreads: 1, graphOptimizationLevel: 'all' });
  } catch (e) {
    return fail(`onnxruntime could not load the model: ${message(e)}`);
  }
  try {
    const feeds: Record<string, ort.Tensor> = {};
    const shapes: [string, number[]][] = [];
    for (const meta of session.inputMetadata) {
      if (!meta.isTensor) return fail(`input "${meta.name}" is not a tensor; cannot make a sample for it`);
      shapes.push([meta.name, meta.shape.map((d) => (typeof d === 'number' && d > 0 ? d : 1))]);
    }
    const elements = shapes.reduce((sum, [, dims]) => sum + dims.reduce((a, b) => a * b, 1), 0);
    if (elements > MAX_PROBE_ELEMENTS) {
      const [name, dims] = shapes.reduce((a, b) => (b[1].reduce((x, y) => x * y, 1) > a[1].reduce((x, y) => x * y, 1) ? b : a));
      return fail(`not run: one sample needs ${elements.toLocaleString('en-US')} input elements (input "${name}" is ${dims.join('x')}), over the probe's limit of ${MAX_PROBE_ELEMENTS.toLocaleString('en-US')}`);
    }
    session.inputMetadata.forEach((meta, i) => {
      if (meta.isTensor) feeds[meta.name] = sampleTensor(meta.type, shapes[i][1]);
    });
    const results = await session.run(feeds);
    const outputs: TensorInfo[] = session.outputNames.map((name) => ({
      name,
      dtype: results[name].type,
      shape: [...results[name].dims],
    }));
    return { ok: true, outputs, millis: performance.now() - started, error: null };
  } catch (e) {
    return fail(`onnxruntime failed to run one sample: ${message(e)}`);
  } finally {
    await session.release().catch(() => {});
  }
}
