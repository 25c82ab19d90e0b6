// Finite-difference cases for the rules of modern networks (ViT, ConvNeXt, EfficientNet):
// run by rules-modern.test.ts; their ops count for the coverage check in rules.test.ts.
import { op } from '../ir/builder.js';
import { DataType } from '../onnx/dtype.js';
import { constant, f, fixed, type GradCase, int64Constant } from '../../test-support/grad-case.js';

export const MODERN_CASES: GradCase[] = [
  // ---- element-wise math
  { name: 'Sqrt', op: 'Sqrt', inputs: [f([2, 5], { gen: 'positive' })] },
  { name: 'Exp', op: 'Exp', inputs: [f([2, 5])] },
  { name: 'Log', op: 'Log', inputs: [f([2, 5], { gen: 'positive' })] },
  { name: 'Neg', op: 'Neg', inputs: [f([2, 5])] },
  { name: 'Reciprocal', op: 'Reciprocal', inputs: [f([2, 5], { gen: 'positive' })] },
  { name: 'Abs', op: 'Abs', inputs: [f([2, 5], { kinks: [0] })] },
  { name: 'Erf', op: 'Erf', inputs: [f([2, 5], { scale: 2 })] },
  { name: 'Pow x^2 (constant exponent)', op: 'Pow', inputs: [f([2, 5]), { floats: [2], dims: [] }] },
  { name: 'Pow x^3 opset 9', op: 'Pow', opset: 9, inputs: [f([2, 5]), { floats: [3], dims: [] }] },
  { name: 'Pow x^-0.5', op: 'Pow', inputs: [f([2, 5], { gen: 'positive' }), { floats: [-0.5], dims: [] }] },
  { name: 'Pow integer exponent tensor opset 15', op: 'Pow', opset: 15, inputs: [f([2, 3]), { ints: [1, 2, 3] }] },
  { name: 'Pow base and exponent trainable, broadcast', op: 'Pow', inputs: [f([2, 3], { gen: 'positive' }), f([3])] },
  { name: 'Pow base and exponent trainable opset 9', op: 'Pow', opset: 9, inputs: [f([2, 3], { gen: 'positive' }), f([2, 3])] },
  { name: 'Pow exponent only trainable', op: 'Pow', inputs: [fixed([2, 3], { gen: 'positive' }), f([2, 1])] },
  // ---- selection
  {
    name: 'Where both branches broadcast, constant condition',
    op: 'Where',
    inputs: [{ bools: [true, false, false, true, true, false], dims: [2, 3] }, f([2, 3]), f([3])],
  },
  {
    name: 'Where condition from the data (leaky relu)',
    op: 'Where',
    inputs: [f([2, 6], { kinks: [0] })],
    build: (g, [x]) => op(g, 'Where', [op(g, 'Greater', [x!, constant(g, [0])]), x, op(g, 'Mul', [x!, constant(g, [0.1])])]),
  },
  { name: 'Max of two, broadcast', op: 'Max', inputs: [f([2, 3]), f([3])] },
  { name: 'Max of three opset 9', op: 'Max', opset: 9, inputs: [f([2, 3]), f([2, 3]), f([1, 3])] },
  // Exact ties: central differences see half of dy on each side, as PyTorch's maximum gives.
  { name: 'Max with ties split evenly', op: 'Max', inputs: [f([4], { values: [0.5, -0.2, 0.3, 0.1] }), f([4], { values: [0.5, 0.4, 0.3, -0.6] })] },
  { name: 'Min with a constant', op: 'Min', inputs: [f([2, 4]), { floats: [0.1], dims: [] }] },
  { name: 'Min single input', op: 'Min', inputs: [f([2, 3])] },
  // ---- reductions, any axes, both axes forms
  { name: 'ReduceMax axes attr keepdims 0', op: 'ReduceMax', attrs: { axes: [1], keepdims: 0 }, inputs: [f([2, 3, 4])] },
  { name: 'ReduceMax axes input opset 18, two axes', op: 'ReduceMax', opset: 18, inputs: [f([2, 3, 4]), { ints: [0, -1] }] },
  { name: 'ReduceMax all axes opset 13', op: 'ReduceMax', opset: 13, attrs: { keepdims: 0 }, inputs: [f([2, 3])] },
  { name: 'ReduceMax two-way ties split', op: 'ReduceMax', attrs: { axes: [1] }, inputs: [f([2, 3], { values: [0.5, 0.5, -0.3, 0.2, 0.9, 0.9] })] },
  { name: 'ReduceMin axes input opset 18 keepdims 0', op: 'ReduceMin', opset: 18, attrs: { keepdims: 0 }, inputs: [f([2, 3, 4]), { ints: [1] }] },
  { name: 'ReduceMax two-way ties opset 9', op: 'ReduceMax', opset: 9, attrs: { axes: [0], keepdims: 0 }, inputs: [f([2, 2], { values: [0.7, -0.4, 0.7, 0.1] })] },
  { name: 'ReduceMin opset 11', op: 'ReduceMin', opset: 11, attrs: { axes: [-1] }, inputs: [f([3, 4])] },
  { name: 'ReduceSum two axes keepdims 0 opset 18', op: 'ReduceSum', opset: 18, attrs: { keepdims: 0 }, inputs: [f([2, 3, 4]), { ints: [0, 2] }] },
  { name: 'ReduceSum noop_with_empty_axes', op: 'ReduceSum', opset: 13, attrs: { noop_with_empty_axes: 1 }, inputs: [f([2, 3])] },
  { name: 'ReduceMean axes input opset 18 keepdims 0', op: 'ReduceMean', opset: 18, attrs: { keepdims: 0 }, inputs: [f([2, 3, 4]), { ints: [1, 2] }] },
  // ---- replication
  { name: 'Expand a class token to the batch', op: 'Expand', inputs: [f([1, 1, 4]), { ints: [3, 1, 4] }] },
  { name: 'Expand adds axes and stretches', op: 'Expand', inputs: [f([3, 1]), { ints: [2, 1, 3, 4] }] },
  { name: 'Expand opset 9', op: 'Expand', opset: 9, inputs: [f([2, 1]), { ints: [2, 3] }] },
  { name: 'Tile', op: 'Tile', inputs: [f([2, 3]), { ints: [2, 3] }] },
  { name: 'Tile one axis', op: 'Tile', opset: 9, inputs: [f([2, 1, 3]), { ints: [1, 4, 1] }] },
  {
    // PyTorch's chunk(3) of a packed qkv projection, exported without folding.
    name: 'Slice with bounds computed from the shape (qkv chunk)',
    op: 'Slice',
    inputs: [f([2, 9])],
    build: (g, [x]) => {
      const width = op(g, 'Gather', [op(g, 'Shape', [x]), int64Constant(g, [-1], [])], { axis: 0 });
      const third = op(g, 'Div', [op(g, 'Add', [width, int64Constant(g, [2], [])]), int64Constant(g, [3], [])]);
      const bound = (k: number) => op(g, 'Unsqueeze', [op(g, 'Mul', [third, int64Constant(g, [k], [])]), int64Constant(g, [0])]);
      return op(g, 'Slice', [x, bound(1), bound(2), int64Constant(g, [-1])]);
    },
  },
  // ---- casts
  {
    name: 'Cast float -> double -> float',
    op: 'Cast',
    inputs: [f([2, 3])],
    build: (g, [x]) => op(g, 'Cast', [op(g, 'Mul', [op(g, 'Cast', [x], { to: DataType.DOUBLE }), op(g, 'Cast', [x], { to: DataType.DOUBLE })])], { to: DataType.FLOAT }),
  },
  { name: 'Cast float -> float', op: 'Cast', attrs: { to: DataType.FLOAT }, inputs: [f([2, 3])] },
  // ---- transformer blocks
  { name: 'Gelu exact opset 20', op: 'Gelu', opset: 20, inputs: [f([3, 5], { scale: 3 })] },
  { name: 'Gelu tanh opset 20', op: 'Gelu', opset: 20, attrs: { approximate: 'tanh' }, inputs: [f([3, 5], { scale: 3 })] },
  { name: 'LayerNormalization last axis', op: 'LayerNormalization', inputs: [f([2, 3, 4]), f([4]), f([4])] },
  { name: 'LayerNormalization axis 1, no bias, epsilon', op: 'LayerNormalization', attrs: { axis: 1, epsilon: { float: 0.1 } }, inputs: [f([2, 3, 2]), f([3, 2])] },
  { name: 'LayerNormalization x only (fixed scale), Mean and InvStdDev declared', op: 'LayerNormalization', outputs: 3, inputs: [f([3, 5]), fixed([5]), fixed([5])] },
  {
    name: 'decomposed LayerNorm (torch opset 14: ReduceMean, Sub, Pow, Sqrt, Div)',
    op: 'Sqrt',
    opset: 14,
    inputs: [f([2, 3, 5])],
    build: (g, [x]) => {
      const mean = (v: typeof x) => op(g, 'ReduceMean', [v], { axes: [-1] });
      const d = op(g, 'Sub', [x, mean(x)]);
      const v = mean(op(g, 'Pow', [d, constant(g, [2])]));
      return op(g, 'Div', [d, op(g, 'Sqrt', [op(g, 'Add', [v, constant(g, [1e-5])])])]);
    },
  },
  // ---- per-sample normalizations and more activations
  { name: 'InstanceNormalization 2-D', op: 'InstanceNormalization', attrs: { epsilon: { float: 0.01 } }, inputs: [f([2, 3, 2, 3]), f([3]), f([3])] },
  { name: 'InstanceNormalization 1-D opset 9', op: 'InstanceNormalization', opset: 9, inputs: [f([2, 2, 5]), f([2]), f([2])] },
  { name: 'GroupNormalization per-group scale opset 18', op: 'GroupNormalization', opset: 18, attrs: { num_groups: 2 }, inputs: [f([2, 4, 2, 2]), f([2]), f([2])] },
  { name: 'GroupNormalization per-channel scale opset 21', op: 'GroupNormalization', opset: 21, attrs: { num_groups: 2 }, inputs: [f([2, 4, 3]), f([4]), f([4])] },
  { name: 'PRelu per-channel slope', op: 'PRelu', inputs: [f([2, 3, 2, 2], { kinks: [0] }), f([3, 1, 1])] },
  { name: 'PRelu scalar slope opset 9', op: 'PRelu', opset: 9, inputs: [f([2, 5], { kinks: [0] }), f([1])] },
  { name: 'Softplus', op: 'Softplus', inputs: [f([2, 5], { scale: 3 })] },
  // ---- batched matrix products and the softmax of attention
  { name: 'MatMul attention scores [2,3,4,5]@[2,3,5,4]', op: 'MatMul', inputs: [f([2, 3, 4, 5]), f([2, 3, 5, 4])] },
  { name: 'MatMul 3-D @ 2-D weight', op: 'MatMul', inputs: [f([2, 3, 4]), f([4, 2])] },
  { name: 'MatMul both batch dims broadcast [1,2,3,2]@[2,1,2,3]', op: 'MatMul', inputs: [f([1, 2, 3, 2]), f([2, 1, 2, 3])] },
  { name: 'Softmax axis -2 on 4-D', op: 'Softmax', opset: 13, attrs: { axis: -2 }, inputs: [f([2, 2, 3, 4], { scale: 2 })] },
  { name: 'Softmax axis 2 of 4-D opset 11 (coerced to 2-D)', op: 'Softmax', opset: 11, attrs: { axis: 2 }, inputs: [f([2, 2, 3, 2], { scale: 2 })] },
  { name: 'LogSoftmax axis 0 opset 13', op: 'LogSoftmax', opset: 13, attrs: { axis: 0 }, inputs: [f([3, 4], { scale: 2 })] },
  {
    name: 'attention: Softmax(Q Kᵀ / √d) V',
    op: 'Softmax',
    inputs: [f([1, 2, 3, 4]), f([1, 2, 3, 4]), f([1, 2, 3, 4])],
    build: (g, [q, k, v]) => {
      const scores = op(g, 'Div', [op(g, 'MatMul', [q, op(g, 'Transpose', [k], { perm: [0, 1, 3, 2] })]), constant(g, [2])]);
      return op(g, 'MatMul', [op(g, 'Softmax', [scores], { axis: -1 }), v]);
    },
  },
  // ---- einsum, as exporters write it
  { name: 'Einsum attention bhqd,bhkd->bhqk', op: 'Einsum', opset: 12, attrs: { equation: 'bhqd,bhkd->bhqk' }, inputs: [f([1, 2, 3, 4]), f([1, 2, 3, 4])] },
  { name: 'Einsum implicit output ij,jk', op: 'Einsum', attrs: { equation: 'ij,jk' }, inputs: [f([2, 3]), f([3, 4])] },
  { name: 'Einsum ellipsis ...ij,jk->...ik', op: 'Einsum', attrs: { equation: '...ij,jk->...ik' }, inputs: [f([2, 2, 3]), f([3, 2])] },
  { name: 'Einsum one operand transpose', op: 'Einsum', attrs: { equation: 'ijk->kij' }, inputs: [f([2, 3, 4])] },
  {
    name: 'class token: Concat(Expand(cls, [N,1,D]), x)',
    op: 'Expand',
    inputs: [f([1, 1, 3]), f([2, 2, 3])],
    build: (g, [cls, x]) => {
      const batch = op(g, 'Gather', [op(g, 'Shape', [x]), int64Constant(g, [0])], { axis: 0 });
      const shape = op(g, 'Concat', [batch, int64Constant(g, [1, 3])], { axis: 0 });
      return op(g, 'Concat', [op(g, 'Expand', [cls, shape]), x], { axis: 1 });
    },
  },
];

export const MODERN_CASE_OPS: ReadonlySet<string> = new Set(MODERN_CASES.map((c) => c.op));
