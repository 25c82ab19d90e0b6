// Multidirectional (numpy) broadcasting of shapes, with symbols: shape inference and the
// gradient rules (which sum a gradient back over the broadcast axes) share it.
import type { Dim } from '../ir/graph.js';
import { formatShape } from './context.js';
import { sameDim } from './symbolic.js';

/** The broadcast of two dims, or undefined when they cannot broadcast. */
export function broadcastDim(a: Dim, b: Dim): Dim | undefined {
  if (sameDim(a, b)) return a;
  if (a === 1) return b;
  if (b === 1) return a;
  if (typeof a === 'number' && typeof b === 'number') return undefined;
  // A fixed size other than 1 wins: the symbol must be that size or 1 for the model to run.
  if (typeof a === 'number') return a;
  if (typeof b === 'number') return b;
  return null;
}

/** Who hears about shapes that cannot broadcast: a shape rule's context, or a gradient rule's. */
export interface BroadcastFailure {
  fail(message: string): never;
}

/** The broadcast of `shapes`; a pair of dims that cannot broadcast goes to `on.fail`. */
export function broadcastShapes(on: BroadcastFailure, shapes: readonly (readonly Dim[])[]): Dim[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: Dim[] = new Array(rank).fill(1);
  for (const s of shapes) {
    const off = rank - s.length;
    for (let i = 0; i < s.length; i++) {
      const d = broadcastDim(out[off + i], s[i]);
      if (d === undefined) {
        on.fail(`cannot broadcast shapes ${shapes.map(formatShape).join(' and ')} (dimension ${off + i - rank}: ${out[off + i]} vs ${s[i]})`);
      }
      out[off + i] = d;
    }
  }
  return out;
}
