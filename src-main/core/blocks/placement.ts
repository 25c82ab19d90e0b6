// A placement says which block each node lives in, as path segments ([] = the root). The
// strategies (scopes, parameter names, topology) each produce one; tree.ts turns it into
// blocks.
import type { Node } from '../ir/graph.js';
import type { BlockKind, BlockTree } from './types.js';

export interface Placement {
  pathOf: Map<Node, string[]>;
  /** Kinds a strategy already knows (topology names its stages), by block path. */
  kinds: Map<string, BlockKind>;
  source: BlockTree['source'];
}

/**
 * PyTorch module paths as block names: a numbered child keeps its parent's name, as PyTorch's
 * own scopes do ("layer1.0.conv1" -> layer1 > layer1.0 > conv1).
 */
export function blockSegments(dotted: readonly string[]): string[] {
  const out: string[] = [];
  dotted.forEach((seg, i) => out.push(/^\d+$/.test(seg) && i > 0 ? `${out[i - 1]}.${seg}` : seg));
  return out;
}

export function commonPrefix(a: readonly string[], b: readonly string[]): string[] {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return a.slice(0, i);
}

export function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((s, i) => path[i] === s);
}
