// Ops that pick or repeat elements: gathers and scatters, Expand and Tile, depth/space
// rearrangements, OneHot, Compress, NonZero. Gather also runs on known values: exporters
// take one dim of a Shape with it.
import type { Dim } from '../../ir/graph.js';
import { getInt } from '../../ir/attributes.js';
import { DataType } from '../../onnx/dtype.js';
import { broadcastDim } from '../broadcast.js';
import type { RuleContext, ShapeRule } from '../context.js';
import { formatShape } from '../context.js';
import { allKnown, divDimExact, mulDim } from '../symbolic.js';

const gather: ShapeRule = (ctx: RuleContext) => {
  const data = ctx.needShape(0);
  const indices = ctx.needShape(1);
  const axis = ctx.axis(getInt(ctx.node, 'axis', 0), data.length);
  ctx.setOutput(0, ctx.elemType(0), [...data.slice(0, axis), ...indices, ...data.slice(axis + 1)]);
  const kv = ctx.value(0);
  const idx = ctx.ints(1);
  if (kv && idx && data.length === 1) {
    const len = kv.data.length;
    const picked = idx.map((i) => {
      const j = i < 0 ? i + len : i;
      if (j < 0 || j >= len) ctx.fail(`index ${i} is out of range for a dimension of size ${len}`);
      return kv.data[j];
    });
    if (allKnown(indices)) ctx.setValue(0, { shape: indices, data: picked });
  }
};

const gatherElements: ShapeRule = (ctx: RuleContext) => {
  const data = ctx.needShape(0);
  const indices = ctx.needShape(1);
  if (data.length !== indices.length) ctx.fail(`indices ${formatShape(indices)} and data ${formatShape(data)} differ in rank`);
  ctx.setOutput(0, ctx.elemType(0), indices);
};

const gatherND: ShapeRule = (ctx: RuleContext) => {
  const data = ctx.needShape(0);
  const indices = ctx.needShape(1);
  const last = indices[indices.length - 1];
  if (typeof last !== 'number') ctx.giveUp('the last dimension of the indices is not known');
  const batch = getInt(ctx.node, 'batch_dims', 0);
  ctx.setOutput(0, ctx.elemType(0), [...indices.slice(0, -1), ...data.slice(batch + last)]);
};

const expand: ShapeRule = (ctx: RuleContext) => {
  const x = ctx.needShape(0);
  const target = ctx.dims(1) ?? (typeof ctx.shape(1)?.[0] === 'number' ? new Array(ctx.shape(1)![0] as number).fill(null) : null);
  if (!target) ctx.giveUp('the target shape (input 1) is not known before running the model');
  const rank = Math.max(x.length, target.length);
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    // Missing leading dims are 1; an unknown (null) dim stays unknown, never 1.
    const a = i < rank - x.length ? 1 : x[i - (rank - x.length)];
    const b = i < rank - target.length ? 1 : target[i - (rank - target.length)];
    const d = broadcastDim(a, b);
    if (d === undefined) ctx.fail(`cannot expand ${formatShape(x)} to ${formatShape(target)}`);
    out.push(d);
  }
  ctx.setOutput(0, ctx.elemType(0), out);
};

const tile: ShapeRule = (ctx: RuleContext) => {
  const x = ctx.needShape(0);
  const repeats = ctx.dims(1);
  if (repeats && repeats.length !== x.length) ctx.fail(`${repeats.length} repeats for rank ${x.length}`);
  ctx.setOutput(0, ctx.elemType(0), x.map((d, i) => (repeats ? mulDim(d, repeats[i]) : null)));
};

const depthToSpace: ShapeRule = (ctx: RuleContext) => {
  const [n, c, h, w] = ctx.needShape(0);
  const b = getInt(ctx.node, 'blocksize', 1);
  ctx.setOutput(0, ctx.elemType(0), [n, divDimExact(c, b * b), mulDim(h, b), mulDim(w, b)]);
};

const spaceToDepth: ShapeRule = (ctx: RuleContext) => {
  const [n, c, h, w] = ctx.needShape(0);
  const b = getInt(ctx.node, 'blocksize', 1);
  ctx.setOutput(0, ctx.elemType(0), [n, mulDim(c, b * b), divDimExact(h, b), divDimExact(w, b)]);
};

const oneHot: ShapeRule = (ctx: RuleContext) => {
  const indices = ctx.needShape(0);
  const depth = ctx.ints(1)?.[0] ?? null;
  const rank = indices.length + 1;
  const axis = ctx.axis(getInt(ctx.node, 'axis', -1), rank);
  const out = [...indices];
  out.splice(axis, 0, depth);
  ctx.setOutput(0, ctx.elemType(2), out);
};

const compress: ShapeRule = (ctx: RuleContext) => {
  const x = ctx.needShape(0);
  const axis = getInt(ctx.node, 'axis');
  if (axis === undefined) ctx.setOutput(0, ctx.elemType(0), [null]);
  else {
    const a = ctx.axis(axis, x.length);
    ctx.setOutput(0, ctx.elemType(0), x.map((d, i) => (i === a ? null : d)));
  }
};

const nonZero: ShapeRule = (ctx: RuleContext) => ctx.setOutput(0, DataType.INT64, [ctx.needShape(0).length, null]);

export const indexingOpRules: Record<string, ShapeRule> = {
  Gather: gather,
  GatherElements: gatherElements,
  GatherND: gatherND,
  ScatterElements: (ctx: RuleContext) => ctx.setOutput(0, ctx.elemType(0), ctx.needShape(0)),
  ScatterND: (ctx: RuleContext) => ctx.setOutput(0, ctx.elemType(0), ctx.needShape(0)),
  Expand: expand,
  Tile: tile,
  DepthToSpace: depthToSpace,
  SpaceToDepth: spaceToDepth,
  OneHot: oneHot,
  Compress: compress,
  NonZero: nonZero,
};
