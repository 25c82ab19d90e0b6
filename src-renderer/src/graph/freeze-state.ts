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
