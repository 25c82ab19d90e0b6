// Ops that only move elements: the gradient moves them back.
import type { Value } from '../../ir/graph.js';
import type { GradRule } from '../context.js';
import { staticInts } from './static-ints.js';
import { constInts, constValues, normAxis, rank } from './util.js';

/** identity: dx = dy */
export const identity: GradRule = (c) => c.setGradIn(0, c.gradOut(0)!);

/** flatten, reshape, squeeze, unsqueeze: dx = reshape(dy, shape(x)) */
export const reshapeBack: GradRule = (c) => c.setGradIn(0, c.e.reshapeLike(c.gradOut(0)!, c.input(0)));

/** transpose: dx = transpose(dy, perm⁻¹) */
export const transpose: GradRule = (c) => {
  const r = c.shape(c.input(0)).length;
  const perm = c.attrInts('perm', Array.from({ length: r }, (_, i) => r - 1 - i));
  const inverse = new Array<number>(r);
  perm.forEach((p, i) => (inverse[p] = i));
  c.setGradIn(0, c.e.transpose(c.gradOut(0)!, inverse));
};

/** concat: dx_i = dy[..., offset_i : offset_i + size_i, ...] along the axis */
export const concat: GradRule = (c) => {
  const dy = c.gradOut(0)!;
  const r = c.shape(c.output(0)).length;
  const axis = normAxis(c.attrInt('axis', 0), r);
  let offset = 0;
  c.node.inputs.forEach((x, i) => {
    if (!x) return;
    const dim = c.shape(x)[axis];
    if (typeof dim !== 'number') c.unsupported(`input ${i} has no static size along axis ${axis}`);
    const size = dim as number;
    if (c.needsGrad(i)) c.setGradIn(i, c.e.slice(dy, [axis], [offset], [offset + size]));
    offset += size;
  });
};

/** The elements a Slice picks along one axis of size n, after ONNX's clamping rules. */
function picked(n: number, start: number, end: number, step: number): number[] {
  const norm = (v: number) => (v < 0 ? v + n : v);
  let s = norm(start);
  let t = norm(end);
  if (step > 0) {
    s = Math.min(Math.max(s, 0), n);
    t = Math.min(Math.max(t, 0), n);
  } else {
    s = Math.min(Math.max(s, 0), n - 1);
    t = Math.min(Math.max(t, -1), n - 1);
  }
  const out: number[] = [];
  for (let i = s; step > 0 ? i < t : i > t; i += step) out.push(i);
  return out;
}

/**
 * slice: dx = dy scattered back to the picked positions, zeros elsewhere. Steps of 1 are a
 * Pad; other steps a Gather per axis from dy padded with one zero slice.
 */
export const sliceBack: GradRule = (c) => {
  const e = c.e;
  const x = c.input(0);
  const r = rank(c, x);
  let starts: number[];
  let ends: number[];
  let axes: number[];
  let steps: number[];
  if (c.opset >= 10) {
    starts = staticInts(c, c.input(1), 'starts');
    ends = staticInts(c, c.input(2), 'ends');
    const ax = c.maybeInput(3);
    axes = ax ? staticInts(c, ax, 'axes') : starts.map((_, i) => i);
    const st = c.maybeInput(4);
    steps = st ? staticInts(c, st, 'steps') : starts.map(() => 1);
  } else {
    starts = c.attrInts('starts', []);
    ends = c.attrInts('ends', []);
    axes = c.attrInts('axes', starts.map((_, i) => i));
    steps = starts.map(() => 1);
  }
  // Only the sliced axes need a static size: the others (a symbolic batch) pass whole.
  const xShape = c.shape(x);
  const sized = (a: number): number => {
    const n = xShape[a];
    if (typeof n !== 'number') c.unsupported(`the input has no static size along sliced axis ${a}`);
    return n as number;
  };
  const picks = new Map<number, number[]>();
  axes.forEach((a, i) => {
    const axis = normAxis(a, r);
    picks.set(axis, picked(sized(axis), starts[i], ends[i], steps[i]));
  });
  let g = c.gradOut(0)!;
  const contiguous = [...picks.values()].every((p) => p.length > 0 && p.every((v, i) => i === 0 || v === p[i - 1] + 1));
  if (contiguous) {
    const pads = new Array(2 * r).fill(0);
    for (const [a, p] of picks) {
      pads[a] = p[0];
      pads[r + a] = sized(a) - 1 - p[p.length - 1];
    }
    c.setGradIn(0, e.padZeros(g, pads));
    return;
  }
  for (const [a, p] of picks) {
    const n = sized(a);
    if (p.length === n && p.every((v, i) => v === i)) continue;
    // One zero slice at the end of the axis, then every position of x gathers its element (or the zero).
    const padded = e.padZeros(g, Array.from({ length: 2 * r }, (_, i) => (i === r + a ? 1 : 0)));
    const where = Array.from({ length: n }, () => p.length);
    p.forEach((pos, k) => (where[pos] = k));
    g = e.op('Gather', [padded, e.int64(where)], { axis: a });
  }
  c.setGradIn(0, g);
};

/**
 * gather: dx = dy put back at the gathered positions, zeros elsewhere (summed where an index
 * repeats). A constant scalar index is a Pad; other indices along axis 0 (embedding rows) a
 * ScatterND with reduction add (opset 16).
 */
export const gather: GradRule = (c) => {
  const x = c.input(0);
  const r = rank(c, x);
  const axis = normAxis(c.attrInt('axis', 0), r);
  const dy = c.gradOut(0)!;
  const index = constValues(c.input(1));
  const indexShape = c.shape(c.input(1));
  if (index && index.length === 1 && indexShape.length === 0) {
    const n = c.shape(x)[axis];
    if (typeof n !== 'number') c.unsupported(`the input has no static size along axis ${axis}`);
    const i = index[0] < 0 ? index[0] + (n as number) : index[0];
    const pads = new Array(2 * r).fill(0);
    pads[axis] = i;
    pads[r + axis] = (n as number) - 1 - i;
    c.setGradIn(0, c.e.padZeros(c.e.unsqueeze(dy, [axis]), pads));
    return;
  }
  if (axis !== 0) c.unsupported('only a constant scalar index, or indices along axis 0, are differentiable');
  if (c.opset < 16) c.unsupported('gathering rows by computed indices needs opset 16 (ScatterND with reduction)');
  const zeros = c.e.op('ConstantOfShape', [c.e.shapeOf(x)]);
  const rows = c.e.unsqueeze(c.input(1), [indexShape.length]);
  c.setGradIn(0, c.e.op('ScatterND', [zeros, rows, dy], { reduction: 'add' }));
};

/** split: dx = concat(dy_0, dy_1, ...) along the axis, zeros for outputs nobody reads */
export const split: GradRule = (c) => {
  const axis = c.attrInt('axis', 0);
  const parts = c.node.outputs.map((_, i) => c.gradOut(i) ?? c.e.op('ConstantOfShape', [c.e.shapeOf(c.output(i))]));
  c.setGradIn(0, c.e.op('Concat', parts, { axis }));
};

/** pad (constant mode): dx = dy with the padding cut off again, i.e. Pad(dy, -pads) */
export const pad: GradRule = (c) => {
  if (c.needsGrad(2)) c.unsupported('a gradient for its constant_value input is not supported');
  const r = c.shape(c.input(0)).length;
  let pads: number[];
  let mode: string;
  if (c.opset >= 11) {
    mode = c.attrString('mode', 'constant');
    const raw = constInts(c, c.input(1), 'pads');
    const axesIn = c.maybeInput(3);
    if (axesIn) {
      const axes = constInts(c, axesIn, 'axes').map((a) => normAxis(a, r));
      pads = new Array(2 * r).fill(0);
      axes.forEach((a, i) => {
        pads[a] = raw[i];
        pads[r + a] = raw[axes.length + i];
      });
    } else pads = raw;
  } else {
    mode = c.attrString('mode', 'constant');
    pads = c.attrInts('pads', new Array(2 * r).fill(0));
  }
  if (mode !== 'constant') c.unsupported(`pad mode "${mode}" is not supported, only "constant"`);
  c.setGradIn(0, c.e.padZeros(c.gradOut(0)!, pads.map((p) => -p)) as Value);
};
