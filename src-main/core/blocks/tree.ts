// Turns a placement into the block tree: blocks with their direct nodes, children, parameter
// counts and the values that cross each block's boundary. Linear in nodes x tree depth.
import type { Graph, Node, Value } from '../ir/graph.js';
import { dtypeName } from '../onnx/dtype.js';
import { numel, tensorDims } from '../onnx/tensor.js';
import { parameterConsumers, parameterValues } from './params.js';
import type { Placement } from './placement.js';
import { type GraphFacts, isConstantValue } from './structure.js';
import type { Block, BlockTree } from './types.js';

interface Draft {
  block: Block;
  parent: Draft | null;
  depth: number;
  /** Pre-order interval: a draft d is inside this one when pre <= d.pre < end. */
  pre: number;
  end: number;
  inputs: Set<Value>;
  outputs: Set<Value>;
}

function tensorInfo(v: Value): TensorInfoLike {
  return { name: v.name, dtype: dtypeName(v.type?.elemType ?? 0), shape: v.type?.shape ? [...v.type.shape] : null };
}
type TensorInfoLike = Block['inputs'][number];

/**
 * Constants (shape arithmetic, tied weights through Identity) that no strategy placed, or
 * that sit unscoped in the root, go with the first node that reads them.
 */
function placeConstants(graph: Graph, facts: GraphFacts, pathOf: Map<Node, string[]>): void {
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const n = graph.nodes[i];
    if (!facts.constants.has(n)) continue;
    const own = pathOf.get(n);
    if (own && own.length > 0) continue;
    let reader: Node | null = null;
    for (const out of n.outputs) for (const u of out?.uses ?? []) if (!reader || facts.order.get(u.node)! < facts.order.get(reader)!) reader = u.node;
    pathOf.set(n, (reader && pathOf.get(reader)) || []);
  }
}

/**
 * Children in the order data reaches them: by their first computing node. Blocks are created
 * in node order, and exporters often list constants first (DenseNet's 245 weight Identity
 * nodes, read from denseblock4 backwards), which would put denseblock4 before conv0, and
 * "the last stage" of a fine-tune preset on transition1.
 */
function sortChildrenByDataflow(root: Draft, home: Map<Node, Draft>, facts: GraphFacts): void {
  const first = new Map<Draft, number>();
  const firstAny = new Map<Draft, number>();
  for (const [node, d] of home) {
    const i = facts.order.get(node)!;
    const into = facts.constants.has(node) ? firstAny : first;
    for (let b: Draft | null = d; b; b = b.parent) {
      if ((into.get(b) ?? Infinity) <= i) break;
      into.set(b, i);
    }
  }
  const drafts = new Map<Block, Draft>();
  for (const d of home.values()) for (let b: Draft | null = d; b && !drafts.has(b.block); b = b.parent) drafts.set(b.block, b);
  // Blocks of constants only go after the computing ones, in their own order.
  const key = (b: Block) => {
    const d = drafts.get(b)!;
    return first.get(d) ?? facts.order.size + (firstAny.get(d) ?? 0);
  };
  const visit = (b: Block) => {
    b.children.sort((x, y) => key(x) - key(y));
    b.children.forEach(visit);
  };
  visit(root.block);
}

export function assembleTree(graph: Graph, facts: GraphFacts, placement: Placement): BlockTree {
  const pathOf = new Map(placement.pathOf);
  placeConstants(graph, facts, pathOf);

  const root: Draft = {
    block: { path: '', name: graph.name || 'model', kind: 'model', params: 0, inputs: [], outputs: [], nodeIds: [], children: [] },
    parent: null, depth: 0, pre: 0, end: 0, inputs: new Set(), outputs: new Set(),
  };
  const drafts = new Map<string, Draft>([['', root]]);
  const draftOf = (segs: string[]): Draft => {
    const path = segs.join('/');
    let d = drafts.get(path);
    if (d) return d;
    const parent = draftOf(segs.slice(0, -1));
    d = {
      block: { path, name: segs[segs.length - 1], kind: 'op', params: 0, inputs: [], outputs: [], nodeIds: [], children: [] },
      parent, depth: segs.length, pre: 0, end: 0, inputs: new Set(), outputs: new Set(),
    };
    parent.block.children.push(d.block);
    drafts.set(path, d);
    return d;
  };
  // Blocks appear in the order of their first computing node: exporters put the Identity
  // nodes of merged weights first (torch's ViT), which would list `encoder` before `conv_proj`
  // and make the encoder's stem the "last stage".
  for (const n of graph.nodes) if (!facts.constants.has(n)) draftOf(pathOf.get(n) ?? []);
  const home = new Map<Node, Draft>();
  const blockOfNode = new Map<string, string>();
  for (const n of graph.nodes) {
    const d = draftOf(pathOf.get(n) ?? []);
    d.block.nodeIds.push(n.id);
    home.set(n, d);
    blockOfNode.set(n.id, d.block.path);
  }

  sortChildrenByDataflow(root, home, facts);

  // Pre-order numbering makes "is inside" a constant-time interval test.
  const byPath = new Map<Block, Draft>();
  for (const d of drafts.values()) byPath.set(d.block, d);
  let counter = 0;
  const number = (d: Draft) => {
    d.pre = counter++;
    for (const c of d.block.children) number(byPath.get(c)!);
    d.end = counter;
  };
  number(root);
  const inside = (d: Draft, outer: Draft) => outer.pre <= d.pre && d.pre < outer.end;

  // Boundary values: walk up from each reader until the block also holds the producer.
  const seen = new Set<Value>();
  const visit = (v: Value) => {
    if (seen.has(v) || isConstantValue(v, facts.constants)) return;
    seen.add(v);
    const from = v.producer ? home.get(v.producer)! : null;
    for (const { node } of v.uses) {
      for (let d: Draft | null = home.get(node)!; d && !(from && inside(from, d)); d = d.parent) {
        if (d === root && !v.isGraphInput) break;
        d.inputs.add(v);
      }
      if (from) for (let d: Draft | null = from; d && !inside(home.get(node)!, d); d = d.parent) d.outputs.add(v);
    }
    if (v.isGraphOutput && from) for (let d: Draft | null = from; d; d = d.parent) d.outputs.add(v);
  };
  for (const v of graph.inputs) visit(v);
  for (const n of graph.nodes) for (const out of n.outputs) if (out) visit(out);
  for (const n of graph.nodes) for (const v of n.inputs) if (v) visit(v);
  for (const d of drafts.values()) {
    d.block.inputs = [...d.inputs].map(tensorInfo);
    d.block.outputs = [...d.outputs].map(tensorInfo);
  }

  // A parameter counts once, in the innermost block holding all its readers, so every
  // block's count is exactly what freezing that block (and only it) would freeze.
  for (const p of parameterValues(graph)) {
    const readers = parameterConsumers(p).map((n) => home.get(n)!);
    if (readers.length === 0) continue;
    let owner: Draft = readers[0];
    while (owner.parent && !readers.every((r) => inside(r, owner))) owner = owner.parent;
    const size = numel(tensorDims(p.initializer!));
    for (let d: Draft | null = owner; d; d = d.parent) d.block.params += size;
  }

  const blocks = new Map<string, Block>();
  for (const [path, d] of drafts) blocks.set(path, d.block);
  return { root: root.block, blockOfNode, blocks, source: placement.source };
}
