// Cases for the ops along an axis: the softmax family (its axis semantics changed at 13),
// reductions and extrema (ReduceMax's ties of three: reduce-max-ties.test.ts).
import { f, type GradCase } from './case.js';

export const cases: GradCase[] = [
  // ---- softmax family (axis semantics changed at 13)
  { name: 'Softmax axis 1 opset 13', op: 'Softmax', opset: 13, attrs: { axis: 1 }, inputs: [f([2, 3, 4], { scale: 2 })] },
  { name: 'Softmax default axis opset 17', op: 'Softmax', inputs: [f([2, 3, 4], { scale: 2 })] },
  { name: 'Softmax axis 1 opset 11 (2-D coercion)', op: 'Softmax', opset: 11, attrs: { axis: 1 }, inputs: [f([2, 3, 4], { scale: 2 })] },
  { name: 'LogSoftmax default axis opset 13', op: 'LogSoftmax', opset: 13, inputs: [f([2, 3, 4], { scale: 2 })] },
  { name: 'LogSoftmax default axis opset 9 (2-D coercion)', op: 'LogSoftmax', opset: 9, inputs: [f([2, 3, 2], { scale: 2 })] },
  { name: 'Softmax axis -2 on 4-D', op: 'Softmax', opset: 13, attrs: { axis: -2 }, inputs: [f([2, 2, 3, 4], { scale: 2 })] },
  { name: 'Softmax axis 2 of 4-D opset 11 (coerced to 2-D)', op: 'Softmax', opset: 11, attrs: { axis: 2 }, inputs: [f([2, 2, 3, 2], { scale: 2 })] },
  { name: 'LogSoftmax axis 0 opset 13', op: 'LogSoftmax', opset: 13, attrs: { axis: 0 }, inputs: [f([3, 4], { scale: 2 })] },
  // ---- reductions
  { name: 'ReduceMean axes attr keepdims 0', op: 'ReduceMean', opset: 17, attrs: { axes: [1], keepdims: 0 }, inputs: [f([2, 3, 4])] },
  { name: 'ReduceMean axes input opset 18', op: 'ReduceMean', opset: 18, inputs: [f([2, 3, 4]), { ints: [-1, 0] }] },
  { name: 'ReduceMean all axes opset 9', op: 'ReduceMean', opset: 9, attrs: { keepdims: 0 }, inputs: [f([2, 3])] },
  { name: 'ReduceSum axes input opset 13', op: 'ReduceSum', opset: 13, attrs: { keepdims: 0 }, inputs: [f([2, 3, 4]), { ints: [2] }] },
  { name: 'ReduceSum axes attr opset 11', op: 'ReduceSum', opset: 11, attrs: { axes: [0, 2] }, inputs: [f([2, 3, 4])] },
  { name: 'ReduceSum two axes keepdims 0 opset 18', op: 'ReduceSum', opset: 18, attrs: { keepdims: 0 }, inputs: [f([2, 3, 4]), { ints: [0, 2] }] },
  { name: 'ReduceSum noop_with_empty_axes', op: 'ReduceSum', opset: 13, attrs: { noop_with_empty_axes: 1 }, inputs: [f([2, 3])] },
  { name: 'ReduceMean axes input opset 18 keepdims 0', op: 'ReduceMean', opset: 18, attrs: { keepdims: 0 }, inputs: [f([2, 3, 4]), { ints: [1, 2] }] },
  // ---- extrema along axes (exact two-way ties: central differences see half of dy on each side)
  { name: 'ReduceMax axes attr keepdims 0', op: 'ReduceMax', attrs: { axes: [1], keepdims: 0 }, inputs: [f([2, 3, 4])] },
  { name: 'ReduceMax axes input opset 18, two axes', op: 'ReduceMax', opset: 18, inputs: [f([2, 3, 4]), { ints: [0, -1] }] },
  { name: 'ReduceMax all axes opset 13', op: 'ReduceMax', opset: 13, attrs: { keepdims: 0 }, inputs: [f([2, 3])] },
  { name: 'ReduceMax two-way ties split', op: 'ReduceMax', attrs: { axes: [1] }, inputs: [f([2, 3], { values: [0.5, 0.5, -0.3, 0.2, 0.9, 0.9] })] },
  { name: 'ReduceMin axes input opset 18 keepdims 0', op: 'ReduceMin', opset: 18, attrs: { keepdims: 0 }, inputs: [f([2, 3, 4]), { ints: [1] }] },
  { name: 'ReduceMax two-way ties opset 9', op: 'ReduceMax', opset: 9, attrs: { axes: [0], keepdims: 0 }, inputs: [f([2, 2], { values: [0.7, -0.4, 0.7, 0.1] })] },
  { name: 'ReduceMin opset 11', op: 'ReduceMin', opset: 11, attrs: { axes: [-1] }, inputs: [f([3, 4])] },
];
