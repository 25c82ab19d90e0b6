// What the inspector shows of one node: its geometry (kernel, stride, pads, dilations, groups)
// and statistics of each weight it reads, computed once when the model is described.
import type { Node } from '../ir/graph.js';
import { DataType } from '../onnx/dtype.js';
import { isExternal, readFloats, tensorDims } from '../onnx/tensor.js';

export interface WeightStats {
  name: string;
  shape: number[];
  mean: number;
  std: number;
  min: number;
  max: number;
}

export interface NodeDetails {
  /** Integer attributes that describe the op's geometry, e.g. kernel_shape [3, 3]. */
  geometry: Record<string, number[]>;
  weights: WeightStats[];
}

const GEOMETRY = ['kernel_shape', 'strides', 'pads', 'dilations', 'group', 'axis', 'output_padding'];

export function weightStats(name: string, shape: number[], data: Float32Array): WeightStats {
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const x of data) {
    sum += x;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const n = Math.max(1, data.length);
  const mean = sum / n;
  let sq = 0;
  for (const x of data) sq += (x - mean) * (x - mean);
  return { name, shape, mean, std: Math.sqrt(sq / n), min: data.length ? min : 0, max: data.length ? max : 0 };
}

/** Null for a node with neither geometry nor float weights (most activations). */
export function nodeDetails(node: Node): NodeDetails | null {
  const geometry: Record<string, number[]> = {};
  for (const a of node.attributes) {
    if (!GEOMETRY.includes(a.name)) continue;
    const ints = a.ints.length ? a.ints.map(Number) : [Number(a.i)];
    geometry[a.name] = ints;
  }
  const weights: WeightStats[] = [];
  for (const v of node.inputs) {
    const t = v?.initializer;
    if (!t || isExternal(t) || (t.dataType !== DataType.FLOAT && t.dataType !== DataType.DOUBLE)) continue;
    const shape = tensorDims(t);
    if (shape.length === 0) continue;
    weights.push(weightStats(v.name, shape, readFloats(t)));
  }
  return Object.keys(geometry).length || weights.length ? { geometry, weights } : null;
}
