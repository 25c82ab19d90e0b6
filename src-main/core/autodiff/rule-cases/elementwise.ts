// Cases for the element-wise rules: arithmetic with broadcasting and fan-out, activations,
// Dropout, and composites of them.
import { f, type GradCase, training } from './case.js';

export const cases: GradCase[] = [
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
  { name: 'PRelu per-channel slope', op: 'PRelu', inputs: [f([2, 3, 2, 2], { kinks: [0] }), f([3, 1, 1])] },
  { name: 'PRelu scalar slope opset 9', op: 'PRelu', opset: 9, inputs: [f([2, 5], { kinks: [0] }), f([1])] },
  { name: 'Softplus', op: 'Softplus', inputs: [f([2, 5], { scale: 3 })] },
  // ---- dropout
  { name: 'Dropout training (mask oracle)', op: 'Dropout', opset: 13, oracle: 'dropout', inputs: [f([4, 16], { kinks: [0] }), { floats: [0.3], dims: [] }, training] },
  { name: 'Dropout training mask output declared', op: 'Dropout', opset: 12, outputs: 2, oracle: 'dropout', inputs: [f([4, 16], { kinks: [0] }), null, training] },
  { name: 'Dropout inference opset 13', op: 'Dropout', opset: 13, inputs: [f([2, 3]), { floats: [0.3], dims: [] }] },
  { name: 'Dropout opset 10 with mask', op: 'Dropout', opset: 10, outputs: 2, attrs: { ratio: 0.3 }, inputs: [f([2, 3])] },
  // ---- composites: Mul-by-constant chains
  {
    name: 'hard-swish as x * Clip(x + 3, 0, 6) / 6',
    op: 'Mul',
    opset: 11,
    inputs: [f([2, 6], { scale: 5, kinks: [-3, 3] })],
    build: (e, [x]) => {
      const c = (v: number) => e.float([v]);
      return e.op('Mul', [x, e.op('Div', [e.op('Clip', [e.op('Add', [x, c(3)]), c(0), c(6)]), c(6)])]);
    },
  },
  {
    name: 'squeeze-excite: x * HardSigmoid(Conv(Relu(Conv(GAP(x)))))',
    op: 'Mul',
    inputs: [f([2, 4, 3, 3]), f([2, 4, 1, 1]), f([2]), f([4, 2, 1, 1])],
    build: (e, [x, w1, b1, w2]) => {
      const s = e.op('Relu', [e.op('Conv', [e.op('GlobalAveragePool', [x]), w1, b1])]);
      return e.op('Mul', [x, e.op('HardSigmoid', [e.op('Conv', [s, w2])], { alpha: 1 / 6, beta: 0.5 })]);
    },
  },
];
