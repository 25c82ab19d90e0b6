// Small hand-built graphs for the op forms the fixtures and ONNX 1.12's node tests do not
// reach (opsets 18-21, symbolic shape arithmetic, layouts, optional outputs), each run in
// onnxruntime with a concrete batch: every value's inferred shape, with the symbols bound,
// must be the shape onnxruntime produces.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { type Dim, Graph, type TensorType, type Value } from '../ir/graph.js';
import { DataType } from '../onnx/dtype.js';
import { encodeModel } from '../onnx/codec.js';
import { inferShapes } from './infer.js';
import { evaluateDim } from './symbolic.js';
import { floats, input, int64s, modelOf, node, tensorAttr } from './test-support.js';

interface Case {
  name: string;
  opset: number;
  build: (g: Graph) => void;
  /** Optional extra check on the inferred (symbolic) types, by value. */
  expectSymbolic?: (g: Graph) => void;
}

const N = 3;
const ORT_TYPES: Record<string, number> = { float32: DataType.FLOAT, int64: DataType.INT64, bool: DataType.BOOL, int32: DataType.INT32 };

function feed(v: Value): ort.Tensor {
  const dims = v.type!.shape!.map((d) => evaluateDim(d, { N })!);
  const size = dims.reduce((a, b) => a * b, 1);
  switch (v.type!.elemType) {
    case DataType.INT64:
      return new ort.Tensor('int64', BigInt64Array.from({ length: size }, (_, i) => BigInt(i % 3)), dims);
    case DataType.BOOL:
      return new ort.Tensor('bool', Uint8Array.from({ length: size }, (_, i) => i % 2), dims);
    default:
      return new ort.Tensor('float32', Float32Array.from({ length: size }, (_, i) => Math.sin(i)), dims);
  }
}

const shapeOf = (g: Graph, name: string) => g.value(name).type?.shape;

const CASES: Case[] = [
  {
    name: 'Shape -> Gather -> Unsqueeze -> Concat -> Reshape keeps the batch symbol',
    opset: 13,
    build: (g) => {
      const x = input(g, 'x', ['N', 12, 8]);
      const [s] = node(g, 'Shape', [x]);
      const [b] = node(g, 'Gather', [s, int64s(g, 'zero', [0], [])], { axis: 0 });
      const [b1] = node(g, 'Unsqueeze', [b, int64s(g, 'ax0', [0])]);
      const [target] = node(g, 'Concat', [b1, int64s(g, 'minus1', [-1])], { axis: 0 });
      node(g, 'Reshape', [x, target], {}, 1, 'flat');
      const [sz] = node(g, 'Size', [x]);
      const [per] = node(g, 'Div', [sz, b]);
      const [per1] = node(g, 'Unsqueeze', [per, int64s(g, 'ax0b', [0])]);
      const [t2] = node(g, 'Concat', [per1, b1], { axis: 0 });
      node(g, 'ConstantOfShape', [t2], { value: tensorAttr(DataType.INT64, [1], [7]) }, 1, 'filled');
      const [nm12] = node(g, 'Mul', [b1, int64s(g, 'twelve', [12])]);
      const [t3] = node(g, 'Concat', [nm12, int64s(g, 'eight', [8])], { axis: 0 });
      node(g, 'Reshape', [x, t3], {}, 1, 'rows');
    },
    expectSymbolic: (g) => {
      expect(shapeOf(g, 'flat_out0')).toEqual(['N', 96]);
      expect(shapeOf(g, 'filled_out0')).toEqual([96, 'N']);
      expect(shapeOf(g, 'rows_out0')).toEqual(['12*N', 8]);
    },
  },
  {
    name: 'Reshape with 0 and -1, Flatten and Squeeze on symbolic dims',
    opset: 14,
    build: (g) => {
      const x = input(g, 'x', ['N', 12, 8]);
      node(g, 'Reshape', [x, int64s(g, 's1', [0, -1])], {}, 1, 'r1');
      const [r2] = node(g, 'Reshape', [x, int64s(g, 's2', [-1, 4, 2])], {}, 1, 'r2');
      node(g, 'Flatten', [r2], { axis: 2 }, 1, 'f');
      node(g, 'Flatten', [x], { axis: 0 });
      node(g, 'Flatten', [x], { axis: -1 });
      const [u] = node(g, 'Unsqueeze', [x, int64s(g, 'ax', [1, -1])]);
      node(g, 'Squeeze', [u, int64s(g, 'sq', [1])]);
      node(g, 'Transpose', [u]);
    },
    expectSymbolic: (g) => {
      expect(shapeOf(g, 'r1_out0')).toEqual(['N', 96]);
      expect(shapeOf(g, 'r2_out0')).toEqual(['12*N', 4, 2]);
      expect(shapeOf(g, 'f_out0')).toEqual(['48*N', 2]);
    },
  },
  {
    name: 'Shape with start/end, Slice on shapes, Range and Expand from run-time shapes',
    opset: 15,
    build: (g) => {
      const x = input(g, 'x', ['N', 12, 8]);
      const [tail] = node(g, 'Shape', [x], { start: 1 });
      const [last] = node(g, 'Shape', [x], { start: -1, end: 3 });
      const [lim] = node(g, 'Squeeze', [last, int64s(g, 'ax', [0])]);
      node(g, 'Range', [int64s(g, 'zero', [0], []), lim, int64s(g, 'two', [2], [])]);
      const [b] = node(g, 'Slice', [tail, int64s(g, 's', [-5]), int64s(g, 'e', [1])]);
      const [target] = node(g, 'Concat', [int64s(g, 'one', [1]), b, last], { axis: 0 });
      node(g, 'Expand', [floats(g, 'row', [1, 2, 3, 4, 5, 6, 7, 8], [1, 8]), target]);
      node(g, 'Tile', [x, int64s(g, 'rep', [1, 2, 3])]);
    },
  },
  {
    name: 'Slice: negative steps, clamped ends, symbolic axes kept whole',
    opset: 13,
    build: (g) => {
      const x = input(g, 'x', ['N', 10, 7]);
      node(g, 'Slice', [x, int64s(g, 'a', [-1, 100]), int64s(g, 'b', [-100, 2]), int64s(g, 'c', [1, 2]), int64s(g, 'd', [-3, -1])]);
      node(g, 'Slice', [x, int64s(g, 'e', [0, 1]), int64s(g, 'f', [2 ** 62, 9]), int64s(g, 'h', [0, 2]), int64s(g, 'i', [1, 1])]);
    },
  },
  {
    name: 'Split with num_outputs (opset 18), with sizes, and equal parts',
    opset: 18,
    build: (g) => {
      const x = input(g, 'x', ['N', 7, 6]);
      node(g, 'Split', [x], { axis: 1, num_outputs: 3 }, 3);
      node(g, 'Split', [x, int64s(g, 'sizes', [2, 5])], { axis: 1 }, 2);
      node(g, 'Split', [x], { axis: -1, num_outputs: 2 }, 2);
    },
  },
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
    name: 'Pad: input form with axes (opset 18) and negative pads (opset 13)',
    opset: 18,
    build: (g) => {
      const x = input(g, 'x', ['N', 3, 5]);
      node(g, 'Pad', [x, int64s(g, 'p', [1, 2]), null, int64s(g, 'ax', [2])]);
      node(g, 'Pad', [x, int64s(g, 'q', [0, 0, -1, 0, 1, 2])]);
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
    name: 'Resize: scales, sizes with axes and keep_aspect_ratio_policy (opset 19)',
    opset: 19,
    build: (g) => {
      const x = input(g, 'x', ['N', 3, 5, 7]);
      node(g, 'Resize', [x, null, floats(g, 's', [1, 1, 2, 0.5])]);
      node(g, 'Resize', [x, null, null, int64s(g, 'sz', [10, 3])], { axes: [2, 3] });
      node(g, 'Resize', [x, null, null, int64s(g, 'sz2', [10, 10])], { axes: [2, 3], keep_aspect_ratio_policy: 'not_larger' });
      node(g, 'Resize', [x, null, null, int64s(g, 'sz3', [10, 10])], { axes: [2, 3], keep_aspect_ratio_policy: 'not_smaller' });
    },
  },
  {
    name: 'Upsample with scales input (opset 9)',
    opset: 9,
    build: (g) => {
      const x = input(g, 'x', [2, 3, 5, 7]);
      node(g, 'Upsample', [x, floats(g, 's', [1, 1, 2, 3])]);
    },
  },
  {
    name: 'Attribute forms of opset 9: Slice, Pad, TopK k, Dropout mask of the data type',
    opset: 9,
    build: (g) => {
      const x = input(g, 'x', [4, 10, 7]);
      node(g, 'Slice', [x], { starts: [1, -3], ends: [1000, -1], axes: [0, 2] });
      node(g, 'Pad', [x], { pads: [0, 1, 2, 0, 3, 4] });
      node(g, 'TopK', [x], { k: 3, axis: 1 }, 2);
      node(g, 'Squeeze', [node(g, 'Unsqueeze', [x], { axes: [0, 3] })[0]], { axes: [0] });
      node(g, 'Split', [x], { axis: 1, split: [3, 7] }, 2);
      node(g, 'ReduceMean', [x], { axes: [-1], keepdims: 0 });
      node(g, 'Dropout', [x], {}, 2);
    },
  },
  {
    name: 'Upsample with a scales attribute (opset 8)',
    opset: 8,
    build: (g) => {
      node(g, 'Upsample', [input(g, 'x', [2, 3, 5, 7])], { scales: { fs: [1, 1, 2, 1.5] } });
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

describe('shape inference against onnxruntime on hand-built graphs', () => {
  it.each(CASES.map((c) => [c.name, c]))('%s', async (_name, c) => {
    const g = new Graph('case');
    c.build(g);
    const { unresolved } = inferShapes(g, { opset: c.opset });
    expect(unresolved).toEqual([]);
    c.expectSymbolic?.(g);
    const inferred = new Map<string, TensorType>();
    const produced = g.nodes.flatMap((n) => n.outputs.filter((v): v is Value => !!v));
    for (const v of produced) {
      inferred.set(v.name, v.type!);
      v.type = { elemType: v.type!.elemType, shape: null };
      g.outputs.push(v);
    }
    const session = await ort.InferenceSession.create(encodeModel(modelOf(g, c.opset)));
    const feeds = Object.fromEntries(g.inputs.map((v) => [v.name, feed(v)]));
    const results = await session.run(feeds);
    for (const v of produced) {
      const t = inferred.get(v.name)!;
      const dims: (number | null)[] = t.shape!.map((d: Dim) => evaluateDim(d, { N }));
      expect({ value: v.name, dims, elemType: t.elemType }).toEqual({
        value: v.name,
        dims: results[v.name].dims.map(Number),
        elemType: ORT_TYPES[results[v.name].type],
      });
    }
    await session.release();
  });
});
