import { describe, expect, it } from 'vitest';
import { matchBlocks } from './search.js';

const paths = ['layer1', 'layer1/layer1.0', 'layer1/layer1.0/conv1', 'layer4', 'layer4/layer4.1/conv1', 'fc'];

describe('matchBlocks', () => {
  it('puts an exact path first, then exact names, then paths containing the query', () => {
    expect(matchBlocks(paths, 'layer4')).toEqual(['layer4', 'layer4/layer4.1/conv1']);
    expect(matchBlocks(paths, 'conv1')).toEqual(['layer1/layer1.0/conv1', 'layer4/layer4.1/conv1']);
    expect(matchBlocks(paths, 'LAYER1/layer1.0')).toEqual(['layer1/layer1.0', 'layer1/layer1.0/conv1']);
  });
  it('finds nothing for an empty query or an unknown name', () => {
    expect(matchBlocks(paths, '  ')).toEqual([]);
    expect(matchBlocks(paths, 'bn9')).toEqual([]);
  });
});
