// Fork/join units: a value forks into two paths that meet again at an Add (a residual
// connection) or at a Mul fed by a global pool (squeeze-and-excitation). Found from data
// flow alone, so they work whatever the node names say.
import type { Node, Value } from '../ir/graph.js';
import { nodeParameters } from './params.js';
import { type GraphFacts, dataInputs } from './structure.js';

export interface ForkJoinUnit {
  kind: 'residual' | 'squeeze-excite';
  /** The value both paths start from. */
  fork: Value;
  /** The Add or Mul where they meet. */
  join: Node;
  /** Nodes strictly after the fork up to and including the join. */
  nodes: Set<Node>;
}

/** A walk back further than this is not a unit worth drawing (and keeps the search linear). */
const MAX_UNIT_NODES = 400;

const POOLS = new Set(['GlobalAveragePool', 'GlobalMaxPool', 'ReduceMean', 'ReduceMax']);
const WEIGHTED = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul']);

/**
 * Walks back from a join node, always expanding the latest value on the frontier, until the
 * frontier narrows to one value: every path into the join passes through it, so it is the
 * fork. Returns null when the paths come from different graph inputs or the walk is too long.
 */
function walkToFork(join: Node, facts: GraphFacts): { fork: Value; nodes: Set<Node> } | null {
  const rank = (v: Value) => (v.producer ? facts.order.get(v.producer)! : -1);
  const frontier = dataInputs(join, facts.constants);
  if (frontier.length < 2) return null;
  const nodes = new Set<Node>([join]);
  const taken = new Set<Value>();
  while (frontier.length > 1) {
    if (nodes.size > MAX_UNIT_NODES) return null;
    let latest = 0;
    for (let i = 1; i < frontier.length; i++) if (rank(frontier[i]) > rank(frontier[latest])) latest = i;
    const v = frontier.splice(latest, 1)[0];
    // Ranks only fall along the walk, so in an acyclic graph no value comes back to the
    // frontier once taken; one that does feeds its own producer, a cycle (refused when the
    // file is read, but the walk must end on any graph it is given).
    if (taken.has(v)) return null;
    taken.add(v);
    const p = v.producer;
    if (!p) return null; // a graph input: the paths never meet
    nodes.add(p);
    for (const i of dataInputs(p, facts.constants)) if (!frontier.includes(i)) frontier.push(i);
    if (frontier.length === 0) return null;
  }
  return { fork: frontier[0], nodes };
}

function classify(join: Node, nodes: Set<Node>): ForkJoinUnit['kind'] | null {
  let weighted = false;
  let pooled = false;
  for (const n of nodes) {
    if (WEIGHTED.has(n.opType) && nodeParameters(n).length > 0) weighted = true;
    if (POOLS.has(n.opType)) pooled = true;
  }
  if (!weighted) return null; // e.g. hard-swish, x * hardsigmoid(x): an activation, not a unit
  if (join.opType === 'Add' || join.opType === 'Sum') return 'residual';
  if (join.opType === 'Mul' && pooled) return 'squeeze-excite';
  return null;
}

/** Every residual and squeeze-excite unit, in the order of their join nodes. */
export function findUnits(nodes: readonly Node[], facts: GraphFacts): ForkJoinUnit[] {
  const units: ForkJoinUnit[] = [];
  for (const join of nodes) {
    if (join.opType !== 'Add' && join.opType !== 'Sum' && join.opType !== 'Mul') continue;
    const found = walkToFork(join, facts);
    if (!found) continue;
    const kind = classify(join, found.nodes);
    if (kind) units.push({ kind, fork: found.fork, join, nodes: found.nodes });
  }
  return units;
}
