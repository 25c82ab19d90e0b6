// Cases for the ops that repeat a tensor: Expand (a class token to the batch) and Tile.
import { f, type GradCase } from './case.js';

export const cases: GradCase[] = [
  { name: 'Expand a class token to the batch', op: 'Expand', inputs: [f([1, 1, 4]), { ints: [3, 1, 4] }] },
  { name: 'Expand adds axes and stretches', op: 'Expand', inputs: [f([3, 1]), { ints: [2, 1, 3, 4] }] },
  { name: 'Expand opset 9', op: 'Expand', opset: 9, inputs: [f([2, 1]), { ints: [2, 3] }] },
  { name: 'Tile', op: 'Tile', inputs: [f([2, 3]), { ints: [2, 3] }] },
  { name: 'Tile one axis', op: 'Tile', opset: 9, inputs: [f([2, 1, 3]), { ints: [1, 4, 1] }] },
  {
    name: 'class token: Concat(Expand(cls, [N,1,D]), x)',
    op: 'Expand',
    inputs: [f([1, 1, 3]), f([2, 2, 3])],
    build: (e, [cls, x]) => {
      const batch = e.op('Gather', [e.shapeOf(x!), e.int64([0])], { axis: 0 });
      const shape = e.op('Concat', [batch, e.int64([1, 3])], { axis: 0 });
      return e.op('Concat', [e.op('Expand', [cls, shape]), x], { axis: 1 });
    },
  },
];
