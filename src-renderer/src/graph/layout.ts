// Positions for the visible items: a layered layout, top to bottom, computed per open group
// (children first, so each group is sized around them) from the edges between its direct
// children: an edge that crosses group borders is lifted to the two items it joins at the
// level of their common group. React Flow draws the real edges itself, so nothing is routed.
//
// Why not ELK: its hierarchical layered layout took 1-7 s on DenseNet-121 (97 to 813 items),
// which made every expand and every Find step wait. Network graphs, once the implied edges are
// left out (edge-reduction.ts), are chains with short side branches; a longest-path layering
// with barycentre placement draws them in a few milliseconds, in model order.
import type { Item, VisibleGraph } from './blocks.js';

export const BLOCK_SIZE = { width: 200, height: 54 };
export const OP_SIZE = { width: 150, height: 34 };
/** Room at the top of a group for its header. */
export const GROUP_HEADER = 36;
/** Wide enough for a group's header: chevron, name, kind, shape and parameters. */
export const GROUP_MIN_WIDTH = 300;
const PAD = { top: GROUP_HEADER + 6, side: 14, bottom: 14 };
const LAYER_GAP = 26;
const NODE_GAP = 24;

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Returns a box per item id; group and child boxes are relative to their parent, as React Flow wants. */
export async function layoutGraph(graph: VisibleGraph): Promise<Map<string, Box>> {
  return layoutSync(graph);
}

export function layoutSync(graph: VisibleGraph): Map<string, Box> {
  const children = new Map<string | null, Item[]>();
  const parentOf = new Map<string, string | null>();
  const order = new Map<string, number>();
  graph.items.forEach((item, i) => {
    parentOf.set(item.id, item.parent);
    order.set(item.id, i);
    const list = children.get(item.parent);
    if (list) list.push(item);
    else children.set(item.parent, [item]);
  });
  const lifted = new Map<string | null, Map<string, [string, string]>>();
  for (const e of graph.edges) {
    const l = liftEdge(e.source, e.target, parentOf);
    if (!l) continue;
    let m = lifted.get(l[2]);
    if (!m) lifted.set(l[2], (m = new Map()));
    m.set(`${l[0]}>${l[1]}`, [l[0], l[1]]);
  }

  const boxes = new Map<string, Box>();
  const size = (item: Item): { width: number; height: number } => {
    if (item.kind !== 'group') return item.kind === 'op' ? OP_SIZE : BLOCK_SIZE;
    const content = placeChildren(item.id);
    const width = Math.max(content.width + 2 * PAD.side, GROUP_MIN_WIDTH);
    // Narrow content sits centred under the header.
    const dx = PAD.side + (width - 2 * PAD.side - content.width) / 2;
    for (const c of children.get(item.id) ?? []) {
      const b = boxes.get(c.id)!;
      b.x += dx;
      b.y += PAD.top;
    }
    return { width, height: content.height + PAD.top + PAD.bottom };
  };

  /** Lays out the children of `parent` from (0, 0); returns the size they take. */
  const placeChildren = (parent: string | null): { width: number; height: number } => {
    const items = children.get(parent) ?? [];
    const sizes = new Map(items.map((i) => [i.id, size(i)]));
    const edges = [...(lifted.get(parent)?.values() ?? [])];
    const layers = layerItems(items.map((i) => i.id), edges, order);
    const preds = new Map<string, string[]>();
    for (const [s, t] of edges) (preds.get(t) ?? preds.set(t, []).get(t)!).push(s);

    const centre = new Map<string, number>();
    let y = 0;
    let minX = Infinity;
    let maxX = -Infinity;
    for (const layer of layers) {
      const wanted = (id: string) => {
        const ps = (preds.get(id) ?? []).filter((p) => centre.has(p));
        return ps.length ? ps.reduce((s, p) => s + centre.get(p)!, 0) / ps.length : null;
      };
      const rows = layer.map((id) => ({ id, want: wanted(id), w: sizes.get(id)!.width }));
      rows.sort((a, b) => (a.want ?? Infinity) - (b.want ?? Infinity) || order.get(a.id)! - order.get(b.id)!);
      // Pack left to right at the wanted centres, then shift the row so on average each item
      // sits where its inputs are (no pushes drift the graph to the right).
      let right = -Infinity;
      let drift = 0;
      let anchored = 0;
      const lefts = rows.map((r) => {
        const free = right === -Infinity ? -Infinity : right + NODE_GAP;
        const left = r.want === null ? (free === -Infinity ? 0 : free) : Math.max(r.want - r.w / 2, free);
        right = left + r.w;
        if (r.want !== null) {
          drift += left + r.w / 2 - r.want;
          anchored++;
        }
        return left;
      });
      const shift = anchored ? -drift / anchored : -(right - lefts[0]) / 2 - lefts[0];
      let height = 0;
      rows.forEach((r, i) => {
        const x = lefts[i] + shift;
        const s = sizes.get(r.id)!;
        boxes.set(r.id, { x, y, width: s.width, height: s.height });
        centre.set(r.id, x + s.width / 2);
        minX = Math.min(minX, x);
        maxX = Math.max(maxX, x + s.width);
        height = Math.max(height, s.height);
      });
      y += height + LAYER_GAP;
    }
    if (minX === Infinity) return { width: 0, height: 0 };
    for (const i of items) boxes.get(i.id)!.x -= minX;
    return { width: maxX - minX, height: y - LAYER_GAP };
  };

  placeChildren(null);
  return boxes;
}

/**
 * Longest-path layers in model order: an item sits one layer below its lowest input. Items
 * are taken in model order among those whose inputs are placed; a cycle (a block that is not
 * convex once collapsed) is broken at its earliest item.
 */
export function layerItems(ids: string[], edges: [string, string][], order: Map<string, number>): string[][] {
  const preds = new Map<string, string[]>(ids.map((id) => [id, []]));
  const succs = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const [s, t] of edges) {
    if (!preds.has(s) || !preds.has(t) || s === t) continue;
    preds.get(t)!.push(s);
    succs.get(s)!.push(t);
  }
  const waiting = new Map(ids.map((id) => [id, preds.get(id)!.length]));
  const layer = new Map<string, number>();
  const pending = [...ids].sort((a, b) => order.get(a)! - order.get(b)!);
  const ready = pending.filter((id) => waiting.get(id) === 0);
  const done = new Set<string>();
  while (done.size < ids.length) {
    let next: string | undefined;
    if (ready.length) {
      let best = 0;
      for (let i = 1; i < ready.length; i++) if (order.get(ready[i])! < order.get(ready[best])!) best = i;
      next = ready.splice(best, 1)[0];
    } else {
      next = pending.find((id) => !done.has(id))!;
    }
    if (done.has(next)) continue;
    done.add(next);
    layer.set(next, Math.max(-1, ...preds.get(next)!.filter((p) => layer.has(p)).map((p) => layer.get(p)!)) + 1);
    for (const s of succs.get(next)!) {
      const left = waiting.get(s)! - 1;
      waiting.set(s, left);
      if (left === 0 && !done.has(s)) ready.push(s);
    }
  }
  const layers: string[][] = [];
  for (const id of pending) (layers[layer.get(id)!] ??= []).push(id);
  return layers.filter((l) => l !== undefined);
}

/** The two items that hold `source` and `target` as siblings, and their common group; null inside one item. */
export function liftEdge(source: string, target: string, parentOf: Map<string, string | null>): [string, string, string | null] | null {
  const chain = (id: string) => {
    const out = [id];
    for (let p = parentOf.get(id); p !== null && p !== undefined; p = parentOf.get(p)) out.push(p);
    return out.reverse(); // outermost first
  };
  const a = chain(source);
  const b = chain(target);
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (i === a.length || i === b.length) return null; // one holds the other
  return [a[i], b[i], i === 0 ? null : a[i - 1]];
}
