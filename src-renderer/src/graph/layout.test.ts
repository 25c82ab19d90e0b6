import { describe, expect, it } from 'vitest';
import type { BlockView } from '../../../src-main/api/contract.js';
import type { Item, VisibleGraph } from './blocks.js';
import { GROUP_MIN_WIDTH, layerItems, layoutSync } from './layout.js';

const blk = (path: string): BlockView => ({ path, name: path, kind: 'group', params: 0, inputs: [], outputs: [], nodeIds: [], children: [] });
const op = (id: string, parent: string | null): Item => ({ kind: 'op', id, parent, nodeId: id });

describe('layoutSync', () => {
  // stem -> [group g: a -> b, a -> c, b -> d, c -> d] -> head
  const graph: VisibleGraph = {
    items: [op('stem', null), { kind: 'group', id: 'g', parent: null, block: blk('g') }, op('a', 'g'), op('b', 'g'), op('c', 'g'), op('d', 'g'), op('head', null)],
    edges: [
      { id: '1', source: 'stem', target: 'a' },
      { id: '2', source: 'a', target: 'b' },
      { id: '3', source: 'a', target: 'c' },
      { id: '4', source: 'b', target: 'd' },
      { id: '5', source: 'c', target: 'd' },
      { id: '6', source: 'd', target: 'head' },
    ],
    hiddenInputs: new Map(),
  };
  const boxes = layoutSync(graph);

  it('places each child inside its group and sizes the group around them', () => {
    const g = boxes.get('g')!;
    expect(g.width).toBeGreaterThanOrEqual(GROUP_MIN_WIDTH);
    for (const id of ['a', 'b', 'c', 'd']) {
      const b = boxes.get(id)!; // relative to the group
      expect(b.x).toBeGreaterThanOrEqual(0);
      expect(b.y).toBeGreaterThan(0);
      expect(b.x + b.width).toBeLessThanOrEqual(g.width);
      expect(b.y + b.height).toBeLessThanOrEqual(g.height);
    }
  });

  it('stacks the dataflow top to bottom, branches side by side without overlapping', () => {
    const y = (id: string) => boxes.get(id)!.y;
    expect(y('stem')).toBeLessThan(boxes.get('g')!.y);
    expect(boxes.get('g')!.y + boxes.get('g')!.height).toBeLessThan(y('head'));
    expect(y('a')).toBeLessThan(y('b'));
    expect(y('b')).toBe(y('c'));
    expect(y('c')).toBeLessThan(y('d'));
    const [b, c] = [boxes.get('b')!, boxes.get('c')!];
    expect(b.x + b.width <= c.x || c.x + c.width <= b.x).toBe(true);
  });
});

describe('layerItems', () => {
  it('puts an item one layer below its lowest input, and breaks a cycle at its earliest item', () => {
    const order = new Map(['a', 'b', 'c'].map((id, i) => [id, i]));
    expect(layerItems(['a', 'b', 'c'], [['a', 'b'], ['b', 'c'], ['a', 'c']], order)).toEqual([['a'], ['b'], ['c']]);
    expect(layerItems(['a', 'b', 'c'], [['a', 'b'], ['b', 'a'], ['b', 'c']], order)).toEqual([['a'], ['b'], ['c']]);
  });
});
