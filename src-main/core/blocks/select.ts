// Choosing what to train by blocks: the parameters of a set of blocks, and the classic
// transfer-learning selections (the head alone; the head and the last N stages).
import { GraftError } from '../errors.js';
import type { Graph } from '../ir/graph.js';
import { nodeParameters } from './params.js';
import type { Block, BlockTree, HeadInfo } from './types.js';

function collectNodes(b: Block, out: string[]): string[] {
  for (const id of b.nodeIds) out.push(id); // not push(...ids): a block may hold 100k+ nodes
  for (const c of b.children) collectNodes(c, out);
  return out;
}

/** Parameter names read by the nodes of the given blocks (paths as in the tree). */
export function paramsOfBlocks(graph: Graph, tree: BlockTree, paths: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const path of paths) {
    const block = tree.blocks.get(path);
    if (!block) {
      const top = tree.root.children.map((c) => c.path).join(', ');
      throw new GraftError('unknown-block', `no block "${path}" in this model (top-level blocks: ${top})`);
    }
    for (const id of collectNodes(block, [])) for (const p of nodeParameters(graph.node(id))) names.add(p.name);
  }
  return names;
}

/**
 * The head's block and the last `stages` blocks with parameters before it. Where a single
 * top-level block holds the whole body (torchvision's `features`), its children are the
 * stages; a normalization layer between them and the head comes along.
 */
export function headAndLastStages(tree: BlockTree, head: HeadInfo | null, stages: number): string[] {
  if (!head) throw new GraftError('no-head', 'no classification head found in this model');
  const headBlock = headBlockOf(tree, head);
  // Stages sit beside the head: look inside wrappers that hold the whole network, head
  // included (tf2onnx's `StatefulPartitionedCall/sequential/...`).
  const holdsHead = (b: Block) => headBlock === b.path || headBlock.startsWith(`${b.path}/`);
  let container = tree.root;
  for (;;) {
    const withParams = container.children.filter((b) => b.params > 0);
    if (withParams.length !== 1 || withParams[0].path === headBlock || !holdsHead(withParams[0])) break;
    container = withParams[0];
  }
  let body = container.children.filter((b) => !holdsHead(b) && !head.block.startsWith(`${b.path}/`));
  const withParams = body.filter((b) => b.params > 0);
  if (withParams.length === 1 && withParams[0].children.some((c) => c.params > 0)) body = withParams[0].children;
  const withWeights = body.filter((b) => b.params > 0);
  // Stages are blocks of blocks where the body has them: DenseNet's trailing norm5 is not
  // "the last stage", denseblock4 is (and the layers after it train with it).
  const stageAt = withWeights.flatMap((b, i) => (b.children.length > 0 ? [i] : []));
  const from = stageAt.length >= stages && stages > 0 ? stageAt[stageAt.length - stages] : Math.max(0, withWeights.length - stages);
  const picked = withWeights.slice(from).map((b) => b.path);
  return stages === 0 ? [headBlock] : [...picked, headBlock];
}

/**
 * The whole head: the outermost block of kind 'head' around the head's linear layer (all of
 * torchvision's `classifier`, or an MLP head), else the linear layer's own block.
 */
export function headBlockOf(tree: BlockTree, head: HeadInfo): string {
  const parts = head.block.split('/');
  for (let i = 1; i <= parts.length; i++) {
    const path = parts.slice(0, i).join('/');
    if (tree.blocks.get(path)?.kind === 'head') return path;
  }
  return head.block;
}
