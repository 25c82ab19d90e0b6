import { describe, expect, it } from 'vitest';
import type { BlockView, ModelView } from '../../../src-main/api/contract.js';
import { defaultExpanded, indexModel, visibleGraph } from './blocks.js';

function block(path: string, nodeIds: string[], children: BlockView[] = []): BlockView {
  return { path, name: path.split('/').pop() ?? '', kind: 'group', params: 0, inputs: [], outputs: [], nodeIds, children };
}

// stem(a) -> stage[unit1(b, c), unit2(d)] -> e (in the root itself)
const model: ModelView = {
  summary: {} as ModelView['summary'],
  surgery: { edits: [], frozenBlocks: [], trainableParams: 0, totalParams: 0, trainableByBlock: {}, log: [] },
  root: block('', ['e'], [block('stem', ['a']), block('stage', [], [block('stage/unit1', ['b', 'c']), block('stage/unit2', ['d'])])]),
  nodes: [
    { id: 'a', name: '/stem/Conv', opType: 'Conv', block: 'stem' },
    { id: 'b', name: '', opType: 'Conv', block: 'stage/unit1' },
    { id: 'c', name: '', opType: 'Relu', block: 'stage/unit1' },
    { id: 'd', name: '', opType: 'Conv', block: 'stage/unit2' },
    { id: 'e', name: '', opType: 'Gemm', block: '' },
  ],
  edges: [
    { from: 'a', to: 'b', value: 'x1' },
    { from: 'a', to: 'c', value: 'x1' },
    { from: 'b', to: 'c', value: 'x2' },
    { from: 'c', to: 'd', value: 'x3' },
    { from: 'a', to: 'd', value: 'x1' },
    { from: 'd', to: 'e', value: 'x4' },
  ],
};
const index = indexModel(model);

describe('visibleGraph', () => {
  it('maps node edges onto collapsed blocks, without self-edges or duplicates', () => {
    const g = visibleGraph(model, index, new Set());
    expect(g.items.map((i) => `${i.kind}:${i.id}`)).toEqual(['block:b:stem', 'block:b:stage', 'op:n:e']);
    expect(g.edges.map((e) => e.id)).toEqual(['b:stem->b:stage', 'b:stage->n:e']);
  });

  it('shows the children of an open block inside it, parents first', () => {
    const g = visibleGraph(model, index, new Set(['stage']));
    expect(g.items.map((i) => [i.id, i.kind, i.parent])).toEqual([
      ['b:stem', 'block', null],
      ['b:stage', 'group', null],
      ['b:stage/unit1', 'block', 'b:stage'],
      ['b:stage/unit2', 'block', 'b:stage'],
      ['n:e', 'op', null],
    ]);
    // stem -> unit2 is implied by stem -> unit1 -> unit2: not drawn, counted on unit2.
    expect(g.edges.map((e) => e.id)).toEqual(['b:stem->b:stage/unit1', 'b:stage/unit1->b:stage/unit2', 'b:stage/unit2->n:e']);
    expect(g.hiddenInputs.get('b:stage/unit2')).toBe(1);
  });

  it('shows single nodes once every block around them is open', () => {
    const g = visibleGraph(model, index, new Set(['stage', 'stage/unit1']));
    expect(g.items.filter((i) => i.kind === 'op').map((i) => [i.id, i.parent])).toEqual([
      ['n:b', 'b:stage/unit1'],
      ['n:c', 'b:stage/unit1'],
      ['n:e', null],
    ]);
    expect(g.edges.map((e) => e.id)).toContain('n:b->n:c');
  });

  it('counts nodes per subtree', () => {
    expect(index.nodeCount.get('')).toBe(5);
    expect(index.nodeCount.get('stage')).toBe(3);
  });
});

describe('defaultExpanded', () => {
  it('opens the top level when it fits, and nothing when it does not', () => {
    expect([...defaultExpanded(model.root)]).toEqual(['stage']);
    expect([...defaultExpanded(model.root, 3)]).toEqual([]);
  });
});
