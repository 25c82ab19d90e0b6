// What the freeze strip's handle cannot show: blocks after it that are frozen in part or whole
// (a preset such as "Fine-tune last 1", a lock or "Freeze picked" can freeze inside a stage).
import type { BlockView, SurgeryView } from '../../../../src-main/api/contract.js';
import { freezeState } from '../../graph/freeze-state.js';

/** The strip's blocks from the handle's position `k` on that are not wholly trainable. */
export function frozenPastHandle(blocks: readonly BlockView[], surgery: SurgeryView | null, k: number): BlockView[] {
  return blocks.slice(k).filter((b) => {
    const s = freezeState(b, surgery);
    return s === 'frozen' || s === 'partial';
  });
}

/**
 * Whether dropping the handle at `k` changes anything: it does when it moves, and also where it
 * stays but blocks after it are frozen, since a drop makes the boundary the only freezing.
 */
export function dropChangesFreezing(blocks: readonly BlockView[], surgery: SurgeryView | null, current: number, k: number): boolean {
  return k !== current || frozenPastHandle(blocks, surgery, current).length > 0;
}
