import { describe, expect, it } from 'vitest';
import type { BlockView, ModelView } from '../../../src-main/api/contract.js';
import { indexModel, visibleGraph } from './blocks.js';
import { handlesOf, reuseEdges, reuseUnchanged, toFlowEdges, toFlowNodes } from './flow-items.js';
import { layoutSync } from './layout.js';

const blk = (path: string, children: BlockView[], nodeIds: string[] = []): BlockView => ({
  path,
  name: path.split('/').pop()!,
  kind: 'group',
  params: 0,
  inputs: [],
  outputs: [],
  nodeIds,
  children,
});

// stem -> stage a (a/1 -> a/2) -> stage b (b/1 -> b/2) -> head, one node per leaf block.
const leaves = ['stem', 'a/1', 'a/2', 'b/1', 'b/2', 'head'];
const model = {
  root: blk('', [blk('stem', [], ['n:stem']), blk('a', [blk('a/1', [], ['n:a/1']), blk('a/2', [], ['n:a/2'])]), blk('b', [blk('b/1', [], ['n:b/1']), blk('b/2', [], ['n:b/2'])]), blk('head', [], ['n:head'])]),
  nodes: leaves.map((p) => ({ id: `n:${p}`, name: p, opType: 'Conv', block: p })),
  edges: leaves.slice(1).map((p, i) => ({ from: `n:${leaves[i]}`, to: `n:${p}` })),
} as unknown as ModelView;
const index = indexModel(model);

function flow(expanded: string[]) {
  const graph = visibleGraph(model, index, new Set(expanded));
  return { nodes: toFlowNodes(graph, layoutSync(graph), index), edges: toFlowEdges(graph) };
}

describe('reuseUnchanged', () => {
  it('hands back the objects on screen for nodes that did not change, new ones for the rest', () => {
    const before = flow(['a']);
    const after = reuseUnchanged(before.nodes, flow(['a']).nodes);
    expect(after.every((n, i) => n === before.nodes[i])).toBe(true);

    // Opening b: stem and stage a stay where they were; b becomes a group, head moves down.
    const opened = reuseUnchanged(before.nodes, flow(['a', 'b']).nodes);
    const old = new Map(before.nodes.map((n) => [n.id, n]));
    const kept = opened.filter((n) => n === old.get(n.id)).map((n) => n.id);
    expect(kept).toEqual(['b:stem', 'b:a', 'b:a/1', 'b:a/2']);
    expect(opened.find((n) => n.id === 'b:b')!.data).toMatchObject({ open: true });
    expect(opened.find((n) => n.id === 'b:head')!.position.y).toBeGreaterThan(old.get('b:head')!.position.y);
  });

  it('replaces a node the user picked, so a relayout clears the picks', () => {
    const before = flow(['a']).nodes.map((n) => (n.id === 'b:stem' ? { ...n, selected: true } : n));
    const after = reuseUnchanged(before, flow(['a']).nodes);
    const stem = after.find((n) => n.id === 'b:stem')!;
    expect(stem).not.toBe(before.find((n) => n.id === 'b:stem'));
    expect(stem.selected).toBeUndefined();
  });

  it('keeps edges by id', () => {
    const before = flow(['a']).edges;
    const after = reuseEdges(before, flow(['a', 'b']).edges);
    const ids = new Set(before.map((e) => e.id));
    for (const e of after) expect(e === before.find((b) => b.id === e.id)).toBe(ids.has(e.id));
    expect(after.some((e) => !ids.has(e.id))).toBe(true);
  });
});

describe('handlesOf', () => {
  it('puts the handles where Chromium measured them on the drawn nodes (6 px, centred on the top and bottom borders)', () => {
    // Measured from the DOM in Chromium (handle rect minus node rect, divided by the zoom) on
    // DenseNet-121's canvas: a 200x54 block card and a 150x34 operator.
    expect(handlesOf(200, 54)).toMatchObject([
      { type: 'target', position: 'top', x: 97, y: -3, width: 6, height: 6 },
      { type: 'source', position: 'bottom', x: 97, y: 51, width: 6, height: 6 },
    ]);
    expect(handlesOf(150, 34)).toMatchObject([
      { type: 'target', x: 72, y: -3 },
      { type: 'source', x: 72, y: 31 },
    ]);
  });
});
