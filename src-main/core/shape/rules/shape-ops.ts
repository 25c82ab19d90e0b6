// Ops that make tensors from shapes or constants: Shape and Size turn a type into a known
// value, ConstantOfShape and Range turn known values back into shapes, Constant seeds them.
import type { Dim } from '../../ir/graph.js';
import { getInt, getTensor, hasAttr } from '../../ir/attributes.js';
import { DataType } from '../../onnx/dtype.js';
import { tensorDims } from '../../onnx/tensor.js';
import type { RuleContext, ShapeRule } from '../context.js';
import { MAX_KNOWN_ELEMENTS, knownFromTensor } from '../context.js';
import { productDims } from '../symbolic.js';

/** Shape: the input's dims as an int64 vector; opset 15 adds a [start, end) window. */
const shape: ShapeRule = (ctx: RuleContext) => {
  const x = ctx.needShape(0);
  const r = x.length;
  const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
  const start = clamp(getInt(ctx.node, 'start', 0));
  const end = clamp(getInt(ctx.node, 'end', r));
  const dims = x.slice(start, Math.max(start, end));
  ctx.setOutput(0, DataType.INT64, [dims.length]);
  ctx.setValue(0, { shape: [dims.length], data: dims });
};

const size: ShapeRule = (ctx: RuleContext) => {
  const x = ctx.needShape(0);
  ctx.setOutput(0, DataType.INT64, []);
  ctx.setValue(0, { shape: [], data: [productDims(x)] });
};

const constantOfShape: ShapeRule = (ctx: RuleContext) => {
  const value = getTensor(ctx.node, 'value');
  const elemType = value ? value.dataType : DataType.FLOAT;
  const dims = ctx.dims(0);
  if (!dims) {
    const len = ctx.shape(0)?.[0];
    if (typeof len !== 'number') ctx.giveUp('the shape (input 0) is not known before running the model');
    ctx.setOutput(0, elemType, new Array(len).fill(null));
    return;
  }
  ctx.setOutput(0, elemType, dims);
  const fill = value ? knownFromTensor(value)?.data[0] : 0;
  if (fill === undefined || !dims.every((d): d is number => typeof d === 'number')) return;
  const n = productDims(dims) as number;
  if (n <= MAX_KNOWN_ELEMENTS) ctx.setValue(0, { shape: dims, data: new Array(n).fill(fill) });
};

/** The attribute that holds a Constant's value, whichever of the value_* forms it is. */
const constant: ShapeRule = (ctx: RuleContext) => {
  const n = ctx.node;
  const t = getTensor(n, 'value');
  if (t) {
    ctx.setOutput(0, t.dataType, tensorDims(t));
    const kv = knownFromTensor(t);
    if (kv) ctx.setValue(0, kv);
    return;
  }
  const a = (name: string) => n.attr(name);
  const set = (elemType: number, shape: number[], data: Dim[] | null) => {
    ctx.setOutput(0, elemType, shape);
    if (data) ctx.setValue(0, { shape, data });
  };
  if (a('value_float')) set(DataType.FLOAT, [], [a('value_float')!.f]);
  else if (a('value_floats')) set(DataType.FLOAT, [a('value_floats')!.floats.length], [...a('value_floats')!.floats]);
  else if (a('value_int')) set(DataType.INT64, [], [Number(a('value_int')!.i)]);
  else if (a('value_ints')) set(DataType.INT64, [a('value_ints')!.ints.length], a('value_ints')!.ints.map(Number));
  else if (a('value_string')) set(DataType.STRING, [], null);
  else if (a('value_strings')) set(DataType.STRING, [a('value_strings')!.strings.length], null);
  else if (hasAttr(n, 'sparse_value')) {
    const sp = a('sparse_value')!.sparseTensor;
    set(sp?.values?.dataType ?? DataType.UNDEFINED, sp ? sp.dims.map(Number) : [], null);
  } else ctx.fail('has no value attribute');
};

const range: ShapeRule = (ctx: RuleContext) => {
  const [start, limit, delta] = [0, 1, 2].map((i) => ctx.ints(i)?.[0]);
  const elemType = ctx.elemType(0);
  if (start === undefined || limit === undefined || delta === undefined) {
    ctx.setOutput(0, elemType, [null]);
    return;
  }
  if (delta === 0) ctx.fail('delta is 0');
  const n = Math.max(Math.ceil((limit - start) / delta), 0);
  ctx.setOutput(0, elemType, [n]);
  if (n <= MAX_KNOWN_ELEMENTS) ctx.setValue(0, { shape: [n], data: Array.from({ length: n }, (_, i) => start + i * delta) });
};

const eyeLike: ShapeRule = (ctx: RuleContext) => {
  ctx.setOutput(0, getInt(ctx.node, 'dtype', ctx.elemType(0)), ctx.needShape(0));
};

export const shapeOpRules: Record<string, ShapeRule> = {
  Shape: shape,
  Size: size,
  ConstantOfShape: constantOfShape,
  Constant: constant,
  Range: range,
  EyeLike: eyeLike,
};
