// One time step of each cell, as the ONNX operator specs write them, on [N, ·] tensors.
// The input projection x_t·Wᵀ + Wb arrives precomputed (`xp`, [N, G·H]); the step adds the
// recurrent product h_{t-1}·Rᵀ + Rb (one Gemm) and does the gate math on the fused tensor.
import type { Emitter } from '../ir/emitter.js';
import type { Value } from '../ir/graph.js';
import { activate, block, clip, linear, sliceAxis } from './ops.js';
import type { Activation } from './spec.js';

/** The per-direction weights, cut from the node's own W / R / B / P inside the graph. */
export interface PassWeights {
  /** R for this direction, [G·H, H]. */
  r: Value;
  /** Rb for this direction, [1, G·H], or null without B. */
  rb: Value | null;
  /** GRU with linear_before_reset = 0: R and Rb split into the z,r blocks and the h block. */
  gruSplit: { rZR: Value; rbZR: Value | null; rH: Value; rbH: Value | null } | null;
  /** LSTM peepholes, each [1, H]. */
  peepholes: { i: Value; o: Value; f: Value } | null;
}

export interface CellConfig {
  e: Emitter;
  hidden: number;
  activations: Activation[];
  clip: number | null;
  inputForget: boolean;
  linearBeforeReset: boolean;
  weights: PassWeights;
}

export interface CellState {
  h: Value;
  /** LSTM only. */
  c: Value | null;
}

export type CellStep = (cfg: CellConfig, xp: Value, prev: CellState) => CellState;

/** RNN: h_t = f(xp + h_{t-1}·Rᵀ + Rb). */
export const rnnStep: CellStep = ({ e, activations: [f], clip: bound, weights }, xp, prev) => {
  const pre = e.op('Add', [xp, linear(e, prev.h, weights.r, weights.rb)]);
  return { h: activate(e, clip(e, pre, bound), f), c: null };
};

/**
 * GRU (gates z, r, h):
 * z, r = f(xp_zr + h_{t-1}·R_zrᵀ + Rb_zr)
 * lbr=0: h~ = g(xp_h + (r ⊙ h_{t-1})·R_hᵀ + Rb_h);  lbr=1: h~ = g(xp_h + r ⊙ (h_{t-1}·R_hᵀ + Rb_h))
 * h_t = (1 - z) ⊙ h~ + z ⊙ h_{t-1} = h~ + z ⊙ (h_{t-1} - h~)
 */
export const gruStep: CellStep = ({ e, hidden: H, activations: [f, g], clip: bound, linearBeforeReset, weights }, xp, prev) => {
  const xpZR = sliceAxis(e, xp, 1, 0, 2 * H);
  const xpH = block(e, xp, 2, H);
  let zr: Value;
  let candPre: Value;
  if (linearBeforeReset) {
    const rec = linear(e, prev.h, weights.r, weights.rb); // [N, 3H]
    zr = activate(e, clip(e, e.op('Add', [xpZR, sliceAxis(e, rec, 1, 0, 2 * H)]), bound), f);
    const reset = block(e, zr, 1, H);
    candPre = e.op('Add', [xpH, e.op('Mul', [reset, block(e, rec, 2, H)])]);
  } else {
    const split = weights.gruSplit!;
    zr = activate(e, clip(e, e.op('Add', [xpZR, linear(e, prev.h, split.rZR, split.rbZR)]), bound), f);
    const reset = block(e, zr, 1, H);
    candPre = e.op('Add', [xpH, linear(e, e.op('Mul', [reset, prev.h]), split.rH, split.rbH)]);
  }
  const update = block(e, zr, 0, H);
  const cand = activate(e, clip(e, candPre, bound), g);
  const h = e.op('Add', [cand, e.op('Mul', [update, e.op('Sub', [prev.h, cand])])]);
  return { h, c: null };
};

/**
 * LSTM (gates i, o, f, c):
 * i = f(pre_i + P_i ⊙ c_{t-1}), f_t = f(pre_f + P_f ⊙ c_{t-1}) (or 1 - i when input_forget),
 * c~ = g(pre_c), c_t = f_t ⊙ c_{t-1} + i ⊙ c~, o = f(pre_o + P_o ⊙ c_t), h_t = o ⊙ h(c_t)
 */
export const lstmStep: CellStep = ({ e, hidden: H, activations: [f, g, hAct], clip: bound, inputForget, weights }, xp, prev) => {
  const cPrev = prev.c!;
  const gates = e.op('Add', [xp, linear(e, prev.h, weights.r, weights.rb)]); // [N, 4H]
  const peep = weights.peepholes;
  let input: Value;
  let forget: Value;
  let output: Value | ((c: Value) => Value);
  let cand: Value;
  if (!peep) {
    // One activation over the i, o, f blocks together, one over c.
    const clipped = clip(e, gates, bound);
    const iof = activate(e, sliceAxis(e, clipped, 1, 0, 3 * H), f);
    input = block(e, iof, 0, H);
    output = block(e, iof, 1, H);
    forget = inputForget ? e.op('Sub', [e.float([1]), input]) : block(e, iof, 2, H);
    cand = activate(e, block(e, clipped, 3, H), g);
  } else {
    // gate = f(clip(pre + P ⊙ c))
    const gate = (k: number, p: Value, c: Value) => activate(e, clip(e, e.op('Add', [block(e, gates, k, H), e.op('Mul', [p, c])]), bound), f);
    input = gate(0, peep.i, cPrev);
    forget = inputForget ? e.op('Sub', [e.float([1]), input]) : gate(2, peep.f, cPrev);
    cand = activate(e, clip(e, block(e, gates, 3, H), bound), g);
    output = (c: Value) => gate(1, peep.o, c);
  }
  const c = e.op('Add', [e.op('Mul', [forget, cPrev]), e.op('Mul', [input, cand])]);
  const o = typeof output === 'function' ? output(c) : output;
  return { h: e.op('Mul', [o, activate(e, c, hAct)]), c };
};

export const CELL_STEPS = { LSTM: lstmStep, GRU: gruStep, RNN: rnnStep } as const;
