// Every gradient rule against central finite differences of the forward model, both run in
// onnxruntime. One table of cases; a rule in `gradRules` without a case fails the test.
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { type AttrValue, graphInput, newModel, op, opN } from '../ir/builder.js';
import { Graph, type Value } from '../ir/graph.js';
import { DataType } from '../onnx/dtype.js';
import { makeTensor } from '../onnx/tensor.js';
import { encodeModel } from '../onnx/codec.js';
import { seededRandom } from '../random.js';
import { inferShapes } from '../shape/infer.js';
import { compileTrainingStep } from '../train/compile.js';
import { gradRules } from './rules/index.js';
import { MODERN_CASE_OPS } from './rules-modern.cases.js';

const EPS = 1e-2;
/** Largest allowed |analytic - numeric|, relative to the largest numeric gradient. */
const TOL = 5e-3;

type Spec =
  /** A float tensor: trainable (default) or a fixed constant, with generated values. */
  | { shape: number[]; train?: boolean; gen?: 'grid' | 'positive'; scale?: number; kinks?: number[] }
  | { ints: number[]; dims?: number[] }
  | { floats: number[]; dims?: number[] }
  | { bool: boolean }
  | { same: number }
  | null;

interface Case {
  name: string;
  /** The op whose rule the case tests (coverage). */
  op: string;
  opset?: number;
  inputs: Spec[];
  attrs?: Record<string, AttrValue>;
  /** Outputs the node declares (the first is the prediction). */
  outputs?: number;
  /** A custom forward graph over the inputs instead of one node of `op`. */
  build?: (g: Graph, ins: (Value | null)[]) => Value;
  /** Dropout in training mode: random masks, so the oracle reads the mask off the prediction. */
  oracle?: 'dropout';
}

const f = (shape: number[], more: Partial<Extract<Spec, { shape: number[] }>> = {}): Spec => ({ shape, ...more });
const fixed = (shape: number[], more: Partial<Extract<Spec, { shape: number[] }>> = {}): Spec => ({ shape, train: false, ...more });

const CASES: Case[] = [
  // ---- element-wise, with broadcasting and fan-out
  { name: 'Add broadcast [2,3]+[3]', op: 'Add', inputs: [f([2, 3]), f([3])] },
  { name: 'Add both broadcast [2,1,4]+[3,1]', op: 'Add', inputs: [f([2, 1, 4]), f([3, 1])] },
  { name: 'Add opset 9', op: 'Add', opset: 9, inputs: [f([2, 3]), f([1, 3])] },
  { name: 'Sub [2,3]-[2,1]', op: 'Sub', inputs: [f([2, 3]), f([2, 1])] },
  { name: 'Mul [2,3]*[1,3]', op: 'Mul', inputs: [f([2, 3]), f([1, 3])] },
  { name: 'Mul x*x (fan-out sums)', op: 'Mul', inputs: [f([2, 3]), { same: 0 }] },
  { name: 'Mul by a constant', op: 'Mul', inputs: [f([2, 3]), { floats: [0.25] }] },
  { name: 'Div [2,3]/[3]', op: 'Div', inputs: [f([2, 3]), f([3], { gen: 'positive' })] },
  { name: 'Sum of three, broadcast', op: 'Sum', inputs: [f([2, 3]), f([3]), f([1, 1])] },
  // ---- activations (values kept away from the kinks)
  { name: 'Relu', op: 'Relu', inputs: [f([2, 5], { kinks: [0] })] },
  { name: 'LeakyRelu alpha 0.2', op: 'LeakyRelu', attrs: { alpha: 0.2 }, inputs: [f([2, 5], { kinks: [0] })] },
  { name: 'Sigmoid', op: 'Sigmoid', inputs: [f([2, 5], { scale: 3 })] },
  { name: 'Tanh', op: 'Tanh', inputs: [f([2, 5], { scale: 2 })] },
  { name: 'HardSigmoid default', op: 'HardSigmoid', inputs: [f([2, 8], { scale: 4, kinks: [-2.5, 2.5] })] },
  { name: 'HardSigmoid alpha 1/6 opset 9', op: 'HardSigmoid', opset: 9, attrs: { alpha: 1 / 6, beta: 0.5 }, inputs: [f([2, 8], { scale: 5, kinks: [-3, 3] })] },
  { name: 'HardSwish', op: 'HardSwish', opset: 14, inputs: [f([3, 8], { scale: 5, kinks: [-3, 3] })] },
  { name: 'Clip inputs min/max', op: 'Clip', opset: 13, inputs: [f([2, 8], { kinks: [-0.5, 0.45] }), { floats: [-0.5], dims: [] }, { floats: [0.45], dims: [] }] },
  { name: 'Clip max only', op: 'Clip', opset: 13, inputs: [f([2, 8], { kinks: [0.3] }), null, { floats: [0.3], dims: [] }] },
  { name: 'Clip no bounds', op: 'Clip', opset: 11, inputs: [f([2, 4])] },
  { name: 'Clip attributes opset 9', op: 'Clip', opset: 9, attrs: { min: { float: 0 }, max: { float: 0.6 } }, inputs: [f([2, 8], { kinks: [0, 0.6] })] },
  // ---- linear
  { name: 'Gemm A B C[4]', op: 'Gemm', inputs: [f([2, 3]), f([3, 4]), f([4])] },
  { name: 'Gemm transA transB alpha beta C[2,1]', op: 'Gemm', attrs: { transA: 1, transB: 1, alpha: 0.5, beta: { float: 2 } }, inputs: [f([3, 2]), f([4, 3]), f([2, 1])] },
  { name: 'Gemm opset 9 transB C[1,4]', op: 'Gemm', opset: 9, attrs: { transB: 1 }, inputs: [f([2, 3]), f([4, 3]), f([1, 4])] },
  { name: 'Gemm opset 11 no C transA', op: 'Gemm', opset: 11, attrs: { transA: 1 }, inputs: [f([3, 2]), f([3, 4])] },
  { name: 'MatMul 2-D', op: 'MatMul', inputs: [f([2, 3]), f([3, 4])] },
  { name: 'MatMul batch broadcast', op: 'MatMul', inputs: [f([2, 1, 2, 3]), f([3, 3, 2])] },
  { name: 'MatMul 1-D @ batch', op: 'MatMul', inputs: [f([3]), f([2, 3, 4])] },
  { name: 'MatMul 2-D @ 1-D', op: 'MatMul', opset: 9, inputs: [f([2, 3]), f([3])] },
  { name: 'MatMul 1-D @ 1-D', op: 'MatMul', inputs: [f([3]), f([3])] },
  // ---- convolution
  { name: 'Conv 3x3 pad 1 with bias', op: 'Conv', attrs: { pads: [1, 1, 1, 1] }, inputs: [f([1, 2, 5, 5]), f([3, 2, 3, 3]), f([3])] },
  { name: 'Conv stride 2 batch 2', op: 'Conv', attrs: { strides: [2, 2] }, inputs: [f([2, 2, 6, 6]), f([2, 2, 3, 3])] },
  { name: 'Conv asymmetric pads stride 2', op: 'Conv', attrs: { strides: [2, 2], pads: [0, 1, 2, 1] }, inputs: [f([1, 2, 5, 6]), f([2, 2, 3, 2]), f([2])] },
  { name: 'Conv dilation 2', op: 'Conv', attrs: { dilations: [2, 2], pads: [1, 2, 1, 0] }, inputs: [f([1, 2, 6, 6]), f([2, 2, 3, 3])] },
  { name: 'Conv groups 2', op: 'Conv', attrs: { group: 2, pads: [1, 1, 1, 1] }, inputs: [f([2, 4, 4, 4]), f([4, 2, 3, 3]), f([4])] },
  { name: 'Conv depthwise stride 2', op: 'Conv', attrs: { group: 3, strides: [2, 2], pads: [1, 1, 1, 1] }, inputs: [f([2, 3, 5, 5]), f([3, 1, 3, 3]), f([3])] },
  { name: 'Conv depthwise x2 dilated, groups stride', op: 'Conv', attrs: { group: 2, strides: [2, 1], dilations: [1, 2], pads: [1, 2, 0, 1] }, inputs: [f([1, 2, 5, 6]), f([4, 1, 3, 3])] },
  { name: 'Conv auto_pad SAME_UPPER stride 2', op: 'Conv', attrs: { auto_pad: 'SAME_UPPER', strides: [2, 2] }, inputs: [f([1, 2, 6, 5]), f([2, 2, 3, 3])] },
  { name: 'Conv auto_pad SAME_LOWER even kernel', op: 'Conv', attrs: { auto_pad: 'SAME_LOWER' }, inputs: [f([1, 1, 5, 5]), f([2, 1, 2, 2])] },
  { name: 'Conv auto_pad VALID stride 3', op: 'Conv', attrs: { auto_pad: 'VALID', strides: [3, 3] }, inputs: [f([1, 2, 7, 8]), f([2, 2, 2, 2])] },
  { name: 'Conv 1-D stride 2', op: 'Conv', attrs: { strides: [2], pads: [1, 0] }, inputs: [f([2, 2, 7]), f([3, 2, 3]), f([3])] },
  // Grouped, few output positions per channel: dw as one batched GEMM (singleGemmWeightGrad).
  { name: 'Conv single-GEMM dW, groups 2 dilated', op: 'Conv', attrs: { group: 2, strides: [2, 2], dilations: [2, 2], pads: [1, 1, 1, 1] }, inputs: [f([2, 4, 5, 5]), f([6, 2, 3, 3])] },
  { name: 'Conv opset 9', op: 'Conv', opset: 9, attrs: { strides: [2, 2], pads: [1, 1, 1, 1] }, inputs: [f([1, 2, 5, 5]), f([2, 2, 3, 3]), f([2])] },
  // ---- pooling
  { name: 'MaxPool 2x2/2', op: 'MaxPool', attrs: { kernel_shape: [2, 2], strides: [2, 2] }, inputs: [f([1, 2, 4, 4])] },
  { name: 'MaxPool 3x3/2 pad 1 (overlapping, opset 17 scatter-add)', op: 'MaxPool', attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, inputs: [f([2, 2, 7, 7])] },
  { name: 'MaxPool 3x3/2 pad 1 opset 13 (one-hot form)', op: 'MaxPool', opset: 13, attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, inputs: [f([2, 2, 7, 7])] },
  { name: 'MaxPool ceil_mode opset 13', op: 'MaxPool', opset: 13, attrs: { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }, inputs: [f([1, 2, 6, 6])] },
  { name: 'MaxPool ceil_mode opset 17', op: 'MaxPool', attrs: { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }, inputs: [f([1, 2, 6, 6])] },
  { name: 'MaxPool dilation 2 opset 12', op: 'MaxPool', opset: 12, attrs: { kernel_shape: [2, 2], dilations: [2, 2], pads: [1, 0, 0, 1] }, inputs: [f([1, 2, 5, 5])] },
  { name: 'MaxPool 2x2/1 opset 9 with Indices', op: 'MaxPool', opset: 9, outputs: 2, attrs: { kernel_shape: [2, 2] }, inputs: [f([1, 2, 4, 4])] },
  { name: 'MaxPool SAME_UPPER', op: 'MaxPool', attrs: { kernel_shape: [3, 3], strides: [2, 2], auto_pad: 'SAME_UPPER' }, inputs: [f([1, 1, 6, 6])] },
  { name: 'AveragePool 3x3/2 pad 1 exclude pad', op: 'AveragePool', attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, inputs: [f([2, 2, 6, 6])] },
  { name: 'AveragePool 3x3/2 pad 1 include pad', op: 'AveragePool', attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], count_include_pad: 1 }, inputs: [f([2, 2, 6, 6])] },
  { name: 'AveragePool ceil_mode include pad', op: 'AveragePool', attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1, count_include_pad: 1 }, inputs: [f([1, 2, 6, 6])] },
  { name: 'AveragePool ceil_mode exclude pad', op: 'AveragePool', attrs: { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }, inputs: [f([1, 2, 6, 6])] },
  { name: 'AveragePool asymmetric pads opset 9', op: 'AveragePool', opset: 9, attrs: { kernel_shape: [2, 3], pads: [0, 1, 1, 0] }, inputs: [f([1, 2, 4, 5])] },
  { name: 'GlobalAveragePool', op: 'GlobalAveragePool', inputs: [f([2, 3, 3, 2])] },
  // ---- normalization
  { name: 'BatchNormalization inference', op: 'BatchNormalization', inputs: [f([2, 3, 3, 3]), f([3]), f([3]), fixed([3]), fixed([3], { gen: 'positive' })] },
  { name: 'BatchNormalization [N,C] opset 9', op: 'BatchNormalization', opset: 9, attrs: { epsilon: { float: 0.01 } }, inputs: [f([4, 3]), f([3]), f([3]), fixed([3]), fixed([3], { gen: 'positive' })] },
  // ---- shape movers
  { name: 'Identity', op: 'Identity', inputs: [f([2, 3])] },
  { name: 'Flatten axis 2', op: 'Flatten', attrs: { axis: 2 }, inputs: [f([2, 3, 2, 2])] },
  { name: 'Flatten opset 9', op: 'Flatten', opset: 9, inputs: [f([2, 3, 2])] },
  { name: 'Reshape', op: 'Reshape', inputs: [f([2, 6]), { ints: [3, -1] }] },
  { name: 'Transpose perm', op: 'Transpose', attrs: { perm: [1, 2, 0] }, inputs: [f([2, 3, 4])] },
  { name: 'Transpose default perm', op: 'Transpose', inputs: [f([2, 3, 4])] },
  { name: 'Concat axis 1', op: 'Concat', attrs: { axis: 1 }, inputs: [f([2, 1, 2]), f([2, 3, 2]), f([2, 2, 2])] },
  { name: 'Concat axis -1 opset 9 one constant', op: 'Concat', opset: 9, attrs: { axis: -1 }, inputs: [f([2, 3]), fixed([2, 2])] },
  { name: 'Slice steps and negative indices', op: 'Slice', inputs: [f([4, 7]), { ints: [-1, 1] }, { ints: [-100, 100] }, { ints: [0, 1] }, { ints: [-2, 2] }] },
  { name: 'Slice contiguous clamped', op: 'Slice', inputs: [f([3, 6]), { ints: [1, -4] }, { ints: [100, -1] }, { ints: [0, -1] }] },
  { name: 'Gather a constant negative scalar index (the last time step)', op: 'Gather', attrs: { axis: 1 }, inputs: [f([2, 4, 3]), { ints: [-1], dims: [] }] },
  { name: 'Gather rows with repeats (embedding) opset 16', op: 'Gather', opset: 16, attrs: { axis: 0 }, inputs: [f([5, 3]), { ints: [4, 0, 4, 2], dims: [2, 2] }] },
  { name: 'Split axis 1 into two, second unread', op: 'Split', opset: 13, outputs: 2, attrs: { axis: 1 }, inputs: [f([2, 6]), { ints: [2, 4] }] },
  { name: 'Slice opset 9 attributes', op: 'Slice', opset: 9, attrs: { starts: [1, 0], ends: [3, -1], axes: [1, 0] }, inputs: [f([3, 4])] },
  { name: 'Pad constant opset 13 with a crop', op: 'Pad', opset: 13, inputs: [f([1, 2, 3, 3]), { ints: [0, 0, 1, 2, 0, 0, 2, -1] }, { floats: [0.5], dims: [] }] },
  { name: 'Pad opset 9 attributes', op: 'Pad', opset: 9, attrs: { pads: [1, 0, 0, 2], value: { float: 0 } }, inputs: [f([2, 3])] },
  { name: 'Pad opset 18 axes', op: 'Pad', opset: 18, inputs: [f([2, 3, 2]), { ints: [1, 2] }, null, { ints: [-2] }] },
  { name: 'Squeeze opset 13', op: 'Squeeze', opset: 13, inputs: [f([2, 1, 3]), { ints: [1] }] },
  { name: 'Squeeze opset 9', op: 'Squeeze', opset: 9, attrs: { axes: [0] }, inputs: [f([1, 3, 2])] },
  { name: 'Unsqueeze opset 13', op: 'Unsqueeze', opset: 13, inputs: [f([2, 3]), { ints: [0, 3] }] },
  { name: 'Unsqueeze opset 9', op: 'Unsqueeze', opset: 9, attrs: { axes: [1] }, inputs: [f([2, 3])] },
  // ---- softmax family (axis semantics changed at 13)
  { name: 'Softmax axis 1 opset 13', op: 'Softmax', opset: 13, attrs: { axis: 1 }, inputs: [f([2, 3, 4], { scale: 2 })] },
  { name: 'Softmax default axis opset 17', op: 'Softmax', inputs: [f([2, 3, 4], { scale: 2 })] },
  { name: 'Softmax axis 1 opset 11 (2-D coercion)', op: 'Softmax', opset: 11, attrs: { axis: 1 }, inputs: [f([2, 3, 4], { scale: 2 })] },
  { name: 'LogSoftmax default axis opset 13', op: 'LogSoftmax', opset: 13, inputs: [f([2, 3, 4], { scale: 2 })] },
  { name: 'LogSoftmax default axis opset 9 (2-D coercion)', op: 'LogSoftmax', opset: 9, inputs: [f([2, 3, 2], { scale: 2 })] },
  // ---- dropout
  { name: 'Dropout training (mask oracle)', op: 'Dropout', opset: 13, oracle: 'dropout', inputs: [f([4, 16], { kinks: [0] }), { floats: [0.3], dims: [] }, { bool: true }] },
  { name: 'Dropout training mask output declared', op: 'Dropout', opset: 12, outputs: 2, oracle: 'dropout', inputs: [f([4, 16], { kinks: [0] }), null, { bool: true }] },
  { name: 'Dropout inference opset 13', op: 'Dropout', opset: 13, inputs: [f([2, 3]), { floats: [0.3], dims: [] }] },
  { name: 'Dropout opset 10 with mask', op: 'Dropout', opset: 10, outputs: 2, attrs: { ratio: 0.3 }, inputs: [f([2, 3])] },
  // ---- reductions
  { name: 'ReduceMean axes attr keepdims 0', op: 'ReduceMean', opset: 17, attrs: { axes: [1], keepdims: 0 }, inputs: [f([2, 3, 4])] },
  { name: 'ReduceMean axes input opset 18', op: 'ReduceMean', opset: 18, inputs: [f([2, 3, 4]), { ints: [-1, 0] }] },
  { name: 'ReduceMean all axes opset 9', op: 'ReduceMean', opset: 9, attrs: { keepdims: 0 }, inputs: [f([2, 3])] },
  { name: 'ReduceSum axes input opset 13', op: 'ReduceSum', opset: 13, attrs: { keepdims: 0 }, inputs: [f([2, 3, 4]), { ints: [2] }] },
  { name: 'ReduceSum axes attr opset 11', op: 'ReduceSum', opset: 11, attrs: { axes: [0, 2] }, inputs: [f([2, 3, 4])] },
  // ---- composites: Mul-by-constant chains
  {
    name: 'hard-swish as x * Clip(x + 3, 0, 6) / 6',
    op: 'Mul',
    opset: 11,
    inputs: [f([2, 6], { scale: 5, kinks: [-3, 3] })],
    build: (g, [x]) => {
      const c = (v: number) => constant(g, [v]);
      return op(g, 'Mul', [x, op(g, 'Div', [op(g, 'Clip', [op(g, 'Add', [x, c(3)]), c(0), c(6)]), c(6)])]);
    },
  },
  {
    name: 'squeeze-excite: x * HardSigmoid(Conv(Relu(Conv(GAP(x)))))',
    op: 'Mul',
    inputs: [f([2, 4, 3, 3]), f([2, 4, 1, 1]), f([2]), f([4, 2, 1, 1])],
    build: (g, [x, w1, b1, w2]) => {
      const s = op(g, 'Relu', [op(g, 'Conv', [op(g, 'GlobalAveragePool', [x]), w1, b1])]);
      return op(g, 'Mul', [x, op(g, 'HardSigmoid', [op(g, 'Conv', [s, w2])], { alpha: 1 / 6, beta: 0.5 })]);
    },
  },
];

// ---- building the models ----------------------------------------------------------------

function constant(g: Graph, values: number[], dims: number[] = []): Value {
  const name = g.uniqueName('const');
  return g.addInitializer(name, makeTensor(name, DataType.FLOAT, dims, Float32Array.from(values)));
}

function hashName(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Distinct values (a shuffled grid), so max-pool windows have a clear winner, kept off the kinks. */
function generate(spec: Extract<Spec, { shape: number[] }>, rand: () => number): Float32Array {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  if (spec.gen === 'positive') {
    for (let i = 0; i < n; i++) out[i] = 0.5 + rand();
    return out;
  }
  const scale = spec.scale ?? 1;
  const spacing = Math.max(4 * EPS, (2 * scale) / n);
  const offset = rand() * 0.5 + 0.25;
  const grid = Array.from({ length: n }, (_, i) => (i - n / 2 + offset) * spacing);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [grid[i], grid[j]] = [grid[j], grid[i]];
  }
  for (let i = 0; i < n; i++) {
    let v = grid[i];
    for (const k of spec.kinks ?? []) if (Math.abs(v - k) < 3 * EPS) v = k + (v < k ? -3 : 3) * EPS;
    out[i] = v;
  }
  return out;
}

interface Prepared {
  c: Case;
  opset: number;
  /** Index into the case's inputs of each trainable input, and its values. */
  trainable: { index: number; shape: number[]; values: Float32Array }[];
  constants: Map<number, Float32Array>;
}

function prepare(c: Case): Prepared {
  const rand = seededRandom(hashName(c.name));
  const trainable: Prepared['trainable'] = [];
  const constants = new Map<number, Float32Array>();
  c.inputs.forEach((s, index) => {
    if (!s || !('shape' in s)) return;
    const values = generate(s, rand);
    if (s.train === false) constants.set(index, values);
    else trainable.push({ index, shape: s.shape, values });
  });
  return { c, opset: c.opset ?? 17, trainable, constants };
}

/**
 * The case as a model. 'forward': trainable inputs are graph inputs x<i>. 'train': each is an
 * initializer p<i> of shape [1, n] read through Gemm(p, I) and Reshape, so that the compiler
 * sees it as a parameter (a Gemm operand) whatever op reads it.
 */
function buildModel(p: Prepared, mode: 'forward' | 'train'): Uint8Array | ReturnType<typeof newModel> {
  const g = new Graph('case');
  graphInput(g, 'data', { elemType: DataType.FLOAT, shape: [1] });
  const ins: (Value | null)[] = [];
  p.c.inputs.forEach((s, i) => {
    if (s === null) return void ins.push(null);
    if ('same' in s) return void ins.push(ins[s.same]);
    if ('ints' in s) {
      const name = g.uniqueName(`ints${i}`);
      return void ins.push(g.addInitializer(name, makeTensor(name, DataType.INT64, s.dims ?? [s.ints.length], BigInt64Array.from(s.ints.map(BigInt)))));
    }
    if ('floats' in s) return void ins.push(constant(g, s.floats, s.dims ?? [s.floats.length]));
    if ('bool' in s) {
      const name = g.uniqueName(`bool${i}`);
      return void ins.push(g.addInitializer(name, makeTensor(name, DataType.BOOL, [], Uint8Array.from([s.bool ? 1 : 0]))));
    }
    const fixedValues = p.constants.get(i);
    if (fixedValues) return void ins.push(constant(g, Array.from(fixedValues), s.shape));
    const t = p.trainable.find((x) => x.index === i)!;
    if (mode === 'forward') return void ins.push(graphInput(g, `x${i}`, { elemType: DataType.FLOAT, shape: s.shape }));
    const n = t.values.length;
    const param = g.addInitializer(`p${i}`, makeTensor(`p${i}`, DataType.FLOAT, [1, n], t.values));
    const eye = new Float32Array(n * n);
    for (let k = 0; k < n; k++) eye[k * n + k] = 1;
    const eyeV = g.addInitializer(`eye${i}`, makeTensor(`eye${i}`, DataType.FLOAT, [n, n], eye));
    const row = op(g, 'Gemm', p.opset >= 11 ? [param, eyeV] : [param, eyeV, constant(g, [0], [1])]);
    const shapeName = g.uniqueName(`shape${i}`);
    const shapeV = g.addInitializer(shapeName, makeTensor(shapeName, DataType.INT64, [s.shape.length], BigInt64Array.from(s.shape.map(BigInt))));
    ins.push(op(g, 'Reshape', [row, shapeV]));
  });
  const y = p.c.build ? p.c.build(g, ins) : opN(g, p.c.op, ins, p.c.outputs ?? 1, p.c.attrs ?? {}, 'under_test')[0];
  g.outputs = [y];
  inferShapes(g, { opset: p.opset });
  const model = newModel(g, { opset: p.opset });
  return mode === 'forward' ? encodeModel(model) : model;
}

const sessions: ort.InferenceSession[] = [];
async function session(bytes: Uint8Array): Promise<ort.InferenceSession> {
  const s = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  sessions.push(s);
  return s;
}
afterAll(async () => {
  for (const s of sessions) await s.release();
});

const floatTensor = (values: Float32Array, dims: readonly number[]) => new ort.Tensor('float32', values, dims);
const DATA = floatTensor(new Float32Array([0]), [1]);

function mse(y: Float32Array, t: Float32Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (y[i] - t[i]) ** 2;
  return s / y.length;
}

interface Checked {
  worst: number;
  scale: number;
}

async function checkCase(c: Case): Promise<Checked> {
  const p = prepare(c);
  expect(p.trainable.length, 'a case needs a trainable input').toBeGreaterThan(0);
  const forward = await session(buildModel(p, 'forward') as Uint8Array);
  const feeds = (overrides: Map<number, Float32Array> = new Map()) => {
    const out: Record<string, ort.Tensor> = { data: DATA };
    for (const t of p.trainable) out[`x${t.index}`] = floatTensor(overrides.get(t.index) ?? t.values, t.shape);
    return out;
  };
  const y0 = (await forward.run(feeds()))[forward.outputNames[0]];
  const rand = seededRandom(hashName(c.name) ^ 0x9e3779b9);
  const target = Float32Array.from({ length: y0.size }, () => rand() * 2 - 1);

  const step = compileTrainingStep(buildModel(p, 'train') as ReturnType<typeof newModel>, {
    trainable: new Set(p.trainable.map((t) => `p${t.index}`)),
    loss: 'mse',
    optimizer: null,
  });
  const train = await session(encodeModel(step.model));
  const trainFeeds: Record<string, ort.Tensor> = { [step.data]: DATA, [step.target]: new ort.Tensor('float32', target, y0.dims) };
  for (const t of p.trainable) trainFeeds[`p${t.index}`] = floatTensor(t.values, [1, t.values.length]);
  const res = await train.run(trainFeeds);
  const loss = res[step.loss].data[0] as number;

  let worst = 0;
  let scale = 0;
  const report: string[] = [];
  for (const t of p.trainable) {
    const g = res[step.gradOutputs.get(`p${t.index}`)!];
    expect(Array.from(g.dims), `gradient shape of input ${t.index}`).toEqual([1, t.values.length]);
    const analytic = g.data as Float32Array;
    const numeric = new Float64Array(t.values.length);
    if (c.oracle === 'dropout') {
      // y = x·mask/(1-ratio): the mask is where y is non-zero (x never is), read off this run.
      const y = res[step.prediction].data as Float32Array;
      const ratioSpec = c.inputs[1];
      const ratio = ratioSpec && 'floats' in ratioSpec ? ratioSpec.floats[0] : 0.5;
      let dropped = 0;
      for (let j = 0; j < y.length; j++) {
        if (y[j] === 0) dropped++;
        else expect(y[j]).toBeCloseTo(t.values[j] / (1 - ratio), 4);
        numeric[j] = y[j] === 0 ? 0 : (2 * (y[j] - target[j])) / y.length / (1 - ratio);
      }
      expect(dropped, 'dropout was active').toBeGreaterThan(0);
      expect(dropped).toBeLessThan(y.length);
    } else {
      expect(loss).toBeCloseTo(mse(y0.data as Float32Array, target), 5);
      const x = Float32Array.from(t.values);
      for (let j = 0; j < x.length; j++) {
        const keep = x[j];
        x[j] = keep + EPS;
        const up = mse((await forward.run(feeds(new Map([[t.index, x]]))))[forward.outputNames[0]].data as Float32Array, target);
        x[j] = keep - EPS;
        const down = mse((await forward.run(feeds(new Map([[t.index, x]]))))[forward.outputNames[0]].data as Float32Array, target);
        x[j] = keep;
        numeric[j] = (up - down) / (2 * EPS);
      }
    }
    for (let j = 0; j < numeric.length; j++) scale = Math.max(scale, Math.abs(numeric[j]));
    for (let j = 0; j < numeric.length; j++) {
      const err = Math.abs(analytic[j] - numeric[j]);
      if (err > worst) worst = err;
      if (report.length < 6 && err > TOL * Math.max(...Array.from(numeric, Math.abs))) report.push(`input ${t.index}[${j}]: analytic ${analytic[j]}, numeric ${numeric[j]}`);
    }
  }
  expect(scale, 'the case must have a non-zero gradient').toBeGreaterThan(1e-6);
  expect(worst, report.join('\n')).toBeLessThanOrEqual(TOL * scale);
  return { worst, scale };
}

describe('gradient rules against finite differences', () => {
  it('every registered rule has a case', () => {
    const tested = new Set([...CASES.map((c) => c.op), ...MODERN_CASE_OPS]);
    const missing = [...gradRules.keys()].filter((op) => !tested.has(op));
    expect(missing, 'rules without a test case').toEqual([]);
    const unknown = [...tested].filter((op) => !gradRules.has(op));
    expect(unknown, 'cases for ops without a rule').toEqual([]);
  });

  for (const c of CASES) {
    it(`${c.op}: ${c.name} (opset ${c.opset ?? 17})`, async () => {
      await checkCase(c);
    });
  }
});
