// Activations: y = f(x) element-wise, dx = f'(x) * dy.
import type { GradRule } from '../context.js';

/** relu: dx = dy where y > 0 (PyTorch's convention: no gradient at exactly 0) */
export const relu: GradRule = (c) => {
  const positive = c.e.op('Greater', [c.output(0), c.e.float([0])]);
  c.setGradIn(0, c.e.op('Where', [positive, c.gradOut(0)!, c.e.float([0])]));
};
