// ModelProto <-> Graph. Loading keeps each original proto object so that saving an unedited
// model reproduces its bytes; edited parts are rebuilt from the IR.
import { create } from '@bufbuild/protobuf';
import { GraftError } from '../errors.js';
import {
  type GraphProto,
  GraphProtoSchema,
  type ModelProto,
  type NodeProto,
  NodeProtoSchema,
  type TypeProto,
  TypeProtoSchema,
  type ValueInfoProto,
  ValueInfoProtoSchema,
  TensorShapeProtoSchema,
  TensorShapeProto_DimensionSchema,
  TypeProto_TensorSchema,
} from '../onnx/gen/onnx_pb.js';
import { type Dim, Graph, Node, type TensorType, type Value } from './graph.js';

export interface LoadedModel {
  model: ModelProto;
  graph: Graph;
}

export function typeFromProto(t: TypeProto | undefined): TensorType | null {
  if (!t || t.value.case !== 'tensorType') return null;
  const tt = t.value.value;
  const shape: Dim[] | null = tt.shape
    ? tt.shape.dim.map((d) => (d.value.case === 'dimValue' ? Number(d.value.value) : d.value.case === 'dimParam' ? d.value.value : null))
    : null;
  return { elemType: tt.elemType, shape };
}

export function typeToProto(t: TensorType): TypeProto {
  const shape = t.shape
    ? create(TensorShapeProtoSchema, {
        dim: t.shape.map((d) =>
          create(TensorShapeProto_DimensionSchema, {
            value: typeof d === 'number' ? { case: 'dimValue', value: BigInt(d) } : typeof d === 'string' ? { case: 'dimParam', value: d } : { case: undefined },
          }),
        ),
      })
    : undefined;
  return create(TypeProtoSchema, { value: { case: 'tensorType', value: create(TypeProto_TensorSchema, { elemType: t.elemType, shape }) } });
}

/** Names a subgraph reads from its enclosing scopes. */
function outerReferences(g: GraphProto): Set<string> {
  const defined = new Set<string>([...g.input.map((i) => i.name), ...g.initializer.map((i) => i.name)]);
  const refs = new Set<string>();
  for (const n of g.node) {
    for (const i of n.input) if (i && !defined.has(i)) refs.add(i);
    for (const a of n.attribute) {
      for (const sub of [...(a.g ? [a.g] : []), ...a.graphs]) for (const r of outerReferences(sub)) if (!defined.has(r)) refs.add(r);
    }
    for (const o of n.output) if (o) defined.add(o);
  }
  for (const o of g.output) if (!defined.has(o.name)) refs.add(o.name);
  return refs;
}

function nodeId(n: NodeProto, index: number, taken: Set<string>): string {
  let id = n.name && !taken.has(n.name) ? n.name : `${n.opType}_${index}`;
  while (taken.has(id)) id = `${id}_`;
  taken.add(id);
  return id;
}

/** Builds the IR of a model's main graph. Throws when the graph is not well formed. */
export function graphFromModel(model: ModelProto, label = 'model'): Graph {
  const gp = model.graph;
  if (!gp) throw new GraftError('model-not-onnx', `${label}: the model has no graph`);
  const graph = new Graph(gp.name);
  const get = (name: string): Value => graph.values.get(name) ?? graph.createValue(name);

  for (const t of gp.initializer) {
    if (graph.values.has(t.name)) throw new GraftError('model-invalid', `${label}: initializer "${t.name}" is defined twice`);
    graph.addInitializer(t.name, t);
  }
  if (gp.sparseInitializer.length > 0) {
    throw new GraftError('model-unsupported', `${label}: sparse initializers are not supported (${gp.sparseInitializer.length} found)`);
  }
  const inputSet = new Set<Value>();
  for (const vi of gp.input) {
    const v = get(vi.name);
    inputSet.add(v);
    v.info = vi;
    v.type = typeFromProto(vi.type) ?? v.type;
    graph.inputs.push(v);
  }
  const taken = new Set<string>();
  gp.node.forEach((np, i) => {
    const node = new Node(graph, nodeId(np, i, taken), np.name, np.opType, np.domain, np.attribute);
    node.proto = np;
    node.dirty = false;
    graph.adoptNode(node);
    node.inputs = np.input.map((name) => (name === '' ? null : get(name)));
    node.inputs.forEach((v, index) => v?.uses.push({ node, index }));
    node.outputs = np.output.map((name) => {
      if (name === '') return null;
      const v = get(name);
      if (v.producer || v.initializer || inputSet.has(v)) {
        throw new GraftError('model-invalid', `${label}: value "${name}" is produced twice (by node "${node.id}" and before it)`);
      }
      v.producer = node;
      return v;
    });
    for (const a of np.attribute) {
      for (const sub of [...(a.g ? [a.g] : []), ...a.graphs]) {
        for (const ref of outerReferences(sub)) {
          const v = get(ref);
          if (!node.implicitInputs.includes(v)) node.implicitInputs.push(v);
          v.implicitUses.add(node);
        }
      }
    }
  });
  for (const vi of gp.output) {
    const v = get(vi.name);
    graph.outputs.push(v);
    v.type = typeFromProto(vi.type) ?? v.type;
    v.info = vi;
  }
  for (const vi of gp.valueInfo) {
    const v = graph.values.get(vi.name);
    if (!v) continue;
    v.info = vi;
    v.type = v.type ?? typeFromProto(vi.type);
  }
  const missing = graph.undefinedValues();
  if (missing.length > 0) {
    const first = missing[0];
    const reader = first.uses[0]?.node.id ?? [...first.implicitUses][0]?.id ?? 'a graph output';
    throw new GraftError(
      'model-invalid',
      `${label}: value "${first.name}" (read by "${reader}") is defined by no node, input or initializer` +
        (missing.length > 1 ? ` (and ${missing.length - 1} more)` : '') +
        '; the file is truncated or the graph is broken',
    );
  }
  return graph;
}

/**
 * A shallow copy of a message with some fields replaced. Spreading a protobuf-es message
 * would lose its prototype (proto2 defaults) and make `create` return it unchecked.
 */
function patched<T extends object>(msg: T, patch: Partial<Omit<T, '$typeName'>>): T {
  return Object.assign(Object.create(Object.getPrototypeOf(msg)) as T, msg, patch);
}

function nodeToProto(n: Node): NodeProto {
  if (!n.dirty && n.proto) return n.proto;
  const fields = {
    input: trimOptional(n.inputs.map((v) => v?.name ?? '')),
    output: trimOptional(n.outputs.map((v) => v?.name ?? '')),
    attribute: n.attributes,
  };
  if (!n.proto) return create(NodeProtoSchema, { ...fields, name: n.name, opType: n.opType, domain: n.domain });
  // Set only what changed: a proto2 field set to its default would still be written.
  const p = n.proto;
  // Keep the file's own spelling of trailing empty optional inputs (["x", "", ""]).
  const same = (a: string[], b: string[]) => a.length === trimOptional(b).length && a.every((x, i) => x === b[i]);
  return patched(p, {
    ...fields,
    ...(same(fields.input, p.input) ? { input: p.input } : {}),
    ...(same(fields.output, p.output) ? { output: p.output } : {}),
    ...(p.name !== n.name ? { name: n.name } : {}),
    ...(p.opType !== n.opType ? { opType: n.opType } : {}),
    ...(p.domain !== n.domain ? { domain: n.domain } : {}),
  });
}

/** Trailing empty optional names are dropped, as ONNX writers do. */
function trimOptional(names: string[]): string[] {
  let end = names.length;
  while (end > 0 && names[end - 1] === '') end--;
  return names.slice(0, end);
}

function sameType(a: TensorType | null, b: TensorType | null): boolean {
  if (!a || !b) return a === b;
  if (a.elemType !== b.elemType || (a.shape === null) !== (b.shape === null)) return false;
  return !a.shape || (a.shape.length === b.shape!.length && a.shape.every((d, i) => d === b.shape![i]));
}

/** The file's own declaration while it still describes the value; a fresh one once an edit
 * changed the value's type (a swapped head makes [N, 1000] into [N, 5]). */
function valueInfo(v: Value): ValueInfoProto {
  if (v.info && v.info.name === v.name && (v.type === null || sameType(typeFromProto(v.info.type), v.type))) return v.info;
  return create(ValueInfoProtoSchema, { name: v.name, type: v.type ? typeToProto(v.type) : undefined });
}

/**
 * The model with `graph` as its main graph. Everything else in `base` (opsets, metadata,
 * functions, unknown fields) is kept.
 */
export function modelWithGraph(base: ModelProto, graph: Graph): ModelProto {
  const old = base.graph;
  const keptInfo = (old?.valueInfo ?? []).filter((vi) => {
    const v = graph.values.get(vi.name);
    return v && v.info === vi && (v.type === null || sameType(typeFromProto(vi.type), v.type)) && !v.isGraphInput && !v.isGraphOutput;
  });
  const fields = {
    name: graph.name,
    node: graph.nodes.map(nodeToProto),
    initializer: graph.initializers().map((v) => (v.initializer!.name === v.name ? v.initializer! : patched(v.initializer!, { name: v.name }))),
    input: graph.inputs.map(valueInfo),
    output: graph.outputs.map(valueInfo),
    valueInfo: keptInfo,
  };
  const gp = old ? patched(old, fields) : create(GraphProtoSchema, fields);
  return patched(base, { graph: gp });
}
