// One line per edit for the history panel and the undo/redo tooltips.
import type { Edit } from '../../../src-main/api/contract.js';

const GRAPH_KINDS: ReadonlySet<Edit['kind']> = new Set(['swap-head', 'remove-softmax', 'insert-dropout', 'swap-cell']);

/** Edits that rebuild the graph (the others only change what is trainable). */
export function changesGraph(e: Edit): boolean {
  return GRAPH_KINDS.has(e.kind);
}

function list(blocks: string[]): string {
  return blocks.length <= 3 ? blocks.join(', ') : `${blocks.slice(0, 3).join(', ')} +${blocks.length - 3}`;
}

export function editLabel(e: Edit): string {
  switch (e.kind) {
    case 'freeze':
      return `Freeze ${list(e.blocks)}`;
    case 'unfreeze':
      return `Unfreeze ${list(e.blocks)}`;
    case 'freeze-preset':
      return e.preset === 'feature-extraction'
        ? 'Feature extraction (train the head only)'
        : e.preset === 'fine-tune'
          ? `Fine-tune the last ${e.stages ?? 1} stage${(e.stages ?? 1) === 1 ? '' : 's'} + head`
          : 'Train everything';
    case 'swap-head':
      return `New head: ${e.hidden ? `MLP (${e.hidden} hidden)` : 'Linear'} → ${e.classes} classes`;
    case 'remove-softmax':
      return 'Remove the output softmax';
    case 'insert-dropout':
      return `Dropout ${e.ratio} after ${e.after}`;
    case 'swap-cell':
      return `Recurrent cell → ${e.cell}${e.hiddenSize ? ` (${e.hiddenSize} hidden)` : ''}`;
  }
}
