// Element-wise math: y = f(x) (and Pow's y = a^b), dx = f'(x)·dy. Where y is cheaper than
// x for the derivative (sqrt, exp, reciprocal) the rule reads the forward output.
import { DataType } from '../../onnx/dtype.js';
import type { Value } from '../../ir/graph.js';
import type { GradContext, GradRule } from '../context.js';
import { unbroadcast } from './broadcast.js';
import { floatEqual } from './select.js';
import { constValues } from './util.js';

const local = (c: GradContext, derivative: Value) => c.setGradIn(0, c.e.op('Mul', [c.gradOut(0)!, derivative]));

/** sqrt: dx = dy / (2y) */
export const sqrt: GradRule = (c) => c.setGradIn(0, c.e.op('Div', [c.e.op('Mul', [c.gradOut(0)!, c.e.float([0.5])]), c.output(0)]));

/** exp: dx = dy·y */
export const exp: GradRule = (c) => local(c, c.output(0));

/** log: dx = dy / x */
export const log: GradRule = (c) => c.setGradIn(0, c.e.op('Div', [c.gradOut(0)!, c.input(0)]));

/** neg: dx = -dy */
export const neg: GradRule = (c) => c.setGradIn(0, c.e.op('Neg', [c.gradOut(0)!]));

/** reciprocal: y = 1/x, dx = -dy·y² */
export const reciprocal: GradRule = (c) => {
  const y = c.output(0);
  c.setGradIn(0, c.e.op('Neg', [c.e.op('Mul', [c.gradOut(0)!, c.e.op('Mul', [y, y])])]));
};

/** abs: dx = dy·sign(x) (0 at x = 0, as PyTorch) */
export const abs: GradRule = (c) => local(c, c.e.op('Sign', [c.input(0)]));

/** erf: dx = dy·(2/√π)·exp(-x²) */
export const erf: GradRule = (c) => {
  const x = c.input(0);
  const gauss = c.e.op('Exp', [c.e.op('Neg', [c.e.op('Mul', [x, x])])]);
  local(c, c.e.op('Mul', [gauss, c.e.float([2 / Math.sqrt(Math.PI)])]));
};

/**
 * pow: y = a^b;  da = dy·b·a^(b-1) (0 where b = 0, as PyTorch), db = dy·y·ln(a) (0 where a = 0),
 * each summed over the axes broadcasting stretched. A constant exponent (x² in a decomposed
 * LayerNorm) gets the closed form; an integer exponent tensor (opset 12+) is cast to a's type.
 */
export const pow: GradRule = (c) => {
  const e = c.e;
  const a = c.input(0);
  const b = c.input(1);
  const dy = c.gradOut(0)!;
  const y = c.output(0);
  if (c.needsGrad(0)) {
    const k = constValues(b);
    let da: Value;
    if (k && k.length === 1) {
      const [p] = k;
      if (p === 0) da = e.op('Mul', [dy, e.float([0])]);
      else if (p === 1) da = dy;
      else if (p === 2) da = e.op('Mul', [dy, e.op('Mul', [a, e.float([2])])]);
      else da = e.op('Mul', [dy, e.op('Mul', [e.op('Pow', [a, e.float([p - 1])]), e.float([p])])]);
    } else {
      const elem = a.type?.elemType ?? DataType.FLOAT;
      const bf = b.type && b.type.elemType !== elem ? e.op('Cast', [b], { to: elem }) : b;
      const slope = e.op('Mul', [bf, e.op('Pow', [a, e.op('Sub', [bf, e.float([1])])])]);
      const zeroPower = floatEqual(e, bf, e.float([0]));
      da = e.op('Mul', [dy, e.op('Where', [zeroPower, e.float([0]), slope])]);
    }
    c.setGradIn(0, unbroadcast(c, da, a, y));
  }
  if (c.needsGrad(1)) {
    const zeroBase = floatEqual(e, a, e.float([0]));
    const db = e.op('Mul', [dy, e.op('Where', [zeroBase, e.float([0]), e.op('Mul', [y, e.op('Log', [a])])])]);
    c.setGradIn(1, unbroadcast(c, db, b, y));
  }
};
