// What a shape rule sees of its node: input types, the known contents of small shape-like
// tensors, and ways to set outputs, to give up (unresolved) or to reject the model
// (shape-mismatch). Rules stay small because the lookups live here.
import { GraftError } from '../errors.js';
import type { Dim, Node, TensorType, Value } from '../ir/graph.js';
import { DataType } from '../onnx/dtype.js';
import type { TensorProto } from '../onnx/gen/onnx_pb.js';
import { isExternal, numel, readTensor, tensorDims } from '../onnx/tensor.js';

/**
 * The contents of a small tensor, known before running the model. Elements are Dims so that
 * Shape(x) of x:[N,12] is the value [N, 12]: the symbol travels through Gather, Concat, ...
 */
export interface KnownValue {
  shape: number[];
  data: Dim[];
}

/** Tensors larger than this are never read for their values: shapes and axes are tiny. */
export const MAX_KNOWN_ELEMENTS = 1024;

/** Thrown by a rule that cannot decide; the driver records the reason. Not an error. */
export class Unresolvable {
  constructor(readonly reason: string) {}
}

export type ShapeRule = (ctx: RuleContext) => void;

export function knownFromTensor(t: TensorProto): KnownValue | null {
  const dims = tensorDims(t);
  if (isExternal(t) || numel(dims) > MAX_KNOWN_ELEMENTS) return null;
  if (t.dataType === DataType.STRING || t.dataType === DataType.UNDEFINED) return null;
  try {
    const data = readTensor(t);
    return { shape: dims, data: Array.from(data as ArrayLike<number | bigint>, Number) };
  } catch {
    return null; // float16 and friends: no values, the type is still known
  }
}

export class RuleContext {
  /** Output types set by the rule, by output index. */
  readonly results: (TensorType | undefined)[] = [];

  constructor(
    readonly node: Node,
    readonly opset: number,
    private readonly knownValues: Map<Value, KnownValue>,
  ) {}

  /** Number of input slots, including empty optional ones. */
  get inputCount(): number {
    return this.node.inputs.length;
  }

  has(i: number): boolean {
    return this.node.inputs[i] != null;
  }

  type(i: number): TensorType | null {
    return this.node.inputs[i]?.type ?? null;
  }

  /** The input's shape or null (rank unknown, or input absent). */
  shape(i: number): Dim[] | null {
    return this.type(i)?.shape ?? null;
  }

  /** The input's shape, or give up on this node. */
  needShape(i: number): Dim[] {
    const s = this.shape(i);
    if (s) return s;
    const v = this.node.inputs[i];
    throw new Unresolvable(v ? `input ${i} ("${v.name}") has no known shape` : `input ${i} is missing`);
  }

  elemType(i: number): number {
    return this.type(i)?.elemType ?? DataType.UNDEFINED;
  }

  rank(i: number): number | null {
    return this.shape(i)?.length ?? null;
  }

  /** Known contents of input i (initializer, Constant, or propagated shape arithmetic). */
  value(i: number): KnownValue | null {
    const v = this.node.inputs[i];
    if (!v) return null;
    const hit = this.knownValues.get(v);
    if (hit) return hit;
    if (!v.initializer) return null;
    const kv = knownFromTensor(v.initializer);
    if (kv) this.knownValues.set(v, kv);
    return kv;
  }

  /** Known contents as Dims (symbols allowed), or null. */
  dims(i: number): Dim[] | null {
    return this.value(i)?.data ?? null;
  }

  /** Known contents when every element is a number, or null. */
  ints(i: number): number[] | null {
    const d = this.dims(i);
    return d && d.every((x) => typeof x === 'number') ? (d as number[]) : null;
  }

  /** Known contents when every element is a number (floats too, e.g. Resize scales). */
  numbers(i: number): number[] | null {
    return this.ints(i);
  }

  /** Known numeric contents of an input the rule cannot do without. */
  needInts(i: number, what: string): number[] {
    const v = this.ints(i);
    if (v) return v;
    throw new Unresolvable(`${what} (input ${i}) is not a constant known before running the model`);
  }

  /** Normalises a possibly negative axis against `rank`; throws shape-mismatch when out of range. */
  axis(a: number, rank: number): number {
    const r = a < 0 ? a + rank : a;
    if (r < 0 || r >= rank) this.fail(`axis ${a} is out of range for rank ${rank}`);
    return r;
  }

  setOutput(i: number, elemType: number, shape: Dim[] | null): void {
    if (i < this.node.outputs.length) this.results[i] = { elemType, shape };
  }

  setValue(i: number, kv: KnownValue): void {
    const v = this.node.outputs[i];
    if (v && kv.data.length <= MAX_KNOWN_ELEMENTS) this.knownValues.set(v, kv);
  }

  giveUp(reason: string): never {
    throw new Unresolvable(reason);
  }

  fail(message: string): never {
    const name = this.node.name && this.node.name !== this.node.id ? ` ("${this.node.name}")` : '';
    throw new ShapeMismatch(this.node, `node "${this.node.id}"${name} (${this.node.opType}): ${message}`);
  }
}

/** Inconsistent shapes at one node; the node is kept for callers that weigh where it failed. */
export class ShapeMismatch extends GraftError {
  constructor(
    readonly node: Node,
    message: string,
  ) {
    super('shape-mismatch', message);
  }
}

export function formatShape(s: readonly Dim[] | null): string {
  return s ? `[${s.map((d) => (d === null ? '?' : String(d))).join(', ')}]` : '[?]';
}
