// A new nn.Linear: initialised as torch.nn.Linear.reset_parameters does, emitted as PyTorch
// exports it.
import { DataType } from '../onnx/dtype.js';
import { makeTensor } from '../onnx/tensor.js';
import type { Emitter } from '../ir/emitter.js';
import type { Value } from '../ir/graph.js';
import { uniform } from '../random.js';

export interface LinearLayer {
  inFeatures: number;
  outFeatures: number;
  /**
   * 'gemm': Gemm with the weight stored [out, in] (transB = 1), PyTorch's export of a Linear
   * on 2-D input. 'matmul': MatMul with the weight stored [in, out], then Add; works on
   * inputs of any rank (sequence heads).
   */
  form: 'gemm' | 'matmul';
  weightName: string;
  biasName: string;
  /** Name of the Gemm or MatMul node. */
  nodeName: string;
  /** Name of the bias Add ('matmul' form). */
  addNodeName?: string;
}

export interface LinearParams {
  weight: Float32Array; // [out, in], row-major, as torch holds it
  bias: Float32Array;
}

/**
 * kaiming_uniform_(a=sqrt(5)) has bound gain*sqrt(3/fan_in) with gain = sqrt(2/(1+5)), which
 * is 1/sqrt(fan_in); the bias uses the same bound. Weight first, then bias, as torch draws them.
 */
export function torchLinearInit(rand: () => number, inFeatures: number, outFeatures: number): LinearParams {
  const bound = 1 / Math.sqrt(inFeatures);
  return { weight: uniform(rand, outFeatures * inFeatures, bound), bias: uniform(rand, outFeatures, bound) };
}

function transposed(w: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = w[r * cols + c];
  return t;
}

/** Adds the layer reading `x`; returns its output and the new parameter values. */
export function addLinear(e: Emitter, x: Value, layer: LinearLayer, init: LinearParams): { y: Value; params: Value[] } {
  const { inFeatures: fin, outFeatures: fout } = layer;
  // Unique for now: the layer being replaced may still hold these names until cleanup.
  const param = (name: string, dims: number[], data: Float32Array): Value => {
    const unique = e.graph.uniqueName(name);
    return e.graph.addInitializer(unique, makeTensor(unique, DataType.FLOAT, dims, data));
  };
  if (layer.form === 'gemm') {
    const w = param(layer.weightName, [fout, fin], init.weight);
    const b = param(layer.biasName, [fout], init.bias);
    const y = e.op('Gemm', [x, w, b], { alpha: { float: 1 }, beta: { float: 1 }, transB: 1 }, layer.nodeName);
    return { y, params: [w, b] };
  }
  const w = param(layer.weightName, [fin, fout], transposed(init.weight, fout, fin));
  const b = param(layer.biasName, [fout], init.bias);
  const xw = e.op('MatMul', [x, w], {}, layer.nodeName);
  const y = e.op('Add', [xw, b], {}, layer.addNodeName);
  return { y, params: [w, b] };
}
