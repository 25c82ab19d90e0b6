// Small graph-building helpers for the shape tests (kept out of the library surface: only
// *.test.ts files import this).
import { create } from '@bufbuild/protobuf';
import type { Dim, Graph, Value } from '../ir/graph.js';
import { modelWithGraph } from '../ir/proto.js';
import { DataType } from '../onnx/dtype.js';
import { type AttributeProto, AttributeProtoSchema, GraphProtoSchema, type ModelProto, ModelProtoSchema, type TensorProto } from '../onnx/gen/onnx_pb.js';
import { makeTensor } from '../onnx/tensor.js';

/** Attribute values: integers become INT(S); `{ f: x }` / `{ fs: [...] }` force floats. */
export type TestAttr = number | number[] | string | { f: number } | { fs: number[] } | TensorProto;

function attribute(name: string, v: TestAttr): AttributeProto {
  type Init = { type: number; i?: bigint; f?: number; s?: Uint8Array; ints?: bigint[]; floats?: number[]; t?: TensorProto };
  const a = (init: Init) => create(AttributeProtoSchema, { name, ...init });
  if (typeof v === 'number') return Number.isInteger(v) ? a({ type: 2, i: BigInt(v) }) : a({ type: 1, f: v });
  if (typeof v === 'string') return a({ type: 3, s: new Uint8Array(Array.from(v, (c) => c.charCodeAt(0))) });
  if (Array.isArray(v)) return a({ type: 7, ints: v.map(BigInt) });
  if ('f' in v && typeof v.f === 'number') return a({ type: 1, f: v.f });
  if ('fs' in v) return a({ type: 6, floats: v.fs });
  return a({ type: 4, t: v as TensorProto });
}

export function node(g: Graph, opType: string, inputs: (Value | null)[], attrs: Record<string, TestAttr> = {}, outputs = 1, name?: string): Value[] {
  const n = g.addNode({
    opType,
    inputs,
    outputs,
    name,
    attributes: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
  });
  return n.outputs as Value[];
}

export function input(g: Graph, name: string, shape: Dim[], elemType: number = DataType.FLOAT): Value {
  const v = g.createValue(name);
  v.type = { elemType, shape };
  g.inputs.push(v);
  return v;
}

export function int64s(g: Graph, name: string, values: number[], dims: number[] = [values.length]): Value {
  return g.addInitializer(g.uniqueName(name), makeTensor(name, DataType.INT64, dims, BigInt64Array.from(values.map(BigInt))));
}

export function floats(g: Graph, name: string, values: number[], dims: number[] = [values.length]): Value {
  return g.addInitializer(g.uniqueName(name), makeTensor(name, DataType.FLOAT, dims, Float32Array.from(values)));
}

export function tensorAttr(dataType: number, dims: number[], values: number[]): TensorProto {
  const data = dataType === DataType.INT64 ? BigInt64Array.from(values.map(BigInt)) : Float32Array.from(values);
  return makeTensor('', dataType, dims, data);
}

/** A model around `g` at the given default-domain opset. */
export function modelOf(g: Graph, opset: number): ModelProto {
  const base = create(ModelProtoSchema, {
    irVersion: 8n,
    opsetImport: [{ domain: '', version: BigInt(opset) }],
    graph: create(GraphProtoSchema, { name: g.name }),
  });
  return modelWithGraph(base, g);
}
