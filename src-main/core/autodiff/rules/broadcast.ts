// The gradient side of broadcasting. The forward side (the shape a broadcast has) is shape
// inference's broadcastShapes (core/shape/broadcast.ts), which rules use as it is.
import type { Dim, Value } from '../../ir/graph.js';
import type { GradContext } from '../context.js';

/**
 * The gradient of a broadcast input: sum `grad` (shaped like `output`) over the axes that
 * broadcasting stretched, so it takes the shape of `input` again. Either may be given as a
 * value (its inferred shape) or as a shape (a rule's own view, e.g. MatMul's 1-D operand as 2-D).
 */
export function unbroadcast(ctx: GradContext, grad: Value, input: Value | Dim[], output: Value | Dim[]): Value {
  const inShape = Array.isArray(input) ? input : ctx.shape(input);
  const outShape = Array.isArray(output) ? output : ctx.shape(output);
  const lead = outShape.length - inShape.length;
  const same = lead === 0 && inShape.every((d, i) => d === outShape[i]);
  if (same) return grad;
  let g = ctx.e.reduceSum(grad, Array.from({ length: lead }, (_, i) => i), false);
  const stretched = inShape.flatMap((d, i) => (d === 1 && outShape[i + lead] !== 1 ? [i] : []));
  g = ctx.e.reduceSum(g, stretched, true);
  return g;
}
