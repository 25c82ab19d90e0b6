// A graph whose node reads its own output, directly or around a loop, has no order to run
// in; every walk over it (block finding, shape inference, autodiff) would go round forever.
// Checked once on the decoded proto, so nothing downstream ever sees such a graph.
import type { GraphProto, NodeProto } from './gen/onnx_pb.js';

/** Names a node reads, its subgraphs' reads from enclosing scopes included. */
function readsOf(n: NodeProto): string[] {
  const reads = n.input.filter((i) => i !== '');
  for (const a of n.attribute) for (const sub of [...(a.g ? [a.g] : []), ...a.graphs]) reads.push(...outerReads(sub));
  return reads;
}

/** Names a subgraph reads that it does not define itself (iteratively: nesting may be deep). */
function outerReads(root: GraphProto): string[] {
  const out: string[] = [];
  const stack: { g: GraphProto; defined: Set<string> }[] = [{ g: root, defined: new Set() }];
  while (stack.length > 0) {
    const { g, defined: outer } = stack.pop()!;
    const defined = new Set([...outer, ...g.input.map((i) => i.name), ...g.initializer.map((t) => t.name)]);
    for (const n of g.node) {
      for (const i of n.input) if (i && !defined.has(i)) out.push(i);
      for (const a of n.attribute) for (const sub of [...(a.g ? [a.g] : []), ...a.graphs]) stack.push({ g: sub, defined: new Set(defined) });
      for (const o of n.output) if (o) defined.add(o);
    }
    for (const o of g.output) if (!defined.has(o.name)) out.push(o.name);
  }
  return out;
}

/**
 * The first node (by name, else "opType #index") that lies on a cycle of `graph`, or null
 * when the graph is acyclic. Kahn's algorithm: nodes never freed are on or behind a cycle;
 * following unfreed producers from one of them must come round to a node on the cycle.
 */
export function nodeOnCycle(graph: GraphProto): string | null {
  const nodes = graph.node;
  const producer = new Map<string, number>();
  nodes.forEach((n, i) => n.output.forEach((o) => o && !producer.has(o) && producer.set(o, i)));
  const deps = nodes.map((n) => [...new Set(readsOf(n).map((r) => producer.get(r)).filter((p): p is number => p !== undefined))]);
  const pending = deps.map((d) => d.length);
  const consumers: number[][] = nodes.map(() => []);
  deps.forEach((d, i) => d.forEach((p) => consumers[p].push(i)));
  const ready = pending.flatMap((c, i) => (c === 0 ? [i] : []));
  while (ready.length > 0) {
    for (const c of consumers[ready.pop()!]) if (--pending[c] === 0) ready.push(c);
  }
  let at = pending.findIndex((c) => c > 0);
  if (at < 0) return null;
  const seen = new Set<number>();
  while (!seen.has(at)) {
    seen.add(at);
    at = deps[at].find((p) => pending[p] > 0)!;
  }
  const n = nodes[at];
  return n.name ? `"${n.name}"` : `${n.opType} #${at}`;
}

/** Checks the main graph and every subgraph; returns "graph NAME: node X" for the first cycle. */
export function firstCycle(main: GraphProto): { graph: string; node: string } | null {
  const stack = [main];
  while (stack.length > 0) {
    const g = stack.pop()!;
    const node = nodeOnCycle(g);
    if (node) return { graph: g.name, node };
    for (const n of g.node) for (const a of n.attribute) stack.push(...(a.g ? [a.g] : []), ...a.graphs);
  }
  return null;
}
