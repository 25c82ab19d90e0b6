// Legible dataflow for densely connected models: an edge A -> C is left out of the drawing
// when another path A -> ... -> C already shows that C depends on A (transitive reduction).
// DenseNet's blocks read every earlier layer's output, so without this a dense block of 24
// layers draws 300 edges (and ELK needs seconds to route them); with it, a chain of 24.
// Each target keeps the number of inputs it lost, so the card can say it reads more.

export interface DrawnEdge {
  id: string;
  source: string;
  target: string;
}

export interface ReducedEdges<E extends DrawnEdge> {
  edges: E[];
  /** Target item id -> how many of its incoming edges were left out. */
  hiddenInputs: Map<string, number>;
}

/**
 * Keeps the edges no other path implies. Items on a cycle (a block that is not convex once
 * collapsed) keep all their edges: reduction is only defined on the acyclic part.
 */
export function reduceEdges<E extends DrawnEdge>(edges: E[]): ReducedEdges<E> {
  const ids = new Map<string, number>();
  const idOf = (s: string) => {
    let i = ids.get(s);
    if (i === undefined) ids.set(s, (i = ids.size));
    return i;
  };
  for (const e of edges) {
    idOf(e.source);
    idOf(e.target);
  }
  const n = ids.size;
  const out: number[][] = Array.from({ length: n }, () => []);
  const indegree = new Int32Array(n);
  for (const e of edges) {
    out[ids.get(e.source)!].push(ids.get(e.target)!);
    indegree[ids.get(e.target)!]++;
  }

  // Kahn's order; whatever it cannot place is on (or behind) a cycle.
  const order: number[] = [];
  const rank = new Int32Array(n).fill(-1);
  const queue: number[] = [];
  for (let i = 0; i < n; i++) if (indegree[i] === 0) queue.push(i);
  while (queue.length) {
    const v = queue.pop()!;
    rank[v] = order.length;
    order.push(v);
    for (const w of out[v]) if (--indegree[w] === 0) queue.push(w);
  }

  // Reachability as bitsets, built in reverse order; a successor already reachable through
  // an earlier-ranked successor is redundant.
  const words = Math.ceil(n / 32);
  const reach: (Uint32Array | null)[] = new Array(n).fill(null);
  const redundant = new Set<string>();
  const has = (set: Uint32Array, i: number) => (set[i >>> 5] & (1 << (i & 31))) !== 0;
  for (let k = order.length - 1; k >= 0; k--) {
    const v = order[k];
    const covered = new Uint32Array(words);
    const next = [...new Set(out[v])].sort((a, b) => rank[a] - rank[b]);
    for (const w of next) {
      if (rank[w] < 0) continue;
      if (has(covered, w)) {
        redundant.add(`${v}>${w}`);
        continue;
      }
      const r = reach[w]!;
      for (let i = 0; i < words; i++) covered[i] |= r[i];
    }
    covered[v >>> 5] |= 1 << (v & 31);
    reach[v] = covered;
  }

  const kept: E[] = [];
  const hiddenInputs = new Map<string, number>();
  for (const e of edges) {
    if (redundant.has(`${ids.get(e.source)}>${ids.get(e.target)}`)) hiddenInputs.set(e.target, (hiddenInputs.get(e.target) ?? 0) + 1);
    else kept.push(e);
  }
  return { edges: kept, hiddenInputs };
}
