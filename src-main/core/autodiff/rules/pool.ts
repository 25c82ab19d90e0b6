// Pooling. Each output reads a window of the input; the gradient goes back to the window:
// to its arg-max for MaxPool, spread evenly for the average pools. Overlapping windows add.
import { DataType } from '../../onnx/dtype.js';
import type { Value } from '../../ir/graph.js';
import type { GradContext, GradRule } from '../context.js';
import { explicitPads, staticTail, type WindowGeometry } from './util.js';

type PoolGeometry = WindowGeometry;

function poolGeometry(c: GradContext): PoolGeometry {
  const [C, ...S] = staticTail(c, c.input(0), 1, 'the input');
  const n = S.length;
  const K = c.attrInts('kernel_shape', []);
  if (K.length !== n) c.unsupported('kernel_shape must give every spatial axis');
  const ones = new Array(n).fill(1);
  const strides = c.attrInts('strides', ones);
  const dilations = c.attrInts('dilations', ones);
  const { begin, end } = explicitPads(c, S, K, strides, dilations);
  const O = staticTail(c, c.output(0), 2, 'the output');
  return { C, S, K, O, strides, dilations, begin, end };
}

const prod = (xs: number[]) => xs.reduce((a, b) => a * b, 1);

/** All index tuples of a static shape, in row-major order. */
function* tuples(dims: number[]): Generator<number[]> {
  const total = prod(dims);
  const idx = new Array(dims.length).fill(0);
  for (let t = 0; t < total; t++) {
    yield idx.slice();
    for (let a = dims.length - 1; a >= 0; a--) {
      if (++idx[a] < dims[a]) break;
      idx[a] = 0;
    }
  }
}

/**
 * Places y-shaped per-window values back on x: ConvTranspose of `v` [N, C·Kc, O] with a
 * one-hot kernel per channel group (channel c·Kc + j puts its value at kernel offset j, or
 * a ones kernel when `perOffset` is false and v is [N, C, O]), cropped to x's spatial size.
 */
function scatterWindows(c: GradContext, v: Value, g: PoolGeometry, perOffset: boolean): Value {
  const Kc = prod(g.K);
  const inPerGroup = perOffset ? Kc : 1;
  const w = new Float32Array(g.C * inPerGroup * Kc);
  for (let ch = 0; ch < g.C * inPerGroup; ch++) {
    if (perOffset) w[ch * Kc + (ch % Kc)] = 1;
    else w.fill(1, ch * Kc, (ch + 1) * Kc);
  }
  // Output size s(O-1) + (K-1)d + 1 - begin - end + output_padding must be S: choose the end pad.
  const natural = g.O.map((o, i) => g.strides[i] * (o - 1) + (g.K[i] - 1) * g.dilations[i] + 1 - g.begin[i]);
  const end = natural.map((t, i) => Math.max(0, t - g.S[i]));
  const outputPadding = natural.map((t, i) => Math.max(0, g.S[i] - t));
  return c.e.op('ConvTranspose', [v, c.e.float(w, [g.C * inPerGroup, 1, ...g.K])], {
    kernel_shape: g.K,
    strides: g.strides,
    dilations: g.dilations,
    pads: [...g.begin, ...end],
    group: g.C,
    output_padding: outputPadding.some((p) => p !== 0) ? outputPadding : undefined,
  });
}

/** The node's output i, added to the node when the model did not ask for it. */
export function ensureOutput(c: GradContext, i: number, elemType: number, shape: (number | string | null)[] | null): Value {
  const node = c.node;
  const existing = node.outputs[i];
  if (existing) return existing;
  const graph = c.e.graph;
  while (node.outputs.length < i) node.outputs.push(null);
  const v = graph.createValue(graph.uniqueName(`${node.id}_out${i}`));
  v.producer = node;
  v.type = { elemType, shape };
  node.outputs[i] = v;
  node.dirty = true;
  return v;
}

/**
 * maxpool: dx[argmax(window)] += dy. From opset 16 by ScatterElements(reduction=add) of dy at
 * the Indices output; before, by a one-hot per kernel offset ((Indices mod HW) == where the
 * offset lands) placed back with a ConvTranspose.
 */
export const maxPool: GradRule = (c) => {
  const dy = c.gradOut(0)!;
  const x = c.input(0);
  const g = poolGeometry(c);
  const e = c.e;
  let indices: Value;
  if (c.attrInt('storage_order', 0) === 0) {
    indices = ensureOutput(c, 1, DataType.INT64, c.shape(c.output(0)));
  } else {
    indices = e.opN('MaxPool', [x], 2, {
      kernel_shape: g.K,
      strides: g.strides,
      pads: [...g.begin, ...g.end],
      dilations: c.opset >= 10 ? g.dilations : undefined,
      ceil_mode: c.opset >= 10 ? c.attrInt('ceil_mode', 0) : undefined,
    })[1];
  }
  if (c.opset >= 16) {
    // Expand, not ConstantOfShape: onnxruntime's WebGPU provider has no ConstantOfShape, and
    // a zero tensor of the input's size made on the host would be copied to the GPU each step.
    const zeros = e.op('Expand', [e.float([0]), e.reshape(e.op('Size', [x]), [1])]);
    const flat = e.op('ScatterElements', [zeros, e.reshape(indices, [-1]), e.reshape(dy, [-1])], { axis: 0, reduction: 'add' });
    c.setGradIn(0, e.reshapeLike(flat, x));
    return;
  }
  // Where each kernel offset of each window lands in the H·W plane (-1: in the padding).
  const plane = prod(g.S);
  const Kc = prod(g.K);
  const landing: number[] = [];
  for (const k of tuples(g.K)) {
    for (const o of tuples(g.O)) {
      let flat = 0;
      let inside = true;
      for (let a = 0; a < g.S.length; a++) {
        const pos = o[a] * g.strides[a] - g.begin[a] + k[a] * g.dilations[a];
        if (pos < 0 || pos >= g.S[a]) inside = false;
        flat = flat * g.S[a] + pos;
      }
      landing.push(inside ? flat : -1);
    }
  }
  const hw = e.int64([plane], []);
  const local = e.op('Sub', [indices, e.op('Mul', [e.op('Div', [indices, hw]), hw])]);
  const landingV = e.int64(landing, [Kc, ...g.O]);
  const hit = e.op('Cast', [e.op('Equal', [e.unsqueeze(local, [2]), landingV])], { to: DataType.FLOAT });
  const perOffset = e.op('Mul', [hit, e.unsqueeze(dy, [2])]);
  const stacked = e.reshape(perOffset, [0, g.C * Kc, ...g.O]);
  c.setGradIn(0, scatterWindows(c, stacked, g, true));
};

/** The number of elements each window divides by, as ONNX Runtime and PyTorch count them. */
function windowCounts(g: PoolGeometry, includePad: boolean): Float32Array {
  const out = new Float32Array(prod(g.O));
  let t = 0;
  for (const o of tuples(g.O)) {
    let count = 1;
    for (let a = 0; a < g.S.length; a++) {
      const start = o[a] * g.strides[a] - g.begin[a];
      let n = 0;
      for (let k = 0; k < g.K[a]; k++) {
        const pos = start + k * g.dilations[a];
        if (includePad ? pos < g.S[a] + g.end[a] : pos >= 0 && pos < g.S[a]) n++;
      }
      count *= n;
    }
    out[t++] = count;
  }
  return out;
}

/** averagepool: dx[window(o)] += dy[o] / count(o), count with or without the padding (count_include_pad) */
export const averagePool: GradRule = (c) => {
  const dy = c.gradOut(0)!;
  const g = poolGeometry(c);
  const counts = windowCounts(g, c.attrInt('count_include_pad', 0) === 1);
  const scale = c.e.float(counts.map((n) => 1 / n), [...g.O]);
  c.setGradIn(0, scatterWindows(c, c.e.op('Mul', [dy, scale]), g, false));
};

/** globalaveragepool: dx = dy / (H·W), broadcast over the spatial axes */
export const globalAveragePool: GradRule = (c) => {
  const x = c.input(0);
  const spatial = staticTail(c, x, 2, 'the input');
  const scaled = c.e.op('Mul', [c.gradOut(0)!, c.e.float([1 / prod(spatial)])]);
  c.setGradIn(0, c.e.op('Expand', [scaled, c.e.shapeOf(x)]));
};
