import { describe, expect, it } from 'vitest';
import { batchNormBlocks, batchNormModeOf, batchNormTitle } from './batchnorm-badge.js';

const node = (id: string, opType: string, block: string) => ({ id, name: id, opType, block });

describe('the BN badge', () => {
  it('counts batch norms in each block and its ancestors, and nowhere else', () => {
    const nodes = [node('c1', 'Conv', 'layer1/0'), node('b1', 'BatchNormalization', 'layer1/0'), node('b2', 'BatchNormalization', 'layer1/1'), node('b3', 'BatchNormalization', 'stem'), node('fc', 'Gemm', 'fc')];
    const counts = batchNormBlocks(nodes);
    expect(Object.fromEntries(counts)).toEqual({ '': 3, layer1: 2, 'layer1/0': 1, 'layer1/1': 1, stem: 1 });
    expect(counts.has('fc')).toBe(false);
  });

  it('shows batch statistics only where the run asks for them and the block trains', () => {
    expect(batchNormModeOf('batch', 'trainable')).toBe('batch');
    expect(batchNormModeOf('batch', 'partial')).toBe('batch');
    expect(batchNormModeOf('batch', 'frozen')).toBe('frozen');
    expect(batchNormModeOf('frozen', 'trainable')).toBe('frozen');
    expect(batchNormTitle(2, 'batch')).toMatch(/2 batch norms: batch statistics/);
  });
});
