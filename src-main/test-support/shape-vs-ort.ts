// Shape inference checked against onnxruntime on a small hand-built graph: every value's
// inferred shape, with the symbols bound (N = 3), must be the shape onnxruntime produces.
// The case tables are core/shape/infer-ort*.test.ts.
import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import { type Dim, Graph, type TensorType, type Value } from '../core/ir/graph.js';
import { DataType } from '../core/onnx/dtype.js';
import { encodeModel } from '../core/onnx/codec.js';
import { graphFromModel, modelWithGraph } from '../core/ir/proto.js';
import type { ModelProto } from '../core/onnx/gen/onnx_pb.js';
import { inferShapes, modelOpset } from '../core/shape/infer.js';
import { evaluateDim } from '../core/shape/symbolic.js';
import { modelOf } from '../core/shape/test-support.js';

export interface OrtShapeCase {
  name: string;
  opset: number;
  build: (g: Graph) => void;
  /** Optional extra check on the inferred (symbolic) types, by value. */
  expectSymbolic?: (g: Graph) => void;
}

/** The batch size the symbol N is bound to when the graph runs. */
export const N = 3;
const ORT_TYPES: Record<string, number> = { float32: DataType.FLOAT, int64: DataType.INT64, bool: DataType.BOOL, int32: DataType.INT32 };

function feed(v: Value): ort.Tensor {
  const dims = v.type!.shape!.map((d) => evaluateDim(d, { N })!);
  const size = dims.reduce((a, b) => a * b, 1);
  switch (v.type!.elemType) {
    case DataType.INT64:
      return new ort.Tensor('int64', BigInt64Array.from({ length: size }, (_, i) => BigInt(i % 3)), dims);
    case DataType.BOOL:
      return new ort.Tensor('bool', Uint8Array.from({ length: size }, (_, i) => i % 2), dims);
    default:
      return new ort.Tensor('float32', Float32Array.from({ length: size }, (_, i) => Math.sin(i)), dims);
  }
}

export const shapeOf = (g: Graph, name: string) => g.value(name).type?.shape;

/** Builds the case, infers its shapes, runs it with every value as an output and compares. */
export async function expectShapesMatchOrt(c: OrtShapeCase): Promise<void> {
  const g = new Graph('case');
  c.build(g);
  const { unresolved } = inferShapes(g, { opset: c.opset });
  expect(unresolved).toEqual([]);
  c.expectSymbolic?.(g);
  const inferred = new Map<string, TensorType>();
  const produced = g.nodes.flatMap((n) => n.outputs.filter((v): v is Value => !!v));
  for (const v of produced) {
    inferred.set(v.name, v.type!);
    v.type = { elemType: v.type!.elemType, shape: null };
    g.outputs.push(v);
  }
  const session = await ort.InferenceSession.create(encodeModel(modelOf(g, c.opset)));
  const feeds = Object.fromEntries(g.inputs.map((v) => [v.name, feed(v)]));
  const results = await session.run(feeds);
  for (const v of produced) {
    const t = inferred.get(v.name)!;
    const dims: (number | null)[] = t.shape!.map((d: Dim) => evaluateDim(d, { N }));
    expect({ value: v.name, dims, elemType: t.elemType }).toEqual({
      value: v.name,
      dims: results[v.name].dims.map(Number),
      elemType: ORT_TYPES[results[v.name].type],
    });
  }
  await session.release();
}

/**
 * A whole exported model against onnxruntime: shapes inferred with the batch symbolic, then
 * every node output fetched from onnxruntime at a concrete batch and compared, with the batch
 * symbol bound. Returns the inferred graph for extra checks.
 */
export async function expectModelShapesMatchOrt(model: ModelProto, input: ort.Tensor, batch: Record<string, number>): Promise<Graph> {
  const g = graphFromModel(model);
  const { unresolved } = inferShapes(g, { opset: modelOpset(model) });
  expect(unresolved).toEqual([]);
  const produced = g.nodes.flatMap((n) => n.outputs.filter((v): v is Value => !!v));
  const inferred = new Map(produced.map((v) => [v, v.type!]));
  const probe = graphFromModel(model);
  for (const v of produced) if (!probe.outputs.some((o) => o.name === v.name)) probe.outputs.push(probe.value(v.name));
  const session = await ort.InferenceSession.create(encodeModel(modelWithGraph(model, probe)), { intraOpNumThreads: 1 });
  try {
    const results = await session.run({ [g.dataInputs[0].name]: input });
    for (const v of produced) {
      const t = inferred.get(v)!;
      expect({ value: v.name, dims: t.shape!.map((d) => evaluateDim(d, batch)) }).toEqual({ value: v.name, dims: results[v.name].dims.map(Number) });
    }
  } finally {
    await session.release();
  }
  return g;
}
