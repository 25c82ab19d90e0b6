// Blocks from the graph's shape alone, for files whose names say nothing ("", "Conv_0"):
// a stem, stages between changes of spatial resolution, residual and squeeze-excite units
// inside them, and the head.
import { getInts } from '../ir/attributes.js';
import type { Graph, Node } from '../ir/graph.js';
import { type HeadMatch, matchHead } from './head.js';
import type { Placement } from './placement.js';
import { type GraphFacts, dataInputs } from './structure.js';
import type { BlockKind } from './types.js';
import type { ForkJoinUnit } from './units.js';

const DOWNSAMPLERS = new Set(['Conv', 'MaxPool', 'AveragePool', 'LpPool']);
const NECK = new Set(['GlobalAveragePool', 'GlobalMaxPool', 'ReduceMean', 'ReduceMax', 'Flatten']);
const NECK_EXTENSION = new Set([...NECK, 'Reshape', 'Squeeze']);
const ACTIVATIONS = new Set(['Relu', 'LeakyRelu', 'Relu6', 'Clip', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'Tanh', 'Elu', 'Selu', 'Gelu', 'Mish', 'Softplus']);

/** Whether `n` lowers the spatial resolution: from shapes when known, else from its strides. */
function downsamples(n: Node): boolean {
  if (!DOWNSAMPLERS.has(n.opType)) return false;
  const i = n.input(0)?.type?.shape;
  const o = n.output(0)?.type?.shape;
  if (i?.length === 4 && o?.length === 4 && [i[2], i[3], o[2], o[3]].every((d) => typeof d === 'number')) {
    return (o[2] as number) * (o[3] as number) < (i[2] as number) * (i[3] as number);
  }
  return getInts(n, 'strides', []).some((s) => s > 1);
}

/** How many times the resolution has dropped on the way to each node. */
function resolutionLevels(graph: Graph, facts: GraphFacts): Map<Node, number> {
  const level = new Map<Node, number>();
  for (const n of graph.nodes) {
    let l = 0;
    for (const v of dataInputs(n, facts.constants)) if (v.producer) l = Math.max(l, level.get(v.producer) ?? 0);
    level.set(n, l + (downsamples(n) ? 1 : 0));
  }
  return level;
}

/** The head and what leads into it from the last spatial op: pool, flatten, MLP, softmax. */
export function headRegion(graph: Graph, facts: GraphFacts, m: HeadMatch | null): Set<Node> {
  const region = new Set<Node>();
  if (!m) return region;
  // The nearest pool/flatten before the linear layer, searching the latest nodes first.
  let start: Node = m.linear;
  const queue: Node[] = [m.linear];
  const seen = new Set<Node>(queue);
  for (let visited = 0; queue.length > 0 && visited < 64; visited++) {
    queue.sort((a, b) => facts.order.get(b)! - facts.order.get(a)!);
    const n = queue.shift()!;
    if (NECK.has(n.opType)) {
      start = n;
      break;
    }
    for (const v of dataInputs(n, facts.constants)) {
      if (v.producer && !seen.has(v.producer)) {
        seen.add(v.producer);
        queue.push(v.producer);
      }
    }
  }
  // Bounded by the node count so a cyclic graph cannot keep it going.
  for (let steps = 0; steps < graph.nodes.length; steps++) {
    const inputs = dataInputs(start, facts.constants);
    const p = inputs.length === 1 ? inputs[0].producer : null;
    if (!p || !NECK_EXTENSION.has(p.opType) || inputs[0].uses.length !== 1) break;
    start = p;
  }
  const stack = [start];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (region.has(n)) continue;
    region.add(n);
    for (const out of n.outputs) for (const u of out?.uses ?? []) stack.push(u.node);
  }
  return region;
}

/** A residual unit ends after the activation that follows its Add, as in PyTorch modules. */
function withTrailingActivation(u: ForkJoinUnit): Set<Node> {
  const nodes = new Set(u.nodes);
  if (u.kind !== 'residual') return nodes;
  let out = u.join.output(0);
  while (out && out.uses.length === 1 && !out.isGraphOutput && ACTIVATIONS.has(out.uses[0].node.opType) && !nodes.has(out.uses[0].node)) {
    nodes.add(out.uses[0].node);
    out = out.uses[0].node.output(0);
  }
  return nodes;
}

export function topologyPlacement(graph: Graph, facts: GraphFacts, allUnits: ForkJoinUnit[]): Placement {
  const head = headRegion(graph, facts, matchHead(graph));
  const level = resolutionLevels(graph, facts);
  const units = allUnits
    .filter((u) => !head.has(u.join))
    .map((u) => ({ ...u, nodes: withTrailingActivation(u) }))
    .sort((a, b) => a.nodes.size - b.nodes.size);

  // Nesting: a unit's parent is the smallest larger unit that holds its join.
  const parentOf = new Map<(typeof units)[number], (typeof units)[number] | null>();
  units.forEach((u, i) => parentOf.set(u, units.slice(i + 1).find((v) => v.nodes.has(u.join)) ?? null));
  const innermost = new Map<Node, (typeof units)[number]>();
  for (const u of units) for (const n of u.nodes) if (!innermost.has(n)) innermost.set(n, u);
  const top = (u: (typeof units)[number]) => {
    let t = u;
    while (parentOf.get(t)) t = parentOf.get(t)!;
    return t;
  };
  const firstOf = (u: (typeof units)[number]) => Math.min(...[...u.nodes].map((n) => facts.order.get(n)!));
  const tops = units.filter((u) => !parentOf.get(u)).sort((a, b) => firstOf(a) - firstOf(b));
  const stemEnd = tops.length > 0 ? firstOf(tops[0]) : -1;

  // Stages: one per resolution level; a unit belongs to the level of its output.
  const stageKey = new Map<Node, number>();
  for (const n of graph.nodes) {
    if (head.has(n) || facts.constants.has(n)) continue;
    const u = innermost.get(n);
    if (u) stageKey.set(n, level.get(top(u).join)!);
    else if (facts.order.get(n)! >= stemEnd) stageKey.set(n, level.get(n)!);
  }
  const levels = [...new Set(stageKey.values())].sort((a, b) => a - b);
  const stageName = new Map(levels.map((l, i) => [l, `stage${i + 1}`]));

  const kinds = new Map<string, BlockKind>();
  // Units are named unit1, unit2, ... within their parent (stage or enclosing unit).
  const unitPath = new Map<(typeof units)[number], string[]>();
  const counters = new Map<string, number>();
  const pathOfUnit = (u: (typeof units)[number]): string[] => {
    const known = unitPath.get(u);
    if (known) return known;
    const p = parentOf.get(u);
    const base = p ? pathOfUnit(p) : [stageName.get(level.get(u.join)!)!];
    const key = base.join('/');
    const k = (counters.get(key) ?? 0) + 1;
    counters.set(key, k);
    const path = [...base, `unit${k}`];
    unitPath.set(u, path);
    kinds.set(path.join('/'), u.kind);
    return path;
  };
  // Number units in graph order, outer before inner.
  const byStart = [...units].sort((a, b) => firstOf(a) - firstOf(b) || b.nodes.size - a.nodes.size);
  for (const u of byStart) pathOfUnit(u);

  const pathOf = new Map<Node, string[]>();
  for (const n of graph.nodes) {
    if (facts.constants.has(n)) continue; // constants join their first reader later
    if (head.has(n)) pathOf.set(n, ['head']);
    else if (innermost.has(n)) pathOf.set(n, pathOfUnit(innermost.get(n)!));
    else if (stageKey.has(n)) pathOf.set(n, [stageName.get(stageKey.get(n)!)!]);
    else pathOf.set(n, ['stem']);
  }
  for (const p of pathOf.values()) {
    if (p[0] === 'stem') kinds.set('stem', 'stem');
    else if (p[0] === 'head') kinds.set('head', 'head');
    else kinds.set(p[0], 'stage');
  }
  return { pathOf, kinds, source: 'topology' };
}
