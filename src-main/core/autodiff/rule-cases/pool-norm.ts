// Cases for pooling and normalization.
import { f, fixed, type GradCase } from './case.js';

export const cases: GradCase[] = [
  // ---- pooling
  { name: 'MaxPool 2x2/2', op: 'MaxPool', attrs: { kernel_shape: [2, 2], strides: [2, 2] }, inputs: [f([1, 2, 4, 4])] },
  { name: 'MaxPool 3x3/2 pad 1 (overlapping, opset 17 scatter-add)', op: 'MaxPool', attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, inputs: [f([2, 2, 7, 7])] },
  { name: 'MaxPool 3x3/2 pad 1 opset 13 (one-hot form)', op: 'MaxPool', opset: 13, attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, inputs: [f([2, 2, 7, 7])] },
  { name: 'MaxPool ceil_mode opset 13', op: 'MaxPool', opset: 13, attrs: { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }, inputs: [f([1, 2, 6, 6])] },
  { name: 'MaxPool ceil_mode opset 17', op: 'MaxPool', attrs: { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }, inputs: [f([1, 2, 6, 6])] },
  { name: 'MaxPool dilation 2 opset 12', op: 'MaxPool', opset: 12, attrs: { kernel_shape: [2, 2], dilations: [2, 2], pads: [1, 0, 0, 1] }, inputs: [f([1, 2, 5, 5])] },
  { name: 'MaxPool 2x2/1 opset 9 with Indices', op: 'MaxPool', opset: 9, outputs: 2, attrs: { kernel_shape: [2, 2] }, inputs: [f([1, 2, 4, 4])] },
  { name: 'MaxPool SAME_UPPER', op: 'MaxPool', attrs: { kernel_shape: [3, 3], strides: [2, 2], auto_pad: 'SAME_UPPER' }, inputs: [f([1, 1, 6, 6])] },
  { name: 'AveragePool 3x3/2 pad 1 exclude pad', op: 'AveragePool', attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] }, inputs: [f([2, 2, 6, 6])] },
  { name: 'AveragePool 3x3/2 pad 1 include pad', op: 'AveragePool', attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], count_include_pad: 1 }, inputs: [f([2, 2, 6, 6])] },
  { name: 'AveragePool ceil_mode include pad', op: 'AveragePool', attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1, count_include_pad: 1 }, inputs: [f([1, 2, 6, 6])] },
  { name: 'AveragePool ceil_mode exclude pad', op: 'AveragePool', attrs: { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }, inputs: [f([1, 2, 6, 6])] },
  { name: 'AveragePool asymmetric pads opset 9', op: 'AveragePool', opset: 9, attrs: { kernel_shape: [2, 3], pads: [0, 1, 1, 0] }, inputs: [f([1, 2, 4, 5])] },
  { name: 'GlobalAveragePool', op: 'GlobalAveragePool', inputs: [f([2, 3, 3, 2])] },
  // ---- normalization
  { name: 'BatchNormalization inference', op: 'BatchNormalization', inputs: [f([2, 3, 3, 3]), f([3]), f([3]), fixed([3]), fixed([3], { gen: 'positive' })] },
  { name: 'BatchNormalization [N,C] opset 9', op: 'BatchNormalization', opset: 9, attrs: { epsilon: { float: 0.01 } }, inputs: [f([4, 3]), f([3]), f([3]), fixed([3]), fixed([3], { gen: 'positive' })] },
  // Per-sample normalizations, where the batch statistics are the sample's own.
  { name: 'InstanceNormalization 2-D', op: 'InstanceNormalization', attrs: { epsilon: { float: 0.01 } }, inputs: [f([2, 3, 2, 3]), f([3]), f([3])] },
  { name: 'InstanceNormalization 1-D opset 9', op: 'InstanceNormalization', opset: 9, inputs: [f([2, 2, 5]), f([2]), f([2])] },
  { name: 'GroupNormalization per-group scale opset 18', op: 'GroupNormalization', opset: 18, attrs: { num_groups: 2 }, inputs: [f([2, 4, 2, 2]), f([2]), f([2])] },
  { name: 'GroupNormalization per-channel scale opset 21', op: 'GroupNormalization', opset: 21, attrs: { num_groups: 2 }, inputs: [f([2, 4, 3]), f([4]), f([4])] },
];
