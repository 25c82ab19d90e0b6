// Resize and Upsample: each output dim is floor(input * scale), or a size given outright.
// Which input holds the scales changed across opsets: Upsample-7 has a `scales` attribute,
// Upsample-9 and Resize-10 take them as input 1, Resize-11+ as input 2 (after roi) with
// optional `sizes` as input 3, and Resize-18 may name the `axes` they apply to.
import type { Dim } from '../../ir/graph.js';
import { getFloats, getInts, getString } from '../../ir/attributes.js';
import type { RuleContext, ShapeRule } from '../context.js';
import { formatShape } from '../context.js';

function scaled(d: Dim, s: number): Dim {
  if (s === 1) return d;
  // The scale is a float32 and runtimes multiply in float32: round the product the same way.
  return typeof d === 'number' ? Math.floor(Math.fround(d * s)) : null;
}

function scalesAndSizes(ctx: RuleContext): { scales?: number[]; sizes?: Dim[]; unknown?: boolean } {
  const attr = getFloats(ctx.node, 'scales');
  if (attr) return { scales: attr };
  const oldStyle = ctx.node.opType === 'Upsample' || ctx.opset < 11 || ctx.inputCount === 2;
  const scalesIn = oldStyle ? 1 : 2;
  if (!oldStyle && ctx.has(3)) {
    const sizes = ctx.dims(3);
    return sizes ? { sizes } : { unknown: true };
  }
  // An empty scales tensor is a placeholder (sizes would follow): it says nothing.
  const s = ctx.has(scalesIn) ? ctx.numbers(scalesIn) : null;
  return s && s.length > 0 ? { scales: s } : { unknown: true };
}

const resize: ShapeRule = (ctx: RuleContext) => {
  const x = ctx.needShape(0);
  const { scales, sizes, unknown } = scalesAndSizes(ctx);
  if (unknown) {
    ctx.setOutput(0, ctx.elemType(0), x.map(() => null));
    return;
  }
  const axes = (getInts(ctx.node, 'axes') ?? x.map((_, i) => i)).map((a) => ctx.axis(a, x.length));
  const given = (scales ?? sizes)!;
  if (given.length !== axes.length) ctx.fail(`${given.length} ${scales ? 'scales' : 'sizes'} for input ${formatShape(x)}`);
  const out = [...x];
  const policy = getString(ctx.node, 'keep_aspect_ratio_policy', 'stretch');
  if (sizes && policy !== 'stretch') {
    // One common scale (the smaller or the larger ratio) for all the axes named.
    const ratios = axes.map((a, i) => (typeof sizes[i] === 'number' && typeof x[a] === 'number' ? (sizes[i] as number) / (x[a] as number) : NaN));
    const s = policy === 'not_larger' ? Math.min(...ratios) : Math.max(...ratios);
    axes.forEach((a) => (out[a] = Number.isNaN(s) ? null : typeof x[a] === 'number' ? Math.round((x[a] as number) * s) : null));
  } else {
    axes.forEach((a, i) => (out[a] = scales ? scaled(x[a], scales[i]) : sizes![i]));
  }
  ctx.setOutput(0, ctx.elemType(0), out);
};

export const resizeRules: Record<string, ShapeRule> = { Resize: resize, Upsample: resize };
