// What each block is, for the UI's icons and for presets ("fine-tune the last two stages"):
// from what a strategy already knows, from the units found in the data flow, and from the
// ops a block holds.
import type { Graph, Node } from '../ir/graph.js';
import type { HeadMatch } from './head.js';
import type { Block, BlockKind, BlockTree } from './types.js';
import type { ForkJoinUnit } from './units.js';

const OP_KINDS: [BlockKind, ReadonlySet<string>][] = [
  ['recurrent', new Set(['LSTM', 'GRU', 'RNN'])],
  ['conv', new Set(['Conv', 'ConvTranspose'])],
  ['linear', new Set(['Gemm', 'MatMul'])],
  ['norm', new Set(['BatchNormalization', 'InstanceNormalization', 'LayerNormalization', 'GroupNormalization', 'LpNormalization'])],
  ['pool', new Set(['MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'LpPool', 'GlobalLpPool'])],
  ['activation', new Set(['Relu', 'LeakyRelu', 'PRelu', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'Tanh', 'Elu', 'Selu', 'Gelu', 'Mish', 'Softplus', 'Softsign', 'Clip', 'Softmax', 'LogSoftmax', 'Mul', 'Erf', 'Div', 'Add'])],
  ['reshape', new Set(['Flatten', 'Reshape', 'Squeeze', 'Unsqueeze', 'Transpose', 'Concat', 'Gather', 'Shape'])],
];
/** Ops that hint at an activation only when nothing stronger is present (hard-swish is Mul). */
const WEAK_ACTIVATION = new Set(['Mul', 'Div', 'Add', 'Erf']);

function kindFromOps(ops: Set<string>): BlockKind {
  for (const [kind, set] of OP_KINDS) {
    if (kind === 'activation') {
      const strong = [...ops].some((o) => set.has(o) && !WEAK_ACTIVATION.has(o));
      if (strong) return kind;
      continue;
    }
    if ([...ops].some((o) => set.has(o))) return kind;
  }
  return 'op';
}

export interface KindContext {
  graph: Graph;
  tree: BlockTree;
  units: ForkJoinUnit[];
  head: HeadMatch | null;
  known: Map<string, BlockKind>;
}

export function assignKinds(ctx: KindContext): void {
  const { tree, graph } = ctx;
  const nodesById = graph.nodesById;
  const parentOf = new Map<Block, Block | null>();
  const walk = (b: Block, p: Block | null) => {
    parentOf.set(b, p);
    for (const c of b.children) walk(c, b);
  };
  walk(tree.root, null);
  const blockOf = (n: Node) => tree.blocks.get(tree.blockOfNode.get(n.id)!)!;
  const holds = (b: Block, n: Node) => {
    const p = tree.blockOfNode.get(n.id)!;
    return b.path === '' || p === b.path || p.startsWith(`${b.path}/`);
  };

  // Leaves and groups by content first.
  const subtreeOps = (b: Block): Set<string> => {
    const ops = new Set(b.nodeIds.map((id) => nodesById.get(id)!.opType));
    for (const c of b.children) for (const o of subtreeOps(c)) ops.add(o);
    return ops;
  };
  const byContent = (b: Block) => {
    for (const c of b.children) byContent(c);
    if (b === tree.root) return;
    if (b.children.length === 0) b.kind = kindFromOps(subtreeOps(b));
    else b.kind = b.children.every((c) => /(^|\.)\d+$/.test(c.name)) ? 'sequential' : 'group';
  };
  byContent(tree.root);

  // Units: the innermost block holding the join and every weighted layer of the unit.
  const unitBlocks = new Map<Block, ForkJoinUnit['kind']>();
  for (const u of ctx.units) {
    const weighted = [...u.nodes].filter((n) => n.opType === 'Conv' || n.opType === 'Gemm' || n.opType === 'MatMul');
    let b: Block | null = blockOf(u.join);
    while (b && b !== tree.root && !weighted.every((n) => holds(b!, n))) b = parentOf.get(b) ?? null;
    if (!b || b === tree.root) continue;
    if (unitBlocks.get(b) !== 'residual') unitBlocks.set(b, u.kind); // an SE inside a residual stays inside
  }
  for (const [b, kind] of unitBlocks) b.kind = kind;

  markStages(tree, unitBlocks, subtreeOps);
  markHead(ctx, parentOf, holds);
  for (const [path, kind] of ctx.known) {
    const b = tree.blocks.get(path);
    if (b) b.kind = kind;
  }
}

/**
 * Stages are the spine's children that hold two or more residual units; conv blocks before
 * the first stage form the stem. The spine is the root, or the one child holding most of the
 * network (torchvision's "features").
 */
function markStages(tree: BlockTree, unitBlocks: Map<Block, string>, subtreeOps: (b: Block) => Set<string>): void {
  const residualsIn = (b: Block): number => (unitBlocks.get(b) === 'residual' ? 1 : 0) + b.children.reduce((s, c) => s + residualsIn(c), 0);
  let spine = tree.root;
  const total = residualsIn(spine);
  const main = spine.children.find((c) => total > 0 && residualsIn(c) === total && c.children.length > 1);
  if (main) spine = main;
  const first = spine.children.findIndex((c) => residualsIn(c) >= 2 && unitBlocks.get(c) !== 'residual');
  if (first < 0) return;
  spine.children.forEach((c, i) => {
    if (i >= first && residualsIn(c) >= 2 && unitBlocks.get(c) !== 'residual') c.kind = 'stage';
    else if (i < first && subtreeOps(c).has('Conv')) c.kind = 'stem';
  });
}

/** The head block: the top-level block around the head layer when it holds nothing else heavy. */
function markHead(ctx: KindContext, parentOf: Map<Block, Block | null>, holds: (b: Block, n: Node) => boolean): void {
  const { tree, head, graph } = ctx;
  if (!head) return;
  const own = tree.blocks.get(tree.blockOfNode.get(head.linear.id)!)!;
  if (own === tree.root) return;
  let top = own;
  while (parentOf.get(top) && parentOf.get(top) !== tree.root) top = parentOf.get(top)!;
  const heavy = graph.nodes.some((n) => holds(top, n) && (n.opType === 'Conv' || n.opType === 'LSTM' || n.opType === 'GRU' || n.opType === 'RNN'));
  (heavy ? own : top).kind = 'head';
}
