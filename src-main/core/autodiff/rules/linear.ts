// Matrix products.
import type { GradRule } from '../context.js';
import { unbroadcast } from './broadcast.js';

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
  const scaled = (v: ReturnType<typeof c.input>, k: number) => (k === 1 ? v : c.e.op('Mul', [v, c.e.float([k])]));
  const A = c.input(0);
  const B = c.input(1);
  // Each gradient is one Gemm with the right transposes: no explicit Transpose nodes.
  if (c.needsGrad(0)) {
    // dA = alpha dy B'ᵀ (or its transpose when A was transposed)
    const g = transA
      ? c.e.op('Gemm', [B, dy], { alpha: { float: alpha }, transA: transB ? 1 : 0, transB: 1 })
      : c.e.op('Gemm', [dy, B], { alpha: { float: alpha }, transB: transB ? 0 : 1 });
    c.setGradIn(0, g);
  }
  if (c.needsGrad(1)) {
    // dB = alpha A'ᵀ dy (or its transpose when B was transposed)
    const g = transB
      ? c.e.op('Gemm', [dy, A], { alpha: { float: alpha }, transA: 1, transB: transA ? 1 : 0 })
      : c.e.op('Gemm', [A, dy], { alpha: { float: alpha }, transA: transA ? 0 : 1 });
    c.setGradIn(1, g);
  }
  const C = c.maybeInput(2);
  if (C && c.needsGrad(2)) c.setGradIn(2, unbroadcast(c, scaled(dy, beta), C, c.output(0)));
};
