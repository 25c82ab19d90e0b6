import { describe, expect, it } from 'vitest';
import type { BlockView, SurgeryView } from '../../../src-main/api/contract.js';
import { boundaryIndex, freezeState, stripBlocks } from './freeze-state.js';

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

describe('stripBlocks', () => {
  const group = (path: string, params: number, children: BlockView[] = []): BlockView => ({ ...block(path, params), children });
  const stage = (path: string, params: number) => group(path, params, [block(`${path}/conv`, params)]);

  it("opens a block of nested stages (DenseNet's features) so the boundary can stop between them", () => {
    const features = group('features', 60, [block('features/conv0', 5), block('features/pool0', 0), stage('features/db1', 20), stage('features/t1', 5), stage('features/db2', 30)]);
    const root = group('', 70, [features, block('classifier', 10)]);
    expect(stripBlocks(root).map((b) => b.path)).toEqual(['features/conv0', 'features/db1', 'features/t1', 'features/db2', 'classifier']);
  });

  it('keeps top-level blocks whose children are single layers (a small CNN), and drops blocks without parameters', () => {
    const features = group('features', 30, [block('features.0', 10), block('features.1', 0), block('features.3', 20)]);
    const root = group('', 40, [features, block('pool', 0), block('classifier', 10)]);
    expect(stripBlocks(root).map((b) => b.path)).toEqual(['features', 'classifier']);
  });
});
