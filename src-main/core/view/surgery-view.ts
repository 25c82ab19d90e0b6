// What an edit list did to the trainable set, per block, for the graph editor: every block's
// trainable parameter count lets it show "frozen", "trainable" or "partly" at a glance.
import type { Graph } from '../ir/graph.js';
import type { Value } from '../ir/graph.js';
import { countParams, nodeParameters, parameterValues } from '../blocks/index.js';
import type { SurgeryResult } from '../surgery/apply.js';
import type { Edit } from '../surgery/edits.js';

export interface SurgeryViewData {
  edits: Edit[];
  /** Outermost fully frozen blocks. */
  frozenBlocks: string[];
  trainableParams: number;
  totalParams: number;
  /** Trainable parameter elements per block path (the root is ""); absent = none. */
  trainableByBlock: Record<string, number>;
  /** One line per edit, from the engine. */
  log: string[];
}

/** All ancestors of a block path, itself included, down from the root "". */
function ancestors(path: string): string[] {
  const out = [''];
  if (!path) return out;
  const parts = path.split('/');
  for (let i = 1; i <= parts.length; i++) out.push(parts.slice(0, i).join('/'));
  return out;
}

/**
 * Trainable parameter elements per block. A parameter shared by nodes of two blocks counts
 * once in each block and once in their common ancestors.
 */
export function trainableByBlock(graph: Graph, blockOfNode: (nodeId: string) => string, trainable: ReadonlySet<string>): Record<string, number> {
  const perBlock = new Map<string, Set<Value>>();
  for (const node of graph.nodes) {
    const params = nodeParameters(node).filter((p) => trainable.has(p.name));
    if (params.length === 0) continue;
    for (const block of ancestors(blockOfNode(node.id))) {
      let set = perBlock.get(block);
      if (!set) perBlock.set(block, (set = new Set()));
      for (const p of params) set.add(p);
    }
  }
  const out: Record<string, number> = {};
  for (const [block, set] of perBlock) out[block] = countParams([...set]);
  return out;
}

export function surgeryView(graph: Graph, blockOfNode: (nodeId: string) => string, edits: readonly Edit[], result: SurgeryResult): SurgeryViewData {
  const params = parameterValues(graph);
  const trainable = params.filter((p) => result.trainable.has(p.name));
  return {
    edits: [...edits],
    frozenBlocks: result.frozenBlocks,
    trainableParams: countParams(trainable),
    totalParams: countParams(params),
    trainableByBlock: trainableByBlock(graph, blockOfNode, result.trainable),
    log: result.log,
  };
}
