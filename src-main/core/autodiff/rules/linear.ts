// Matrix products.
import type { Value } from '../../ir/graph.js';
import type { GradContext, GradRule } from '../context.js';
import { unbroadcast } from './broadcast.js';
import { broadcastShapes } from '../../shape/broadcast.js';

/** A Gemm without C; before opset 11 C is required, so it gets a zero scalar. */
function gemm2(c: GradContext, a: Value, b: Value, attributes: Record<string, number | { float: number }>): Value {
  return c.opset >= 11 ? c.e.op('Gemm', [a, b], attributes) : c.e.op('Gemm', [a, b, c.e.float([0])], attributes);
}

/**
 * gemm: y = alpha * A' B' + beta * C, with A' = transA ? Aᵀ : A, B' likewise.
 * dA' = alpha dy B'ᵀ, dB' = alpha A'ᵀ dy, dC = beta dy (unbroadcast).
 */
export const gemm: GradRule = (c) => {
  const dy = c.gradOut(0)!;
  const alpha = c.attrFloat('alpha', 1);
  const beta = c.attrFloat('beta', 1);
  const transA = c.attrInt('transA', 0) === 1;
  const transB = c.attrInt('transB', 0) === 1;
  const scaled = (v: Value, k: number) => (k === 1 ? v : c.e.op('Mul', [v, c.e.float([k])]));
  const A = c.input(0);
  const B = c.input(1);
  // Each gradient is one Gemm with the right transposes: no explicit Transpose nodes.
  if (c.needsGrad(0)) {
    // dA = alpha dy B'ᵀ (or its transpose when A was transposed)
    const g = transA
      ? gemm2(c, B, dy, { alpha: { float: alpha }, transA: transB ? 1 : 0, transB: 1 })
      : gemm2(c, dy, B, { alpha: { float: alpha }, transB: transB ? 0 : 1 });
    c.setGradIn(0, g);
  }
  if (c.needsGrad(1)) {
    // dB = alpha A'ᵀ dy (or its transpose when B was transposed)
    const g = transB
      ? gemm2(c, dy, A, { alpha: { float: alpha }, transA: 1, transB: transA ? 1 : 0 })
      : gemm2(c, A, dy, { alpha: { float: alpha }, transA: transA ? 0 : 1 });
    c.setGradIn(1, g);
  }
  const C = c.maybeInput(2);
  if (C && c.needsGrad(2)) c.setGradIn(2, unbroadcast(c, scaled(dy, beta), C, c.output(0)));
};

/**
 * matmul (numpy): y = A @ B with batch broadcasting; a 1-D A is [1, K], a 1-D B is [K, 1].
 * dA = dy @ Bᵀ, dB = Aᵀ @ dy, each summed over the batch axes it was broadcast along.
 */
export const matMul: GradRule = (c) => {
  const e = c.e;
  const A = c.input(0);
  const B = c.input(1);
  let dy = c.gradOut(0)!;
  const sa = c.shape(A);
  const sb = c.shape(B);
  const a1 = sa.length === 1;
  const b1 = sb.length === 1;
  const sa2 = a1 ? [1, sa[0]] : sa;
  const sb2 = b1 ? [sb[0], 1] : sb;
  const A2 = a1 ? e.unsqueeze(A, [0]) : A;
  const B2 = b1 ? e.unsqueeze(B, [1]) : B;
  const ry = c.shape(c.output(0)).length;
  if (a1 && b1) dy = e.unsqueeze(dy, [0, 1]);
  else if (a1) dy = e.unsqueeze(dy, [ry - 1]);
  else if (b1) dy = e.unsqueeze(dy, [ry]);
  const batch = broadcastShapes({ fail: (why) => c.unsupported(why) }, [sa2.slice(0, -2), sb2.slice(0, -2)]);
  const swapLast = (v: Value, r: number) => e.transpose(v, [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2]);
  if (c.needsGrad(0)) {
    const g = e.op('MatMul', [dy, swapLast(B2, sb2.length)]);
    let ga = unbroadcast(c, g, sa2, [...batch, sa2[sa2.length - 2], sa2[sa2.length - 1]]);
    if (a1) ga = e.reshapeLike(ga, A);
    c.setGradIn(0, ga);
  }
  if (c.needsGrad(1)) {
    const g = e.op('MatMul', [swapLast(A2, sa2.length), dy]);
    let gb = unbroadcast(c, g, sb2, [...batch, sb2[sb2.length - 2], sb2[sb2.length - 1]]);
    if (b1) gb = e.reshapeLike(gb, B);
    c.setGradIn(1, gb);
  }
};
