// The fused ops of transformer blocks: Gelu (opset 20) and LayerNormalization (opset 17).
import type { Value } from '../../ir/graph.js';
import type { GradRule } from '../context.js';
import { unbroadcast } from './broadcast.js';
import { normalizedInputGrad } from './norm-grad.js';
import { ensureOutput } from './pool.js';
import { normAxis } from './util.js';

/**
 * gelu, approximate "none": y = x·Φ(x);  dx = dy·(Φ(x) + x·φ(x)),
 *   Φ(x) = (1 + erf(x/√2))/2, φ(x) = exp(-x²/2)/√(2π).
 * approximate "tanh": y = x·(1 + t)/2, t = tanh(u), u = √(2/π)·(x + 0.044715x³);
 *   dx = dy·((1 + t)/2 + x/2·(1 - t²)·√(2/π)·(1 + 3·0.044715x²)).
 */
export const gelu: GradRule = (c) => {
  const e = c.e;
  const x = c.input(0);
  const x2 = e.op('Mul', [x, x]);
  const mode = c.attrString('approximate', 'none');
  if (mode !== 'none' && mode !== 'tanh') c.unsupported(`approximate="${mode}" is not a Gelu mode`);
  let slope: Value;
  if (mode === 'none') {
    const cdf = e.op('Mul', [e.op('Add', [e.op('Erf', [e.op('Mul', [x, e.float([Math.SQRT1_2])])]), e.float([1])]), e.float([0.5])]);
    const pdf = e.op('Mul', [e.op('Exp', [e.op('Mul', [x2, e.float([-0.5])])]), e.float([1 / Math.sqrt(2 * Math.PI)])]);
    slope = e.op('Add', [cdf, e.op('Mul', [x, pdf])]);
  } else {
    const k = Math.sqrt(2 / Math.PI);
    const cubic = 0.044715;
    const u = e.op('Mul', [e.op('Add', [x, e.op('Mul', [e.op('Mul', [x2, x]), e.float([cubic])])]), e.float([k])]);
    const t = e.op('Tanh', [u]);
    const du = e.op('Mul', [e.op('Add', [e.op('Mul', [x2, e.float([3 * cubic])]), e.float([1])]), e.float([k])]);
    const sech2 = e.op('Sub', [e.float([1]), e.op('Mul', [t, t])]);
    const half = (v: Value) => e.op('Mul', [v, e.float([0.5])]);
    slope = e.op('Add', [half(e.op('Add', [t, e.float([1])])), half(e.op('Mul', [x, e.op('Mul', [sech2, du])]))]);
  }
  c.setGradIn(0, e.op('Mul', [c.gradOut(0)!, slope]));
};

/**
 * layernormalization over the axes from `axis` on: x̂ = (x - μ)·σ⁻¹, y = γ·x̂ + β, with the
 * node's own Mean and InvStdDev outputs (added when the model did not declare them).
 *   dβ = Σ_lead dy,  dγ = Σ_lead dy·x̂  (then unbroadcast to their shapes),
 *   dx = σ⁻¹·(g - mean(g) - x̂·mean(g·x̂)),  g = dy·γ, means over the normalized axes.
 */
export const layerNorm: GradRule = (c) => {
  if (c.gradOut(1) || c.gradOut(2)) c.unsupported('gradients through its Mean and InvStdDev outputs are not supported');
  const e = c.e;
  const x = c.input(0);
  const dy = c.gradOut(0)!;
  const shape = c.shape(x);
  const r = shape.length;
  const axis = normAxis(c.attrInt('axis', -1), r);
  const normalized = Array.from({ length: r - axis }, (_, i) => axis + i);
  const stats = shape.map((d, i) => (i < axis ? d : 1));
  const stash = c.attrInt('stash_type', 1);
  const elem = x.type?.elemType ?? stash;
  const asX = (v: Value) => (stash === elem ? v : e.op('Cast', [v], { to: elem }));
  const mean = asX(ensureOutput(c, 1, stash, stats));
  const invStd = asX(ensureOutput(c, 2, stash, stats));
  const xhat = e.op('Mul', [e.op('Sub', [x, mean]), invStd]);
  const y = c.output(0);
  const scale = c.input(1);
  const bias = c.maybeInput(2);
  if (bias && c.needsGrad(2)) c.setGradIn(2, unbroadcast(c, dy, bias, y));
  if (c.needsGrad(1)) c.setGradIn(1, unbroadcast(c, e.op('Mul', [dy, xhat]), scale, y));
  if (c.needsGrad(0)) c.setGradIn(0, normalizedInputGrad(e, e.op('Mul', [dy, scale]), { xhat, invStd }, normalized));
};
