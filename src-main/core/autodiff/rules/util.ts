// Helpers shared by the gradient rules: static shapes, constant inputs, and the ops whose
// ONNX form changed between opsets (Slice at 10, Pad at 11) that rules emit.
import { getTensor } from '../../ir/attributes.js';
import type { Dim, Value } from '../../ir/graph.js';
import { readInts, readTensor } from '../../onnx/tensor.js';
import type { GradContext } from '../context.js';
import type { Emitter } from '../emit.js';

/** The static shape of `v` with every dim known, or an unsupported() naming what is not. */
export function staticShape(c: GradContext, v: Value, what = `"${v.name}"`): number[] {
  const s = c.shape(v);
  if (!s.every((d): d is number => typeof d === 'number')) c.unsupported(`the shape of ${what} must be static, it is [${s.join(', ')}]`);
  return s;
}

/** The dims from index `from` on, all static. */
export function staticTail(c: GradContext, v: Value, from: number, what = `"${v.name}"`): number[] {
  const s = c.shape(v).slice(from);
  if (!s.every((d): d is number => typeof d === 'number')) c.unsupported(`the dims of ${what} after the batch must be static, it is [${c.shape(v).join(', ')}]`);
  return s;
}

export function rank(c: GradContext, v: Value): number {
  return c.shape(v).length;
}

export function normAxis(axis: number, r: number): number {
  return axis < 0 ? axis + r : axis;
}

/** The values of a constant input (initializer or Constant node), or null. */
export function constValues(v: Value | null): number[] | null {
  if (!v) return null;
  if (v.initializer) return Array.from(readTensor(v.initializer) as ArrayLike<number | bigint>, Number);
  const p = v.producer;
  if (p && p.opType === 'Constant') {
    const t = getTensor(p, 'value');
    if (t) return Array.from(readTensor(t) as ArrayLike<number | bigint>, Number);
    const a = p.attr('value_ints') ?? p.attr('value_int') ?? p.attr('value_floats') ?? p.attr('value_float');
    if (!a) return null;
    if (a.name === 'value_ints') return a.ints.map(Number);
    if (a.name === 'value_int') return [Number(a.i)];
    if (a.name === 'value_floats') return [...a.floats];
    return [a.f];
  }
  return null;
}

/** A constant integer input the rule needs statically. */
export function constInts(c: GradContext, v: Value, what: string): number[] {
  const vals = v.initializer ? readInts(v.initializer) : constValues(v);
  if (!vals) c.unsupported(`its ${what} input must be a constant`);
  return vals;
}

/** Pad with zeros: pads = [begin per axis..., end per axis...], negative pads crop. */
export function padZeros(e: Emitter, x: Value, pads: number[]): Value {
  if (pads.every((p) => p === 0)) return x;
  return e.opset >= 11
    ? e.op('Pad', [x, e.int64(pads)], { mode: 'constant' })
    : e.op('Pad', [x], { mode: 'constant', pads, value: { float: 0 } });
}

/** Slice with static starts/ends on the given axes (steps of 1). */
export function slice(e: Emitter, x: Value, axes: number[], starts: number[], ends: number[]): Value {
  return e.opset >= 10
    ? e.op('Slice', [x, e.int64(starts), e.int64(ends), e.int64(axes)])
    : e.op('Slice', [x], { axes, starts, ends });
}

/** A float constant filled with `fill`, of a static shape. */
export function filled(e: Emitter, dims: number[], fill: number): Value {
  const n = dims.reduce((a, b) => a * b, 1);
  return e.float(new Float32Array(n).fill(fill), dims);
}

/** Broadcast of static dims (numpy rules); symbolic dims win over 1. */
export function broadcastShapes(a: Dim[], b: Dim[]): Dim[] {
  const r = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < r; i++) {
    const da = a[i - (r - a.length)] ?? 1;
    const db = b[i - (r - b.length)] ?? 1;
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Sums `grad` (of shape `gradShape`) back to `inShape` over the axes broadcasting stretched. */
export function unbroadcastShapes(e: Emitter, grad: Value, inShape: Dim[], gradShape: Dim[]): Value {
  const lead = gradShape.length - inShape.length;
  let g = e.reduceSum(grad, Array.from({ length: lead }, (_, i) => i), false);
  const stretched = inShape.flatMap((d, i) => (d === 1 && gradShape[i + lead] !== 1 ? [i] : []));
  g = e.reduceSum(g, stretched, true);
  return g;
}

/**
 * Explicit begin/end pads of a Conv or pool from its auto_pad / pads attributes, for the
 * static spatial input dims `spatial`, kernel `k`, strides `s`, dilations `d`.
 */
/** A sliding window over the spatial axes (convolution and pooling share it). */
export interface WindowGeometry {
  /** Channels of x. */
  C: number;
  /** Spatial dims of x, of the kernel, of y. */
  S: number[];
  K: number[];
  O: number[];
  strides: number[];
  dilations: number[];
  begin: number[];
  end: number[];
}

export function explicitPads(c: GradContext, spatial: number[], k: number[], s: number[], d: number[]): { begin: number[]; end: number[] } {
  const n = spatial.length;
  const autoPad = c.attrString('auto_pad', 'NOTSET');
  if (autoPad === 'NOTSET' || autoPad === '') {
    const pads = c.attrInts('pads', new Array(2 * n).fill(0));
    return { begin: pads.slice(0, n), end: pads.slice(n, 2 * n) };
  }
  if (autoPad === 'VALID') return { begin: new Array(n).fill(0), end: new Array(n).fill(0) };
  const begin: number[] = [];
  const end: number[] = [];
  for (let i = 0; i < n; i++) {
    const out = Math.ceil(spatial[i] / s[i]);
    const total = Math.max(0, (out - 1) * s[i] + (k[i] - 1) * d[i] + 1 - spatial[i]);
    const b = autoPad === 'SAME_LOWER' ? Math.ceil(total / 2) : Math.floor(total / 2);
    begin.push(b);
    end.push(total - b);
  }
  return { begin, end };
}
