// Cases for the ops that pick one input per element: Where, and the element-wise Max and Min.
import { f, type GradCase } from './case.js';

export const cases: GradCase[] = [
  {
    name: 'Where both branches broadcast, constant condition',
    op: 'Where',
    inputs: [{ bools: [true, false, false, true, true, false], dims: [2, 3] }, f([2, 3]), f([3])],
  },
  {
    name: 'Where condition from the data (leaky relu)',
    op: 'Where',
    inputs: [f([2, 6], { kinks: [0] })],
    build: (e, [x]) => e.op('Where', [e.op('Greater', [x, e.float([0])]), x, e.op('Mul', [x, e.float([0.1])])]),
  },
  { name: 'Max of two, broadcast', op: 'Max', inputs: [f([2, 3]), f([3])] },
  { name: 'Max of three opset 9', op: 'Max', opset: 9, inputs: [f([2, 3]), f([2, 3]), f([1, 3])] },
  // Exact ties: central differences see half of dy on each side, as PyTorch's maximum gives.
  { name: 'Max with ties split evenly', op: 'Max', inputs: [f([4], { values: [0.5, -0.2, 0.3, 0.1] }), f([4], { values: [0.5, 0.4, 0.3, -0.6] })] },
  { name: 'Min with a constant', op: 'Min', inputs: [f([2, 4]), { floats: [0.1], dims: [] }] },
  { name: 'Min single input', op: 'Min', inputs: [f([2, 3])] },
];
