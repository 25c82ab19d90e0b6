// Element-wise ops. y = f(a, b) with multidirectional broadcasting: each input's gradient is
// the local derivative times dy, summed back over broadcast axes.
import type { GradRule } from '../context.js';
import { unbroadcast } from './broadcast.js';

/** d(a+b) = dy, dy */
export const add: GradRule = (c) => {
  const dy = c.gradOut(0)!;
  if (c.needsGrad(0)) c.setGradIn(0, unbroadcast(c, dy, c.input(0), c.output(0)));
  if (c.needsGrad(1)) c.setGradIn(1, unbroadcast(c, dy, c.input(1), c.output(0)));
};

/** d(a-b) = dy, -dy */
export const sub: GradRule = (c) => {
  const dy = c.gradOut(0)!;
  if (c.needsGrad(0)) c.setGradIn(0, unbroadcast(c, dy, c.input(0), c.output(0)));
  if (c.needsGrad(1)) c.setGradIn(1, unbroadcast(c, c.e.op('Neg', [dy]), c.input(1), c.output(0)));
};

/** d(a*b) = dy*b, dy*a */
export const mul: GradRule = (c) => {
  const dy = c.gradOut(0)!;
  if (c.needsGrad(0)) c.setGradIn(0, unbroadcast(c, c.e.op('Mul', [dy, c.input(1)]), c.input(0), c.output(0)));
  if (c.needsGrad(1)) c.setGradIn(1, unbroadcast(c, c.e.op('Mul', [dy, c.input(0)]), c.input(1), c.output(0)));
};

/** d(a/b) = dy/b, -dy*a/b² = -dy*y/b */
export const div: GradRule = (c) => {
  const dy = c.gradOut(0)!;
  const b = c.input(1);
  if (c.needsGrad(0)) c.setGradIn(0, unbroadcast(c, c.e.op('Div', [dy, b]), c.input(0), c.output(0)));
  if (c.needsGrad(1)) {
    const g = c.e.op('Neg', [c.e.op('Div', [c.e.op('Mul', [dy, c.output(0)]), b])]);
    c.setGradIn(1, unbroadcast(c, g, b, c.output(0)));
  }
};

/** Sum(x0, x1, ...): every input gets dy (unbroadcast). */
export const sum: GradRule = (c) => {
  const dy = c.gradOut(0)!;
  c.node.inputs.forEach((x, i) => {
    if (x && c.needsGrad(i)) c.setGradIn(i, unbroadcast(c, dy, x, c.output(0)));
  });
};
