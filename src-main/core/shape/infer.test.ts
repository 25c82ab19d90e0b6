// Shape inference checked against independent truths: onnxruntime's actual tensor shapes for
// every value of the fixture models, and the expected outputs of ONNX's own node tests.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromBinary } from '@bufbuild/protobuf';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { Graph, Value } from '../ir/graph.js';
import { graphFromModel, modelWithGraph } from '../ir/proto.js';
import { decodeModel, encodeModel } from '../onnx/codec.js';
import { DataType } from '../onnx/dtype.js';
import { type TensorProto, TensorProtoSchema } from '../onnx/gen/onnx_pb.js';
import { readTensor, tensorDims } from '../onnx/tensor.js';
import { inferShapes, modelOpset } from './infer.js';
import { SHAPE_RULES } from './rules/index.js';
import { evaluateDim } from './symbolic.js';

const here = dirname(fileURLToPath(import.meta.url));
const FIXTURES = join(here, '../../../../shared/fixtures');
/** Debian's libonnx-testdata; ONNX_NODE_TESTS points elsewhere (e.g. a pip onnx checkout). */
const NODE_TESTS = process.env.ONNX_NODE_TESTS ?? '/usr/share/libonnx-testdata/data/node';

/** Forgets every type the file declared for node outputs, so only inference can fill them. */
function forgetDeclaredTypes(graph: Graph): void {
  for (const n of graph.nodes) {
    for (const v of n.outputs) {
      if (v) {
        v.type = null;
        v.info = null;
      }
    }
  }
}

const ORT_TYPES: Record<string, number> = {
  float32: DataType.FLOAT, float64: DataType.DOUBLE, int64: DataType.INT64, int32: DataType.INT32,
  bool: DataType.BOOL, uint8: DataType.UINT8, int8: DataType.INT8, float16: DataType.FLOAT16,
};

function ortTensor(t: TensorProto): ort.Tensor {
  const data = readTensor(t);
  const type = Object.keys(ORT_TYPES).find((k) => ORT_TYPES[k] === t.dataType)!;
  return new ort.Tensor(type as 'float32', data as Float32Array, tensorDims(t));
}

const fixtures = existsSync(FIXTURES)
  ? readdirSync(FIXTURES).filter((d) => existsSync(join(FIXTURES, d, 'model.onnx'))).sort()
  : [];

describe('shape inference on the fixture models, against onnxruntime', () => {
  it('finds the fixtures', () => expect(fixtures.length).toBeGreaterThan(0));

  it.each(fixtures)('%s: every value has the shape and type onnxruntime computes', async (name) => {
    const dir = join(FIXTURES, name);
    const bytes = readFileSync(join(dir, 'model.onnx'));
    const model = decodeModel(bytes, name);
    const graph = graphFromModel(model, name);
    forgetDeclaredTypes(graph);
    const { unresolved } = inferShapes(graph, { opset: modelOpset(model) });
    expect(unresolved).toEqual([]);

    // A copy of the model that returns every intermediate value too.
    const probe = graphFromModel(decodeModel(bytes, name), name);
    const produced: Value[] = probe.nodes.flatMap((n) => n.outputs.filter((v): v is Value => !!v));
    for (const v of produced) {
      if (!probe.outputs.includes(v)) {
        v.type = { elemType: graph.value(v.name).type!.elemType, shape: null };
        probe.outputs.push(v);
      }
    }
    const session = await ort.InferenceSession.create(encodeModel(modelWithGraph(model, probe)));
    const input = fromBinary(TensorProtoSchema, readFileSync(join(dir, 'input.pb')));
    const feedName = graph.dataInputs[0];
    const results = await session.run({ [feedName.name]: ortTensor(input) });

    // Bind the symbols of the graph input to the actual batch.
    const env: Record<string, number> = {};
    feedName.type!.shape!.forEach((d, i) => {
      if (typeof d === 'string') env[d] = tensorDims(input)[i];
    });
    let checked = 0;
    for (const v of produced) {
      const actual = results[v.name];
      const inferred = graph.value(v.name).type;
      expect(inferred?.shape, v.name).not.toBeNull();
      const dims = inferred!.shape!.map((d) => evaluateDim(d, env));
      expect({ value: v.name, dims }).toEqual({ value: v.name, dims: actual.dims.map(Number) });
      expect({ value: v.name, elemType: inferred!.elemType }).toEqual({ value: v.name, elemType: ORT_TYPES[actual.type] });
      checked++;
    }
    expect(checked).toBe(produced.length);
    expect(checked).toBeGreaterThan(0);
    await session.release();
  });
});

// ---- ONNX node tests ------------------------------------------------------------------------

/**
 * Op types whose node tests must pass. Every rule in the table is claimed except the ones
 * listed in NOT_CLAIMED (with the reason).
 */
const NOT_CLAIMED: Record<string, string> = {
  Compress: 'the output length depends on the condition data; the rule leaves it unknown',
  NonZero: 'the output length depends on the data; the rule leaves it unknown',
};
const CLAIMED = new Set([...SHAPE_RULES.keys()].filter((op) => !(op in NOT_CLAIMED)));

interface NodeCase {
  dir: string;
  /** Why the case is skipped, or null when it is checked. */
  skip: string | null;
  ops: Set<string>;
}

function nodeCases(): NodeCase[] {
  if (!existsSync(NODE_TESTS)) return [];
  return readdirSync(NODE_TESTS)
    .filter((d) => d.startsWith('test_') && existsSync(join(NODE_TESTS, d, 'model.onnx')))
    .sort()
    .map((d) => {
      const model = decodeModel(readFileSync(join(NODE_TESTS, d, 'model.onnx')), d);
      const ops = model.graph!.node.map((n) => (n.domain && n.domain !== 'ai.onnx' ? `${n.domain}::${n.opType}` : n.opType));
      const unclaimed = [...new Set(ops.filter((op) => !CLAIMED.has(op)))];
      const nonTensor = [...model.graph!.input, ...model.graph!.output].some((vi) => vi.type?.value.case !== 'tensorType');
      return {
        dir: d,
        ops: new Set(ops),
        skip: unclaimed.length > 0 ? `not claimed: ${unclaimed.join(', ')}` : nonTensor ? 'non-tensor inputs or outputs' : null,
      };
    });
}

/**
 * Node tests feed axes, shapes, repeats, scales, K... as graph inputs with their data in
 * input_<i>.pb. Attach that data as if it were an initializer: integer inputs, and scalar
 * or 1-D inputs read only as a node's non-first operand (Resize scales, OneHot depth, Range).
 */
function feedParametersAsConstants(graph: Graph, dir: string): void {
  graph.inputs.forEach((v, i) => {
    const file = join(NODE_TESTS, dir, 'test_data_set_0', `input_${i}.pb`);
    if (!existsSync(file)) return;
    const t = fromBinary(TensorProtoSchema, readFileSync(file));
    const isInt = t.dataType === DataType.INT64 || t.dataType === DataType.INT32;
    const isParameter = t.dims.length === 0 || (t.dims.length === 1 && v.uses.length > 0 && v.uses.every((u) => u.index > 0));
    if (isInt || isParameter) v.initializer = t;
  });
}

describe('shape inference on ONNX node tests (libonnx-testdata)', () => {
  const cases = nodeCases();
  if (cases.length === 0) {
    it.skip(`libonnx-testdata is not installed (${NODE_TESTS} missing): apt-get install libonnx-testdata`, () => {});
    return;
  }
  const checked = cases.filter((c) => !c.skip);

  it('checks a meaningful share of the node tests', () => {
    const skippedByOp = new Map<string, number>();
    for (const c of cases) if (c.skip) skippedByOp.set(c.skip, (skippedByOp.get(c.skip) ?? 0) + 1);
    console.log(`ONNX node tests: ${checked.length} checked, ${cases.length - checked.length} skipped of ${cases.length}`);
    const checkedOps = new Map<string, number>();
    for (const c of checked) for (const op of c.ops) checkedOps.set(op, (checkedOps.get(op) ?? 0) + 1);
    console.log('checked models by op:', JSON.stringify(Object.fromEntries([...checkedOps].sort())));
    console.log('claimed ops without a node test:', [...CLAIMED].filter((op) => !checkedOps.has(op)).sort().join(', '));
    console.log('skipped by reason:', JSON.stringify(Object.fromEntries([...skippedByOp].sort((a, b) => b[1] - a[1]))));
    expect(checked.length).toBeGreaterThan(300);
  });

  it.each(checked.map((c) => c.dir))('%s', (dir) => {
    const model = decodeModel(readFileSync(join(NODE_TESTS, dir, 'model.onnx')), dir);
    const graph = graphFromModel(model, dir);
    forgetDeclaredTypes(graph);
    feedParametersAsConstants(graph, dir);
    const { unresolved } = inferShapes(graph, { opset: modelOpset(model) });
    expect(unresolved).toEqual([]);
    graph.outputs.forEach((v, i) => {
      const file = join(NODE_TESTS, dir, 'test_data_set_0', `output_${i}.pb`);
      const expected = fromBinary(TensorProtoSchema, readFileSync(file));
      expect({ output: v.name, shape: v.type?.shape }).toEqual({ output: v.name, shape: tensorDims(expected) });
      // numpy has no bfloat16: the 1.12 test data stores those outputs as uint16.
      const expectedType = expected.dataType === DataType.UINT16 && v.type?.elemType === DataType.BFLOAT16 ? DataType.BFLOAT16 : expected.dataType;
      expect({ output: v.name, elemType: v.type?.elemType }).toEqual({ output: v.name, elemType: expectedType });
    });
  });
});
