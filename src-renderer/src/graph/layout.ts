// Positions for the visible items: ELK's layered algorithm, top to bottom, laying out groups
// together with their contents so each group is sized around its children.
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkNode } from 'elkjs/lib/elk.bundled.js';
import type { Item, VisibleGraph } from './blocks.js';

export const BLOCK_SIZE = { width: 200, height: 54 };
export const OP_SIZE = { width: 150, height: 34 };
/** Room at the top of a group for its header. */
export const GROUP_HEADER = 36;
/** Wide enough for a group's header: chevron, name, kind, shape and parameters. */
export const GROUP_MIN_WIDTH = 300;

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

const elk = new ELK();

const ROOT_OPTIONS: Record<string, string> = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.layered.spacing.nodeNodeBetweenLayers': '26',
  'elk.spacing.nodeNode': '24',
  'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.edgeRouting': 'ORTHOGONAL',
};

const GROUP_OPTIONS: Record<string, string> = {
  'elk.padding': `[top=${GROUP_HEADER + 6},left=14,bottom=14,right=14]`,
  'elk.nodeSize.constraints': 'MINIMUM_SIZE',
  // elkjs 0.12 applies a compound node's minimum size and content alignment before rotating
  // for direction DOWN, so both read transposed: (height, width) is a minimum *width* of
  // GROUP_MIN_WIDTH, and V_CENTER H_LEFT centres the children horizontally, at the top.
  'elk.nodeSize.minimum': `(80, ${GROUP_MIN_WIDTH})`,
  'elk.contentAlignment': 'V_CENTER H_LEFT',
};

/** Returns a box per item id; group and child boxes are relative to their parent, as React Flow wants. */
export async function layoutGraph(graph: VisibleGraph): Promise<Map<string, Box>> {
  const elkNodes = new Map<string, ElkNode>();
  const root: ElkNode = { id: '__root__', layoutOptions: ROOT_OPTIONS, children: [], edges: [] };
  for (const item of graph.items) {
    const node: ElkNode = { id: item.id, ...sizeOf(item) };
    if (item.kind === 'group') {
      node.children = [];
      node.layoutOptions = GROUP_OPTIONS;
      delete node.width;
      delete node.height;
    }
    elkNodes.set(item.id, node);
    const parent = item.parent === null ? root : elkNodes.get(item.parent);
    (parent ?? root).children!.push(node);
  }
  // With INCLUDE_CHILDREN, edges may cross group borders; keeping them all on the root is allowed.
  root.edges = graph.edges.map((e) => ({ id: e.id, sources: [e.source], targets: [e.target] }));

  const laid = await elk.layout(root);
  const boxes = new Map<string, Box>();
  const collect = (n: ElkNode) => {
    for (const c of n.children ?? []) {
      boxes.set(c.id, { x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? BLOCK_SIZE.width, height: c.height ?? BLOCK_SIZE.height });
      collect(c);
    }
  };
  collect(laid);
  return boxes;
}

function sizeOf(item: Item): { width: number; height: number } {
  return item.kind === 'op' ? OP_SIZE : BLOCK_SIZE;
}
