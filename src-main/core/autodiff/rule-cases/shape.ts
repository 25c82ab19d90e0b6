// Cases for the ops that move data: reshapes, transposes, joins, slices, pads, gathers.
import { f, fixed, type GradCase } from './case.js';

export const cases: GradCase[] = [
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
  {
    // PyTorch's chunk(3) of a packed qkv projection, exported without folding.
    name: 'Slice with bounds computed from the shape (qkv chunk)',
    op: 'Slice',
    inputs: [f([2, 9])],
    build: (e, [x]) => {
      const width = e.op('Gather', [e.shapeOf(x!), e.int64([-1], [])], { axis: 0 });
      const third = e.op('Div', [e.op('Add', [width, e.int64([2], [])]), e.int64([3], [])]);
      const bound = (k: number) => e.unsqueeze(e.op('Mul', [third, e.int64([k], [])]), [0]);
      return e.op('Slice', [x, bound(1), bound(2), e.int64([-1])]);
    },
  },
];
