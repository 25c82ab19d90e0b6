// Ops that pick elements from their inputs: the gradient goes to whichever input was picked.
import { DataType } from '../../onnx/dtype.js';
import type { Value } from '../../ir/graph.js';
import type { GradRule } from '../context.js';
import type { Emitter } from '../../ir/emitter.js';
import { unbroadcast } from './broadcast.js';

/** a = b element-wise; float Equal exists from opset 11, before it is neither a < b nor a > b. */
export function floatEqual(e: Emitter, a: Value, b: Value): Value {
  if (e.opset >= 11) return e.op('Equal', [a, b]);
  return e.op('Not', [e.op('Or', [e.op('Less', [a, b]), e.op('Greater', [a, b])])]);
}

/** where: y = cond ? a : b;  da = dy where cond, db = dy elsewhere (unbroadcast), none for cond */
export const where: GradRule = (c) => {
  const e = c.e;
  const dy = c.gradOut(0)!;
  const cond = c.input(0);
  const zero = e.float([0]);
  const y = c.output(0);
  if (c.needsGrad(1)) c.setGradIn(1, unbroadcast(c, e.op('Where', [cond, dy, zero]), c.input(1), y));
  if (c.needsGrad(2)) c.setGradIn(2, unbroadcast(c, e.op('Where', [cond, zero, dy]), c.input(2), y));
};

/**
 * max / min (element-wise, variadic, broadcasting): dx_i = dy·[x_i = y] / #{j : x_j = y}.
 * Ties split the gradient evenly, as PyTorch's maximum/minimum do (dy/2 each for two inputs).
 */
export const extremum: GradRule = (c) => {
  const e = c.e;
  const dy = c.gradOut(0)!;
  const y = c.output(0);
  const inputs = c.node.inputs.filter((x) => x !== null); // Max and Min have no optional inputs
  if (inputs.length === 1) return c.setGradIn(0, dy);
  const hit = (x: Value) => e.op('Cast', [floatEqual(e, x, y)], { to: y.type?.elemType ?? DataType.FLOAT });
  const hits = inputs.map(hit);
  const share = e.op('Div', [dy, e.sum(hits)]);
  inputs.forEach((x, i) => {
    if (c.needsGrad(i)) c.setGradIn(i, unbroadcast(c, e.op('Mul', [share, hits[i]]), x, y));
  });
};
