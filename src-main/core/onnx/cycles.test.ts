// Cycles and deep nesting at decode time: one clear error for a cyclic graph, none for a
// valid model whose subgraphs nest deeply, and block finding that ends on any graph.
import { fromBinary } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { buildBlockTree } from '../blocks/build.js';
import { graphFromModel } from '../ir/proto.js';
import { decodeModel, encodeModel } from './codec.js';
import { ModelProtoSchema } from './gen/onnx_pb.js';
import { nestedIfModel, selfLoopModel, threeNodeCycleModel } from '../../test-support/hostile-models.js';
import { fixtureNames, fixturePath } from '../../test-support/fixtures.js';
import { readFileSync } from 'node:fs';

describe('decodeModel refuses cyclic graphs', () => {
  it('a node that reads its own output (Add(x, a) -> a)', () => {
    expect(() => decodeModel(selfLoopModel(), 'loop.onnx')).toThrow(/^loop\.onnx: the graph has a cycle through node "loop"/);
  });

  it('a cycle around three nodes names a node on it', () => {
    expect(() => decodeModel(threeNodeCycleModel(), 'three.onnx')).toThrow(/the graph has a cycle through node "(first|second|third)"/);
  });

  it('accepts every fixture (acyclic, in any node order)', () => {
    for (const name of fixtureNames()) expect(() => decodeModel(readFileSync(fixturePath(name)), name)).not.toThrow();
  });

  it('accepts a valid model with 50 nested If nodes (protobuf depth over 100)', () => {
    const model = decodeModel(encodeModel(nestedIfModel(50)), 'deep.onnx');
    expect(model.graph?.node[1].opType).toBe('If');
  });
});

describe('block finding ends on a cyclic graph it is handed anyway', () => {
  it('walkToFork stops at a node it has already expanded', () => {
    // graphFromModel does not sort, so the cycle reaches the block builder.
    const model = fromBinary(ModelProtoSchema, selfLoopModel());
    const tree = buildBlockTree(graphFromModel(model));
    expect(tree.root).toBeDefined();
  });
});
