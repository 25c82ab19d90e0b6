// Small, deliberately broken or extreme ONNX models for the hardening tests, written at the
// proto level so that no Graft code has a say in what they contain.
import { create } from '@bufbuild/protobuf';
import { encodeModel } from '../core/onnx/codec.js';
import { type GraphProto, GraphProtoSchema, type ModelProto, ModelProtoSchema, type NodeProto, NodeProtoSchema, TensorProtoSchema } from '../core/onnx/gen/onnx_pb.js';

const FLOAT = 1;

function valueInfo(name: string, dims: (number | string)[]) {
  return {
    name,
    type: {
      value: {
        case: 'tensorType' as const,
        value: { elemType: FLOAT, shape: { dim: dims.map((d) => ({ value: typeof d === 'number' ? { case: 'dimValue' as const, value: BigInt(d) } : { case: 'dimParam' as const, value: d } })) } },
      },
    },
  };
}

export function nodeProto(opType: string, inputs: string[], outputs: string[], name = ''): NodeProto {
  return create(NodeProtoSchema, { opType, input: inputs, output: outputs, name });
}

export function modelOfGraph(graph: GraphProto, opset = 17): ModelProto {
  return create(ModelProtoSchema, { irVersion: 8n, producerName: 'graft-tests', opsetImport: [{ domain: '', version: BigInt(opset) }], graph });
}

/** x -> nodes -> y, x and y float [1, 4]. */
export function graphOf(nodes: NodeProto[], name = 'g', output = 'y', input = 'x'): GraphProto {
  return create(GraphProtoSchema, { name, node: nodes, input: [valueInfo(input, [1, 4])], output: [valueInfo(output, [1, 4])] });
}

/** The 210-byte model from the review: `a = Add(x, a)`, a node that reads its own output. */
export function selfLoopModel(): Uint8Array {
  return encodeModel(modelOfGraph(graphOf([nodeProto('Add', ['x', 'a'], ['a'], 'loop'), nodeProto('Relu', ['a'], ['y'], 'out')])));
}

/** A three-node cycle: b = Relu(c), c = Add(x, b), y = Sigmoid(c)... read around the loop. */
export function threeNodeCycleModel(): Uint8Array {
  return encodeModel(
    modelOfGraph(
      graphOf([nodeProto('Relu', ['c'], ['b'], 'first'), nodeProto('Add', ['x', 'b'], ['s'], 'second'), nodeProto('Neg', ['s'], ['c'], 'third'), nodeProto('Sigmoid', ['c'], ['y'], 'out')]),
    ),
  );
}

/**
 * `depth` If nodes nested in each other's then-branch, each branch computing Relu(x) from
 * the outermost input (a valid model: onnxruntime runs it).
 */
export function nestedIfModel(depth: number): ModelProto {
  const cond = create(NodeProtoSchema, { opType: 'Constant', output: ['cond'], attribute: [{ name: 'value', type: 4, t: { dims: [], dataType: 9, int32Data: [1] } }] });
  const branch = (level: number): GraphProto => {
    const out = `y${level}`;
    if (level === depth) return create(GraphProtoSchema, { name: `leaf${level}`, node: [nodeProto('Relu', ['x'], [out])], output: [valueInfo(out, [1, 4])] });
    return create(GraphProtoSchema, {
      name: `level${level}`,
      node: [ifNode(level + 1)],
      output: [valueInfo(out, [1, 4])],
    });
  };
  const ifNode = (level: number): NodeProto =>
    create(NodeProtoSchema, {
      opType: 'If',
      name: `if${level}`,
      input: ['cond'],
      output: [level === 1 ? 'y' : `y${level - 1}`],
      attribute: [
        { name: 'then_branch', type: 5, g: branch(level) },
        { name: 'else_branch', type: 5, g: create(GraphProtoSchema, { name: `else${level}`, node: [nodeProto('Neg', ['x'], [`e${level}`])], output: [valueInfo(`e${level}`, [1, 4])] }) },
      ],
    });
  return modelOfGraph(create(GraphProtoSchema, { name: 'nested-if', node: [cond, ifNode(1)], input: [valueInfo('x', [1, 4])], output: [valueInfo('y', [1, 4])] }));
}

/** A linear classifier: y = Gemm(x, W, b) for x [N, features], `classes` outputs (zero weights). */
export function linearModel(features: number, classes: number): Uint8Array {
  const w = create(TensorProtoSchema, { name: 'W', dims: [BigInt(features), BigInt(classes)], dataType: FLOAT, rawData: new Uint8Array(features * classes * 4) });
  const b = create(TensorProtoSchema, { name: 'B', dims: [BigInt(classes)], dataType: FLOAT, rawData: new Uint8Array(classes * 4) });
  const graph = create(GraphProtoSchema, {
    name: 'linear',
    node: [nodeProto('Gemm', ['x', 'W', 'B'], ['y'], '/fc/Gemm')],
    initializer: [w, b],
    input: [valueInfo('x', ['N', features])],
    output: [valueInfo('y', ['N', classes])],
  });
  return encodeModel(modelOfGraph(graph));
}

/** y = Relu(x) over a declared input of `dims` (a valid model with an absurd input). */
export function reluModel(dims: number[]): Uint8Array {
  return encodeModel(
    modelOfGraph(create(GraphProtoSchema, { name: 'relu', node: [nodeProto('Relu', ['x'], ['y'], 'relu')], input: [valueInfo('x', dims)], output: [valueInfo('y', dims)] })),
  );
}

/** Reshape of x [1, 4] to [3, 5]: loads in onnxruntime, fails when run (a C++ error message). */
export function badReshapeModel(): Uint8Array {
  const g = graphOf([nodeProto('Reshape', ['x', 'shape'], ['y'], 'bad')]);
  g.initializer.push(create(TensorProtoSchema, { name: 'shape', dims: [2n], dataType: 7, int64Data: [3n, 5n] }));
  return encodeModel(modelOfGraph(g));
}

/**
 * y = x · xᵀ for x [n, 1]: a valid model whose one made-up sample is tiny (n elements) while
 * its output takes n² floats (n = 32768: 4 GiB), so only a cap on native memory stops it.
 */
export function outerProductModel(n: number): Uint8Array {
  const graph = create(GraphProtoSchema, {
    name: 'outer',
    node: [nodeProto('Transpose', ['x'], ['xt'], 'transpose'), nodeProto('MatMul', ['x', 'xt'], ['y'], 'outer')],
    input: [valueInfo('x', [n, 1])],
    output: [valueInfo('y', [n, n])],
  });
  return encodeModel(modelOfGraph(graph));
}
