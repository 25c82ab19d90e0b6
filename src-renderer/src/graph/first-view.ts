// What a model's first view opens. The default opens the top-level blocks when they are few,
// but a tall column of them (the bundled CNN: nine layers in `features`) then needs a zoom at
// which card text is 7 px and the head falls below the canvas. Open blocks are closed, tallest
// first, until the whole graph fits at a comfortable zoom; the user opens the rest in a click.
import { blockItemId, type BlockIndex, visibleGraph } from './blocks.js';
import { layoutGraph } from './layout.js';
import { boundsOf, COMFORTABLE_ZOOM, fitZoom } from './viewport.js';
import type { ModelView } from '../../../src-main/api/contract.js';

/** `expanded` itself when it fits (or nothing is open), else the fewer blocks that do. */
export async function expandedThatFits(model: ModelView, index: BlockIndex, expanded: ReadonlySet<string>, width: number, height: number): Promise<ReadonlySet<string>> {
  const open = new Set(expanded);
  for (;;) {
    const graph = visibleGraph(model, index, open);
    const boxes = await layoutGraph(graph);
    const topLevel = graph.items.filter((i) => i.parent === null).map((i) => boxes.get(i.id)!);
    if (open.size === 0 || fitZoom(boundsOf(topLevel), width, height) >= COMFORTABLE_ZOOM) {
      return open.size === expanded.size ? expanded : open;
    }
    const tallest = [...open].reduce((a, b) => ((boxes.get(blockItemId(b))?.height ?? 0) > (boxes.get(blockItemId(a))?.height ?? 0) ? b : a));
    for (const path of [...open]) if (path === tallest || path.startsWith(`${tallest}/`)) open.delete(path);
  }
}
