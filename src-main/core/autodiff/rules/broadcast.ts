// The gradient side of broadcasting. The forward side (the shape a broadcast has) is shape
// inference's broadcastShapes (core/shape/broadcast.ts), which rules use as it is.
import type { Dim, Value } from '../../ir/graph.js';
import { sameDim } from '../../shape/symbolic.js';
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
  return Array.isArray(input) || !trustOnlyAtRunTime(inShape, outShape.slice(lead)) ? g : guardShape(ctx, g, input);
}

/**
 * Whether the choice of axes to sum rests on a dim only the run can confirm: an input dim of 1
 * against a symbolic output dim (a static 1 that shape inference got wrong, e.g. a batch of 1
 * where the run has N, would sum the gradient over the batch), or a symbolic input dim that is
 * not provably the output's (it may be a 1 that broadcast, then it was not summed).
 */
function trustOnlyAtRunTime(inShape: readonly Dim[], outShape: readonly Dim[]): boolean {
  return inShape.some((d, i) => (d === 1 ? typeof outShape[i] !== 'number' : typeof d !== 'number' && !sameDim(d, outShape[i])));
}

/**
 * Reshapes the gradient to the input's run-time shape: a no-op when the summed axes were right,
 * and onnxruntime's loud error (naming this node) instead of a silently wrong gradient when not.
 */
function guardShape(ctx: GradContext, g: Value, input: Value): Value {
  const name = ctx.e.graph.uniqueName(`check_static_shape_of_${input.name}_against_its_run_time_shape`);
  return ctx.e.op('Reshape', [g, ctx.e.shapeOf(input)], {}, name);
}
