// The first view keeps open what fits at a comfortable zoom, closing the tallest block first,
// on a model like the bundled CNN: a long `features` chain and a short head.
import { describe, expect, it } from 'vitest';
import type { BlockView, ModelView } from '../../../src-main/api/contract.js';
import { indexModel, visibleGraph } from './blocks.js';
import { expandedThatFits } from './first-view.js';
import { layoutGraph } from './layout.js';
import { boundsOf, COMFORTABLE_ZOOM, fitZoom } from './viewport.js';

function block(path: string, nodeIds: string[], children: BlockView[] = []): BlockView {
  return { path, name: path.split('/').pop() ?? '', kind: 'group', params: 0, inputs: [], outputs: [], nodeIds, children };
}

const features = Array.from({ length: 9 }, (_, i) => `f${i}`);
const head = ['h0', 'h1', 'h2'];
const chain = [...features, 'flat', ...head];
const model: ModelView = {
  summary: {} as ModelView['summary'],
  surgery: { edits: [], frozenBlocks: [], trainableParams: 0, totalParams: 0, trainableByBlock: {}, log: [] },
  root: block('', ['flat'], [
    block('features', [], features.map((id) => block(`features/${id}`, [id]))),
    block('classifier', [], head.map((id) => block(`classifier/${id}`, [id]))),
  ]),
  nodes: chain.map((id) => ({ id, name: '', opType: 'Conv', block: features.includes(id) ? `features/${id}` : head.includes(id) ? `classifier/${id}` : '' })),
  edges: chain.slice(1).map((to, i) => ({ from: chain[i], to, value: `v${i}` })),
};
const index = indexModel(model);
const both = new Set(['features', 'classifier']);

async function zoomFor(open: ReadonlySet<string>, width: number, height: number): Promise<number> {
  const graph = visibleGraph(model, index, open);
  const boxes = await layoutGraph(graph);
  return fitZoom(boundsOf(graph.items.filter((i) => i.parent === null).map((i) => boxes.get(i.id)!)), width, height);
}

describe('expandedThatFits', () => {
  it('keeps every open block on a canvas tall enough', async () => {
    expect(await zoomFor(both, 4000, 4000)).toBeGreaterThanOrEqual(COMFORTABLE_ZOOM);
    expect(await expandedThatFits(model, index, both, 4000, 4000)).toBe(both);
  });

  it('closes the tallest block (the features chain) first, and the head stays open', async () => {
    // A canvas where everything open is too small to read but the head alone is not.
    const height = 700;
    expect(await zoomFor(both, 1000, height)).toBeLessThan(COMFORTABLE_ZOOM);
    const open = await expandedThatFits(model, index, both, 1000, height);
    expect([...open]).toEqual(['classifier']);
    expect(await zoomFor(open, 1000, height)).toBeGreaterThanOrEqual(COMFORTABLE_ZOOM);
  });

  it('closes everything when nothing open fits, and keeps an empty set as it is', async () => {
    const none = new Set<string>();
    expect([...(await expandedThatFits(model, index, both, 200, 120))]).toEqual([]);
    expect(await expandedThatFits(model, index, none, 200, 120)).toBe(none);
  });
});
