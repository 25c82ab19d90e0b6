import { describe, expect, it } from 'vitest';
import type { BlockView as Block } from '../../../../src-main/api/contract.js';
import { geometricMultipliers, multipliersWords, parseDecay, parseMultiplier, trainingBlocks } from './lr-multipliers.js';

const block = (path: string): Block => ({ path, name: path, kind: 'stage', params: 10, inputs: [], outputs: [], nodeIds: [], children: [] }) as unknown as Block;

describe('discriminative learning rates', () => {
  it('lists the top-level blocks that train, in the model order', () => {
    const root = { ...block(''), children: ['features', 'layer1', 'layer2', 'fc'].map(block) };
    expect(trainingBlocks(root, { '': 30, layer2: 20, 'layer2/conv': 20, fc: 10 })).toEqual([
      { path: 'layer2', name: 'layer2' },
      { path: 'fc', name: 'fc' },
    ]);
  });

  it('decays geometrically from the head back', () => {
    const blocks = ['layer2', 'layer3', 'layer4', 'fc'].map((path) => ({ path }));
    expect(geometricMultipliers(blocks, 0.5)).toEqual({ layer2: 0.125, layer3: 0.25, layer4: 0.5, fc: 1 });
    expect(geometricMultipliers(blocks, 0.1)).toEqual({ layer2: 0.001, layer3: 0.01, layer4: 0.1, fc: 1 });
    expect(geometricMultipliers([], 0.5)).toEqual({});
  });

  it('accepts only what the engine accepts', () => {
    expect(parseMultiplier('0.25')).toEqual({ value: 0.25, error: null });
    expect(parseMultiplier('0')).toEqual({ value: 0, error: null });
    expect(parseMultiplier('-1').error).toMatch(/from 0 to 1000/);
    expect(parseMultiplier('1001').error).toMatch(/from 0 to 1000/);
    expect(parseMultiplier('').error).toMatch(/not a number/);
    expect(parseMultiplier('fast').error).toMatch(/not a number/);
    expect(parseDecay('0.5').value).toBe(0.5);
    expect(parseDecay('0').error).toMatch(/above 0/);
    expect(parseDecay('2').error).toMatch(/at most 1/);
  });

  it('says the multipliers that change something, in block order, with the rate each gives', () => {
    const order = ['layer3', 'layer4', 'fc'];
    expect(multipliersWords({ fc: 1, layer4: 0.5, layer3: 0.25 }, 1e-3, order)).toBe('layer3 × 0.25 (lr 2.5e-4), layer4 × 0.5 (lr 5e-4); the rest × 1 (lr 1e-3)');
    expect(multipliersWords({ fc: 1 }, 1e-3)).toBeNull();
    expect(multipliersWords({}, 1e-3)).toBeNull();
  });
});
