// The bodies of control-flow nodes (If's branches, Loop's and Scan's body) as blocks: each
// subgraph is a child block of its node's block, with the parameters it holds counted (its
// own initializers and Constant-node weights, by the same rules as the main graph). Training
// does not go through control flow (train/compile.ts refuses it), so these are never trainable.
import { create } from '@bufbuild/protobuf';
import type { Graph, Node } from '../ir/graph.js';
import { graphFromModel } from '../ir/proto.js';
import { type GraphProto, ModelProtoSchema, ValueInfoProtoSchema } from '../onnx/gen/onnx_pb.js';
import { liftConstantWeights } from './constant-weights.js';
import { countParams, parameterValues } from './params.js';
import type { Block } from './types.js';

/** Names a subgraph reads without defining them: values of the enclosing scopes. */
function outerNames(g: GraphProto): string[] {
  const defined = new Set<string>([...g.input.map((i) => i.name), ...g.initializer.map((t) => t.name)]);
  const outer: string[] = [];
  for (const n of g.node) {
    for (const i of n.input) if (i && !defined.has(i) && !outer.includes(i)) outer.push(i);
    for (const o of n.output) defined.add(o);
  }
  for (const o of g.output) if (!defined.has(o.name) && !outer.includes(o.name)) outer.push(o.name);
  return outer;
}

export interface SubgraphParams {
  /** "then_branch", "else_branch", "body". */
  attribute: string;
  params: number;
  /** Blocks for the subgraphs nested inside this one. */
  nested: { node: string; subgraphs: SubgraphParams[] }[];
}

/** The parameters a subgraph holds, its enclosing scopes' values read as inputs. */
function subgraphParams(attribute: string, g: GraphProto): SubgraphParams {
  const sealed = { ...g, input: [...g.input, ...outerNames(g).map((name) => create(ValueInfoProtoSchema, { name }))] } as GraphProto;
  let graph: Graph;
  try {
    graph = graphFromModel(create(ModelProtoSchema, { graph: sealed }), `subgraph ${attribute}`);
  } catch {
    // A body this reading cannot follow is still shown; onnxruntime judges whether it runs.
    return { attribute, params: 0, nested: [] };
  }
  liftConstantWeights(graph);
  return { attribute, params: countParams(parameterValues(graph)), nested: controlFlowParams(graph) };
}

/** Per node that runs subgraphs: the parameters of each subgraph. */
export function controlFlowParams(graph: Graph): { node: string; subgraphs: SubgraphParams[] }[] {
  const out: { node: string; subgraphs: SubgraphParams[] }[] = [];
  for (const n of graph.nodes) {
    const subgraphs = subgraphsOf(n).map(([attribute, g]) => subgraphParams(attribute, g));
    if (subgraphs.length > 0) out.push({ node: n.id, subgraphs });
  }
  return out;
}

export function subgraphsOf(node: Node): [string, GraphProto][] {
  const out: [string, GraphProto][] = [];
  for (const a of node.attributes) {
    if (a.g) out.push([a.name, a.g]);
    a.graphs.forEach((g, i) => out.push([`${a.name}.${i}`, g]));
  }
  return out;
}

/**
 * Adds a block per subgraph under the block holding its node ("branch.then_branch"), and its
 * parameters to that block and every block above it.
 */
export function addSubgraphBlocks(graph: Graph, blocks: Map<string, Block>, blockOfNode: Map<string, string>): void {
  const place = (parentPath: string, label: string, s: SubgraphParams): number => {
    const name = `${label}.${s.attribute}`;
    const path = parentPath ? `${parentPath}/${name}` : name;
    const block: Block = { path, name, kind: 'group', params: 0, inputs: [], outputs: [], nodeIds: [], children: [] };
    blocks.get(parentPath)!.children.push(block);
    blocks.set(path, block);
    block.params = s.params;
    for (const e of s.nested) for (const inner of e.subgraphs) block.params += place(path, e.node, inner);
    return block.params;
  };
  for (const entry of controlFlowParams(graph)) {
    const n = graph.node(entry.node);
    const home = blockOfNode.get(n.id) ?? '';
    const label = (n.name || n.id).split('/').filter(Boolean).pop() ?? n.id;
    let added = 0;
    for (const s of entry.subgraphs) added += place(home, label, s);
    const segs = home ? home.split('/') : [];
    for (let i = segs.length; i >= 0; i--) blocks.get(segs.slice(0, i).join('/'))!.params += added;
  }
}

/** A subgraph's parameters with those of the subgraphs nested in it. */
export function totalParams(s: SubgraphParams): number {
  return s.params + s.nested.reduce((sum, e) => sum + e.subgraphs.reduce((t, x) => t + totalParams(x), 0), 0);
}
