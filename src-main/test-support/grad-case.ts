// The description of one gradient-rule check (a copy of rules.test.ts's case table format,
// shared so that more than one test file can hold cases): a small forward graph over
// generated inputs, checked by grad-check.ts against central finite differences.
// Only core imports here: the case tables in core/ import this file.
import type { AttrValue } from '../core/ir/builder.js';
import type { Graph, Value } from '../core/ir/graph.js';
import { DataType } from '../core/onnx/dtype.js';
import { makeTensor } from '../core/onnx/tensor.js';

export type FloatSpec = {
  shape: number[];
  /** Trainable (default) or a fixed constant. */
  train?: boolean;
  gen?: 'grid' | 'positive';
  scale?: number;
  /** Values kept at least 3·EPS away from these points (the kinks of the op). */
  kinks?: number[];
  /** Exact values instead of generated ones (ties, chosen points). */
  values?: number[];
};

export type Spec =
  | FloatSpec
  | { ints: number[]; dims?: number[] }
  | { floats: number[]; dims?: number[] }
  | { bools: boolean[]; dims?: number[] }
  | { same: number }
  | null;

export interface GradCase {
  name: string;
  /** The op whose rule the case tests (coverage). */
  op: string;
  opset?: number;
  inputs: Spec[];
  attrs?: Record<string, AttrValue>;
  /** Outputs the node declares (the first is the prediction). */
  outputs?: number;
  /** A custom forward graph over the inputs instead of one node of `op`. */
  build?: (g: Graph, ins: (Value | null)[]) => Value;
}

export const f = (shape: number[], more: Partial<FloatSpec> = {}): Spec => ({ shape, ...more });
export const fixed = (shape: number[], more: Partial<FloatSpec> = {}): Spec => ({ shape, train: false, ...more });

export function constant(g: Graph, values: number[], dims: number[] = []): Value {
  const name = g.uniqueName('const');
  return g.addInitializer(name, makeTensor(name, DataType.FLOAT, dims, Float32Array.from(values)));
}

export function int64Constant(g: Graph, values: number[], dims: number[] = [values.length]): Value {
  const name = g.uniqueName('ints');
  return g.addInitializer(name, makeTensor(name, DataType.INT64, dims, BigInt64Array.from(values.map(BigInt))));
}
