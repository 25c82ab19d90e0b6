// Errors that name the node, unknown ops, declared types, symbolic arithmetic and speed.
import { create } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { GraftError } from '../errors.js';
import { Graph } from '../ir/graph.js';
import { typeToProto } from '../ir/proto.js';
import { DataType } from '../onnx/dtype.js';
import { ValueInfoProtoSchema } from '../onnx/gen/onnx_pb.js';
import { inferShapes } from './infer.js';
import { addDim, divDimExact, evaluateDim, mulDim, productDims, sameDim, subDim } from './symbolic.js';
import { floats, input, int64s, node } from './test-support.js';

function expectMismatch(g: Graph, ...fragments: string[]): void {
  let err: unknown;
  try {
    inferShapes(g);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(GraftError);
  expect((err as GraftError).code).toBe('shape-mismatch');
  for (const f of fragments) expect((err as GraftError).message).toContain(f);
}

describe('inconsistent inputs are shape-mismatch errors that name the node', () => {
  it('broadcast failure', () => {
    const g = new Graph('g');
    node(g, 'Add', [input(g, 'a', ['N', 3]), input(g, 'b', [4])], {}, 1, '/block/add');
    expectMismatch(g, '"/block/add"', 'Add', 'cannot broadcast', '[N, 3]', '[4]');
  });

  it('Conv input channels that the weight does not expect', () => {
    const g = new Graph('g');
    const w = floats(g, 'w', new Array(8 * 4 * 9).fill(0), [8, 4, 3, 3]);
    node(g, 'Conv', [input(g, 'x', ['N', 3, 16, 16]), w], {}, 1, '/features/conv1');
    expectMismatch(g, '"/features/conv1"', 'Conv', '3 channels', 'expects 4');
  });

  it('grouped Conv counts channels per group', () => {
    const g = new Graph('g');
    const w = floats(g, 'w', new Array(8 * 2 * 9).fill(0), [8, 2, 3, 3]);
    node(g, 'Conv', [input(g, 'x', ['N', 4, 16, 16]), w], { group: 2 }, 1, 'ok');
    node(g, 'Conv', [input(g, 'y', ['N', 6, 16, 16]), w], { group: 2 }, 1, 'bad');
    expectMismatch(g, '"bad"', 'expects 4');
  });

  it('Gemm inner dimension', () => {
    const g = new Graph('g');
    node(g, 'Gemm', [input(g, 'x', ['N', 512]), floats(g, 'w', new Array(10 * 256).fill(0), [10, 256])], { transB: 1 }, 1, '/fc/Gemm');
    expectMismatch(g, '"/fc/Gemm"', 'K = 512', 'K = 256');
  });

  it('MatMul inner dimension and Reshape element count', () => {
    const g = new Graph('g');
    node(g, 'MatMul', [input(g, 'x', ['N', 2, 5]), input(g, 'y', [4, 3])], {}, 1, 'mm');
    expectMismatch(g, '"mm"', 'inner dimensions');
    const h = new Graph('h');
    node(h, 'Reshape', [input(h, 'x', [2, 3, 4]), int64s(h, 's', [5, -1])], {}, 1, 'rs');
    expectMismatch(h, '"rs"', '24 elements');
  });

  it('Concat dims off the axis', () => {
    const g = new Graph('g');
    node(g, 'Concat', [input(g, 'a', ['N', 3, 4]), input(g, 'b', ['N', 3, 5])], { axis: 1 }, 1, 'cat');
    expectMismatch(g, '"cat"', 'axis 2');
  });
});

describe('unknown ops and declared types', () => {
  it('records an unknown op, leaves its outputs null and goes on', () => {
    const g = new Graph('g');
    const x = input(g, 'x', ['N', 4]);
    const [y] = node(g, 'FancyOp', [x], {}, 1, 'fancy');
    const [z] = node(g, 'Relu', [y], {}, 1, 'relu');
    const [w] = node(g, 'Relu', [x], {}, 1, 'relu2');
    const { unresolved } = inferShapes(g);
    expect(unresolved).toEqual([
      { nodeId: 'fancy', opType: 'FancyOp', reason: 'no shape rule for FancyOp' },
      { nodeId: 'relu', opType: 'Relu', reason: 'input 0 ("fancy_out0") has no known shape' },
    ]);
    expect(y.type).toBeNull();
    expect(z.type).toBeNull();
    expect(w.type).toEqual({ elemType: DataType.FLOAT, shape: ['N', 4] });
  });

  it('keeps a declared (value_info) type where inference cannot help, and uses it downstream', () => {
    const g = new Graph('g');
    const x = input(g, 'x', ['N', 4]);
    const n = g.addNode({ opType: 'Custom', domain: 'com.example', inputs: [x], outputs: ['y'], name: 'custom' });
    const y = n.outputs[0]!;
    const declared = { elemType: DataType.FLOAT, shape: ['N', 7] };
    y.info = create(ValueInfoProtoSchema, { name: 'y', type: typeToProto(declared) });
    const [z] = node(g, 'Transpose', [y]);
    const { unresolved } = inferShapes(g);
    expect(unresolved).toEqual([{ nodeId: 'custom', opType: 'Custom', reason: 'no shape rule for com.example::Custom' }]);
    expect(y.type).toEqual(declared);
    expect(z.type?.shape).toEqual([7, 'N']);
  });

  it('prefers a complete inferred type over a declared one, and fills unknown dims from the declaration', () => {
    const g = new Graph('g');
    const x = input(g, 'x', ['N', 4]);
    const [y] = node(g, 'Relu', [x]);
    y.info = create(ValueInfoProtoSchema, { name: y.name, type: typeToProto({ elemType: DataType.FLOAT, shape: ['batch', 5] }) });
    const [t] = node(g, 'Reshape', [x, input(g, 'shape', [2], DataType.INT64)]);
    t.info = create(ValueInfoProtoSchema, { name: t.name, type: typeToProto({ elemType: DataType.FLOAT, shape: [null, 2] }) });
    inferShapes(g);
    expect(y.type?.shape).toEqual(['N', 4]);
    expect(t.type?.shape).toEqual([null, 2]);
  });

  it('replaces types from an earlier run after an edit', () => {
    const g = new Graph('g');
    const x = input(g, 'x', ['N', 8]);
    const [h] = node(g, 'Gemm', [x, floats(g, 'w', new Array(40).fill(0), [5, 8])], { transB: 1 });
    inferShapes(g);
    expect(h.type?.shape).toEqual(['N', 5]);
    g.setInput(h.producer!, 1, floats(g, 'w2', new Array(24).fill(0), [3, 8]));
    inferShapes(g);
    expect(h.type?.shape).toEqual(['N', 3]);
  });

  it('visits nodes in topological order even when the node list is not', () => {
    const g = new Graph('g');
    const x = input(g, 'x', ['N', 3, 4]);
    const [a] = node(g, 'Relu', [x]);
    const [b] = node(g, 'Transpose', [a], { perm: [0, 2, 1] });
    g.nodes.reverse();
    expect(inferShapes(g).unresolved).toEqual([]);
    expect(b.type?.shape).toEqual(['N', 4, 3]);
  });
});

describe('known values', () => {
  it('Constant in each value_* form seeds shape arithmetic', () => {
    const g = new Graph('g');
    const x = input(g, 'x', ['N', 6]);
    const [ints] = node(g, 'Constant', [], { value_ints: [3, 2] });
    const [one] = node(g, 'Constant', [], { value_int: 1 });
    const [f] = node(g, 'Constant', [], { value_float: { float: 2 } });
    const [target] = node(g, 'Concat', [ints, node(g, 'Unsqueeze', [one], { axes: [0] })[0]], { axis: 0 });
    const [r] = node(g, 'Reshape', [node(g, 'Flatten', [x], { axis: 0 })[0], target]);
    inferShapes(g, { opset: 11 });
    expect(f.type).toEqual({ elemType: DataType.FLOAT, shape: [] });
    expect(r.type?.shape).toEqual([3, 2, 1]);
  });

  it('symbols combine into products that Reshape can divide back out', () => {
    const g = new Graph('g');
    const x = input(g, 'x', ['B', 'T', 16]);
    const [s] = node(g, 'Shape', [x]);
    const [bt] = node(g, 'Mul', [node(g, 'Gather', [s, int64s(g, 'i0', [0])])[0], node(g, 'Gather', [s, int64s(g, 'i1', [1])])[0]]);
    const [target] = node(g, 'Concat', [bt, int64s(g, 'c', [4, -1])], { axis: 0 });
    const [r] = node(g, 'Reshape', [x, target]);
    const [back] = node(g, 'Reshape', [r, int64s(g, 'back', [-1, 4, 4])]);
    inferShapes(g);
    expect(r.type?.shape).toEqual(['B*T', 4, 4]);
    expect(back.type?.shape).toEqual(['B*T', 4, 4]);
  });
});

describe('symbolic dims', () => {
  it('multiplies, divides and adds canonically', () => {
    expect(mulDim('N', 12)).toBe('12*N');
    expect(mulDim(12, 'N')).toBe('12*N');
    expect(mulDim('T', 'B')).toBe('B*T');
    expect(productDims(['N', 3, 4])).toBe('12*N');
    expect(divDimExact('12*N', 4)).toBe('3*N');
    expect(divDimExact('12*N', '3*N')).toBe(4);
    expect(divDimExact('N', 2)).toBeNull();
    expect(divDimExact(7, 2)).toBeNull();
    expect(addDim('N', 'N')).toBe('2*N');
    expect(addDim('N', 2)).toBe('N+2');
    expect(subDim('N+2', 'N+2')).toBe(0);
    expect(mulDim('N+2', 3)).toBe('3*(N+2)');
    expect(mulDim(null, 0)).toBe(0);
    expect(sameDim('N*2', '2*N')).toBe(true);
  });

  it('evaluates expressions once symbols are bound', () => {
    expect(evaluateDim('3*(N+2)', { N: 4 })).toBe(18);
    expect(evaluateDim('B*T-1', { B: 2, T: 5 })).toBe(9);
    expect(evaluateDim('N', {})).toBeNull();
    expect(evaluateDim(7, {})).toBe(7);
  });
});

describe('speed', () => {
  it('infers every shape of a 1,500-node graph', () => {
    const g = new Graph('big');
    let x = input(g, 'x', ['N', 64, 32, 32]);
    const w = floats(g, 'w', new Array(64 * 64).fill(0), [64, 64, 1, 1]);
    const s = floats(g, 's', new Array(64).fill(1), [64]);
    for (let i = 0; i < 300; i++) {
      const [c] = node(g, 'Conv', [x, w]);
      const [b] = node(g, 'BatchNormalization', [c, s, s, s, s]);
      const [r] = node(g, 'Relu', [b]);
      const [sh] = node(g, 'Shape', [r]);
      const [t] = node(g, 'Reshape', [r, sh]);
      [x] = node(g, 'Add', [t, x]);
    }
    expect(g.nodes.length).toBe(1800);
    // How long it takes is measured by `npm run bench`, not here.
    expect(inferShapes(g).unresolved).toEqual([]);
    expect(x.type?.shape).toEqual(['N', 64, 32, 32]);
  });
});
