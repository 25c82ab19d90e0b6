// Normalization layers: the data keeps its shape; statistics outputs are per channel
// (BatchNormalization) or per normalized row (LayerNormalization).
import { getInt } from '../../ir/attributes.js';
import type { RuleContext, ShapeRule } from '../context.js';
import { formatShape } from '../context.js';

/** Outputs beyond Y (training mode: running or saved mean and variance) are all [C]. */
const batchNorm: ShapeRule = (ctx: RuleContext) => {
  const x = ctx.needShape(0);
  if (x.length < 2) ctx.fail(`input ${formatShape(x)} has no channel dimension`);
  const c = x[1];
  for (let i = 1; i <= 4 && i < ctx.inputCount; i++) {
    const p = ctx.shape(i);
    if (p && p.length === 1 && typeof p[0] === 'number' && typeof c === 'number' && p[0] !== c) {
      ctx.fail(`input ${i} has ${p[0]} values for ${c} channels`);
    }
  }
  ctx.setOutput(0, ctx.elemType(0), x);
  for (let i = 1; i < ctx.node.outputs.length; i++) ctx.setOutput(i, ctx.elemType(3) || ctx.elemType(1), [c]);
};

/** Mean and InvStdDev keep the leading dims and have 1 for every normalized one. */
const layerNorm: ShapeRule = (ctx: RuleContext) => {
  const x = ctx.needShape(0);
  const axis = ctx.axis(getInt(ctx.node, 'axis', -1), x.length);
  ctx.setOutput(0, ctx.elemType(0), x);
  const stats = x.map((d, i) => (i < axis ? d : 1));
  const stash = getInt(ctx.node, 'stash_type', 1);
  ctx.setOutput(1, stash, stats);
  ctx.setOutput(2, stash, stats);
};

const groupNorm: ShapeRule = (ctx: RuleContext) => ctx.setOutput(0, ctx.elemType(0), ctx.needShape(0));

export const normalizationRules: Record<string, ShapeRule> = {
  BatchNormalization: batchNorm,
  LayerNormalization: layerNorm,
  GroupNormalization: groupNorm,
};
