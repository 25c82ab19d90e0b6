import { describe, expect, it } from 'vitest';
import { reduceEdges } from './edge-reduction.js';

const edge = (s: string, t: string) => ({ id: `${s}->${t}`, source: s, target: t });

describe('reduceEdges', () => {
  it('leaves out an edge another path implies, and counts it on its target', () => {
    const r = reduceEdges([edge('a', 'b'), edge('b', 'c'), edge('a', 'c')]);
    expect(r.edges.map((e) => e.id)).toEqual(['a->b', 'b->c']);
    expect([...r.hiddenInputs]).toEqual([['c', 1]]);
  });

  it('draws a dense block (every layer reads every earlier one) as a chain', () => {
    const layers = ['l1', 'l2', 'l3', 'l4', 'l5'];
    const dense = layers.flatMap((s, i) => layers.slice(i + 1).map((t) => edge(s, t)));
    const r = reduceEdges(dense);
    expect(r.edges.map((e) => e.id)).toEqual(['l1->l2', 'l2->l3', 'l3->l4', 'l4->l5']);
    expect(r.hiddenInputs.get('l5')).toBe(3);
  });

  it('keeps parallel branches (a residual unit collapsed to its parts) and every edge on a cycle', () => {
    expect(reduceEdges([edge('in', 'conv'), edge('in', 'skip'), edge('conv', 'add'), edge('skip', 'add')]).edges).toHaveLength(4);
    expect(reduceEdges([edge('a', 'b'), edge('b', 'a'), edge('a', 'c'), edge('b', 'c')]).edges).toHaveLength(4);
  });
});
