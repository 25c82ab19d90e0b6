// Cases for the matrix products and convolutions.
import { f, type GradCase } from './case.js';

export const cases: GradCase[] = [
  // ---- linear
  { name: 'Gemm A B C[4]', op: 'Gemm', inputs: [f([2, 3]), f([3, 4]), f([4])] },
  { name: 'Gemm transA transB alpha beta C[2,1]', op: 'Gemm', attrs: { transA: 1, transB: 1, alpha: 0.5, beta: { float: 2 } }, inputs: [f([3, 2]), f([4, 3]), f([2, 1])] },
  { name: 'Gemm opset 9 transB C[1,4]', op: 'Gemm', opset: 9, attrs: { transB: 1 }, inputs: [f([2, 3]), f([4, 3]), f([1, 4])] },
  { name: 'Gemm opset 11 no C transA', op: 'Gemm', opset: 11, attrs: { transA: 1 }, inputs: [f([3, 2]), f([3, 4])] },
  { name: 'MatMul 2-D', op: 'MatMul', inputs: [f([2, 3]), f([3, 4])] },
  { name: 'MatMul batch broadcast', op: 'MatMul', inputs: [f([2, 1, 2, 3]), f([3, 3, 2])] },
  { name: 'MatMul 1-D @ batch', op: 'MatMul', inputs: [f([3]), f([2, 3, 4])] },
  { name: 'MatMul 2-D @ 1-D', op: 'MatMul', opset: 9, inputs: [f([2, 3]), f([3])] },
  { name: 'MatMul 1-D @ 1-D', op: 'MatMul', inputs: [f([3]), f([3])] },
  // Batched products of attention and of token-wise linear layers.
  { name: 'MatMul attention scores [2,3,4,5]@[2,3,5,4]', op: 'MatMul', inputs: [f([2, 3, 4, 5]), f([2, 3, 5, 4])] },
  { name: 'MatMul 3-D @ 2-D weight', op: 'MatMul', inputs: [f([2, 3, 4]), f([4, 2])] },
  { name: 'MatMul both batch dims broadcast [1,2,3,2]@[2,1,2,3]', op: 'MatMul', inputs: [f([1, 2, 3, 2]), f([2, 1, 2, 3])] },
  // ---- convolution
  { name: 'Conv 3x3 pad 1 with bias', op: 'Conv', attrs: { pads: [1, 1, 1, 1] }, inputs: [f([1, 2, 5, 5]), f([3, 2, 3, 3]), f([3])] },
  { name: 'Conv stride 2 batch 2', op: 'Conv', attrs: { strides: [2, 2] }, inputs: [f([2, 2, 6, 6]), f([2, 2, 3, 3])] },
  { name: 'Conv asymmetric pads stride 2', op: 'Conv', attrs: { strides: [2, 2], pads: [0, 1, 2, 1] }, inputs: [f([1, 2, 5, 6]), f([2, 2, 3, 2]), f([2])] },
  { name: 'Conv dilation 2', op: 'Conv', attrs: { dilations: [2, 2], pads: [1, 2, 1, 0] }, inputs: [f([1, 2, 6, 6]), f([2, 2, 3, 3])] },
  { name: 'Conv groups 2', op: 'Conv', attrs: { group: 2, pads: [1, 1, 1, 1] }, inputs: [f([2, 4, 4, 4]), f([4, 2, 3, 3]), f([4])] },
  { name: 'Conv depthwise stride 2', op: 'Conv', attrs: { group: 3, strides: [2, 2], pads: [1, 1, 1, 1] }, inputs: [f([2, 3, 5, 5]), f([3, 1, 3, 3]), f([3])] },
  { name: 'Conv depthwise x2 dilated, groups stride', op: 'Conv', attrs: { group: 2, strides: [2, 1], dilations: [1, 2], pads: [1, 2, 0, 1] }, inputs: [f([1, 2, 5, 6]), f([4, 1, 3, 3])] },
  { name: 'Conv auto_pad SAME_UPPER stride 2', op: 'Conv', attrs: { auto_pad: 'SAME_UPPER', strides: [2, 2] }, inputs: [f([1, 2, 6, 5]), f([2, 2, 3, 3])] },
  { name: 'Conv auto_pad SAME_LOWER even kernel', op: 'Conv', attrs: { auto_pad: 'SAME_LOWER' }, inputs: [f([1, 1, 5, 5]), f([2, 1, 2, 2])] },
  { name: 'Conv auto_pad VALID stride 3', op: 'Conv', attrs: { auto_pad: 'VALID', strides: [3, 3] }, inputs: [f([1, 2, 7, 8]), f([2, 2, 2, 2])] },
  { name: 'Conv 1-D stride 2', op: 'Conv', attrs: { strides: [2], pads: [1, 0] }, inputs: [f([2, 2, 7]), f([3, 2, 3]), f([3])] },
  // Grouped, few output positions per channel: dw as one batched GEMM (singleGemmWeightGrad).
  { name: 'Conv single-GEMM dW, groups 2 dilated', op: 'Conv', attrs: { group: 2, strides: [2, 2], dilations: [2, 2], pads: [1, 1, 1, 1] }, inputs: [f([2, 4, 5, 5]), f([6, 2, 3, 3])] },
  { name: 'Conv opset 9', op: 'Conv', opset: 9, attrs: { strides: [2, 2], pads: [1, 1, 1, 1] }, inputs: [f([1, 2, 5, 5]), f([2, 2, 3, 3]), f([2])] },
];
