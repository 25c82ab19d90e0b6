// The format of a gradient-rule case: a small forward graph over generated inputs, which
// test-support/grad-rule-check.ts runs against central finite differences. Case tables are
// the other modules of this folder (each exports `cases`); rules.test.ts runs all of them
// and fails for a rule in gradRules without a case. Only *.test.ts files import this folder.
import type { AttrValue } from '../../ir/attributes.js';
import type { Emitter } from '../../ir/emitter.js';
import type { Value } from '../../ir/graph.js';

/** A float tensor: trainable (default) or a fixed constant, with generated values. */
export type FloatSpec = {
  shape: number[];
  train?: boolean;
  gen?: 'grid' | 'positive';
  scale?: number;
  /** Values kept at least 3·EPS away from these points (the kinks of the op). */
  kinks?: number[];
  /** Exact values instead of generated ones (ties, chosen points). */
  values?: number[];
};

/** One input of the node under test: a float tensor, constants, another input again, or none. */
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
  /** A custom forward graph over the inputs, emitted at the case's opset, instead of one node of `op`. */
  build?: (e: Emitter, ins: (Value | null)[]) => Value;
  /** Dropout in training mode: random masks, so the oracle reads the mask off the prediction. */
  oracle?: 'dropout';
}

export const f = (shape: number[], more: Partial<FloatSpec> = {}): Spec => ({ shape, ...more });
export const fixed = (shape: number[], more: Partial<FloatSpec> = {}): Spec => ({ shape, train: false, ...more });
/** Dropout's training_mode input. */
export const training: Spec = { bools: [true], dims: [] };
