// Whether a block is frozen, trainable or partly both, from the engine's per-block counts.
import type { BlockView, SurgeryView } from '../../../src-main/api/contract.js';

export type FreezeState = 'trainable' | 'frozen' | 'partial' | 'none';

export function freezeState(block: BlockView, surgery: SurgeryView | null): FreezeState {
  if (block.params === 0) return 'none';
  if (!surgery) return 'trainable';
  const t = surgery.trainableByBlock[block.path] ?? 0;
  return t === 0 ? 'frozen' : t >= block.params ? 'trainable' : 'partial';
}

/**
 * Where the freeze boundary stands among the top-level blocks: the number of leading blocks
 * that are frozen (blocks without parameters do not stop it).
 */
export function boundaryIndex(blocks: BlockView[], surgery: SurgeryView | null): number {
  let k = 0;
  for (let i = 0; i < blocks.length; i++) {
    const s = freezeState(blocks[i], surgery);
    if (s === 'frozen') k = i + 1;
    else if (s !== 'none') break;
  }
  return k;
}

/**
 * The blocks the freeze strip shows, in model order: the top-level blocks, except that a
 * block made of nested stages (DenseNet's `features`: denseblock1..4 and transitions) is
 * replaced by its children, so the boundary can stop between stages. Only blocks with
 * parameters appear: nothing else can freeze.
 */
export function stripBlocks(root: BlockView, wanted = 6, most = 16): BlockView[] {
  const withParams = (bs: BlockView[]) => bs.filter((b) => b.params > 0);
  let segments = withParams(root.children);
  for (;;) {
    if (segments.length >= wanted) return segments;
    // The largest block whose children include at least three stages (blocks of blocks).
    const candidates = segments.filter((b) => withParams(b.children).filter((c) => c.children.length > 0).length >= 3);
    if (candidates.length === 0) return segments;
    const widest = candidates.reduce((a, b) => (b.params > a.params ? b : a));
    const inner = withParams(widest.children);
    if (segments.length - 1 + inner.length > most) return segments;
    segments = segments.flatMap((b) => (b === widest ? inner : [b]));
  }
}
