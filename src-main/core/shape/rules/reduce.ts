// Ops that collapse or select along axes: the Reduce* family, ArgMax/ArgMin, TopK.
import type { Dim } from '../../ir/graph.js';
import { getInt, getInts } from '../../ir/attributes.js';
import { DataType } from '../../onnx/dtype.js';
import type { RuleContext, ShapeRule } from '../context.js';
import { addDim, mulDim } from '../symbolic.js';

/**
 * Axes come from the attribute (before opset 18; ReduceSum before 13) or from input 1.
 * No axes means all of them, unless noop_with_empty_axes asks for the identity.
 */
const reduce: ShapeRule = (ctx: RuleContext) => {
  const x = ctx.needShape(0);
  const keep = getInt(ctx.node, 'keepdims', 1) === 1;
  let axes = getInts(ctx.node, 'axes');
  if (!axes && ctx.has(1)) {
    const given = ctx.ints(1);
    if (!given) {
      if (!keep) ctx.giveUp('the axes (input 1) are not known before running the model');
      ctx.setOutput(0, ctx.elemType(0), x.map(() => null));
      return;
    }
    axes = given;
  }
  if (!axes || axes.length === 0) {
    if (getInt(ctx.node, 'noop_with_empty_axes', 0) === 1) {
      ctx.setOutput(0, ctx.elemType(0), x);
      return;
    }
    axes = x.map((_, i) => i);
  }
  const set = new Set(axes.map((a) => ctx.axis(a, x.length)));
  const out = keep ? x.map((d, i) => (set.has(i) ? 1 : d)) : x.filter((_, i) => !set.has(i));
  ctx.setOutput(0, ctx.elemType(0), out);
  // Shape -> ReduceProd is how some exporters count elements.
  const kv = ctx.value(0);
  const op = ctx.node.opType;
  if (kv && kv.shape.length === 1 && (op === 'ReduceProd' || op === 'ReduceSum') && set.size === 1) {
    const r = kv.data.reduce((a: Dim, b) => (op === 'ReduceProd' ? mulDim(a, b) : addDim(a, b)), op === 'ReduceProd' ? 1 : 0);
    ctx.setValue(0, { shape: keep ? [1] : [], data: [r] });
  }
};

const argReduce: ShapeRule = (ctx: RuleContext) => {
  const x = ctx.needShape(0);
  const axis = ctx.axis(getInt(ctx.node, 'axis', 0), x.length);
  const keep = getInt(ctx.node, 'keepdims', 1) === 1;
  ctx.setOutput(0, DataType.INT64, keep ? x.map((d, i) => (i === axis ? 1 : d)) : x.filter((_, i) => i !== axis));
};

/** TopK: k from the attribute before opset 10, from input 1 after. */
const topK: ShapeRule = (ctx: RuleContext) => {
  const x = ctx.needShape(0);
  const axis = ctx.axis(getInt(ctx.node, 'axis', -1), x.length);
  const k = getInt(ctx.node, 'k') ?? ctx.dims(1)?.[0] ?? null;
  if (typeof k === 'number' && typeof x[axis] === 'number' && k > (x[axis] as number)) {
    ctx.fail(`k = ${k} is larger than axis ${axis} (${x[axis]})`);
  }
  const out = x.map((d, i) => (i === axis ? k : d));
  ctx.setOutput(0, ctx.elemType(0), out);
  ctx.setOutput(1, DataType.INT64, out);
};

const REDUCE_OPS = ['ReduceMean', 'ReduceSum', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceSumSquare'];

export const reduceRules: Record<string, ShapeRule> = {
  ...Object.fromEntries(REDUCE_OPS.map((op) => [op, reduce])),
  ArgMax: argReduce,
  ArgMin: argReduce,
  TopK: topK,
};
