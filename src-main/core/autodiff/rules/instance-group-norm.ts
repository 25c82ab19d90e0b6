// Normalizations over (groups of) channels with each sample's own statistics.
import type { Value } from '../../ir/graph.js';
import type { GradContext, GradRule } from '../context.js';
import { normalize, normalizedInputGrad } from './norm-grad.js';
import { rank } from './util.js';

/** [C] -> [C, 1, ...]: a per-channel vector that broadcasts along axis 1 of a rank-r tensor. */
function perChannel(c: GradContext, v: Value, r: number): Value {
  return r > 2 ? c.e.unsqueeze(v, Array.from({ length: r - 2 }, (_, i) => i + 1)) : v;
}

/**
 * instancenormalization: x̂ over the spatial axes of each (n, c); y = γ_c·x̂ + β_c;
 * dβ = Σ_{n,spatial} dy, dγ = Σ_{n,spatial} dy·x̂, dx from g = dy·γ (norm-grad.ts).
 */
export const instanceNorm: GradRule = (c) => {
  const e = c.e;
  const x = c.input(0);
  const dy = c.gradOut(0)!;
  const r = rank(c, x);
  const spatial = Array.from({ length: r - 2 }, (_, i) => i + 2);
  const n = normalize(e, x, spatial, c.attrFloat('epsilon', 1e-5));
  const summed = [0, ...spatial];
  if (c.needsGrad(2)) c.setGradIn(2, e.reduceSum(dy, summed, false));
  if (c.needsGrad(1)) c.setGradIn(1, e.reduceSum(e.op('Mul', [dy, n.xhat]), summed, false));
  if (c.needsGrad(0)) c.setGradIn(0, normalizedInputGrad(e, e.op('Mul', [dy, perChannel(c, c.input(1), r)]), n, spatial));
};

/**
 * groupnormalization: x [N, C, ...] viewed as [N, G, C/G·spatial], x̂ over the last axis;
 * y = γ·x̂ + β with γ, β per group (opset 18) or per channel (opset 21).
 * dβ, dγ: Σ dy and Σ dy·x̂ over everything but their group or channel; dx from g = dy·γ.
 */
export const groupNorm: GradRule = (c) => {
  const e = c.e;
  const x = c.input(0);
  const dy = c.gradOut(0)!;
  const r = rank(c, x);
  const groups = c.attrInt('num_groups', 1);
  const perChannelScale = c.opset >= 21;
  const grouped = (v: Value) => e.reshape(v, [0, groups, -1]);
  const n = normalize(e, grouped(x), [2], c.attrFloat('epsilon', 1e-5));
  const xhat = e.reshapeLike(n.xhat, x);
  const spatial = Array.from({ length: r - 2 }, (_, i) => i + 2);
  // γ, β as [C]-broadcastable (per channel) or [G, 1] over the grouped view.
  const affineGrad = (v: Value) => (perChannelScale ? e.reduceSum(v, [0, ...spatial], false) : e.reduceSum(grouped(v), [0, 2], false));
  if (c.needsGrad(2)) c.setGradIn(2, affineGrad(dy));
  if (c.needsGrad(1)) c.setGradIn(1, affineGrad(e.op('Mul', [dy, xhat])));
  if (c.needsGrad(0)) {
    const g = perChannelScale ? e.op('Mul', [dy, perChannel(c, c.input(1), r)]) : e.op('Mul', [grouped(dy), e.unsqueeze(c.input(1), [1])]);
    const dx = normalizedInputGrad(e, perChannelScale ? grouped(g) : g, n, [2]);
    c.setGradIn(0, e.reshapeLike(dx, x));
  }
};
