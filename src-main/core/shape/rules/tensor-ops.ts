// Ops that move data around without computing on it: reshaping, transposing, joining,
// splitting, slicing, padding, squeezing (gathering and repeating: indexing-ops.ts). Many of
// them also run on known values, because exporters build shapes with exactly these ops.
import type { Dim } from '../../ir/graph.js';
import { getInt, getInts, hasAttr } from '../../ir/attributes.js';
import type { RuleContext, ShapeRule } from '../context.js';
import { formatShape } from '../context.js';
import { addDim, allKnown, divDimExact, productDims, sameDim } from '../symbolic.js';

/** An attribute (older opsets) or a constant input (newer ones) holding integers. */
function intsFromAttrOrInput(ctx: RuleContext, attr: string, input: number): number[] | undefined {
  const a = getInts(ctx.node, attr);
  if (a) return a;
  if (!ctx.has(input)) return undefined;
  return ctx.needInts(input, attr);
}

/** A known input value keeps its elements under a new shape. */
function reshapeKnown(ctx: RuleContext, out: Dim[]): void {
  const kv = ctx.value(0);
  if (kv && allKnown(out)) ctx.setValue(0, { shape: out, data: kv.data });
}

const flatten: ShapeRule = (ctx: RuleContext) => {
  const x = ctx.needShape(0);
  let axis = getInt(ctx.node, 'axis', 1);
  if (axis < 0) axis += x.length;
  if (axis < 0 || axis > x.length) ctx.fail(`axis ${getInt(ctx.node, 'axis', 1)} is out of range for rank ${x.length}`);
  ctx.setOutput(0, ctx.elemType(0), [productDims(x.slice(0, axis)), productDims(x.slice(axis))]);
};

const reshape: ShapeRule = (ctx: RuleContext) => {
  const x = ctx.needShape(0);
  const target = ctx.dims(1);
  if (!target) {
    const len = ctx.shape(1)?.[0];
    if (typeof len !== 'number') ctx.giveUp('the target shape (input 1) is not known before running the model');
    ctx.setOutput(0, ctx.elemType(0), new Array(len).fill(null));
    return;
  }
  const allowZero = getInt(ctx.node, 'allowzero', 0) === 1;
  const out: Dim[] = target.map((d, i) => {
    if (d !== 0 || allowZero) return d;
    if (i >= x.length) ctx.fail(`target shape ${formatShape(target)} copies dimension ${i} (a 0) from an input of rank ${x.length}`);
    return x[i];
  });
  const inferred = out.flatMap((d, i) => (d === -1 ? [i] : []));
  if (inferred.length > 1) ctx.fail(`target shape ${formatShape(target)} has more than one -1`);
  const total = productDims(x);
  if (inferred.length === 1) {
    const rest = productDims(out.filter((_, i) => i !== inferred[0]));
    const d = divDimExact(total, rest);
    if (d === null && typeof total === 'number' && typeof rest === 'number') {
      ctx.fail(`cannot reshape ${formatShape(x)} (${total} elements) to ${formatShape(target)}`);
    }
    out[inferred[0]] = d;
  } else {
    const n = productDims(out);
    if (typeof n === 'number' && typeof total === 'number' && n !== total) {
      ctx.fail(`cannot reshape ${formatShape(x)} (${total} elements) to ${formatShape(out)} (${n} elements)`);
    }
  }
  ctx.setOutput(0, ctx.elemType(0), out);
  reshapeKnown(ctx, out);
};

const transpose: ShapeRule = (ctx: RuleContext) => {
  const x = ctx.needShape(0);
  const perm = getInts(ctx.node, 'perm', x.map((_, i) => x.length - 1 - i));
  if (perm.length !== x.length) ctx.fail(`perm [${perm.join(', ')}] does not fit an input of rank ${x.length}`);
  ctx.setOutput(0, ctx.elemType(0), perm.map((p) => x[ctx.axis(p, x.length)]));
  const kv = ctx.value(0);
  if (kv && x.length <= 1) ctx.setValue(0, kv);
};

/** Two dims that must be equal: the better known of the two, or shape-mismatch. */
function unify(ctx: RuleContext, a: Dim, b: Dim, what: string): Dim {
  if (typeof a === 'number' && typeof b === 'number' && a !== b) ctx.fail(`${what}: ${a} vs ${b}`);
  if (typeof a === 'number') return a;
  if (typeof b === 'number') return b;
  return a !== null && (b === null || sameDim(a, b)) ? a : b;
}

const concat: ShapeRule = (ctx: RuleContext) => {
  const shapes = ctx.node.inputs.map((_, i) => ctx.needShape(i));
  const rank = shapes[0].length;
  const axis = ctx.axis(getInt(ctx.node, 'axis', 0), rank);
  const out = [...shapes[0]];
  shapes.slice(1).forEach((s, k) => {
    if (s.length !== rank) ctx.fail(`input ${k + 1} has rank ${s.length}, input 0 has rank ${rank}`);
    s.forEach((d, i) => {
      out[i] = i === axis ? addDim(out[i], d) : unify(ctx, out[i], d, `inputs differ on axis ${i}`);
    });
  });
  ctx.setOutput(0, ctx.elemType(0), out);
  if (rank === 1) {
    const parts = ctx.node.inputs.map((_, i) => ctx.value(i));
    if (parts.every((p) => p !== null)) {
      const data = parts.flatMap((p) => p!.data);
      ctx.setValue(0, { shape: [data.length], data });
    }
  }
};

const split: ShapeRule = (ctx: RuleContext) => {
  const x = ctx.needShape(0);
  const axis = ctx.axis(getInt(ctx.node, 'axis', 0), x.length);
  const count = ctx.node.outputs.length;
  const d = x[axis];
  let sizes: Dim[];
  const given = intsFromAttrOrInput(ctx, 'split', 1);
  if (given) {
    if (given.length !== count) ctx.fail(`split has ${given.length} sizes for ${count} outputs`);
    const sum = given.reduce((a, b) => a + b, 0);
    if (typeof d === 'number' && sum !== d) ctx.fail(`split sizes [${given.join(', ')}] add up to ${sum}, the axis has ${d}`);
    sizes = given;
  } else if (hasAttr(ctx.node, 'num_outputs')) {
    // Opset 18: equal chunks of ceil(d / n); the last takes what is left.
    const n = getInt(ctx.node, 'num_outputs', count);
    if (typeof d !== 'number') sizes = new Array(count).fill(divDimExact(d, n));
    else {
      const chunk = Math.ceil(d / n);
      sizes = Array.from({ length: count }, (_, i) => (i < count - 1 ? chunk : d - chunk * (count - 1)));
    }
  } else {
    if (typeof d === 'number' && d % count !== 0) ctx.fail(`axis ${axis} of size ${d} does not split into ${count} equal parts`);
    sizes = new Array(count).fill(divDimExact(d, count));
  }
  sizes.forEach((s, i) => ctx.setOutput(i, ctx.elemType(0), x.map((dim, k) => (k === axis ? s : dim))));
};

/** Elements a step-sliced range keeps from an axis of size d (ONNX clamping rules). */
function sliceLength(d: number, start: number, end: number, step: number): number {
  const norm = (v: number) => (v < 0 ? v + d : v);
  if (step > 0) {
    const s = Math.min(Math.max(norm(start), 0), d);
    const e = Math.min(Math.max(norm(end), 0), d);
    return Math.max(0, Math.ceil((e - s) / step));
  }
  const s = Math.min(Math.max(norm(start), 0), d - 1);
  const e = Math.min(Math.max(norm(end), -1), d - 1);
  return Math.max(0, Math.ceil((s - e) / -step));
}

function sliceStart(d: number, start: number, step: number): number {
  const s = start < 0 ? start + d : start;
  return step > 0 ? Math.min(Math.max(s, 0), d) : Math.min(Math.max(s, 0), d - 1);
}

/** int64 "to the end" markers arrive as huge numbers; anything past 2^31 means the end. */
const TO_THE_END = 2 ** 31 - 1;

const slice: ShapeRule = (ctx: RuleContext) => {
  const x = ctx.needShape(0);
  const n = ctx.node;
  const attrForm = ctx.opset < 10 || hasAttr(n, 'starts');
  const starts = attrForm ? getInts(n, 'starts', []) : ctx.needInts(1, 'starts');
  const ends = attrForm ? getInts(n, 'ends', []) : ctx.needInts(2, 'ends');
  if (starts.length !== ends.length) ctx.fail(`${starts.length} starts for ${ends.length} ends`);
  const axes = (attrForm ? getInts(n, 'axes') : ctx.has(3) ? ctx.needInts(3, 'axes') : undefined) ?? starts.map((_, i) => i);
  const steps = (!attrForm && ctx.has(4) ? ctx.needInts(4, 'steps') : undefined) ?? starts.map(() => 1);
  const out = [...x];
  const picks: { axis: number; start: number; step: number }[] = [];
  axes.forEach((a, i) => {
    const axis = ctx.axis(a, x.length);
    const d = x[axis];
    if (steps[i] === 0) ctx.fail('a slice step is 0');
    if (typeof d === 'number') {
      out[axis] = sliceLength(d, starts[i], ends[i], steps[i]);
      picks.push({ axis, start: sliceStart(d, starts[i], steps[i]), step: steps[i] });
    } else {
      out[axis] = starts[i] === 0 && ends[i] >= TO_THE_END && steps[i] === 1 ? d : null;
    }
  });
  ctx.setOutput(0, ctx.elemType(0), out);
  const kv = ctx.value(0);
  if (kv && x.length === 1 && picks.length === 1 && typeof out[0] === 'number') {
    const { start, step } = picks[0];
    const data = Array.from({ length: out[0] }, (_, k) => kv.data[start + k * step]);
    ctx.setValue(0, { shape: [data.length], data });
  }
};

const pad: ShapeRule = (ctx: RuleContext) => {
  const x = ctx.needShape(0);
  const n = ctx.node;
  const pads = getInts(n, 'pads') ?? getInts(n, 'paddings') ?? (ctx.has(1) ? ctx.needInts(1, 'pads') : undefined);
  if (!pads) ctx.fail('pads are missing');
  const axes = ctx.has(3) ? ctx.needInts(3, 'axes').map((a) => ctx.axis(a, x.length)) : x.map((_, i) => i);
  if (pads.length !== 2 * axes.length) ctx.fail(`${pads.length} pads for ${axes.length} axes`);
  const out = [...x];
  axes.forEach((axis, i) => {
    out[axis] = addDim(x[axis], pads[i] + pads[i + axes.length]);
    if (typeof out[axis] === 'number' && (out[axis] as number) < 0) ctx.fail(`padding makes axis ${axis} negative`);
  });
  ctx.setOutput(0, ctx.elemType(0), out);
};

const squeeze: ShapeRule = (ctx: RuleContext) => {
  const x = ctx.needShape(0);
  const axesGiven = intsFromAttrOrInput(ctx, 'axes', 1);
  let out: Dim[];
  if (axesGiven) {
    const axes = new Set(axesGiven.map((a) => ctx.axis(a, x.length)));
    for (const a of axes) if (typeof x[a] === 'number' && x[a] !== 1) ctx.fail(`cannot squeeze axis ${a} of size ${x[a]}`);
    out = x.filter((_, i) => !axes.has(i));
  } else {
    if (!x.every((d) => typeof d === 'number')) ctx.giveUp(`which axes of ${formatShape(x)} are 1 is not known`);
    out = x.filter((d) => d !== 1);
  }
  ctx.setOutput(0, ctx.elemType(0), out);
  reshapeKnown(ctx, out);
};

const unsqueeze: ShapeRule = (ctx: RuleContext) => {
  const x = ctx.needShape(0);
  const given = intsFromAttrOrInput(ctx, 'axes', 1);
  if (!given) ctx.fail('axes are missing');
  const rank = x.length + given.length;
  const axes = new Set(given.map((a) => ctx.axis(a, rank)));
  if (axes.size !== given.length) ctx.fail(`axes [${given.join(', ')}] repeat an axis`);
  const out: Dim[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) out.push(axes.has(i) ? 1 : x[k++]);
  ctx.setOutput(0, ctx.elemType(0), out);
  reshapeKnown(ctx, out);
};

export const tensorOpRules: Record<string, ShapeRule> = {
  Flatten: flatten,
  Reshape: reshape,
  Transpose: transpose,
  Concat: concat,
  Split: split,
  Slice: slice,
  Pad: pad,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
};
