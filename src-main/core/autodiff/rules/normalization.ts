// Normalizations and the softmax family.
import { DataType } from '../../onnx/dtype.js';
import type { Value } from '../../ir/graph.js';
import type { GradRule } from '../context.js';
import { constValues, normAxis } from './util.js';
import { ensureOutput } from './pool.js';

/**
 * batchnormalization (inference: running statistics fixed): y = scale·x̂ + bias,
 * x̂ = (x - mean)/√(var + ε);  dx = dy·scale/√(var + ε), dscale = Σ_{n,spatial} dy·x̂, dbias = Σ dy
 */
export const batchNorm: GradRule = (c) => {
  if (c.attrInt('training_mode', 0) === 1) c.unsupported('batch statistics (training_mode=1) are not supported; use running statistics');
  if (c.needsGrad(3) || c.needsGrad(4)) c.unsupported('its running mean and variance cannot be trained');
  const e = c.e;
  const dy = c.gradOut(0)!;
  const x = c.input(0);
  const r = c.shape(x).length;
  const eps = c.attrFloat('epsilon', 1e-5);
  const reduce = [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2)];
  // [C] -> [C, 1, ...] so it broadcasts along axis 1.
  const perChannel = (v: Value) => (r > 2 ? e.unsqueeze(v, Array.from({ length: r - 2 }, (_, i) => i + 1)) : v);
  const invStd = e.op('Div', [e.float([1]), e.op('Sqrt', [e.op('Add', [c.input(4), e.float([eps])])])]);
  if (c.needsGrad(0)) c.setGradIn(0, e.op('Mul', [dy, perChannel(e.op('Mul', [c.input(1), invStd]))]));
  if (c.needsGrad(1)) {
    const xhat = e.op('Mul', [e.op('Sub', [x, perChannel(c.input(3))]), perChannel(invStd)]);
    c.setGradIn(1, e.reduceSum(e.op('Mul', [dy, xhat]), reduce, false));
  }
  if (c.needsGrad(2)) c.setGradIn(2, e.reduceSum(dy, reduce, false));
};

/** The axes a softmax normalizes over: one axis from opset 13, all from `axis` on before (2-D coercion). */
function softmaxAxes(c: Parameters<GradRule>[0]): number[] {
  const r = c.shape(c.input(0)).length;
  if (c.opset >= 13) return [normAxis(c.attrInt('axis', -1), r)];
  const axis = normAxis(c.attrInt('axis', 1), r);
  return Array.from({ length: r - axis }, (_, i) => axis + i);
}

/** softmax: dx = y·(dy - Σ_axis dy·y) */
export const softmax: GradRule = (c) => {
  const e = c.e;
  const y = c.output(0);
  const dy = c.gradOut(0)!;
  const dot = e.reduceSum(e.op('Mul', [dy, y]), softmaxAxes(c), true);
  c.setGradIn(0, e.op('Mul', [y, e.op('Sub', [dy, dot])]));
};

/** logsoftmax: dx = dy - exp(y)·Σ_axis dy */
export const logSoftmax: GradRule = (c) => {
  const e = c.e;
  const dy = c.gradOut(0)!;
  const total = e.reduceSum(dy, softmaxAxes(c), true);
  c.setGradIn(0, e.op('Sub', [dy, e.op('Mul', [e.op('Exp', [c.output(0)]), total])]));
};

/**
 * dropout: y = x·mask/(1 - ratio) when training, else y = x;  dx = dy·mask/(1 - ratio), or dy.
 * Training needs opset 12's training_mode input; the node's mask output is added if absent.
 */
export const dropout: GradRule = (c) => {
  const e = c.e;
  const dy = c.gradOut(0)!;
  const training = c.opset >= 12 ? c.maybeInput(2) : null;
  const known = training ? constValues(training) : [0];
  if (known && known[0] === 0) {
    c.setGradIn(0, dy);
    return;
  }
  const mask = ensureOutput(c, 1, DataType.BOOL, c.shape(c.output(0)));
  const ratio = c.maybeInput(1) ?? e.float([0.5]);
  const scale = e.op('Div', [e.float([1]), e.op('Sub', [e.float([1]), ratio])]);
  const masked = e.op('Mul', [e.op('Mul', [dy, e.op('Cast', [mask], { to: DataType.FLOAT })]), scale]);
  // A training_mode computed at run time picks between the two.
  c.setGradIn(0, known ? masked : e.op('Where', [training!, masked, dy]));
};
