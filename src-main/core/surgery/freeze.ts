// Freezing is bookkeeping over parameter names: the frozen set. Keeping frozen (rather than
// trainable) names means a parameter that an edit creates later, a new head, starts
// trainable without any edit having to know about freezing.
import { GraftError } from '../errors.js';
import { type Block, type BlockTree, type HeadInfo, detectHead, headAndLastStages, headBlockOf, paramsOfBlocks, parameterValues } from '../blocks/index.js';
import type { Graph } from '../ir/graph.js';
import type { FreezePreset } from './edits.js';

/**
 * The block that is "the head" to a person: the one the tree marks as head (torchvision's
 * `classifier`, or `fc` holding a swapped-in MLP), not only the last layer inside it.
 */
export function headBlockPath(tree: BlockTree, head: HeadInfo): string {
  return headBlockOf(tree, head);
}

/** The blocks a preset trains. */
export function presetBlocks(graph: Graph, tree: BlockTree, preset: 'feature-extraction' | 'fine-tune', stages: number): string[] {
  const head = detectHead(graph, tree);
  if (!head) throw new GraftError('no-head', `freeze-preset ${preset}: no classification head found in this model, so there is nothing to keep trainable`);
  const headBlock = headBlockPath(tree, head);
  const blocks = headAndLastStages(tree, head, preset === 'feature-extraction' ? 0 : stages);
  // headAndLastStages picks the head layer's own block; widen it to the whole head.
  return [...new Set(blocks.map((b) => (b === head.block ? headBlock : b)))].filter((b) => b === headBlock || !b.startsWith(`${headBlock}/`));
}

/** Names of all parameters except those the preset trains. */
export function presetFrozen(graph: Graph, tree: BlockTree, preset: FreezePreset, stages: number): { frozen: Set<string>; trained: string[] } {
  const all = parameterValues(graph).map((v) => v.name);
  if (preset === 'full') return { frozen: new Set(), trained: [] };
  if (preset === 'none') return { frozen: new Set(all), trained: [] };
  const trained = presetBlocks(graph, tree, preset, stages);
  const keep = paramsOfBlocks(graph, tree, trained);
  return { frozen: new Set(all.filter((n) => !keep.has(n))), trained };
}

/**
 * The outermost blocks whose parameters are all frozen: a block is frozen when it or an
 * ancestor is listed. Blocks without parameters are never listed.
 */
export function frozenBlockPaths(graph: Graph, tree: BlockTree, frozen: ReadonlySet<string>): string[] {
  if (frozen.size === 0) return [];
  const out: string[] = [];
  const visit = (b: Block) => {
    if (b.params > 0 && b.path !== '') {
      const params = paramsOfBlocks(graph, tree, [b.path]);
      if ([...params].every((p) => frozen.has(p))) {
        out.push(b.path);
        return;
      }
    }
    for (const c of b.children) visit(c);
  };
  visit(tree.root);
  return out;
}
