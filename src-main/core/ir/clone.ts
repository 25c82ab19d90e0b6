// A deep copy of a Graph's structure (nodes, values, uses) that shares the immutable parts:
// initializer tensors, attribute protos and the loaded node protos. Passes that derive one
// graph from another (the frozen prefix, the compiled step, the evaluation graph) start from a
// clone instead of decoding the model again.
import { Graph, Node, type Value } from './graph.js';

export function cloneGraph(source: Graph, name = source.name): Graph {
  const graph = new Graph(name);
  const copy = new Map<Value, Value>();
  const valueOf = (v: Value): Value => {
    let c = copy.get(v);
    if (!c) {
      c = graph.createValue(v.name);
      c.type = v.type ? { elemType: v.type.elemType, shape: v.type.shape ? [...v.type.shape] : null } : null;
      c.initializer = v.initializer;
      c.info = v.info;
      copy.set(v, c);
    }
    return c;
  };
  // Initializers first, in file order; then everything else in the source's own order.
  for (const n of source.initializerOrder) {
    const v = source.values.get(n);
    if (v) valueOf(v);
  }
  graph.initializerOrder = [...source.initializerOrder];
  for (const v of source.values.values()) valueOf(v);
  for (const n of source.nodes) {
    const node = new Node(graph, n.id, n.name, n.opType, n.domain, [...n.attributes]);
    node.proto = n.proto;
    node.dirty = n.dirty;
    graph.adoptNode(node);
    node.inputs = n.inputs.map((v) => (v ? valueOf(v) : null));
    node.inputs.forEach((v, index) => v?.uses.push({ node, index }));
    node.outputs = n.outputs.map((v) => {
      if (!v) return null;
      const c = valueOf(v);
      c.producer = node;
      return c;
    });
    node.implicitInputs = n.implicitInputs.map((v) => {
      const c = valueOf(v);
      c.implicitUses.add(node);
      return c;
    });
  }
  graph.inputs = source.inputs.map(valueOf);
  graph.outputs = source.outputs.map(valueOf);
  return graph;
}
