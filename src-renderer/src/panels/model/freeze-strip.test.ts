import { describe, expect, it } from 'vitest';
import type { BlockView, SurgeryView } from '../../../../src-main/api/contract.js';
import { boundaryIndex } from '../../graph/freeze-state.js';
import { dropChangesFreezing, frozenPastHandle } from './freeze-strip.js';

const block = (path: string, params: number): BlockView => ({ path, name: path, kind: 'sequential', params, children: [] }) as unknown as BlockView;
const surgery = (trainable: Record<string, number>): SurgeryView => ({ trainableByBlock: trainable, frozenBlocks: [] }) as unknown as SurgeryView;

// The bundled CNN: features (55,744 parameters) then classifier (74,501).
const blocks = [block('features', 55_744), block('classifier', 74_501)];

describe('the freeze strip against freezing set elsewhere', () => {
  it('sees a stage frozen in part behind a handle at the start (Fine-tune last 1)', () => {
    // features.6 (36,928) and the classifier train; features.0 and features.3 are frozen.
    const s = surgery({ features: 36_928, classifier: 74_501 });
    expect(boundaryIndex(blocks, s)).toBe(0);
    expect(frozenPastHandle(blocks, s, 0).map((b) => b.path)).toEqual(['features']);
    // Dropping the handle where it stands clears that freezing: it is a change.
    expect(dropChangesFreezing(blocks, s, 0, 0)).toBe(true);
  });

  it('sees nothing past a clean boundary, and a drop in place then changes nothing', () => {
    const s = surgery({ features: 0, classifier: 74_501 });
    expect(boundaryIndex(blocks, s)).toBe(1);
    expect(frozenPastHandle(blocks, s, 1)).toEqual([]);
    expect(dropChangesFreezing(blocks, s, 1, 1)).toBe(false);
    expect(dropChangesFreezing(blocks, s, 1, 0)).toBe(true);
  });

  it('counts a block frozen whole after a trainable one', () => {
    const s = surgery({ features: 55_744, classifier: 0 });
    expect(boundaryIndex(blocks, s)).toBe(0);
    expect(frozenPastHandle(blocks, s, 0).map((b) => b.path)).toEqual(['classifier']);
  });
});
