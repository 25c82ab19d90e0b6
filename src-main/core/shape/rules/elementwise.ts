// Element-wise ops: unary ops keep their input's shape; binary and variadic ops broadcast.
// The integer ones also compute on known values, since exporters do shape arithmetic with
// them (Shape -> Gather -> Mul -> Concat -> Reshape).
import type { Dim } from '../../ir/graph.js';
import { getInt } from '../../ir/attributes.js';
import { DataType, isFloatType } from '../../onnx/dtype.js';
import { broadcastShapes } from '../broadcast.js';
import type { KnownValue, RuleContext, ShapeRule } from '../context.js';
import { addDim, divDimExact, mulDim, sameDim, subDim } from '../symbolic.js';

const isIntType = (t: number) => t !== DataType.UNDEFINED && !isFloatType(t) && t !== DataType.STRING;

/** Output = input 0, same type. */
const sameAsInput: ShapeRule = (ctx: RuleContext) => {
  ctx.setOutput(0, ctx.elemType(0), ctx.needShape(0));
  const kv = ctx.value(0);
  if (kv && ctx.node.opType === 'Identity') ctx.setValue(0, kv);
  else if (kv) numericUnary(ctx, kv);
};

const NUMERIC_UNARY: Record<string, (x: number) => number> = {
  Neg: (x) => -x,
  Abs: Math.abs,
  Floor: Math.floor,
  Ceil: Math.ceil,
  Sqrt: Math.sqrt,
  Round: (x) => {
    const r = Math.round(x); // ONNX rounds halves to even
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  },
};

function numericUnary(ctx: RuleContext, kv: KnownValue): void {
  const f = NUMERIC_UNARY[ctx.node.opType];
  if (!f) return;
  ctx.setValue(0, { shape: kv.shape, data: kv.data.map((d) => (typeof d === 'number' ? f(d) : null)) });
}

const toBool: ShapeRule = (ctx: RuleContext) => ctx.setOutput(0, DataType.BOOL, ctx.needShape(0));

/** Known-value evaluation for broadcasting ops whose operands are scalars or equal-length vectors. */
function knownBroadcast(ctx: RuleContext, count: number, f: (xs: Dim[]) => Dim): void {
  const vals: KnownValue[] = [];
  for (let i = 0; i < count; i++) {
    const kv = ctx.value(i);
    if (!kv) return;
    vals.push(kv);
  }
  const len = Math.max(...vals.map((v) => v.data.length));
  if (vals.some((v) => v.data.length !== len && v.data.length !== 1)) return;
  const shape = vals.reduce((a, v) => (v.shape.length > a.length ? v.shape : a), [] as number[]);
  const data: Dim[] = [];
  for (let k = 0; k < len; k++) data.push(f(vals.map((v) => v.data[v.data.length === 1 ? 0 : k])));
  ctx.setValue(0, { shape, data });
}

function numbersOnly(f: (a: number, b: number) => number): (xs: Dim[]) => Dim {
  return ([a, b]) => (typeof a === 'number' && typeof b === 'number' ? f(a, b) : null);
}

const ARITHMETIC: Record<string, (ctx: RuleContext) => (xs: Dim[]) => Dim> = {
  Add: () => ([a, b]) => addDim(a, b),
  Sub: () => ([a, b]) => subDim(a, b),
  Mul: () => ([a, b]) => mulDim(a, b),
  Div: (ctx: RuleContext) =>
    isIntType(ctx.elemType(0))
      ? ([a, b]) => (typeof a === 'number' && typeof b === 'number' ? (b === 0 ? null : Math.trunc(a / b)) : divDimExact(a, b))
      : numbersOnly((a, b) => a / b),
  Max: () => (xs) => (xs.every((x) => typeof x === 'number') ? Math.max(...(xs as number[])) : null),
  Min: () => (xs) => (xs.every((x) => typeof x === 'number') ? Math.min(...(xs as number[])) : null),
  Pow: () => numbersOnly((a, b) => a ** b),
  Mod: () => numbersOnly((a, b) => a - b * Math.floor(a / b)),
};

/** Add, Mul, Max, Sum, ...: broadcast all inputs, type of the first. */
const broadcasting: ShapeRule = (ctx: RuleContext) => {
  const shapes = ctx.node.inputs.map((_, i) => ctx.needShape(i));
  ctx.setOutput(0, ctx.elemType(0), broadcastShapes(ctx, shapes));
  const op = ARITHMETIC[ctx.node.opType];
  if (op && (ctx.node.opType === 'Max' || ctx.node.opType === 'Min' || ctx.inputCount === 2)) knownBroadcast(ctx, ctx.inputCount, op(ctx));
};

/**
 * A symbolic dim is a size, never negative: torch.onnx's Expand(x, [N, -1, -1]) tests each
 * entry against -1 (Equal, Where), and N == -1 is false whatever N is.
 */
const symbolVsNegative = (a: Dim, b: Dim) => typeof a === 'string' && typeof b === 'number' && b < 0;

const COMPARE: Record<string, (a: Dim, b: Dim) => boolean | null> = {
  Equal: (a, b) =>
    sameDim(a, b) ? true : (typeof a === 'number' && typeof b === 'number') || symbolVsNegative(a, b) || symbolVsNegative(b, a) ? false : null,
  Less: (a, b) => (typeof a === 'number' && typeof b === 'number' ? a < b : symbolVsNegative(a, b) ? false : symbolVsNegative(b, a) ? true : null),
  Greater: (a, b) => (typeof a === 'number' && typeof b === 'number' ? a > b : symbolVsNegative(a, b) ? true : symbolVsNegative(b, a) ? false : null),
};

/** Equal, Less, And, ...: broadcast, bool result. */
const comparison: ShapeRule = (ctx: RuleContext) => {
  const shapes = ctx.node.inputs.map((_, i) => ctx.needShape(i));
  ctx.setOutput(0, DataType.BOOL, broadcastShapes(ctx, shapes));
  const cmp = COMPARE[ctx.node.opType];
  if (cmp) {
    knownBroadcast(ctx, 2, ([a, b]) => {
      const r = cmp(a, b);
      return r === null ? null : r ? 1 : 0;
    });
  }
};

const where: ShapeRule = (ctx: RuleContext) => {
  const shapes = [0, 1, 2].map((i) => ctx.needShape(i));
  ctx.setOutput(0, ctx.elemType(1) || ctx.elemType(2), broadcastShapes(ctx, shapes));
  knownBroadcast(ctx, 3, ([c, x, y]) => (c === null || typeof c === 'string' ? (sameDim(x, y) ? x : null) : c !== 0 ? x : y));
};

/** PRelu: the slope broadcasts to X, never the other way. */
const prelu: ShapeRule = (ctx: RuleContext) => {
  const x = ctx.needShape(0);
  const slope = ctx.shape(1);
  if (slope) {
    const b = broadcastShapes(ctx, [x, slope]);
    if (b.length !== x.length || b.some((d, i) => typeof d === 'number' && typeof x[i] === 'number' && d !== x[i])) {
      ctx.fail(`slope of shape [${slope.join(', ')}] does not broadcast to input [${x.join(', ')}]`);
    }
  }
  ctx.setOutput(0, ctx.elemType(0), x);
};

function castValue(ctx: RuleContext, to: number): void {
  const kv = ctx.value(0);
  if (!kv) return;
  const conv = (d: Dim): Dim => {
    if (to === DataType.BOOL) return typeof d === 'number' ? (d !== 0 ? 1 : 0) : null;
    if (isIntType(to)) return typeof d === 'number' ? Math.trunc(d) : d;
    return d;
  };
  ctx.setValue(0, { shape: kv.shape, data: kv.data.map(conv) });
}

const cast: ShapeRule = (ctx: RuleContext) => {
  const to = getInt(ctx.node, 'to', DataType.UNDEFINED);
  ctx.setOutput(0, to, ctx.needShape(0));
  castValue(ctx, to);
};

const castLike: ShapeRule = (ctx: RuleContext) => {
  const to = ctx.elemType(1);
  ctx.setOutput(0, to, ctx.needShape(0));
  castValue(ctx, to);
};

/** Dropout: data, and an optional mask (bool since opset 10, the data type before). */
const dropout: ShapeRule = (ctx: RuleContext) => {
  const x = ctx.needShape(0);
  ctx.setOutput(0, ctx.elemType(0), x);
  ctx.setOutput(1, ctx.opset >= 10 ? DataType.BOOL : ctx.elemType(0), x);
};

const SAME_SHAPE_OPS = [
  'Identity', 'Relu', 'LeakyRelu', 'Sigmoid', 'Tanh', 'HardSigmoid', 'HardSwish', 'Clip', 'Elu', 'Selu', 'Celu',
  'Gelu', 'Softplus', 'Softsign', 'Mish', 'Erf', 'Exp', 'Log', 'Sqrt', 'Neg', 'Abs', 'Reciprocal', 'Floor',
  'Ceil', 'Round', 'Not', 'Sign', 'Sin', 'Cos', 'Tan', 'Asin', 'Acos', 'Atan', 'Sinh', 'Cosh', 'Asinh', 'Acosh',
  'Atanh', 'ThresholdedRelu', 'Shrink', 'Softmax', 'LogSoftmax', 'Hardmax', 'CumSum', 'LRN',
  'MeanVarianceNormalization', 'InstanceNormalization', 'Trilu', 'BitwiseNot',
];

const BROADCAST_OPS = ['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Mod', 'BitShift', 'Max', 'Min', 'Sum', 'Mean', 'BitwiseAnd', 'BitwiseOr', 'BitwiseXor'];
const COMPARISON_OPS = ['Equal', 'Less', 'Greater', 'LessOrEqual', 'GreaterOrEqual', 'And', 'Or', 'Xor'];

export const elementwiseRules: Record<string, ShapeRule> = {
  ...Object.fromEntries(SAME_SHAPE_OPS.map((op) => [op, sameAsInput])),
  ...Object.fromEntries(BROADCAST_OPS.map((op) => [op, broadcasting])),
  ...Object.fromEntries(COMPARISON_OPS.map((op) => [op, comparison])),
  IsNaN: toBool,
  IsInf: toBool,
  Where: where,
  PRelu: prelu,
  Cast: cast,
  CastLike: castLike,
  Dropout: dropout,
};
