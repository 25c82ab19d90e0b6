// Convolutions and pooling: [N, C, spatial...] in, [N, C', spatial'...] out, where each spatial
// size follows the sliding-window formula of the ONNX spec (pads, strides, dilations,
// auto_pad, ceil_mode).
import type { Dim } from '../../ir/graph.js';
import { getInt, getInts, getString } from '../../ir/attributes.js';
import { DataType } from '../../onnx/dtype.js';
import type { RuleContext, ShapeRule } from '../context.js';
import { formatShape } from '../context.js';
import { mulDim } from '../symbolic.js';

interface Window {
  kernel: number[];
  strides: number[];
  dilations: number[];
  /** begin pads then end pads, as in the `pads` attribute. */
  pads: number[];
  autoPad: string;
  ceil: boolean;
}

function windowOf(ctx: RuleContext, spatial: number, kernel: number[]): Window {
  const n = ctx.node;
  if (kernel.length !== spatial) ctx.fail(`kernel_shape has ${kernel.length} dims for ${spatial} spatial dims`);
  const pads = getInts(n, 'pads', new Array(2 * spatial).fill(0));
  if (pads.length !== 2 * spatial) ctx.fail(`pads has ${pads.length} values, expected ${2 * spatial}`);
  return {
    kernel,
    strides: getInts(n, 'strides', new Array(spatial).fill(1)),
    dilations: getInts(n, 'dilations', new Array(spatial).fill(1)),
    pads,
    autoPad: getString(n, 'auto_pad', 'NOTSET'),
    ceil: getInt(n, 'ceil_mode', 0) === 1,
  };
}

/** Output size of one spatial axis of a sliding window. */
function slidingOut(ctx: RuleContext, input: Dim, w: Window, i: number): Dim {
  const s = w.strides[i];
  const span = (w.kernel[i] - 1) * w.dilations[i] + 1;
  const same = w.autoPad === 'SAME_UPPER' || w.autoPad === 'SAME_LOWER';
  if (typeof input !== 'number') {
    // Only the windows that keep every size can say something about a symbolic one.
    const identity = s === 1 && (same || (w.autoPad !== 'VALID' && span === 1 + w.pads[i] + w.pads[i + w.kernel.length]));
    return identity ? input : null;
  }
  if (same) return Math.ceil(input / s);
  if (w.autoPad === 'VALID') return Math.floor((input - span) / s) + 1;
  const padBegin = w.pads[i];
  const padded = input + padBegin + w.pads[i + w.kernel.length];
  if (padded < span) ctx.fail(`window of ${span} is larger than the padded input (${padded}) on spatial axis ${i}`);
  let out = (w.ceil ? Math.ceil((padded - span) / s) : Math.floor((padded - span) / s)) + 1;
  // With ceil_mode the last window must start inside the input or its left padding.
  if (w.ceil && (out - 1) * s >= input + padBegin) out--;
  return out;
}

function spatialOut(ctx: RuleContext, x: Dim[], w: Window): Dim[] {
  return x.slice(2).map((d, i) => slidingOut(ctx, d, w, i));
}

function needRankAtLeast3(ctx: RuleContext, x: Dim[]): void {
  if (x.length < 3) ctx.fail(`input has shape ${formatShape(x)}; expected [N, C, spatial...]`);
}

const conv: ShapeRule = (ctx: RuleContext) => {
  const x = ctx.needShape(0);
  const w = ctx.needShape(1);
  needRankAtLeast3(ctx, x);
  if (w.length !== x.length) ctx.fail(`weight ${formatShape(w)} and input ${formatShape(x)} differ in rank`);
  const group = getInt(ctx.node, 'group', 1);
  const c = x[1];
  const wc = w[1];
  if (typeof c === 'number' && typeof wc === 'number' && c !== wc * group) {
    ctx.fail(`input has ${c} channels but the weight ${formatShape(w)} with group ${group} expects ${wc * group}`);
  }
  const m = w[0];
  const b = ctx.shape(2);
  if (b && typeof b[0] === 'number' && typeof m === 'number' && b[0] !== m) ctx.fail(`bias has ${b[0]} values for ${m} output channels`);
  const kernel = getInts(ctx.node, 'kernel_shape') ?? kernelFromWeight(ctx, w);
  ctx.setOutput(0, ctx.elemType(0), [x[0], m, ...spatialOut(ctx, x, windowOf(ctx, x.length - 2, kernel))]);
};

function kernelFromWeight(ctx: RuleContext, w: Dim[]): number[] {
  const k = w.slice(2);
  if (!k.every((d): d is number => typeof d === 'number')) ctx.giveUp(`kernel size is not known (weight ${formatShape(w)})`);
  return k as number[];
}

const convTranspose: ShapeRule = (ctx: RuleContext) => {
  const x = ctx.needShape(0);
  const w = ctx.needShape(1);
  needRankAtLeast3(ctx, x);
  const n = ctx.node;
  const group = getInt(n, 'group', 1);
  if (typeof x[1] === 'number' && typeof w[0] === 'number' && x[1] !== w[0]) {
    ctx.fail(`input has ${x[1]} channels but the weight ${formatShape(w)} expects ${w[0]}`);
  }
  const spatial = x.length - 2;
  const m = mulDim(w[1], group);
  const outputShape = getInts(n, 'output_shape');
  if (outputShape) {
    ctx.setOutput(0, ctx.elemType(0), [x[0], m, ...outputShape.slice(-spatial)]);
    return;
  }
  const win = windowOf(ctx, spatial, getInts(n, 'kernel_shape') ?? kernelFromWeight(ctx, w));
  const outPad = getInts(n, 'output_padding', new Array(spatial).fill(0));
  const out = x.slice(2).map((d, i): Dim => {
    if (typeof d !== 'number') return null;
    const s = win.strides[i];
    const span = (win.kernel[i] - 1) * win.dilations[i] + 1;
    const full = s * (d - 1) + outPad[i] + span;
    // SAME aims at d * s by padding; a kernel narrower than the stride would need negative
    // padding, which runtimes clamp to 0, leaving the unpadded size.
    if (win.autoPad === 'SAME_UPPER' || win.autoPad === 'SAME_LOWER') return Math.min(d * s, full);
    return full - (win.autoPad === 'VALID' ? 0 : win.pads[i] + win.pads[i + spatial]);
  });
  ctx.setOutput(0, ctx.elemType(0), [x[0], m, ...out]);
};

const pool: ShapeRule = (ctx: RuleContext) => {
  const x = ctx.needShape(0);
  needRankAtLeast3(ctx, x);
  const kernel = getInts(ctx.node, 'kernel_shape');
  if (!kernel) ctx.fail('kernel_shape attribute is missing');
  const out = [x[0], x[1], ...spatialOut(ctx, x, windowOf(ctx, x.length - 2, kernel))];
  ctx.setOutput(0, ctx.elemType(0), out);
  ctx.setOutput(1, DataType.INT64, out); // MaxPool's Indices
};

const globalPool: ShapeRule = (ctx: RuleContext) => {
  const x = ctx.needShape(0);
  needRankAtLeast3(ctx, x);
  ctx.setOutput(0, ctx.elemType(0), [x[0], x[1], ...x.slice(2).map(() => 1)]);
};

export const convPoolRules: Record<string, ShapeRule> = {
  Conv: conv,
  ConvTranspose: convTranspose,
  MaxPool: pool,
  AveragePool: pool,
  LpPool: pool,
  GlobalAveragePool: globalPool,
  GlobalMaxPool: globalPool,
  GlobalLpPool: globalPool,
};
