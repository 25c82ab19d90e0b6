// The few op forms the unroller emits beyond the Emitter's own: slices along one axis, a
// linear map y = x·wᵀ + b, activations by name, and stacking of per-step tensors.
import type { Emitter } from '../ir/emitter.js';
import type { Value } from '../ir/graph.js';
import type { Activation } from './spec.js';

/** x[start:end] along one axis. */
export function sliceAxis(e: Emitter, x: Value, axis: number, start: number, end: number): Value {
  return e.slice(x, [axis], [start], [end]);
}

/** x[..., k·size : (k+1)·size] on axis 1: gate block k of a [N, G·H] tensor. */
export function block(e: Emitter, x: Value, k: number, size: number): Value {
  return sliceAxis(e, x, 1, k * size, (k + 1) * size);
}

/** Slice d of `axis`, that axis dropped; when the axis has size 1 only the Squeeze. */
export function pick(e: Emitter, x: Value, axis: number, d: number, count: number): Value {
  return e.squeeze(count === 1 ? x : sliceAxis(e, x, axis, d, d + 1), [axis]);
}

/** x cut into pieces of size 1 along `axis`, that axis dropped: x[0], x[1], ... (lazily). */
export function unstack(e: Emitter, x: Value, axis: number, count: number, form: 'slice' | 'split'): (i: number) => Value {
  if (form === 'slice' || count === 1) return (i) => pick(e, x, axis, i, count);
  // One Split: its gradient is one Concat, where a Slice per step costs a full-size Pad each.
  const parts = e.splitOnes(x, axis, count);
  return (i) => e.squeeze(parts[i], [axis]);
}

/** y = clamp(x, -bound, bound); no bound: x itself. */
export function clip(e: Emitter, x: Value, bound: number | null): Value {
  return bound === null ? x : e.clip(x, -bound, bound);
}

export function activate(e: Emitter, x: Value, act: Activation): Value {
  return e.op(act, [x]);
}

/** y = x·wᵀ + b with w [out, in] as ONNX stores it; b [1, out] or absent. */
export function linear(e: Emitter, x: Value, w: Value, b: Value | null): Value {
  // Gemm's C became optional at opset 11; before that a bias-free product is a MatMul.
  if (b || e.opset >= 11) return e.op('Gemm', b ? [x, w, b] : [x, w], { transB: 1 });
  return e.op('MatMul', [x, e.transpose(w, [1, 0])]);
}

/** Stacks [N, H] tensors along a new axis `axis` (0 or 1): [k, N, H] or [N, k, H]. */
export function stack(e: Emitter, parts: Value[], axis: 0 | 1): Value {
  // Unsqueeze first, so the Concat joins along an axis of static size (N may be symbolic).
  const expanded = parts.map((p) => e.unsqueeze(p, [axis]));
  return expanded.length === 1 ? expanded[0] : e.op('Concat', expanded, { axis });
}
