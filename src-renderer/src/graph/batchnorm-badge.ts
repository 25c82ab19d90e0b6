// The "BN" badge on blocks that hold batch norm, with the mode in force there: the run's
// choice (`batch` or `frozen`) applies to blocks that train; a frozen block keeps its running
// statistics either way (the engine rewrites only BNs a trainable parameter reaches, so a
// frozen block after a trained one is the one case this view simplifies).
import type { GraphNodeView } from '../../../src-main/api/contract.js';
import type { FreezeState } from './freeze-state.js';

export type BatchNormSetting = 'frozen' | 'batch';

const cache = new WeakMap<readonly GraphNodeView[], Map<string, number>>();

/** Block path -> BatchNormalization nodes in it and in its descendants (the root is ""). */
export function batchNormBlocks(nodes: readonly GraphNodeView[]): Map<string, number> {
  const known = cache.get(nodes);
  if (known) return known;
  const counts = new Map<string, number>();
  for (const n of nodes) {
    if (n.opType !== 'BatchNormalization') continue;
    const parts = n.block ? n.block.split('/') : [];
    for (let i = 0; i <= parts.length; i++) {
      const path = parts.slice(0, i).join('/');
      counts.set(path, (counts.get(path) ?? 0) + 1);
    }
  }
  cache.set(nodes, counts);
  return counts;
}

/** The statistics a block's batch norm uses in a run with `setting`. */
export function batchNormModeOf(setting: BatchNormSetting, state: FreezeState): BatchNormSetting {
  return setting === 'batch' && state !== 'frozen' ? 'batch' : 'frozen';
}

export function batchNormTitle(count: number, mode: BatchNormSetting): string {
  const what = `${count} batch norm${count === 1 ? '' : 's'}`;
  return mode === 'batch' ? `${what}: batch statistics (model.train()), running statistics updated` : `${what}: frozen running statistics`;
}
