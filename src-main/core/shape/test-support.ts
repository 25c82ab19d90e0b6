// Small graph-building helpers for the shape tests (kept out of the library surface: only
// *.test.ts files import this).
import { create } from '@bufbuild/protobuf';
import type { AttrValue } from '../ir/attributes.js';
import { DEFAULT_OPSET } from '../ir/builder.js';
import { Emitter } from '../ir/emitter.js';
import type { Dim, Graph, Value } from '../ir/graph.js';
import { modelWithGraph } from '../ir/proto.js';
import { DataType } from '../onnx/dtype.js';
import { GraphProtoSchema, type ModelProto, ModelProtoSchema, type TensorProto } from '../onnx/gen/onnx_pb.js';
import { makeTensor } from '../onnx/tensor.js';

/** One node through the Emitter; the shape tests state each op's form themselves, so the opset is moot. */
export function node(g: Graph, opType: string, inputs: (Value | null)[], attrs: Record<string, AttrValue> = {}, outputs = 1, name?: string): Value[] {
  return new Emitter(g, DEFAULT_OPSET).opN(opType, inputs, outputs, attrs, name);
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
