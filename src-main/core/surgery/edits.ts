// Edit records: what the user asked for, never the tensors it produced. A project file and the
// undo/redo history are lists of these; applyEdits replays them from the original model, so
// every record must be JSON-serialisable and carry its own seed.
import { GraftError } from '../errors.js';

/** What trains: the head alone, the head and the last stages, everything, or nothing (the
 * start for "only these blocks": unfreeze edits follow it). */
export type FreezePreset = 'feature-extraction' | 'fine-tune' | 'full' | 'none';

export const FREEZE_PRESETS: readonly FreezePreset[] = ['feature-extraction', 'fine-tune', 'full', 'none'];

export interface FreezeEdit {
  kind: 'freeze';
  /** Block paths as in the block tree ("layer4", "layer4/layer4.1"). */
  blocks: string[];
}

export interface UnfreezeEdit {
  kind: 'unfreeze';
  blocks: string[];
}

/** Replaces the whole freeze state (see FreezePreset). */
export interface FreezePresetEdit {
  kind: 'freeze-preset';
  preset: FreezePreset;
  /** For 'fine-tune': how many stages before the head to train (default 1). */
  stages?: number;
}

export interface SwapHeadEdit {
  kind: 'swap-head';
  classes: number;
  /** When set, the head becomes Linear(in, hidden) -> ReLU -> Dropout -> Linear(hidden, classes). */
  hidden?: number;
  /** Dropout probability inside the MLP head (needs `hidden`). */
  dropout?: number;
  seed: number;
  /** Stored in the model's metadata as `class_names` (a JSON array). */
  classNames?: string[];
}

export interface RemoveSoftmaxEdit {
  kind: 'remove-softmax';
}

export interface InsertDropoutEdit {
  kind: 'insert-dropout';
  /** Block path; the dropout goes on the block's single output. */
  after: string;
  ratio: number;
}

/** Replaces a fused LSTM/GRU/RNN node by a freshly initialised one (see swap-cell.ts). */
export interface SwapCellEdit {
  kind: 'swap-cell';
  /** Node id; default: the model's only recurrent node. */
  node?: string;
  cell: 'LSTM' | 'GRU' | 'RNN';
  hiddenSize?: number;
  seed: number;
}

export type Edit = FreezeEdit | UnfreezeEdit | FreezePresetEdit | SwapHeadEdit | RemoveSoftmaxEdit | InsertDropoutEdit | SwapCellEdit;

export type EditKind = Edit['kind'];

/** Edits that only change the trainable set; the others rebuild the graph. */
export function changesGraph(edit: Edit): boolean {
  return edit.kind === 'swap-head' || edit.kind === 'remove-softmax' || edit.kind === 'insert-dropout' || edit.kind === 'swap-cell';
}

// ---- validation ---------------------------------------------------------------------------
// Project files come from disk and may be hand-edited or from a newer version: check every
// field before replaying, and name the edit at fault.

function invalid(index: number, kind: string, why: string): never {
  throw new GraftError('edit-invalid', `edit ${index + 1} (${kind}): ${why}`);
}

const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x);
const isProbability = (x: unknown): x is number => typeof x === 'number' && x >= 0 && x < 1;

function checkBlockList(index: number, kind: string, blocks: unknown): void {
  if (!Array.isArray(blocks) || !blocks.every((b) => typeof b === 'string')) invalid(index, kind, '"blocks" must be a list of block paths');
  if (blocks.length === 0) invalid(index, kind, 'no blocks given');
}

function checkSwapHead(index: number, e: SwapHeadEdit): void {
  if (!isInt(e.classes) || e.classes < 2) invalid(index, e.kind, `"classes" must be a whole number of at least 2 (got ${String(e.classes)})`);
  if (!isInt(e.seed)) invalid(index, e.kind, `"seed" must be a whole number (got ${String(e.seed)})`);
  if (e.hidden !== undefined && (!isInt(e.hidden) || e.hidden < 1)) {
    invalid(index, e.kind, `"hidden" must be a positive whole number (got ${String(e.hidden)})`);
  }
  if (e.dropout !== undefined) {
    if (!isProbability(e.dropout)) invalid(index, e.kind, `"dropout" must be in [0, 1) (got ${String(e.dropout)})`);
    if (e.hidden === undefined && e.dropout > 0) invalid(index, e.kind, '"dropout" belongs to the MLP head: set "hidden" too, or use insert-dropout');
  }
  if (e.classNames !== undefined) {
    if (!Array.isArray(e.classNames) || !e.classNames.every((c) => typeof c === 'string')) invalid(index, e.kind, '"classNames" must be a list of strings');
    if (e.classNames.length !== e.classes) invalid(index, e.kind, `${e.classNames.length} class names for ${e.classes} classes`);
  }
}

/** Throws GraftError('edit-invalid' | 'edit-unknown') naming the edit (1-based) and the field. */
export function checkEdit(edit: unknown, index: number): asserts edit is Edit {
  if (typeof edit !== 'object' || edit === null || typeof (edit as { kind?: unknown }).kind !== 'string') {
    throw new GraftError('edit-invalid', `edit ${index + 1}: not an edit record (expected an object with a "kind")`);
  }
  const e = edit as Edit;
  switch (e.kind) {
    case 'freeze':
    case 'unfreeze':
      return checkBlockList(index, e.kind, e.blocks);
    case 'freeze-preset':
      if (!FREEZE_PRESETS.includes(e.preset)) {
        invalid(index, e.kind, `unknown preset "${String(e.preset)}" (${FREEZE_PRESETS.join(', ')})`);
      }
      if (e.stages !== undefined && (!isInt(e.stages) || e.stages < 0)) invalid(index, e.kind, `"stages" must be a whole number >= 0 (got ${String(e.stages)})`);
      return;
    case 'swap-head':
      return checkSwapHead(index, e);
    case 'remove-softmax':
      return;
    case 'insert-dropout':
      if (typeof e.after !== 'string') invalid(index, e.kind, '"after" must be a block path');
      if (!isProbability(e.ratio)) invalid(index, e.kind, `"ratio" must be in [0, 1) (got ${String(e.ratio)})`);
      return;
    case 'swap-cell':
      if (!['LSTM', 'GRU', 'RNN'].includes(e.cell)) invalid(index, e.kind, `unknown cell "${String(e.cell)}" (LSTM, GRU or RNN)`);
      if (e.node !== undefined && typeof e.node !== 'string') invalid(index, e.kind, '"node" must be a node id');
      if (e.hiddenSize !== undefined && (!isInt(e.hiddenSize) || e.hiddenSize < 1)) invalid(index, e.kind, `"hiddenSize" must be a positive whole number (got ${String(e.hiddenSize)})`);
      if (!isInt(e.seed)) invalid(index, e.kind, `"seed" must be a whole number (got ${String(e.seed)})`);
      return;
    default:
      throw new GraftError('edit-unknown', `edit ${index + 1}: unknown kind "${(e as { kind: string }).kind}" (a project from a newer version?)`);
  }
}
