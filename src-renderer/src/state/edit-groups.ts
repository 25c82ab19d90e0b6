// Edits as the history holds them: grouped into user actions, each with a line for the
// history panel and the undo/redo tooltips.
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
          : e.preset === 'none'
            ? 'Freeze everything'
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

/** One user action: a click may produce several edit records. */
export interface EditGroup {
  label: string;
  edits: Edit[];
}

export const flatEdits = (groups: EditGroup[]): Edit[] => groups.flatMap((g) => g.edits);

/** The history as saved (labels and sizes) regrouped; one group per edit when it does not fit. */
export function groupsOf(edits: Edit[], saved?: { label: string; count: number }[]): EditGroup[] {
  if (saved && saved.reduce((s, g) => s + g.count, 0) === edits.length) {
    let at = 0;
    return saved.map((g) => ({ label: g.label, edits: edits.slice(at, (at += g.count)) }));
  }
  return edits.map((e) => ({ label: editLabel(e), edits: [e] }));
}
