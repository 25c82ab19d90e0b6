// Block paths from parameter names, for exporters (PyTorch 1.x) whose node names carry only
// the innermost module ("/conv1_1/Conv") while the initializers carry the full module path
// ("layer1.0.conv1.weight"). Nodes with parameters go to their module; the rest are placed
// next to them by their scope name and by data flow.
import type { Graph, Node, Value } from '../ir/graph.js';
import { matchHead } from './head.js';
import { nodeParameters } from './params.js';
import { type Placement, blockSegments, commonPrefix, startsWith } from './placement.js';
import { type GraphFacts, dataInputs } from './structure.js';
import { headRegion } from './topology.js';

/** "layer1.0.conv1.weight": identifier segments joined by dots, the last naming the tensor. */
const MODULE_PARAM = /^[A-Za-z_]\w*(\.\w+)+$/;

export function parameterModule(node: Node): string[] | null {
  for (const p of nodeParameters(node)) if (MODULE_PARAM.test(p.name)) return p.name.split('.').slice(0, -1);
  return null;
}

/** Suffixes converters give a layer's tensors: Caffe2's "res2_0_branch2a_w", "_bn_s"; Keras' "/kernel". */
const LAYER_TENSOR_SUFFIX = /(?:[_/](?:w|b|s|bn_s|bn_b|weight|bias|scale|kernel|gamma|beta))$/;

/**
 * The layer a converter's tensor name names: "conv2d_12.w_0" (paddle2onnx) -> "conv2d_12",
 * "res2_0_branch2a_w" (Caffe2) -> "res2_0_branch2a"; null when the name says nothing.
 */
export function layerOfTensor(name: string): string | null {
  if (MODULE_PARAM.test(name)) return name.split('.').slice(0, -1).join('.');
  const stripped = name.replace(LAYER_TENSOR_SUFFIX, '');
  return stripped !== name && /^[A-Za-z_][\w.]*$/.test(stripped) ? stripped : null;
}

/**
 * Topology's blocks refined by the weights' own names: each node with weights gets a leaf
 * block named after its layer ("stage2/unit1/conv2d_12"), so a converter's file without
 * node names still shows its layers inside stage-like blocks.
 */
export function withLayerLeaves(placement: Placement): Placement {
  const pathOf = new Map<Node, string[]>();
  for (const [n, path] of placement.pathOf) {
    const layers = new Set(nodeParameters(n).map((p) => layerOfTensor(p.name)));
    const layer = layers.size === 1 ? [...layers][0] : null;
    pathOf.set(n, layer && path[path.length - 1] !== layer ? [...path, layer] : path);
  }
  return { ...placement, pathOf };
}

/** How deep the module paths found in parameter names go (0 when there are none). */
export function parameterModuleDepth(graph: Graph): number {
  let d = 0;
  for (const n of graph.nodes) d = Math.max(d, parameterModule(n)?.length ?? 0);
  return d;
}

interface Spot {
  module: string[]; // dotted module path
  /** True when the node is inside a module of its own (its parent is the container). */
  leaf: boolean;
}

const parent = (m: string[]) => m.slice(0, -1);

export function parameterNamePlacement(graph: Graph, facts: GraphFacts, scopes: Map<Node, string[]>): Placement {
  const nodes = graph.nodes;
  const spots = new Map<Node, Spot>();
  const known = new Set<string>();
  const learn = (m: string[]) => {
    for (let i = 1; i <= m.length; i++) known.add(m.slice(0, i).join('.'));
  };

  // 1. Nodes with parameters: their module, or their own scope when the names say nothing.
  for (const n of nodes) {
    const m = parameterModule(n) ?? (nodeParameters(n).length > 0 && scopes.get(n)!.length > 0 ? scopeModule(scopes.get(n)!) : null);
    if (m) {
      spots.set(n, { module: m, leaf: true });
      learn(m);
    }
  }
  const prevAnchor: (Node | null)[] = [];
  const nextAnchor: (Node | null)[] = new Array(nodes.length).fill(null);
  let last: Node | null = null;
  nodes.forEach((n, i) => {
    prevAnchor[i] = last;
    if (spots.has(n)) last = n;
  });
  last = null;
  for (let i = nodes.length - 1; i >= 0; i--) {
    nextAnchor[i] = last;
    if (spots.has(nodes[i])) last = nodes[i];
  }
  // Every trailing part of every module path ("0.conv1", "conv1"), to recognise real names.
  const moduleTails = new Set<string>();
  for (const s of spots.values()) for (let j = 0; j < s.module.length; j++) moduleTails.add(s.module.slice(j).join('.'));
  const baseCount = new Map<string, Set<string>>();
  for (const n of nodes) {
    const raw = scopes.get(n)!.join('.');
    if (!raw) continue;
    const base = stripUniquifier(raw, moduleTails);
    baseCount.set(base, (baseCount.get(base) ?? new Set()).add(raw));
  }

  // The pool and flatten before the head sit between the body and the head, whatever
  // their scope name says (MobileNet's last "avgpool_9" is the model's own avgpool).
  const neck = headRegion(graph, facts, matchHead(graph));

  // 2. Scoped nodes without parameters ("/relu_2/Relu", "/avgpool/GlobalAveragePool").
  const byRawScope = new Map<string, string[]>();
  nodes.forEach((n, i) => {
    if (spots.has(n)) return;
    const raw = scopes.get(n)!.join('.');
    if (!raw) return;
    let module = byRawScope.get(raw);
    if (!module) {
      const base = stripUniquifier(raw, moduleTails);
      const prev = prevAnchor[i] ? spots.get(prevAnchor[i]!)!.module : null;
      const next = nextAnchor[i] ? spots.get(nextAnchor[i]!)!.module : null;
      module = placeScoped(base.split('.'), prev, next, {
        isKnown: (m) => known.has(m.join('.')),
        feedsOnly: (container) => feedsOnlyInto(n, container, spots),
        unique: baseCount.get(base)!.size === 1 || neck.has(n),
      });
      byRawScope.set(raw, module);
      learn(module);
    }
    spots.set(n, { module, leaf: true });
  });

  // 3. Unscoped nodes ("/Add", "/Flatten"): where the values they read live.
  for (const n of nodes) {
    if (spots.has(n)) continue;
    spots.set(n, { module: unscopedHome(n, facts, spots), leaf: false });
  }

  const pathOf = new Map<Node, string[]>();
  for (const [n, s] of spots) pathOf.set(n, blockSegments(s.module));
  return { pathOf, kinds: new Map(), source: 'parameter-names' };
}

function scopeModule(scope: string[]): string[] {
  return scope.join('.').split('.');
}

/** "relu_2" -> "relu" (PyTorch numbers repeated scope names), unless "relu_2" is a real module. */
function stripUniquifier(raw: string, moduleTails: Set<string>): string {
  return moduleTails.has(raw) ? raw : raw.replace(/_\d+$/, '');
}

interface ScopedHints {
  isKnown(module: string[]): boolean;
  /** True when every reader of the node sits in `container` (the node opens that module). */
  feedsOnly(container: string[]): boolean;
  /** A module used once (the scope name occurs once, e.g. a model's avgpool), or the neck. */
  unique: boolean;
}

/**
 * Where a module named by scope `s` (relative, maybe dotted: "block.0.2") sits, given the
 * modules of the nearest nodes with parameters before (`prev`) and after (`next`) it.
 */
export function placeScoped(s: string[], prev: string[] | null, next: string[] | null, hints: ScopedHints): string[] {
  const anchors = [prev, next].filter((m): m is string[] => !!m);
  if (anchors.length === 0) return s;
  // a. A dotted scope whose head matches part of a neighbour's path: "block.0.2" next to
  //    "features.2.block.0.0" is "features.2.block.0.2".
  if (s.length > 1) {
    for (const m of anchors) {
      for (let j = m.length - 1; j >= 0; j--) if (startsWith(m.slice(j), s.slice(0, -1))) return [...m.slice(0, j), ...s];
    }
  }
  const prevC = prev ? parent(prev) : null;
  const nextC = next ? parent(next) : null;
  // b. A module seen before ("relu" of layer1.0, first met between its two convs), looked for
  //    from each neighbour up to their common level: a same-named module higher up (the
  //    model's own relu) is another one.
  const shared = prevC && nextC ? commonPrefix(prevC, nextC).length : 0;
  for (const c of [prevC, nextC]) {
    for (let j = c ? c.length : -1; c && j >= shared; j--) {
      const cand = [...c.slice(0, j), ...s];
      if (hints.isKnown(cand)) return cand;
    }
  }
  // c. A node read only by the next module's layers opens that module (an SE block's pool).
  if (nextC && hints.feedsOnly(nextC)) return [...nextC, ...s];
  // d. A one-off module between two others sits at their common level (ResNet's avgpool).
  if (hints.unique && prevC && nextC) return [...commonPrefix(prevC, nextC), ...s];
  if (hints.unique && prevC && !nextC) return s;
  // e. Otherwise it closes the previous module (the ReLU after a residual Add).
  return [...(prevC ?? nextC!), ...s];
}

function feedsOnlyInto(n: Node, container: string[], spots: Map<Node, Spot>): boolean {
  let readers = 0;
  for (const out of n.outputs) {
    if (!out) continue;
    if (out.isGraphOutput) return false;
    for (const { node } of out.uses) {
      const s = spots.get(node);
      if (!s || !startsWith(parent(s.module), container)) return false;
      readers++;
    }
  }
  return readers > 0;
}

/** The container a placed node lends to its neighbours. */
function containerOf(s: Spot): string[] {
  return s.leaf ? parent(s.module) : s.module;
}

/**
 * An unscoped node joins the innermost module holding the values it reads. A value also read
 * elsewhere (a residual's skip input) counts where those readers are, not where it was made.
 */
function unscopedHome(n: Node, facts: GraphFacts, spots: Map<Node, Spot>): string[] {
  let home: string[] | null = null;
  const meet = (m: string[]) => (home = home ? commonPrefix(home, m) : m);
  for (const v of dataInputs(n, facts.constants)) {
    const here = valueHome(v, n, spots);
    if (here) meet(here);
  }
  return home ?? [];
}

function valueHome(v: Value, reader: Node, spots: Map<Node, Spot>): string[] | null {
  let home: string[] | null = null;
  for (const { node } of v.uses) {
    const s = node === reader ? undefined : spots.get(node);
    if (s) home = home ? commonPrefix(home, containerOf(s)) : containerOf(s);
  }
  if (home) return home;
  const p = v.producer ? spots.get(v.producer) : undefined;
  return p ? containerOf(p) : null;
}
