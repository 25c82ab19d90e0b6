// Hand-built graphs of ops that compute (reductions, pooling, convolution, recurrent cells,
// products, normalization, activations), run in onnxruntime with a concrete batch: every
// value's inferred shape must be the one onnxruntime produces. Shape arithmetic and data
// movement: infer-ort.test.ts.
import { describe, it } from 'vitest';
import { DataType } from '../onnx/dtype.js';
import { expectShapesMatchOrt, type OrtShapeCase } from '../../test-support/shape-vs-ort.js';
import { floats, input, int64s, node } from './test-support.js';

const CASES: OrtShapeCase[] = [
  {
    name: 'Reduce ops with axes as input (opset 18), keepdims, noop_with_empty_axes',
    opset: 18,
    build: (g) => {
      const x = input(g, 'x', ['N', 3, 4]);
      node(g, 'ReduceMean', [x, int64s(g, 'a', [1])], { keepdims: 0 });
      node(g, 'ReduceMax', [x, int64s(g, 'b', [-1, 1])]);
      node(g, 'ReduceSum', [x], { noop_with_empty_axes: 1 });
      node(g, 'ReduceL2', [x], { keepdims: 0 });
      node(g, 'ReduceProd', [x, int64s(g, 'c', [0])], { keepdims: 0 });
      node(g, 'ArgMax', [x], { axis: 2, keepdims: 0 });
      node(g, 'ArgMin', [x], { axis: -2 });
      node(g, 'TopK', [x, int64s(g, 'k', [2])], { axis: 1 }, 2);
    },
  },
  {
    name: 'Pooling: ceil_mode, dilations, SAME_LOWER, Indices output, LpPool-18',
    opset: 18,
    build: (g) => {
      const x = input(g, 'x', ['N', 2, 9, 8]);
      node(g, 'MaxPool', [x], { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }, 2);
      node(g, 'MaxPool', [x], { kernel_shape: [2, 2], dilations: [2, 2], pads: [1, 0, 1, 1] });
      node(g, 'MaxPool', [x], { kernel_shape: [3, 2], strides: [2, 3], auto_pad: 'SAME_LOWER' });
      node(g, 'AveragePool', [x], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1 });
      node(g, 'AveragePool', [x], { kernel_shape: [4, 3], auto_pad: 'VALID', strides: [2, 2] });
      node(g, 'LpPool', [x], { kernel_shape: [2, 2], strides: [2, 2] });
      node(g, 'GlobalMaxPool', [x]);
      node(g, 'GlobalLpPool', [x]);
    },
  },
  {
    name: 'Conv with SAME_UPPER, dilations, groups; ConvTranspose with output_padding',
    opset: 13,
    build: (g) => {
      const x = input(g, 'x', ['N', 4, 9, 9]);
      node(g, 'Conv', [x, floats(g, 'w', new Array(6 * 2 * 3 * 3).fill(0.1), [6, 2, 3, 3])], { group: 2, strides: [2, 2], auto_pad: 'SAME_UPPER' });
      node(g, 'Conv', [x, floats(g, 'w2', new Array(5 * 4 * 3 * 2).fill(0.1), [5, 4, 3, 2])], { dilations: [2, 1], pads: [1, 0, 2, 1] });
      node(g, 'ConvTranspose', [x, floats(g, 'wt', new Array(4 * 3 * 3 * 3).fill(0.1), [4, 3, 3, 3])], {
        group: 2, strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 0],
      });
      node(g, 'ConvTranspose', [x, floats(g, 'wt2', new Array(4 * 1 * 2 * 2).fill(0.1), [4, 1, 2, 2])], { strides: [3, 2], auto_pad: 'SAME_UPPER' });
    },
  },
  {
    // onnxruntime runs only layout 0; the batch-first layout is checked by ONNX's node tests.
    name: 'Recurrent: GRU bidirectional, LSTM reverse, RNN',
    opset: 14,
    build: (g) => {
      const x = input(g, 'x', ['N', 6, 4]);
      const h = 5;
      node(g, 'GRU', [x, floats(g, 'w', new Array(2 * 3 * h * 4).fill(0.1), [2, 3 * h, 4]), floats(g, 'r', new Array(2 * 3 * h * h).fill(0.1), [2, 3 * h, h])], {
        hidden_size: h, direction: 'bidirectional',
      }, 2);
      node(g, 'LSTM', [x, floats(g, 'w2', new Array(4 * h * 4).fill(0.1), [1, 4 * h, 4]), floats(g, 'r2', new Array(4 * h * h).fill(0.1), [1, 4 * h, h])], {
        hidden_size: h, direction: 'reverse',
      }, 3);
      node(g, 'RNN', [x, floats(g, 'w3', new Array(h * 4).fill(0.1), [1, h, 4]), floats(g, 'r3', new Array(h * h).fill(0.1), [1, h, h])], { hidden_size: h }, 2);
    },
  },
  {
    name: 'MatMul 1-D and batch broadcasting, Gemm transA, Einsum',
    opset: 13,
    build: (g) => {
      const x = input(g, 'x', ['N', 2, 4]);
      const v = floats(g, 'v', [1, 2, 3, 4]);
      node(g, 'MatMul', [x, v]);
      node(g, 'MatMul', [v, floats(g, 'm', new Array(5 * 4 * 3).fill(1), [5, 1, 4, 3])]);
      node(g, 'MatMul', [x, floats(g, 'm2', new Array(4 * 7).fill(1), [4, 7])]);
      node(g, 'Gemm', [floats(g, 'a', new Array(12).fill(1), [4, 3]), floats(g, 'b', new Array(8).fill(1), [4, 2]), floats(g, 'c', [1, 2], [2])], { transA: 1 });
      node(g, 'Einsum', [x, floats(g, 'e', new Array(4 * 6).fill(1), [4, 6])], { equation: 'bij,jk->bki' });
      node(g, 'Einsum', [x], { equation: '...ij->...ji' });
      node(g, 'Einsum', [x, x], { equation: 'bij,bkj' });
    },
  },
  {
    name: 'Bitwise ops and GroupNormalization (opset 18)',
    opset: 18,
    build: (g) => {
      const a = input(g, 'a', ['N', 4], DataType.INT64);
      const [b] = node(g, 'BitwiseAnd', [a, int64s(g, 'm', [1, 2, 3, 4])]);
      node(g, 'BitwiseOr', [b, int64s(g, 'o', [1])]);
      node(g, 'BitwiseXor', [b, a]);
      node(g, 'BitwiseNot', [a]);
      const x = input(g, 'x', ['N', 4, 3, 3]);
      node(g, 'GroupNormalization', [x, floats(g, 's', [1, 1]), floats(g, 'b', [0, 0])], { num_groups: 2 });
    },
  },
  {
    name: 'Newer activations (Gelu-20, Mish-18) and typed outputs',
    opset: 20,
    build: (g) => {
      const x = input(g, 'x', ['N', 3, 4]);
      node(g, 'Gelu', [x], { approximate: 'tanh' });
      node(g, 'Mish', [x]);
      const [eq] = node(g, 'Equal', [x, floats(g, 'z', [0])]);
      node(g, 'Where', [eq, x, floats(g, 'y', [1, 2, 3, 4])]);
      node(g, 'CastLike', [x, int64s(g, 'i', [1])]);
      node(g, 'Cast', [x], { to: DataType.INT32 });
      node(g, 'Not', [eq]);
      node(g, 'Dropout', [x], {}, 2);
      node(g, 'LayerNormalization', [x, floats(g, 'ls', [1, 1, 1, 1]), floats(g, 'lb', [0, 0, 0, 0])], { axis: -1 }, 3);
      node(g, 'Softmax', [x], { axis: 1 });
      node(g, 'PRelu', [x, floats(g, 'slope', [0.1, 0.2, 0.3], [3, 1])]);
      node(g, 'Sum', [x, floats(g, 'col', [1, 2, 3], [3, 1]), floats(g, 'row', [1, 2, 3, 4], [4])]);
    },
  },
];

describe('shape inference against onnxruntime: ops that compute', () => {
  it.each(CASES.map((c) => [c.name, c]))('%s', async (_name, c) => {
    await expectShapesMatchOrt(c);
  });
});
