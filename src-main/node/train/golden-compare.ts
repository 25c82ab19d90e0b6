// Computed gradients against a PyTorch golden, at the fixtures' tolerances: the loss to 1e-5
// relative, each gradient's L2 norm to 1e-3 relative, and each sampled or full element to
// 1e-3 absolute plus 1e-3 relative. The unit tests assert with it on the CPU; the GPU check
// (scripts/gpu-check.ts) reports with it for every provider present.
import type { GradientResult } from './gradients.js';

export interface GoldenGradients {
  loss: number;
  /** `samples` ([flat index, value] pairs) and/or the full `grad`; `norm` when known. */
  params: Record<string, { shape: number[]; norm?: number; samples?: [number, number][]; grad?: number[] }>;
}

export const TOLERANCE = { loss: 1e-5, norm: 1e-3, abs: 1e-3, rel: 1e-3 } as const;

export interface GoldenComparison {
  lossRelError: number;
  /** Worst |norm - golden| / golden over the parameters. */
  worstNormError: number;
  /** Worst element excess over the tolerance (|got - want| - rel * |want|), sampled or full. */
  worstElementExcess: number;
  /** What is out of tolerance, in words (empty when everything matches). */
  failures: string[];
}

const l2 = (a: ArrayLike<number>) => Math.sqrt(Array.from(a).reduce((s, v) => s + v * v, 0));

/**
 * @param full the full PyTorch gradient of a parameter where the fixture ships one
 * @param requireAll false to compare only the parameters that got a gradient (a golden may hold
 *   more, e.g. weights the studio does not train yet)
 */
export function compareToGolden(result: GradientResult, golden: GoldenGradients, full: (param: string) => ArrayLike<number> | null = () => null, requireAll = true): GoldenComparison {
  const failures: string[] = [];
  const lossRelError = Math.abs(result.loss - golden.loss) / Math.abs(golden.loss);
  if (!(lossRelError < TOLERANCE.loss)) failures.push(`loss ${result.loss} vs ${golden.loss}`);
  let worstNormError = 0;
  let worstElementExcess = -Infinity;
  for (const [param, want] of Object.entries(golden.params)) {
    const got = result.grads.get(param);
    if (!got) {
      if (requireAll) failures.push(`${param}: no gradient computed`);
      continue;
    }
    if (got.dims.join('x') !== want.shape.join('x')) failures.push(`${param}: shape ${got.dims.join('x')} vs ${want.shape.join('x')}`);
    const wantNorm = want.norm ?? (want.grad ? l2(want.grad) : null);
    if (wantNorm !== null) {
      const e = Math.abs(l2(got.data) - wantNorm) / Math.max(wantNorm, 1e-12);
      worstNormError = Math.max(worstNormError, e);
      if (!(e < TOLERANCE.norm)) failures.push(`${param}: norm ${l2(got.data)} vs ${wantNorm}`);
    }
    const check = (index: number, value: number) => {
      const excess = Math.abs(got.data[index] - value) - TOLERANCE.rel * Math.abs(value);
      worstElementExcess = Math.max(worstElementExcess, excess);
      if (!(excess <= TOLERANCE.abs)) failures.push(`${param}[${index}]: ${got.data[index]} vs ${value}`);
    };
    for (const [index, value] of want.samples ?? []) check(index, value);
    const all = want.grad ?? full(param);
    if (all) for (let i = 0; i < all.length; i++) check(i, all[i]);
  }
  return { lossRelError, worstNormError, worstElementExcess: Math.max(worstElementExcess, 0), failures: failures.slice(0, 20) };
}
