// Block paths from node-name scopes: "/layer4/layer4.1/conv2/Conv" (PyTorch >= 2),
// "model/conv2d/Conv2D" (TF/Keras, often under a prefix every node shares), or dotted names
// "layer1.0.conv1" when a graph has no slashes at all.
import type { Graph, Node } from '../ir/graph.js';
import { type Placement, blockSegments, commonPrefix } from './placement.js';
import type { GraphFacts } from './structure.js';

function looksLikeOp(segment: string, node: Node): boolean {
  return segment.toLowerCase().replace(/_\d+$/, '') === node.opType.toLowerCase();
}

/** The scope of each node: its name's segments without the trailing op segment. */
export function nodeScopes(graph: Graph, facts: GraphFacts): Map<Node, string[]> {
  const slashed = graph.nodes.some((n) => n.name.includes('/'));
  const scopes = new Map<Node, string[]>();
  for (const n of graph.nodes) {
    let segs: string[] = [];
    if (slashed) {
      segs = n.name.split('/').filter((s) => s !== '');
      segs.pop(); // the op: "Conv", "Relu_1"
    } else if (n.name.includes('.')) {
      // Dots inside segment names are normal in PyTorch scopes, so dots are split only here.
      const dotted = n.name.split('.').filter((s) => s !== '');
      if (dotted.length > 1 && looksLikeOp(dotted[dotted.length - 1], n)) dotted.pop();
      // A name that only numbers the op ("p2o.Conv.3", paddle2onnx) says nothing of modules.
      segs = dotted.some((seg) => looksLikeOp(seg, n)) ? [] : blockSegments(dotted);
    }
    scopes.set(n, segs);
  }
  return stripSharedPrefix(scopes, facts);
}

/** Drops leading segments every computing node shares ("StatefulPartitionedCall/model"). */
function stripSharedPrefix(scopes: Map<Node, string[]>, facts: GraphFacts): Map<Node, string[]> {
  let prefix: string[] | null = null;
  let shortest = Infinity;
  for (const [n, segs] of scopes) {
    if (facts.constants.has(n)) continue;
    if (segs.length === 0) return scopes; // an unscoped node shares nothing
    prefix = prefix ? commonPrefix(prefix, segs) : segs;
    shortest = Math.min(shortest, segs.length);
  }
  // Keep at least one segment on every node, or the whole tree would collapse into the root.
  const drop = prefix ? Math.min(prefix.length, shortest - 1) : 0;
  if (drop <= 0) return scopes;
  const out = new Map<Node, string[]>();
  for (const [n, segs] of scopes) out.set(n, startsWithPrefix(segs, prefix!, drop) ? segs.slice(drop) : segs);
  return out;
}

function startsWithPrefix(segs: string[], prefix: string[], n: number): boolean {
  for (let i = 0; i < n; i++) if (segs[i] !== prefix[i]) return false;
  return true;
}

export function scopeDepth(scopes: Map<Node, string[]>): number {
  let d = 0;
  for (const s of scopes.values()) d = Math.max(d, s.length);
  return d;
}

/** Each node in the block its scope names; unscoped nodes sit in the root. */
export function scopePlacement(scopes: Map<Node, string[]>): Placement {
  return { pathOf: new Map(scopes), kinds: new Map(), source: 'scopes' };
}
