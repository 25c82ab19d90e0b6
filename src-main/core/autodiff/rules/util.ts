// Helpers shared by the gradient rules: static shapes, constant inputs, window geometry.
// Ops whose ONNX form changed between opsets (Slice, Pad, ...) are the Emitter's (c.e).
import { getTensor } from '../../ir/attributes.js';
import type { Value } from '../../ir/graph.js';
import { readInts, readTensor } from '../../onnx/tensor.js';
import type { GradContext } from '../context.js';

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

/**
 * Explicit begin/end pads of a Conv or pool from its auto_pad / pads attributes, for the
 * static spatial input dims `spatial`, kernel `k`, strides `s`, dilations `d`.
 */
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
