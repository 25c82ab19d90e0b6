// Making models in code: graph inputs and the ModelProto around a graph. Nodes are added
// with an Emitter (./emitter.ts).
import { create } from '@bufbuild/protobuf';
import { type ModelProto, ModelProtoSchema, OperatorSetIdProtoSchema, StringStringEntryProtoSchema } from '../onnx/gen/onnx_pb.js';
import type { Graph, TensorType, Value } from './graph.js';
import { modelWithGraph } from './proto.js';

/** The default-domain opset of models made here unless told otherwise. */
export const DEFAULT_OPSET = 17;

export function graphInput(graph: Graph, name: string, type: TensorType): Value {
  const v = graph.createValue(name);
  v.type = type;
  graph.inputs.push(v);
  return v;
}

export interface NewModelOptions {
  opset?: number;
  producer?: string;
  metadata?: Record<string, string>;
  docString?: string;
}

/** A ModelProto around `graph` (IR version 8, default-domain opset 17 unless told). */
export function newModel(graph: Graph, opts: NewModelOptions = {}): ModelProto {
  const base = create(ModelProtoSchema, {
    irVersion: 8n,
    producerName: opts.producer ?? 'graft',
    docString: opts.docString,
    opsetImport: [create(OperatorSetIdProtoSchema, { domain: '', version: BigInt(opts.opset ?? DEFAULT_OPSET) })],
    metadataProps: Object.entries(opts.metadata ?? {}).map(([key, value]) => create(StringStringEntryProtoSchema, { key, value })),
  });
  return modelWithGraph(base, graph);
}
