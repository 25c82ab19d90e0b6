// Cases for the ops along an axis: the softmax family (its axis semantics changed at 13) and reductions.
import { f, type GradCase } from './case.js';

export const cases: GradCase[] = [
  // ---- softmax family (axis semantics changed at 13)
  { name: 'Softmax axis 1 opset 13', op: 'Softmax', opset: 13, attrs: { axis: 1 }, inputs: [f([2, 3, 4], { scale: 2 })] },
  { name: 'Softmax default axis opset 17', op: 'Softmax', inputs: [f([2, 3, 4], { scale: 2 })] },
  { name: 'Softmax axis 1 opset 11 (2-D coercion)', op: 'Softmax', opset: 11, attrs: { axis: 1 }, inputs: [f([2, 3, 4], { scale: 2 })] },
  { name: 'LogSoftmax default axis opset 13', op: 'LogSoftmax', opset: 13, inputs: [f([2, 3, 4], { scale: 2 })] },
  { name: 'LogSoftmax default axis opset 9 (2-D coercion)', op: 'LogSoftmax', opset: 9, inputs: [f([2, 3, 2], { scale: 2 })] },
  // ---- reductions
  { name: 'ReduceMean axes attr keepdims 0', op: 'ReduceMean', opset: 17, attrs: { axes: [1], keepdims: 0 }, inputs: [f([2, 3, 4])] },
  { name: 'ReduceMean axes input opset 18', op: 'ReduceMean', opset: 18, inputs: [f([2, 3, 4]), { ints: [-1, 0] }] },
  { name: 'ReduceMean all axes opset 9', op: 'ReduceMean', opset: 9, attrs: { keepdims: 0 }, inputs: [f([2, 3])] },
  { name: 'ReduceSum axes input opset 13', op: 'ReduceSum', opset: 13, attrs: { keepdims: 0 }, inputs: [f([2, 3, 4]), { ints: [2] }] },
  { name: 'ReduceSum axes attr opset 11', op: 'ReduceSum', opset: 11, attrs: { axes: [0, 2] }, inputs: [f([2, 3, 4])] },
];
