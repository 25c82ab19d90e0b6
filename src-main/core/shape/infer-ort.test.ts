// Small hand-built graphs for the op forms the fixtures and ONNX 1.12's node tests do not
// reach (opsets 18-21, symbolic shape arithmetic, layouts, optional outputs), each run in
// onnxruntime with a concrete batch: every value's inferred shape, with the symbols bound,
// must be the shape onnxruntime produces. This file: shape arithmetic and ops that move data
// (reshape, slice, split, pad, resize); infer-ort-compute.test.ts: ops that compute.
import { describe, expect, it } from 'vitest';
import { DataType } from '../onnx/dtype.js';
import { expectShapesMatchOrt, type OrtShapeCase, shapeOf } from '../../test-support/shape-vs-ort.js';
import { floats, input, int64s, node, tensorAttr } from './test-support.js';

const CASES: OrtShapeCase[] = [
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
    name: 'Pad: input form with axes (opset 18) and negative pads (opset 13)',
    opset: 18,
    build: (g) => {
      const x = input(g, 'x', ['N', 3, 5]);
      node(g, 'Pad', [x, int64s(g, 'p', [1, 2]), null, int64s(g, 'ax', [2])]);
      node(g, 'Pad', [x, int64s(g, 'q', [0, 0, -1, 0, 1, 2])]);
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
      node(g, 'Upsample', [input(g, 'x', [2, 3, 5, 7])], { scales: { floats: [1, 1, 2, 1.5] } });
    },
  },
];

describe('shape inference against onnxruntime: shape arithmetic and data movement', () => {
  it.each(CASES.map((c) => [c.name, c]))('%s', async (_name, c) => {
    await expectShapesMatchOrt(c);
  });
});
