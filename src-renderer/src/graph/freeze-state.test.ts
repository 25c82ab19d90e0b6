import { describe, expect, it } from 'vitest';
import type { BlockView, SurgeryView } from '../../../src-main/api/contract.js';
import { boundaryIndex, freezeState } from './freeze-state.js';

const block = (path: string, params: number): BlockView => ({ path, name: path, kind: 'group', params, inputs: [], outputs: [], nodeIds: [], children: [] });
const surgery = (trainableByBlock: Record<string, number>): SurgeryView => ({ edits: [], frozenBlocks: [], trainableParams: 0, totalParams: 0, trainableByBlock, log: [] });

describe('freezeState', () => {
  it('reads frozen, trainable and partly frozen from the per-block counts', () => {
    const s = surgery({ a: 10, b: 4 });
    expect(freezeState(block('a', 10), s)).toBe('trainable');
    expect(freezeState(block('b', 10), s)).toBe('partial');
    expect(freezeState(block('c', 10), s)).toBe('frozen');
    expect(freezeState(block('d', 0), s)).toBe('none');
  });
});

describe('boundaryIndex', () => {
  it('counts the leading frozen blocks, passing over blocks without parameters', () => {
    const blocks = [block('stem', 5), block('pool', 0), block('layer1', 10), block('fc', 3)];
    expect(boundaryIndex(blocks, surgery({ stem: 5, layer1: 10, fc: 3 }))).toBe(0);
    expect(boundaryIndex(blocks, surgery({ layer1: 10, fc: 3 }))).toBe(1);
    expect(boundaryIndex(blocks, surgery({ fc: 3 }))).toBe(3);
    // A trainable block stops the boundary even when a later one is frozen.
    expect(boundaryIndex(blocks, surgery({ stem: 5, fc: 3 }))).toBe(0);
  });
});
