// Emitting new nodes into a graph at the model's opset. ONNX moved several arguments from
// attributes to inputs over the years (ReduceSum axes at 13, Squeeze/Unsqueeze axes at 13,
// ReduceMean/Max axes at 18); gradient rules and optimizers call these helpers and never
// care which form the model's opset wants.
import { DataType } from '../onnx/dtype.js';
import { makeTensor } from '../onnx/tensor.js';
import { type AttrValue, attrs } from '../ir/builder.js';
import type { Dim, Graph, Value } from '../ir/graph.js';

export class Emitter {
  private constants = new Map<string, Value>();

  constructor(
    readonly graph: Graph,
    readonly opset: number,
    /** Prefix for the names of everything emitted, e.g. "grad/" or "optim/". */
    readonly prefix: string,
  ) {}

  /** One node, first output returned. */
  op(opType: string, inputs: (Value | null)[], attributes: Record<string, AttrValue | undefined> = {}): Value {
    return this.opN(opType, inputs, 1, attributes)[0];
  }

  opN(opType: string, inputs: (Value | null)[], outputs: number, attributes: Record<string, AttrValue | undefined> = {}): Value[] {
    const name = this.graph.uniqueName(`${this.prefix}${opType}`);
    const node = this.graph.addNode({ opType, inputs, outputs: Array.from({ length: outputs }, (_, i) => `${name}_out${i}`), attributes: attrs(attributes), name });
    return node.outputs as Value[];
  }

  /** A float32 constant (shared when the same values are asked for twice). */
  float(values: number[] | Float32Array, dims: number[] = values.length === 1 ? [] : [values.length]): Value {
    return this.constant(DataType.FLOAT, dims, Float32Array.from(values));
  }

  int64(values: number[], dims: number[] = [values.length]): Value {
    return this.constant(DataType.INT64, dims, BigInt64Array.from(values.map(BigInt)));
  }

  private constant(dtype: number, dims: number[], data: Float32Array | BigInt64Array): Value {
    const key = `${dtype}|${dims.join(',')}|${Array.from(data as ArrayLike<number | bigint>).join(',')}`;
    const cached = this.constants.get(key);
    if (cached) return cached;
    const name = this.graph.uniqueName(`${this.prefix}const`);
    const v = this.graph.addInitializer(name, makeTensor(name, dtype, dims, data));
    this.constants.set(key, v);
    return v;
  }

  // ---- opset-dependent forms ---------------------------------------------------------------

  reduceSum(x: Value, axes: number[], keepdims: boolean): Value {
    if (axes.length === 0) return x;
    return this.opset >= 13
      ? this.op('ReduceSum', [x, this.int64(axes)], { keepdims: keepdims ? 1 : 0 })
      : this.op('ReduceSum', [x], { axes, keepdims: keepdims ? 1 : 0 });
  }

  reduceMean(x: Value, axes: number[], keepdims: boolean): Value {
    return this.opset >= 18
      ? this.op('ReduceMean', [x, this.int64(axes)], { keepdims: keepdims ? 1 : 0 })
      : this.op('ReduceMean', [x], { axes, keepdims: keepdims ? 1 : 0 });
  }

  /** Sum of all elements, as a scalar. */
  sumAll(x: Value): Value {
    return this.op('ReduceSum', [x], { keepdims: 0 }); // no axes: every axis, in every opset
  }

  unsqueeze(x: Value, axes: number[]): Value {
    return this.opset >= 13 ? this.op('Unsqueeze', [x, this.int64(axes)]) : this.op('Unsqueeze', [x], { axes });
  }

  squeeze(x: Value, axes: number[]): Value {
    return this.opset >= 13 ? this.op('Squeeze', [x, this.int64(axes)]) : this.op('Squeeze', [x], { axes });
  }

  reshape(x: Value, shape: number[]): Value {
    return this.op('Reshape', [x, this.int64(shape)]);
  }

  /** The runtime shape of `x` as an int64 vector. */
  shapeOf(x: Value): Value {
    return this.op('Shape', [x]);
  }

  /** Reshape `x` to the runtime shape of `like`. */
  reshapeLike(x: Value, like: Value): Value {
    return this.op('Reshape', [x, this.shapeOf(like)]);
  }

  transpose(x: Value, perm: number[]): Value {
    return this.op('Transpose', [x], { perm });
  }

  /** Sums a list of gradients (one when alone). */
  sum(values: Value[]): Value {
    if (values.length === 1) return values[0];
    if (values.length === 2) return this.op('Add', values);
    return this.op('Sum', values);
  }
}

/** Static rank of a value, when shape inference found it. */
export function rankOf(v: Value): number | null {
  return v.type?.shape ? v.type.shape.length : null;
}

export function shapeOf(v: Value): Dim[] | null {
  return v.type?.shape ?? null;
}
