import type { Value } from '../../ir/graph.js';
import type { GradContext } from '../context.js';

/**
 * The gradient of a broadcast input: sum `grad` (shaped like the node's output) over the axes
 * that broadcasting stretched, so it takes the shape of `input` again.
 */
export function unbroadcast(ctx: GradContext, grad: Value, input: Value, output: Value): Value {
  const inShape = ctx.shape(input);
  const outShape = ctx.shape(output);
  const lead = outShape.length - inShape.length;
  const same = lead === 0 && inShape.every((d, i) => d === outShape[i]);
  if (same) return grad;
  let g = ctx.e.reduceSum(grad, Array.from({ length: lead }, (_, i) => i), false);
  const stretched = inShape.flatMap((d, i) => (d === 1 && outShape[i + lead] !== 1 ? [i] : []));
  g = ctx.e.reduceSum(g, stretched, true);
  return g;
}
