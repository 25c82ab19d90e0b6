// Activations: y = f(x) element-wise, dx = f'(x) * dy.
import type { Value } from '../../ir/graph.js';
import type { GradRule } from '../context.js';
import { unbroadcast } from './broadcast.js';

/** relu: dx = dy where y > 0 (PyTorch's convention: no gradient at exactly 0) */
export const relu: GradRule = (c) => {
  const positive = c.e.op('Greater', [c.output(0), c.e.float([0])]);
  c.setGradIn(0, c.e.op('Where', [positive, c.gradOut(0)!, c.e.float([0])]));
};

/** leakyrelu: dx = dy where x > 0, alpha·dy elsewhere */
export const leakyRelu: GradRule = (c) => {
  const dy = c.gradOut(0)!;
  const alpha = c.attrFloat('alpha', 0.01);
  const positive = c.e.op('Greater', [c.input(0), c.e.float([0])]);
  c.setGradIn(0, c.e.op('Where', [positive, dy, c.e.op('Mul', [dy, c.e.float([alpha])])]));
};

/** sigmoid: dx = dy · y · (1 - y) */
export const sigmoid: GradRule = (c) => {
  const y = c.output(0);
  const local = c.e.op('Mul', [y, c.e.op('Sub', [c.e.float([1]), y])]);
  c.setGradIn(0, c.e.op('Mul', [c.gradOut(0)!, local]));
};

/** tanh: dx = dy · (1 - y²) */
export const tanh: GradRule = (c) => {
  const y = c.output(0);
  const local = c.e.op('Sub', [c.e.float([1]), c.e.op('Mul', [y, y])]);
  c.setGradIn(0, c.e.op('Mul', [c.gradOut(0)!, local]));
};

/** Where `lo < v < hi` (bounds may be absent), as a bool tensor; null when both are absent. */
function strictlyInside(c: Parameters<GradRule>[0], v: Value, lo: Value | null, hi: Value | null): Value | null {
  const above = lo ? c.e.op('Greater', [v, lo]) : null;
  const below = hi ? c.e.op('Less', [v, hi]) : null;
  if (above && below) return c.e.op('And', [above, below]);
  return above ?? below;
}

/** hardsigmoid: y = clamp(alpha·x + beta, 0, 1);  dx = alpha·dy where 0 < alpha·x + beta < 1 (PyTorch: strictly inside) */
export const hardSigmoid: GradRule = (c) => {
  const alpha = c.attrFloat('alpha', 0.2);
  const beta = c.attrFloat('beta', 0.5);
  const v = c.e.op('Add', [c.e.op('Mul', [c.input(0), c.e.float([alpha])]), c.e.float([beta])]);
  const inside = strictlyInside(c, v, c.e.float([0]), c.e.float([1]))!;
  c.setGradIn(0, c.e.op('Where', [inside, c.e.op('Mul', [c.gradOut(0)!, c.e.float([alpha])]), c.e.float([0])]));
};

/** hardswish: y = x·clamp(x/6 + 1/2, 0, 1);  dx = dy·(0 if x < -3, x/3 + 1/2 if x ≤ 3, 1 above) as PyTorch */
export const hardSwish: GradRule = (c) => {
  const x = c.input(0);
  const mid = c.e.op('Add', [c.e.op('Mul', [x, c.e.float([1 / 3])]), c.e.float([0.5])]);
  const upper = c.e.op('Where', [c.e.op('Greater', [x, c.e.float([3])]), c.e.float([1]), mid]);
  const local = c.e.op('Where', [c.e.op('Less', [x, c.e.float([-3])]), c.e.float([0]), upper]);
  c.setGradIn(0, c.e.op('Mul', [c.gradOut(0)!, local]));
};

/** clip: dx = dy where min < x < max (strictly, as PyTorch's hardtanh / relu6), 0 elsewhere */
export const clip: GradRule = (c) => {
  if (c.needsGrad(1) || c.needsGrad(2)) c.unsupported('gradients for its min and max inputs are not supported');
  const dy = c.gradOut(0)!;
  let lo: Value | null;
  let hi: Value | null;
  if (c.opset >= 11) {
    lo = c.maybeInput(1);
    hi = c.maybeInput(2);
  } else {
    lo = c.hasAttr('min') ? c.e.float([c.attrFloat('min', 0)]) : null;
    hi = c.hasAttr('max') ? c.e.float([c.attrFloat('max', 0)]) : null;
  }
  const inside = strictlyInside(c, c.input(0), lo, hi);
  c.setGradIn(0, inside ? c.e.op('Where', [inside, dy, c.e.float([0])]) : dy);
};

/** prelu: y = x where x > 0, slope·x elsewhere;  dx = dy or slope·dy, dslope = Σ dy·x where x ≤ 0 */
export const prelu: GradRule = (c) => {
  const e = c.e;
  const x = c.input(0);
  const slope = c.input(1);
  const dy = c.gradOut(0)!;
  const positive = e.op('Greater', [x, e.float([0])]);
  if (c.needsGrad(0)) c.setGradIn(0, e.op('Where', [positive, dy, e.op('Mul', [dy, slope])]));
  if (c.needsGrad(1)) c.setGradIn(1, unbroadcast(c, e.op('Where', [positive, e.float([0]), e.op('Mul', [dy, x])]), slope, c.output(0)));
};

/** softplus: y = ln(1 + eˣ);  dx = dy·σ(x) */
export const softplus: GradRule = (c) => c.setGradIn(0, c.e.op('Mul', [c.gradOut(0)!, c.e.op('Sigmoid', [c.input(0)])]));
