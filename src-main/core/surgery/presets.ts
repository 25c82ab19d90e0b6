// Strategies as edit records. "Feature extraction", "fine-tune the last N stages", "train
// these blocks" are not settings of a run: each is a short list of edits, the same language
// the studio's freezing and undo history speak, so the UI, the CLI and the trainer agree on
// what trains by construction.
import { GraftError } from '../errors.js';
import type { Edit, FreezePresetEdit, SwapCellEdit, SwapHeadEdit } from './edits.js';

export interface StrategyEdits {
  edits: Edit[];
  /** From scratch: the same architecture with every weight re-initialised. */
  reinit: boolean;
}

export function freezePreset(preset: FreezePresetEdit['preset'], stages?: number): FreezePresetEdit {
  return preset === 'fine-tune' ? { kind: 'freeze-preset', preset, stages: stages ?? 1 } : { kind: 'freeze-preset', preset };
}

/** The head and these blocks train; everything else is frozen. */
export function trainBlocks(blocks: readonly string[]): Edit[] {
  return [freezePreset('feature-extraction'), { kind: 'unfreeze', blocks: [...blocks] }];
}

/** Only these blocks train (not even the head unless listed). */
export function onlyBlocks(blocks: readonly string[]): Edit[] {
  return [freezePreset('none'), { kind: 'unfreeze', blocks: [...blocks] }];
}

/**
 * A strategy spec as the command line spells it: `feature-extraction`, `fine-tune[:N]`,
 * `full`, `scratch`, or comma-separated block paths (the head trains with them).
 */
export function strategyEdits(spec: string): StrategyEdits {
  const ft = /^fine-tune(?::(\d+))?$/.exec(spec);
  if (ft) return { edits: [freezePreset('fine-tune', Number(ft[1] ?? 1))], reinit: false };
  if (spec === 'feature-extraction' || spec === 'full') return { edits: [freezePreset(spec)], reinit: false };
  if (spec === 'scratch') return { edits: [freezePreset('full')], reinit: true };
  const blocks = blockList(spec);
  return { edits: trainBlocks(blocks), reinit: false };
}

/**
 * What `graft gradients --trainable` names: `all`, `head`, `fine-tune[:N]`, or exactly these
 * comma-separated blocks.
 */
export function trainableEdits(spec: string): Edit[] {
  if (spec === 'all') return [freezePreset('full')];
  if (spec === 'head') return [freezePreset('feature-extraction')];
  const ft = /^fine-tune(?::(\d+))?$/.exec(spec);
  if (ft) return [freezePreset('fine-tune', Number(ft[1] ?? 1))];
  return onlyBlocks(blockList(spec));
}

function blockList(spec: string): string[] {
  const blocks = spec.split(',').map((s) => s.trim()).filter(Boolean);
  if (blocks.length === 0) throw new GraftError('strategy-invalid', `"${spec}" names no strategy and no blocks`);
  return blocks;
}

export interface HeadOptions {
  classes: number;
  seed: number;
  /** An MLP head (Linear-ReLU-Dropout-Linear) of this width. */
  hidden?: number | null;
  /** Kept in the model's metadata when there is one per class. */
  classNames?: readonly string[] | null;
}

export function swapHeadEdit(o: HeadOptions): SwapHeadEdit {
  return {
    kind: 'swap-head',
    classes: o.classes,
    seed: o.seed,
    ...(o.hidden ? { hidden: o.hidden, dropout: 0.2 } : {}),
    ...(o.classNames && o.classNames.length === o.classes ? { classNames: [...o.classNames] } : {}),
  };
}

export function swapCellEdit(cell: SwapCellEdit['cell'], seed: number): SwapCellEdit {
  return { kind: 'swap-cell', cell, seed };
}

/**
 * What trains, in a few words, read off an edit list: the last preset, and what was frozen
 * or unfrozen by hand after it. The run label and the compare table use it.
 */
export function describeTraining(edits: readonly Edit[], reinit: boolean): string {
  if (reinit) return 'from scratch';
  const at = edits.map((e) => e.kind).lastIndexOf('freeze-preset');
  const last = at >= 0 ? (edits[at] as FreezePresetEdit) : null;
  const after = edits.slice(at + 1);
  const frozen = after.flatMap((e) => (e.kind === 'freeze' ? e.blocks : []));
  const unfrozen = after.flatMap((e) => (e.kind === 'unfreeze' ? e.blocks : []));
  if (last?.preset === 'none' && frozen.length === 0) return unfrozen.length ? `train ${unfrozen.join(', ')}` : 'nothing trains';
  const custom = unfrozen.length > 0 || (frozen.length > 0 && last?.preset !== 'full');
  const stages = last?.stages ?? 1;
  const what = !last ? 'full' : last.preset === 'fine-tune' ? `fine-tune (${stages} stage${stages === 1 ? '' : 's'})` : last.preset.replace('-', ' ');
  if (custom) return `${what}, custom freezing`;
  if (frozen.length > 0) return `frozen: ${frozen.join(', ')}`;
  return what;
}
