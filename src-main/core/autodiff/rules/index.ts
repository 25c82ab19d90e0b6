// The table of gradient rules, one per ONNX op type. Each rule is tested against finite
// differences (rules.test.ts, over the tables in ../rule-cases); a rule registered here
// without a test case fails rules.test.ts.
import type { GradRule } from '../context.js';
import { clip, hardSigmoid, hardSwish, leakyRelu, prelu, relu, sigmoid, softplus, tanh } from './activations.js';
import { conv } from './conv.js';
import { add, div, mul, sub, sum } from './elementwise.js';
import { gemm, matMul } from './linear.js';
import { batchNorm, dropout, logSoftmax, softmax } from './normalization.js';
import { averagePool, globalAveragePool, maxPool } from './pool.js';
import { reduceExtremum, reduceMean, reduceSum } from './reduce.js';
import { cast } from './cast.js';
import { einsum } from './einsum.js';
import { abs, erf, exp, log, neg, pow, reciprocal, sqrt } from './math.js';
import { groupNorm, instanceNorm } from './instance-group-norm.js';
import { expand, tile } from './replicate.js';
import { extremum, where } from './select.js';
import { gelu, layerNorm } from './transformer.js';
import { concat, gather, identity, pad, reshapeBack, sliceBack, split, transpose } from './shape.js';

export const gradRules = new Map<string, GradRule>([
  ['Add', add],
  ['Sub', sub],
  ['Mul', mul],
  ['Div', div],
  ['Sum', sum],
  ['Relu', relu],
  ['LeakyRelu', leakyRelu],
  ['Sigmoid', sigmoid],
  ['Tanh', tanh],
  ['HardSigmoid', hardSigmoid],
  ['HardSwish', hardSwish],
  ['Clip', clip],
  ['Identity', identity],
  ['Flatten', reshapeBack],
  ['Reshape', reshapeBack],
  ['Squeeze', reshapeBack],
  ['Unsqueeze', reshapeBack],
  ['Transpose', transpose],
  ['Concat', concat],
  ['Slice', sliceBack],
  ['Gather', gather],
  ['Split', split],
  ['Pad', pad],
  ['Gemm', gemm],
  ['MatMul', matMul],
  ['Conv', conv],
  ['MaxPool', maxPool],
  ['AveragePool', averagePool],
  ['GlobalAveragePool', globalAveragePool],
  ['BatchNormalization', batchNorm],
  ['Softmax', softmax],
  ['LogSoftmax', logSoftmax],
  ['Dropout', dropout],
  ['ReduceMean', reduceMean],
  ['ReduceSum', reduceSum],
  ['ReduceMax', reduceExtremum],
  ['ReduceMin', reduceExtremum],
  // Modern networks (ViT, ConvNeXt, EfficientNet).
  ['Sqrt', sqrt],
  ['Pow', pow],
  ['Erf', erf],
  ['Exp', exp],
  ['Log', log],
  ['Neg', neg],
  ['Reciprocal', reciprocal],
  ['Abs', abs],
  ['Where', where],
  ['Max', extremum],
  ['Min', extremum],
  ['Expand', expand],
  ['Tile', tile],
  ['Cast', cast],
  ['Gelu', gelu],
  ['LayerNormalization', layerNorm],
  ['Einsum', einsum],
  ['PRelu', prelu],
  ['Softplus', softplus],
  ['InstanceNormalization', instanceNorm],
  ['GroupNormalization', groupNorm],
]);
