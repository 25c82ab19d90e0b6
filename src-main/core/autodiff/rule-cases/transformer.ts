// Cases for the blocks of transformers: GELU, layer normalization (as one op and as torch
// exports it at opset 14), and scaled dot-product attention.
import { f, fixed, type GradCase } from './case.js';

export const cases: GradCase[] = [
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
    build: (e, [x]) => {
      const mean = (v: typeof x) => e.op('ReduceMean', [v], { axes: [-1] });
      const d = e.op('Sub', [x, mean(x)]);
      const v = mean(e.op('Pow', [d, e.float([2])]));
      return e.op('Div', [d, e.op('Sqrt', [e.op('Add', [v, e.float([1e-5])])])]);
    },
  },
  {
    name: 'attention: Softmax(Q Kᵀ / √d) V',
    op: 'Softmax',
    inputs: [f([1, 2, 3, 4]), f([1, 2, 3, 4]), f([1, 2, 3, 4])],
    build: (e, [q, k, v]) => {
      const scores = e.op('Div', [e.op('MatMul', [q, e.transpose(k!, [0, 1, 3, 2])]), e.float([2])]);
      return e.op('MatMul', [e.op('Softmax', [scores], { axis: -1 }), v]);
    },
  },
];
