// Discriminative learning rates (ULMFiT, fastai's slice(lr/100, lr)): each top-level block that
// trains gets a multiplier of the run's rate, geometric from the head back, so the weights that
// were already good move least. The engine takes them as TrainConfig.lrMultipliers, keyed by
// block path, the same as `graft train --lr-mult layer3=0.25,...`.
import type { BlockView as Block } from '../../../../src-main/api/contract.js';

/** The engine's bounds for a multiplier (api/validate.ts). */
export const MULT_MAX = 1000;
export const DEFAULT_DECAY = 0.5;

/** The top-level blocks that train, in the model's order: [path, name]. */
export function trainingBlocks(root: Block, trainableByBlock: Record<string, number>): { path: string; name: string }[] {
  return root.children.filter((b) => (trainableByBlock[b.path] ?? 0) > 0).map((b) => ({ path: b.path, name: b.name }));
}

/** The last block (the head) at 1, each one before it `decay` times the next: decay^k for k blocks back. */
export function geometricMultipliers(blocks: readonly { path: string }[], decay: number): Record<string, number> {
  const out: Record<string, number> = {};
  blocks.forEach((b, i) => (out[b.path] = Number((decay ** (blocks.length - 1 - i)).toPrecision(4))));
  return out;
}

export type Parsed = { value: number; error: null } | { value: null; error: string };

/** A multiplier as typed: a number from 0 (the block stops moving) to 1000. */
export function parseMultiplier(text: string): Parsed {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) return { value: null, error: `"${text}" is not a number` };
  if (v < 0 || v > MULT_MAX) return { value: null, error: `a multiplier is from 0 to ${MULT_MAX}, not ${v}` };
  return { value: v, error: null };
}

/** A decay factor as typed: above 0 (0 would stop every block but the head) and at most 1. */
export function parseDecay(text: string): Parsed {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) return { value: null, error: `"${text}" is not a number` };
  if (v <= 0 || v > 1) return { value: null, error: `the factor is above 0 and at most 1, not ${v}` };
  return { value: v, error: null };
}

/** The multipliers that change something (not 1), for blocks that train, in block order. */
export function activeMultipliers(mults: Record<string, number>, order?: readonly string[]): [string, number][] {
  const keys = Object.keys(mults).filter((k) => mults[k] !== 1);
  if (order) keys.sort((a, b) => (order.indexOf(a) + 1 || Infinity) - (order.indexOf(b) + 1 || Infinity));
  return keys.map((k) => [k, mults[k]]);
}

/** "layer2 × 0.25 (lr 2.5e-4), layer3 × 0.5 (lr 5e-4); the rest × 1 (lr 1e-3)", or null when none applies. */
export function multipliersWords(mults: Record<string, number>, lr: number, order?: readonly string[]): string | null {
  const active = activeMultipliers(mults, order);
  if (active.length === 0) return null;
  const rate = (m: number) => Number((m * lr).toPrecision(3)).toExponential().replace(/\.?0+e/, 'e').replace('e+', 'e');
  return `${active.map(([k, m]) => `${k} × ${m} (lr ${rate(m)})`).join(', ')}; the rest × 1 (lr ${rate(1)})`;
}
