// The one way code adds nodes to a graph: templates, surgery, recurrent lowering, gradient
// rules, losses and optimizers all emit through it, at the model's opset. ONNX moved several
// arguments from attributes to inputs over the years (Slice starts/ends at 10, Pad pads and
// Clip bounds at 11, ReduceSum/Squeeze/Unsqueeze axes and Split sizes at 13, ReduceMean axes
// at 18); callers use the helpers below and never care which form the opset wants.
//
// Naming. A node given a name keeps it, and its outputs are "<node>_out<i>", or, with
// outputs: 'exporter', "<node>_output_<i>" as torch.onnx writes them (so a surgically edited
// model reads like the rest of the file). An unnamed node is "<prefix><OpType>" made unique
// when the emitter has a prefix ("grad/", "optim/"), else whatever the graph calls it.
import { DataType } from '../onnx/dtype.js';
import { makeTensor } from '../onnx/tensor.js';
import { type AttrValue, attrs } from './attributes.js';
import type { Graph, Node, Value } from './graph.js';

export interface EmitterNaming {
  /** Prefix for the names of unnamed nodes and of constants, e.g. "grad/". */
  prefix?: string;
  /** How a named node's outputs are named: "<node>_out<i>" ('short', the default) or "<node>_output_<i>". */
  outputs?: 'short' | 'exporter';
}

/** Where and how one node is added. A plain string is its name. */
export interface NodeOptions {
  name?: string;
  domain?: string;
  /** Insert before this node instead of at the end. */
  before?: Node;
}

type Attributes = Record<string, AttrValue | undefined>;

export class Emitter {
  readonly prefix: string | undefined;
  readonly outputNaming: 'short' | 'exporter';
  private readonly constants = new Map<string, Value>();

  constructor(
    readonly graph: Graph,
    readonly opset: number,
    /** The prefix alone, or the full naming. */
    naming: string | EmitterNaming = {},
  ) {
    const n = typeof naming === 'string' ? { prefix: naming } : naming;
    this.prefix = n.prefix;
    this.outputNaming = n.outputs ?? 'short';
  }

  /** One node, first output returned. */
  op(opType: string, inputs: (Value | null)[], attributes: Attributes = {}, node?: string | NodeOptions): Value {
    return this.opN(opType, inputs, 1, attributes, node)[0];
  }

  opN(opType: string, inputs: (Value | null)[], outputs: number, attributes: Attributes = {}, node?: string | NodeOptions): Value[] {
    const o = typeof node === 'string' ? { name: node } : (node ?? {});
    const name = o.name || (this.prefix !== undefined ? this.graph.uniqueName(`${this.prefix}${opType}`) : undefined);
    const outputNames = name && this.outputNaming === 'exporter' ? Array.from({ length: outputs }, (_, i) => `${name}_output_${i}`) : outputs;
    const added = this.graph.addNode({ opType, domain: o.domain, inputs, outputs: outputNames, attributes: attrs(attributes), name }, o.before);
    return added.outputs as Value[];
  }

  // ---- constants (shared when the same values are asked for twice) ---------------------------

  float(values: number[] | Float32Array, dims: number[] = values.length === 1 ? [] : [values.length]): Value {
    return this.constant(DataType.FLOAT, dims, Float32Array.from(values));
  }

  /** A float64 constant: for arithmetic that float32 would round (optimizer bias corrections). */
  double(values: number[], dims: number[] = values.length === 1 ? [] : [values.length]): Value {
    return this.constant(DataType.DOUBLE, dims, Float64Array.from(values));
  }

  int64(values: number[], dims: number[] = [values.length]): Value {
    return this.constant(DataType.INT64, dims, BigInt64Array.from(values.map(BigInt)));
  }

  private constant(dtype: number, dims: number[], data: Float32Array | Float64Array | BigInt64Array): Value {
    const key = `${dtype}|${dims.join(',')}|${Array.from(data as ArrayLike<number | bigint>).join(',')}`;
    const cached = this.constants.get(key);
    if (cached) return cached;
    const name = this.graph.uniqueName(`${this.prefix ?? ''}const`);
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

  /** x[start:end] along each axis given, steps of 1. */
  slice(x: Value, axes: number[], starts: number[], ends: number[]): Value {
    return this.opset >= 10
      ? this.op('Slice', [x, this.int64(starts), this.int64(ends), this.int64(axes)])
      : this.op('Slice', [x], { starts, ends, axes });
  }

  /** `count` pieces of size 1 along `axis` (the axis kept). */
  splitOnes(x: Value, axis: number, count: number): Value[] {
    const ones = new Array<number>(count).fill(1);
    return this.opset >= 13 ? this.opN('Split', [x, this.int64(ones)], count, { axis }) : this.opN('Split', [x], count, { axis, split: ones });
  }

  /** Pad with zeros: pads = [begin per axis..., end per axis...], negative pads crop. */
  padZeros(x: Value, pads: number[]): Value {
    if (pads.every((p) => p === 0)) return x;
    return this.opset >= 11
      ? this.op('Pad', [x, this.int64(pads)], { mode: 'constant' })
      : this.op('Pad', [x], { mode: 'constant', pads, value: { float: 0 } });
  }

  /** clamp(x, min, max) on float tensors. */
  clip(x: Value, min: number, max: number): Value {
    return this.opset >= 11
      ? this.op('Clip', [x, this.float([min]), this.float([max])])
      : this.op('Clip', [x], { min: { float: min }, max: { float: max } });
  }

  // ---- the same in every opset ---------------------------------------------------------------

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

  /** Sums a list of values (one when alone). */
  sum(values: Value[]): Value {
    if (values.length === 1) return values[0];
    if (values.length === 2) return this.op('Add', values);
    return this.op('Sum', values);
  }
}
