// The backward pass shared by the normalizations that use the batch's own statistics
// (LayerNormalization, InstanceNormalization, GroupNormalization): with x̂ = (x - μ)·σ⁻¹ over
// `axes` and g = dL/dx̂, dx = σ⁻¹·(g - mean(g) - x̂·mean(g·x̂)), means over `axes`.
import type { Value } from '../../ir/graph.js';
import type { Emitter } from '../../ir/emitter.js';

export interface Normalized {
  xhat: Value;
  invStd: Value;
}

/** x̂ and σ⁻¹ recomputed from x over `axes` (kept as size-1 dims), ε inside the root. */
export function normalize(e: Emitter, x: Value, axes: number[], eps: number): Normalized {
  const centered = e.op('Sub', [x, e.reduceMean(x, axes, true)]);
  const variance = e.reduceMean(e.op('Mul', [centered, centered]), axes, true);
  const invStd = e.op('Reciprocal', [e.op('Sqrt', [e.op('Add', [variance, e.float([eps])])])]);
  return { xhat: e.op('Mul', [centered, invStd]), invStd };
}

/** dx from g = dL/dx̂. */
export function normalizedInputGrad(e: Emitter, g: Value, n: Normalized, axes: number[]): Value {
  const meanG = e.reduceMean(g, axes, true);
  const meanGx = e.reduceMean(e.op('Mul', [g, n.xhat]), axes, true);
  return e.op('Mul', [e.op('Sub', [e.op('Sub', [g, meanG]), e.op('Mul', [n.xhat, meanGx])]), n.invStd]);
}
