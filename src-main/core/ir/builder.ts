// Making nodes and models in code: templates, bundled models, surgery and tests use it.
import { create } from '@bufbuild/protobuf';
import {
  type AttributeProto,
  AttributeProtoSchema,
  type ModelProto,
  ModelProtoSchema,
  OperatorSetIdProtoSchema,
  StringStringEntryProtoSchema,
  type TensorProto,
} from '../onnx/gen/onnx_pb.js';
import { type Graph, type TensorType, type Value } from './graph.js';
import { modelWithGraph } from './proto.js';

export type AttrValue = number | string | number[] | string[] | TensorProto | { float: number } | { floats: number[] };

const T = {
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
} as const;

const utf8 = new TextEncoder();

/**
 * An attribute from a plain value. Integers become INT(S); use `{ float: 1 }` or
 * `{ floats: [...] }` for float attributes whose values happen to be whole numbers.
 */
export function attr(name: string, value: AttrValue): AttributeProto {
  const a = (init: Omit<Partial<AttributeProto>, '$typeName' | '$unknown'>) => create(AttributeProtoSchema, { name, ...init });
  if (typeof value === 'number') return Number.isInteger(value) ? a({ type: T.INT, i: BigInt(value) }) : a({ type: T.FLOAT, f: value });
  if (typeof value === 'string') return a({ type: T.STRING, s: utf8.encode(value) });
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string')) return a({ type: T.STRINGS, strings: (value as string[]).map((s) => utf8.encode(s)) });
    const nums = value as number[];
    return nums.every(Number.isInteger) ? a({ type: T.INTS, ints: nums.map(BigInt) }) : a({ type: T.FLOATS, floats: nums });
  }
  if ('float' in value) return a({ type: T.FLOAT, f: value.float });
  if ('floats' in value) return a({ type: T.FLOATS, floats: value.floats });
  return a({ type: T.TENSOR, t: value });
}

export function attrs(map: Record<string, AttrValue | undefined>): AttributeProto[] {
  return Object.entries(map)
    .filter((e): e is [string, AttrValue] => e[1] !== undefined)
    .map(([k, v]) => attr(k, v));
}

/** Adds one node and returns its first output: `op(g, 'Relu', [x], {}, '/features/relu/Relu')`. */
export function op(graph: Graph, opType: string, inputs: (Value | null)[], attributes: Record<string, AttrValue | undefined> = {}, name?: string): Value {
  return opN(graph, opType, inputs, 1, attributes, name)[0];
}

/** Adds one node with `outputs` outputs. */
export function opN(
  graph: Graph,
  opType: string,
  inputs: (Value | null)[],
  outputs: number,
  attributes: Record<string, AttrValue | undefined> = {},
  name?: string,
): Value[] {
  const node = graph.addNode({ opType, inputs, outputs, attributes: attrs(attributes), name });
  return node.outputs as Value[];
}

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
    opsetImport: [create(OperatorSetIdProtoSchema, { domain: '', version: BigInt(opts.opset ?? 17) })],
    metadataProps: Object.entries(opts.metadata ?? {}).map(([key, value]) => create(StringStringEntryProtoSchema, { key, value })),
  });
  return modelWithGraph(base, graph);
}
