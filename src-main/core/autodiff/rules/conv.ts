// Convolution. y[n,m,o] = Σ_{c∈group(m),k} w[m,c,k] · xpad[n,c,o·s + k·d] + b[m]
//   dx = ConvTranspose(dy, w)                      (same strides, dilations, pads, groups)
//   dw[m,c,k] = Σ_{n,o} dy[n,m,o] · xpad[n,c,o·s + k·d]  (im2col + MatMul per image or one GEMM, or a Conv over transposed tensors)
//   db = Σ_{n,o} dy
import type { Value } from '../../ir/graph.js';
import type { GradContext, GradRule } from '../context.js';
import type { Emitter } from '../../ir/emitter.js';
import { explicitPads, staticShape, staticTail, type WindowGeometry } from './util.js';

export interface ConvGeometry extends WindowGeometry {
  /** Output channels and groups. */
  M: number;
  G: number;
}

export function convGeometry(c: GradContext): ConvGeometry {
  const X = c.input(0);
  const ws = staticShape(c, c.input(1), 'the weight');
  const n = ws.length - 2;
  const [C, ...S] = staticTail(c, X, 1, 'the input');
  const K = ws.slice(2);
  const ones = new Array(n).fill(1);
  const strides = c.attrInts('strides', ones);
  const dilations = c.attrInts('dilations', ones);
  const { begin, end } = explicitPads(c, S, K, strides, dilations);
  const O = S.map((s, i) => Math.floor((s + begin[i] + end[i] - ((K[i] - 1) * dilations[i] + 1)) / strides[i]) + 1);
  return { C, M: ws[0], G: c.attrInt('group', 1), S, K, O, strides, dilations, begin, end };
}

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

/** dx = ConvTranspose(dy, w), with output_padding so that it has x's spatial size again. */
export function convInputGrad(e: Emitter, dy: Value, w: Value, g: ConvGeometry): Value {
  const outputPadding = g.S.map((s, i) => s - (g.strides[i] * (g.O[i] - 1) + (g.K[i] - 1) * g.dilations[i] + 1 - g.begin[i] - g.end[i]));
  return e.op('ConvTranspose', [dy, w], {
    kernel_shape: g.K,
    strides: g.strides,
    dilations: g.dilations,
    pads: [...g.begin, ...g.end],
    group: g.G,
    output_padding: outputPadding.some((p) => p !== 0) ? outputPadding : undefined,
  });
}

/**
 * dw by im2col as MatMul: a depthwise Conv with one-hot kernels gathers every window of x
 * (patches [N, C·KK, P], KK kernel taps, P output positions), then per group
 * dw = Σ_n patches · dyᵀ. Measured with onnxruntime at batch 16 on 2 threads, against the
 * transposed-Conv form below: ResNet-18 layer1 3x3 64->64 56x56 56 ms vs 400 ms,
 * layer2.0 3x3/2 64->128 32 vs 83, conv1 7x7/2 94 vs 109, 4 groups 21 vs 56; but depthwise
 * (one input channel per group) 36 vs 12 ms (5x5, 96 ch, 14x14), so depthwise uses the other.
 */
export function convWeightGrad(e: Emitter, x: Value, dy: Value, g: ConvGeometry): Value {
  if (singleGemmWeightGrad(g)) return convWeightGradGemm(e, x, dy, g);
  const KK = g.K.reduce((a, b) => a * b, 1);
  const Cg = g.C / g.G;
  const Mg = g.M / g.G;
  const onehot = new Float32Array(g.C * KK * KK);
  for (let ch = 0; ch < g.C * KK; ch++) onehot[ch * KK + (ch % KK)] = 1;
  const patches = e.op('Conv', [x, e.float(onehot, [g.C * KK, 1, ...g.K])], {
    kernel_shape: g.K,
    strides: g.strides,
    dilations: g.dilations,
    pads: [...g.begin, ...g.end],
    group: g.C,
  });
  if (g.G === 1) {
    const p = e.reshape(patches, [0, g.C * KK, -1]); // [N, C·KK, P]
    const dyt = e.transpose(e.reshape(dy, [0, g.M, -1]), [0, 2, 1]); // [N, P, M]
    const r = e.reduceSum(e.op('MatMul', [p, dyt]), [0], false); // [C·KK, M]
    return e.reshape(e.transpose(r, [1, 0]), [g.M, g.C, ...g.K]);
  }
  const p = e.reshape(patches, [0, g.G, Cg * KK, -1]); // [N, G, Cg·KK, P]
  const dyt = e.transpose(e.reshape(dy, [0, g.G, Mg, -1]), [0, 1, 3, 2]); // [N, G, P, Mg]
  const r = e.reduceSum(e.op('MatMul', [p, dyt]), [0], false); // [G, Cg·KK, Mg]
  return e.reshape(e.transpose(r, [0, 2, 1]), [g.M, Cg, ...g.K]);
}

/**
 * Whether dw is one GEMM over the batch ({@link convWeightGradGemm}) rather than a MatMul per
 * image and a ReduceSum: the GEMM form transposes x and dy once (N·C·S + N·M·P floats) but
 * skips the ReduceSum over N·Cg·KK·Mg partial products and runs one MatMul with reduction
 * length N·P instead of N with length P (P output positions, small late in a network). It is
 * chosen when P ≤ τ·h, h = Cg·KK·Mg / (Cg·KK + Mg). Measured dw alone, onnxruntime, batch 16,
 * 2 threads, interleaved with the per-image form, ResNet-18 shapes (P/h: GEMM-form speedup):
 * layer4 3x3 (0.11: 1.8-2.0x), layer3 3x3 (0.85: 1.0-1.4x), layer3.0 3x3/2 (0.94: 1.3-1.6x),
 * layer3 1x1/2 (2.3: 1.1-1.6x), layer2 3x3 (6.8: 1.3x); about even or slower from there on:
 * layer2.0 3x3/2 (7.5: 0.9-1.0x), layer2 1x1/2 (18: 1.0-1.3x), layer1 3x3 (54: 0.8-1.1x).
 * Spatial rank ≤ 2 only (the gather is a Conv with one more spatial axis).
 */
export function singleGemmWeightGrad(g: ConvGeometry, tau = SINGLE_GEMM_TAU): boolean {
  if (g.S.length > 2) return false;
  const KK = g.K.reduce((a, b) => a * b, 1);
  const a = (g.C / g.G) * KK;
  const b = g.M / g.G;
  const P = g.O.reduce((x, y) => x * y, 1);
  return P * (a + b) <= tau * a * b;
}
export const SINGLE_GEMM_TAU = 7;

/**
 * dw as one GEMM: x is transposed to [C, 1, N, S] so that a Conv with one more (leading,
 * kernel 1) spatial axis and one-hot kernels [KK, 1, 1, K] gathers the windows straight into
 * [C, KK, N, O], i.e. per group a [Cg·KK, N·P] matrix; dy transposed to [M, N·P];
 * dw[G, Mg, Cg·KK] = dy · patchesᵀ, already in the weight's layout.
 */
export function convWeightGradGemm(e: Emitter, x: Value, dy: Value, g: ConvGeometry): Value {
  const n = g.S.length;
  const KK = g.K.reduce((a, b) => a * b, 1);
  const Cg = g.C / g.G;
  const Mg = g.M / g.G;
  const onehot = new Float32Array(KK * KK);
  for (let k = 0; k < KK; k++) onehot[k * KK + k] = 1;
  const xt = e.reshape(e.transpose(x, [1, 0, ...range(2, 2 + n)]), [g.C, 1, -1, ...g.S]); // [C, 1, N, S]
  const patches = e.op('Conv', [xt, e.float(onehot, [KK, 1, 1, ...g.K])], {
    kernel_shape: [1, ...g.K],
    strides: [1, ...g.strides],
    dilations: [1, ...g.dilations],
    pads: [0, ...g.begin, 0, ...g.end],
  }); // [C, KK, N, O]
  const dyt = e.transpose(e.reshape(dy, [0, g.M, -1]), [1, 0, 2]); // [M, N, P]
  if (g.G === 1) {
    // Gemm's C is optional from opset 11 on.
    const c = e.opset < 11 ? [e.float([0])] : [];
    const r = e.op('Gemm', [e.reshape(dyt, [g.M, -1]), e.reshape(patches, [g.C * KK, -1]), ...c], { transB: 1 }); // [M, C·KK]
    return e.reshape(r, [g.M, g.C, ...g.K]);
  }
  const p = e.transpose(e.reshape(patches, [g.G, Cg * KK, -1]), [0, 2, 1]); // [G, N·P, Cg·KK]
  const r = e.op('MatMul', [e.reshape(dyt, [g.G, Mg, -1]), p]); // [G, Mg, Cg·KK]
  return e.reshape(r, [g.M, Cg, ...g.K]);
}

/**
 * dw as one Conv: x viewed as [Cg, G·N, S] (channels become the batch), dy as [G·Mg, N, O]
 * (the weight), strides and dilations swapped, the forward begin pads; the result [Cg, M, K']
 * is sliced to K and transposed to [M, Cg, K].
 */
export function convWeightGradTransposed(e: Emitter, x: Value, dy: Value, g: ConvGeometry): Value {
  const n = g.S.length;
  const sp = (from: number) => range(from, from + n);
  const Cg = g.C / g.G;
  const Mg = g.M / g.G;
  let xt: Value;
  let dyt: Value;
  if (g.G === 1) {
    xt = e.transpose(x, [1, 0, ...sp(2)]);
    dyt = e.transpose(dy, [1, 0, ...sp(2)]);
  } else {
    xt = e.reshape(e.transpose(e.reshape(x, [0, g.G, Cg, ...g.S]), [2, 1, 0, ...sp(3)]), [Cg, -1, ...g.S]);
    dyt = e.reshape(e.transpose(e.reshape(dy, [0, g.G, Mg, ...g.O]), [1, 2, 0, ...sp(3)]), [g.M, -1, ...g.O]);
  }
  // End pads just large enough for K outputs per axis (never more than the forward's).
  const end = g.K.map((k, i) => Math.max(0, (k - 1) * g.dilations[i] + (g.O[i] - 1) * g.strides[i] + 1 - g.S[i] - g.begin[i]));
  const out = g.S.map((s, i) => Math.floor((s + g.begin[i] + end[i] - ((g.O[i] - 1) * g.strides[i] + 1)) / g.dilations[i]) + 1);
  let r = e.op('Conv', [xt, dyt], {
    kernel_shape: g.O,
    strides: g.dilations,
    dilations: g.strides,
    pads: [...g.begin, ...end],
    group: g.G,
  });
  if (out.some((o, i) => o !== g.K[i])) r = e.slice(r, sp(2), new Array(n).fill(0), g.K);
  return e.transpose(r, [1, 0, ...sp(2)]);
}

/** conv: dx = ConvTranspose(dy, w); dw = Σ_n im2col(x)·dyᵀ (depthwise: Conv(xᵀ, dyᵀ), strides and dilations swapped); db = Σ_{n,o} dy */
export const conv: GradRule = (c) => {
  const dy = c.gradOut(0)!;
  const g = convGeometry(c);
  if (c.needsGrad(0)) c.setGradIn(0, convInputGrad(c.e, dy, c.input(1), g));
  if (c.needsGrad(1)) {
    const depthwise = g.G > 1 && g.C === g.G;
    c.setGradIn(1, (depthwise ? convWeightGradTransposed : convWeightGrad)(c.e, c.input(0), dy, g));
  }
  if (c.maybeInput(2) && c.needsGrad(2)) c.setGradIn(2, c.e.reduceSum(dy, [0, ...range(2, 2 + g.S.length)], false));
};
