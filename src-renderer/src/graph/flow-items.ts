// The nodes and edges handed to React Flow, built so that a relayout costs only what changed.
//
// Two things make React Flow redo work for every node on each update, and a Find step on
// DenseNet-121 spent most of its time on them:
// - a node or edge object it has not seen before is a new node to it: it rebuilds the node's
//   internals and re-renders it, even when nothing about it changed. So objects that are
//   equal to the ones on screen are handed back as they are (`reuseUnchanged`).
// - a node without `measured` sizes and `handles` is measured from the DOM (a ResizeObserver,
//   getBoundingClientRect per node and per handle) before its edges can be drawn, and the
//   measured sizes come back as changes that replace every node object once more. The layout
//   knows every size and nodes.tsx puts the handles in the same place on every node, so both
//   are given up front.
import { MarkerType, Position } from '@xyflow/react';
import type { Edge, NodeHandle } from '@xyflow/react';
import { isExpandable } from './blocks.js';
import type { BlockIndex, VisibleGraph } from './blocks.js';
import type { Box } from './layout.js';
import type { FlowNode } from './nodes.js';

/** The handles' size: React Flow's default (6 px, border included), kept by styles.css. */
export const HANDLE_SIZE = 6;

/** The two handles nodes.tsx draws: inputs centred on the top border, outputs on the bottom one. */
export function handlesOf(width: number, height: number): NodeHandle[] {
  const x = width / 2 - HANDLE_SIZE / 2;
  return [
    { type: 'target', position: Position.Top, x, y: -HANDLE_SIZE / 2, width: HANDLE_SIZE, height: HANDLE_SIZE },
    { type: 'source', position: Position.Bottom, x, y: height - HANDLE_SIZE / 2, width: HANDLE_SIZE, height: HANDLE_SIZE },
  ];
}

export function toFlowNodes(graph: VisibleGraph, boxes: Map<string, Box>, index: BlockIndex): FlowNode[] {
  const out: FlowNode[] = [];
  for (const item of graph.items) {
    const box = boxes.get(item.id) ?? { x: 0, y: 0, width: 184, height: 64 };
    const common = {
      id: item.id,
      position: { x: box.x, y: box.y },
      width: box.width,
      height: box.height,
      measured: { width: box.width, height: box.height },
      handles: handlesOf(box.width, box.height),
      style: { width: box.width, height: box.height },
      ...(item.parent ? { parentId: item.parent, extent: 'parent' as const } : {}),
    };
    if (item.kind === 'op') {
      const node = index.nodes.get(item.nodeId) ?? { id: item.nodeId, name: item.nodeId, opType: '?', block: '' };
      out.push({ ...common, type: 'op', data: { node, alsoReads: graph.hiddenInputs.get(item.id) ?? 0 } });
    } else {
      const data = { block: item.block, open: item.kind === 'group', expandable: isExpandable(item.block), nodeCount: index.nodeCount.get(item.block.path) ?? 0, alsoReads: graph.hiddenInputs.get(item.id) ?? 0 };
      out.push({ ...common, type: 'block', data });
    }
  }
  return out;
}

const ARROW = { type: MarkerType.ArrowClosed, width: 16, height: 16 };

export function toFlowEdges(graph: VisibleGraph): Edge[] {
  return graph.edges.map((e) => ({ id: e.id, source: e.source, target: e.target, type: 'smoothstep', markerEnd: ARROW, focusable: false }));
}

function sameData(a: FlowNode['data'], b: FlowNode['data']): boolean {
  const keys = Object.keys(a) as (keyof typeof a)[];
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

/** Whether `prev`, a node on screen, draws exactly what `next` would. */
function sameNode(prev: FlowNode, next: FlowNode): boolean {
  return (
    prev.type === next.type &&
    prev.parentId === next.parentId &&
    prev.position.x === next.position.x &&
    prev.position.y === next.position.y &&
    prev.width === next.width &&
    prev.height === next.height &&
    sameData(prev.data, next.data)
  );
}

/**
 * `next` with each node that equals the one on screen replaced by that very object. A node the
 * user picked (React Flow's `selected`) is never kept: a relayout clears the picks, as it did
 * when every node was new.
 */
export function reuseUnchanged(prev: readonly FlowNode[], next: FlowNode[]): FlowNode[] {
  const byId = new Map(prev.map((n) => [n.id, n]));
  return next.map((n) => {
    const old = byId.get(n.id);
    return old && !old.selected && sameNode(old, n) ? old : n;
  });
}

/** Edges are a function of their id (source and target): the ones on screen are kept. */
export function reuseEdges(prev: readonly Edge[], next: Edge[]): Edge[] {
  const byId = new Map(prev.map((e) => [e.id, e]));
  return next.map((e) => {
    const old = byId.get(e.id);
    return old && !old.selected ? old : e;
  });
}
