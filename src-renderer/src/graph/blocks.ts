// Which blocks and nodes the canvas shows for a set of expanded blocks, and the edges between
// them. Pure functions of the ModelView, so they are cheap to test and to recompute.
import type { BlockView, GraphNodeView, ModelView } from '../../../src-main/api/contract.js';
import { reduceEdges } from './edge-reduction.js';

export interface BlockIndex {
  byPath: Map<string, BlockView>;
  parent: Map<string, string | null>;
  /** Nodes in the block and all its descendants. */
  nodeCount: Map<string, number>;
  /** Node id -> innermost block path. */
  nodeBlock: Map<string, string>;
  nodes: Map<string, GraphNodeView>;
}

export function indexModel(model: ModelView): BlockIndex {
  const byPath = new Map<string, BlockView>();
  const parent = new Map<string, string | null>();
  const nodeCount = new Map<string, number>();
  const visit = (b: BlockView, up: string | null): number => {
    byPath.set(b.path, b);
    parent.set(b.path, up);
    let n = b.nodeIds.length;
    for (const c of b.children) n += visit(c, b.path);
    nodeCount.set(b.path, n);
    return n;
  };
  visit(model.root, null);
  const nodeBlock = new Map<string, string>();
  const nodes = new Map<string, GraphNodeView>();
  for (const node of model.nodes) {
    nodeBlock.set(node.id, node.block);
    nodes.set(node.id, node);
  }
  return { byPath, parent, nodeCount, nodeBlock, nodes };
}

/** A block can open when it holds children, or more than one node of its own. */
export function isExpandable(b: BlockView): boolean {
  return b.children.length > 0 || b.nodeIds.length > 1;
}

/**
 * The starting view: the root's children opened one level, unless that shows too much to
 * lay out quickly; then everything starts collapsed (all or nothing, so siblings look alike).
 */
export function defaultExpanded(root: BlockView, budget = 80): Set<string> {
  const openable = root.children.filter(isExpandable);
  let visible = root.children.length + root.nodeIds.length;
  for (const child of openable) visible += child.children.length + child.nodeIds.length - 1;
  return visible <= budget ? new Set(openable.map((c) => c.path)) : new Set();
}

export type Item =
  | { kind: 'group'; id: string; parent: string | null; block: BlockView }
  | { kind: 'block'; id: string; parent: string | null; block: BlockView }
  | { kind: 'op'; id: string; parent: string | null; nodeId: string };

export const blockItemId = (path: string) => `b:${path}`;
export const opItemId = (nodeId: string) => `n:${nodeId}`;

export interface VisibleGraph {
  /** Parents come before their children (React Flow requires it). */
  items: Item[];
  /** The edges drawn: those no other visible path already implies. */
  edges: { id: string; source: string; target: string }[];
  /** Item id -> inputs it reads that are not drawn (implied by a path; see edge-reduction.ts). */
  hiddenInputs: Map<string, number>;
}

export function visibleGraph(model: ModelView, index: BlockIndex, expanded: ReadonlySet<string>): VisibleGraph {
  const items: Item[] = [];
  const opened = (b: BlockView) => b.path === model.root.path || (expanded.has(b.path) && isExpandable(b));
  const walk = (b: BlockView, parentItem: string | null) => {
    for (const child of b.children) {
      const id = blockItemId(child.path);
      if (opened(child)) {
        items.push({ kind: 'group', id, parent: parentItem, block: child });
        walk(child, id);
      } else {
        items.push({ kind: 'block', id, parent: parentItem, block: child });
      }
    }
    for (const nodeId of b.nodeIds) items.push({ kind: 'op', id: opItemId(nodeId), parent: parentItem, nodeId });
  };
  walk(model.root, null);

  // A node shows as its outermost collapsed ancestor block, or as itself when all are open.
  const owner = new Map<string, string>();
  const ownerOf = (nodeId: string): string | null => {
    const cached = owner.get(nodeId);
    if (cached !== undefined) return cached;
    const chain: string[] = [];
    for (let p: string | null | undefined = index.nodeBlock.get(nodeId); p !== null && p !== undefined; p = index.parent.get(p)) chain.push(p);
    if (chain.length === 0) return null;
    let result = opItemId(nodeId);
    for (let i = chain.length - 1; i >= 0; i--) {
      const b = index.byPath.get(chain[i]);
      if (b && !opened(b)) {
        result = blockItemId(b.path);
        break;
      }
    }
    owner.set(nodeId, result);
    return result;
  };

  const seen = new Set<string>();
  const edges: VisibleGraph['edges'] = [];
  for (const e of model.edges) {
    const source = ownerOf(e.from);
    const target = ownerOf(e.to);
    if (source === null || target === null || source === target) continue;
    const id = `${source}->${target}`;
    if (seen.has(id)) continue;
    seen.add(id);
    edges.push({ id, source, target });
  }
  const reduced = reduceEdges(edges);
  return { items, edges: reduced.edges, hiddenInputs: reduced.hiddenInputs };
}

/** The innermost block on the path from the root that holds `path` (itself included). */
export function ancestorsOf(index: BlockIndex, path: string): string[] {
  const out: string[] = [];
  for (let p: string | null | undefined = path; p !== null && p !== undefined && p !== ''; p = index.parent.get(p)) out.push(p);
  return out.reverse();
}
