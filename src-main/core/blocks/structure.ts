// Small facts about a graph's data flow that several block passes need: the order of nodes
// and which nodes only compute constants (shapes, axes, tied weights).
import type { Graph, Node, Value } from '../ir/graph.js';

export interface GraphFacts {
  /** Position of each node in graph.nodes (a topological order for a valid ONNX file). */
  order: Map<Node, number>;
  /** Nodes whose every input is empty, an initializer or another constant node's output. */
  constants: Set<Node>;
}

export function graphFacts(graph: Graph): GraphFacts {
  const order = new Map<Node, number>();
  const constants = new Set<Node>();
  graph.nodes.forEach((n, i) => {
    order.set(n, i);
    const constInputs = n.inputs.every((v) => !v || isConstantValue(v, constants)) && n.implicitInputs.length === 0;
    if (constInputs) constants.add(n);
  });
  return { order, constants };
}

/** An initializer or the output of a constant node (but not a graph input that has a default). */
export function isConstantValue(v: Value, constants: Set<Node>): boolean {
  if (v.initializer) return true;
  return !!v.producer && constants.has(v.producer);
}

/** Inputs of `node` that carry data computed from the graph inputs. */
export function dataInputs(node: Node, constants: Set<Node>): Value[] {
  const out: Value[] = [];
  for (const v of node.inputs) if (v && !isConstantValue(v, constants) && !out.includes(v)) out.push(v);
  return out;
}
