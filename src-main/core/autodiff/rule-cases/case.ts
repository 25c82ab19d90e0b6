// The format of a gradient-rule case: a small forward graph over generated inputs, which
// test-support/grad-rule-check.ts runs against central finite differences. Case tables are
// the other modules of this folder (each exports `cases`); rules.test.ts runs all of them
// and fails for a rule in gradRules without a case. Only *.test.ts files import this folder.
import type { AttrValue } from '../../ir/attributes.js';
import type { Graph, Value } from '../../ir/graph.js';
import { DataType } from '../../onnx/dtype.js';
import { makeTensor } from '../../onnx/tensor.js';

/** A float tensor: trainable (default) or a fixed constant, with generated values. */
export type FloatSpec = { shape: number[]; train?: boolean; gen?: 'grid' | 'positive'; scale?: number; kinks?: number[] };

/** One input of the node under test: a float tensor, constants, another input again, or none. */
export type Spec =
  | FloatSpec
  | { ints: number[]; dims?: number[] }
  | { floats: number[]; dims?: number[] }
  | { bool: boolean }
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
  /** Dropout in training mode: random masks, so the oracle reads the mask off the prediction. */
  oracle?: 'dropout';
}

export const f = (shape: number[], more: Partial<FloatSpec> = {}): Spec => ({ shape, ...more });
export const fixed = (shape: number[], more: Partial<FloatSpec> = {}): Spec => ({ shape, train: false, ...more });

/** A float constant initializer (a scalar unless dims are given). */
export function constant(g: Graph, values: number[], dims: number[] = []): Value {
  const name = g.uniqueName('const');
  return g.addInitializer(name, makeTensor(name, DataType.FLOAT, dims, Float32Array.from(values)));
}
