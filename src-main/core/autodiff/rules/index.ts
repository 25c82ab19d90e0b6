// The table of gradient rules, one per ONNX op type. Each rule is tested against finite
// differences (rules.test.ts); a rule registered here without a test case fails that test.
import type { GradRule } from '../context.js';
import { relu } from './activations.js';
import { add, div, mul, sub, sum } from './elementwise.js';
import { gemm } from './linear.js';
import { identity, reshapeBack } from './shape.js';

export const gradRules = new Map<string, GradRule>([
  ['Add', add],
  ['Sub', sub],
  ['Mul', mul],
  ['Div', div],
  ['Sum', sum],
  ['Relu', relu],
  ['Identity', identity],
  ['Flatten', reshapeBack],
  ['Reshape', reshapeBack],
  ['Gemm', gemm],
]);
