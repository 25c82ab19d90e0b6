// Forward parity of the unrolled recurrent cells: ONNX's own node tests, the PyTorch
// fixtures, and hand-built configurations checked against onnxruntime's fused operators.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { isGraftError } from '../errors.js';
import { graphInput, newModel } from '../ir/builder.js';
import { Emitter } from '../ir/emitter.js';
import { Graph, type Value } from '../ir/graph.js';
import { graphFromModel, modelWithGraph } from '../ir/proto.js';
import { decodeModel, encodeModel } from '../onnx/codec.js';
import { DataType } from '../onnx/dtype.js';
import type { ModelProto } from '../onnx/gen/onnx_pb.js';
import { makeTensor } from '../onnx/tensor.js';
import { seededRandom, uniform } from '../random.js';
import { inferShapes, modelOpset } from '../shape/infer.js';
import { fixturePath, onnxTestDataDir, readTensorFile } from '../../test-support/fixtures.js';
import { ortTensor } from '../../test-support/ort.js';
import { type LoweredRecurrent, lowerRecurrent } from './index.js';
import { buildCase as buildPlainCase, type CaseSpec, type Feed } from './test-cases.js';

const RECURRENT = new Set(['LSTM', 'GRU', 'RNN']);

function ortFeeds(feeds: Record<string, Feed>): Record<string, ort.Tensor> {
  return Object.fromEntries(Object.entries(feeds).map(([k, f]) => [k, new ort.Tensor(f.type, f.data, f.dims)]));
}

type StepForm = 'split' | 'slice';

function lowered(model: ModelProto, steps?: StepForm): { model: ModelProto; records: LoweredRecurrent[]; graph: Graph } {
  const opset = modelOpset(model);
  const graph = graphFromModel(model, 'lowering test');
  inferShapes(graph, { opset });
  const shapesBefore = graph.outputs.map((v) => v.type?.shape);
  const records = lowerRecurrent(graph, opset, { steps });
  // The unrolled outputs have exactly the fused node's inferred shapes (symbols included).
  expect(graph.outputs.map((v) => v.type?.shape)).toEqual(shapesBefore);
  return { model: modelWithGraph(model, graph), records, graph };
}

async function run(model: ModelProto, feeds: Record<string, ort.Tensor>): Promise<ort.Tensor[]> {
  const session = await ort.InferenceSession.create(encodeModel(model), { intraOpNumThreads: 1 });
  try {
    const out = await session.run(feeds);
    return session.outputNames.map((n) => out[n]);
  } finally {
    await session.release();
  }
}

/** Largest |got - want| - tol·|want| over all elements, after checking the dims agree. */
function expectClose(got: ort.Tensor, want: { dims: readonly number[]; data: ArrayLike<number> }, label: string, tol = 1e-5): void {
  expect([...got.dims], `${label}: dims`).toEqual([...want.dims]);
  const g = got.data as Float32Array;
  let worst = 0;
  for (let i = 0; i < g.length; i++) worst = Math.max(worst, Math.abs(g[i] - want.data[i]) - tol * Math.abs(want.data[i]));
  expect(worst, `${label}: worst excess error`).toBeLessThanOrEqual(tol);
}

// ---- ONNX node tests ----------------------------------------------------------------------

const nodeTestDir = onnxTestDataDir && join(onnxTestDataDir, 'node');
const nodeTests = nodeTestDir && existsSync(nodeTestDir)
  ? readdirSync(nodeTestDir).filter((n) => /^test_(lstm|gru|rnn|simple_rnn)_/.test(n)).sort()
  : [];

describe('lowering matches the ONNX node tests', () => {
  if (nodeTests.length === 0) it.skip('skipped: libonnx-testdata is not installed (/usr/share/libonnx-testdata/data/node)', () => {});
  for (const name of nodeTests) {
    it(name, async () => {
      const dir = join(nodeTestDir!, name);
      const model = decodeModel(readFileSync(join(dir, 'model.onnx')), name);
      const { model: low, graph } = lowered(model);
      expect(graph.nodes.filter((n) => RECURRENT.has(n.opType))).toEqual([]);
      const data = join(dir, 'test_data_set_0');
      const feeds: Record<string, ort.Tensor> = {};
      model.graph!.input.forEach((vi, i) => {
        if (existsSync(join(data, `input_${i}.pb`))) feeds[vi.name] = ortTensor(readTensorFile(join(data, `input_${i}.pb`)));
      });
      const got = await run(low, feeds);
      model.graph!.output.forEach((vi, i) => {
        const want = ortTensor(readTensorFile(join(data, `output_${i}.pb`)));
        expectClose(got[i], { dims: want.dims, data: want.data as Float32Array }, `${name} ${vi.name}`);
      });
    });
  }
});

// ---- PyTorch fixtures ---------------------------------------------------------------------

describe('lowering keeps the PyTorch fixtures exact', () => {
  for (const name of ['lstm_classifier', 'gru_classifier', 'rnn_classifier']) {
    it.skipIf(!existsSync(fixturePath(name)))(name, async () => {
      const model = decodeModel(readFileSync(fixturePath(name)), name);
      const input = ortTensor(readTensorFile(fixturePath(name, 'input.pb')));
      const feeds = { [model.graph!.input[0].name]: input };
      const [want] = await run(model, feeds);
      const { model: low, records, graph } = lowered(model);
      expect(records).toHaveLength(1);
      expect(records[0].hidden[0].states).toHaveLength(12);
      // The weights are still the original initializers, read by Slice/Squeeze only.
      const weightNames = model.graph!.node.find((n) => RECURRENT.has(n.opType))!.input.slice(1, 4);
      for (const w of weightNames) expect(graph.value(w).initializer, w).not.toBeNull();
      expect(graph.initializers().length).toBeGreaterThanOrEqual(model.graph!.initializer.length);
      const [got] = await run(low, feeds);
      expectClose(got, { dims: want.dims, data: want.data as Float32Array }, name);
    });
  }
});

// ---- hand-built configurations ------------------------------------------------------------

interface Built {
  model: ModelProto;
  feeds: Record<string, ort.Tensor>;
}

function floatInit(g: Graph, name: string, dims: number[], rand: () => number): Value {
  return g.addInitializer(name, makeTensor(name, DataType.FLOAT, dims, uniform(rand, dims.reduce((a, b) => a * b, 1), 0.6)));
}

function buildCase(spec: CaseSpec, opset?: number): Built {
  const built = buildPlainCase(spec, opset);
  return { model: built.model, feeds: ortFeeds(built.feeds) };
}

async function expectParity(built: Built, reference?: ort.Tensor[], steps?: StepForm): Promise<LoweredRecurrent[]> {
  const want = reference ?? (await run(built.model, built.feeds));
  const { model: low, records, graph } = lowered(built.model, steps);
  expect(graph.nodes.filter((n) => RECURRENT.has(n.opType))).toEqual([]);
  const got = await run(low, built.feeds);
  want.forEach((w, i) => expectClose(got[i], { dims: w.dims, data: w.data as Float32Array }, `output ${i}`));
  return records;
}

const CASES: [string, CaseSpec][] = [
  ['LSTM bidirectional with initial states', { cell: 'LSTM', direction: 'bidirectional', initialStates: true }],
  ['LSTM reverse', { cell: 'LSTM', direction: 'reverse', initialStates: true }],
  ['LSTM without bias, zero initial state', { cell: 'LSTM', bias: false }],
  ['LSTM with peepholes, bidirectional', { cell: 'LSTM', direction: 'bidirectional', peepholes: true, initialStates: true }],
  ['LSTM with clip', { cell: 'LSTM', attrs: { clip: 0.4 }, direction: 'bidirectional' }],
  ['LSTM with clip and peepholes', { cell: 'LSTM', attrs: { clip: 0.4 }, peepholes: true }],
  ['LSTM with input_forget', { cell: 'LSTM', attrs: { input_forget: 1 }, initialStates: true }],
  ['LSTM with input_forget and peepholes', { cell: 'LSTM', attrs: { input_forget: 1 }, peepholes: true }],
  ['LSTM with explicit activations', { cell: 'LSTM', direction: 'bidirectional', attrs: { activations: ['Sigmoid', 'Relu', 'Tanh', 'Sigmoid', 'Tanh', 'Relu'] } }],
  ['LSTM, only Y_c used', { cell: 'LSTM', outputs: [2] }],
  ['LSTM, one step', { cell: 'LSTM', steps: 1, direction: 'bidirectional' }],
  ['GRU bidirectional, linear_before_reset 0, initial state', { cell: 'GRU', direction: 'bidirectional', initialStates: true }],
  ['GRU bidirectional, linear_before_reset 1, initial state', { cell: 'GRU', direction: 'bidirectional', initialStates: true, attrs: { linear_before_reset: 1 } }],
  ['GRU reverse, linear_before_reset 1', { cell: 'GRU', direction: 'reverse', attrs: { linear_before_reset: 1 } }],
  ['GRU without bias, linear_before_reset 0', { cell: 'GRU', bias: false }],
  ['GRU with clip', { cell: 'GRU', attrs: { clip: 0.3, linear_before_reset: 1 } }],
  ['GRU with explicit activations', { cell: 'GRU', attrs: { activations: ['Sigmoid', 'Relu'] } }],
  ['RNN bidirectional with initial state', { cell: 'RNN', direction: 'bidirectional', initialStates: true }],
  ['RNN reverse with Relu', { cell: 'RNN', direction: 'reverse', attrs: { activations: ['Relu'] } }],
  ['RNN with clip', { cell: 'RNN', attrs: { clip: 0.5 } }],
];

const LENGTH_CASES: [string, CaseSpec][] = [
  ['LSTM bidirectional', { cell: 'LSTM', direction: 'bidirectional', initialStates: true, lengths: [5, 2, 4] }],
  ['LSTM reverse with peepholes', { cell: 'LSTM', direction: 'reverse', peepholes: true, lengths: [3, 5, 1] }],
  ['GRU forward, linear_before_reset 1', { cell: 'GRU', initialStates: true, lengths: [2, 5, 3], attrs: { linear_before_reset: 1 } }],
  ['GRU bidirectional', { cell: 'GRU', direction: 'bidirectional', lengths: [4, 1, 5] }],
  ['RNN reverse', { cell: 'RNN', direction: 'reverse', initialStates: true, lengths: [1, 3, 5] }],
  ['RNN bidirectional', { cell: 'RNN', direction: 'bidirectional', lengths: [5, 5, 2] }],
];

// ---- batch-first layout -------------------------------------------------------------------

const BATCH_FIRST_CASES: [string, CaseSpec][] = [
  ['LSTM bidirectional, initial states', { cell: 'LSTM', layout: 1, direction: 'bidirectional', initialStates: true }],
  ['LSTM with sequence_lens and peepholes', { cell: 'LSTM', layout: 1, direction: 'bidirectional', lengths: [2, 5, 4], peepholes: true }],
  ['GRU reverse', { cell: 'GRU', layout: 1, direction: 'reverse', initialStates: true }],
  ['RNN bidirectional with sequence_lens', { cell: 'RNN', layout: 1, direction: 'bidirectional', lengths: [5, 1, 3] }],
];

/** The layout-1 case rewritten in layout 0 with Transposes around it: onnxruntime's reference. */
async function batchFirstReference(spec: CaseSpec, built: Built): Promise<ort.Tensor[]> {
  const time = buildCase({ ...spec, layout: 0 });
  const g = graphFromModel(time.model);
  const node = g.nodes[0];
  const e = new Emitter(g, modelOpset(time.model));
  const t = (v: Value, perm: number[]) => e.transpose(v, perm);
  g.setInput(node, 0, t(node.input(0)!, [1, 0, 2]));
  for (const slot of [5, 6]) if (node.input(slot)) g.setInput(node, slot, t(node.input(slot)!, [1, 0, 2]));
  const outs = node.outputs as Value[];
  g.outputs = g.outputs.map((o) => (o === outs[0] ? t(o, [2, 0, 1, 3]) : t(o, [1, 0, 2])));
  // X, h0 and c0 keep their names; only their layout changes.
  for (const v of g.inputs) {
    const s = v.type?.shape;
    if (s?.length === 3) v.type = { ...v.type!, shape: [s[1], s[0], s[2]] };
  }
  g.topologicalSort();
  return run(modelWithGraph(time.model, g), built.feeds);
}

// Both ways of taking the per-step slices of the input projection.
describe.each(['split', 'slice'] as const)("lowering (steps by %s) matches onnxruntime's fused operators", (steps) => {
  for (const [name, spec] of CASES) it(name, () => expectParity(buildCase(spec), undefined, steps));
  for (const [name, spec] of LENGTH_CASES) it(`sequence_lens ${spec.lengths!.join(', ')}: ${name}`, () => expectParity(buildCase(spec), undefined, steps));
  it('opset 9 (attribute forms of Slice, Split, Squeeze; no Gemm without bias)', () => expectParity(buildCase({ cell: 'LSTM', bias: false, direction: 'bidirectional' }, 9), undefined, steps));
  for (const [name, spec] of BATCH_FIRST_CASES) {
    // onnxruntime's CPU kernels reject layout 1; the reference is the same weights in layout 0.
    it(`batch first: ${name}`, async () => {
      const built = buildCase(spec);
      await expectParity(built, await batchFirstReference(spec, built), steps);
    });
  }
});

describe('lowering, further configurations', () => {

  it('sequence_lens all equal to T adds no masking', async () => {
    const built = buildCase({ cell: 'GRU' });
    const g = graphFromModel(built.model);
    const lens = g.addInitializer('full', makeTensor('full', DataType.INT32, [3], Int32Array.from([5, 5, 5])));
    g.setInput(g.nodes.find((n) => n.opType === 'GRU')!, 4, lens);
    const model = modelWithGraph(built.model, g);
    const { graph } = lowered(model);
    expect(graph.nodes.some((n) => n.opType === 'Less')).toBe(false);
    await expectParity({ model, feeds: built.feeds });
  });

  it('stacked layers: LSTM -> LSTM, both lowered', async () => {
    const rand = seededRandom(3);
    const [T, N, I, H] = [6, 2, 3, 5];
    const g = new Graph('stacked');
    const e = new Emitter(g, 13);
    const x = graphInput(g, 'X', { elemType: DataType.FLOAT, shape: [T, 'N', I] });
    const [y1] = e.opN('LSTM', [x, floatInit(g, 'W1', [1, 4 * H, I], rand), floatInit(g, 'R1', [1, 4 * H, H], rand), floatInit(g, 'B1', [1, 8 * H], rand)], 3, { hidden_size: H });
    const seq = e.opN('Squeeze', [y1, g.addInitializer('axis1', makeTensor('axis1', DataType.INT64, [1], BigInt64Array.from([1n])))], 1)[0];
    const outs = e.opN('LSTM', [seq, floatInit(g, 'W2', [2, 4 * H, H], rand), floatInit(g, 'R2', [2, 4 * H, H], rand), floatInit(g, 'B2', [2, 8 * H], rand)], 3, { hidden_size: H, direction: 'bidirectional' });
    g.outputs = [outs[0], outs[1], outs[2]];
    const feeds = { X: new ort.Tensor('float32', uniform(rand, T * N * I, 1.5), [T, N, I]) };
    const records = await expectParity({ model: newModel(g, { opset: 13 }), feeds });
    expect(records.map((r) => [r.direction, r.hidden.length, r.hidden[0].states.length])).toEqual([['forward', 1, T], ['bidirectional', 2, T]]);
  });
});

// ---- what the lowering refuses ------------------------------------------------------------

describe('lowering refuses clearly', () => {
  const refusal = (model: ModelProto): string => {
    try {
      lowered(model);
    } catch (e) {
      if (isGraftError(e)) return `${e.code}: ${e.message}`;
      throw e;
    }
    return 'no error';
  };

  it('an unsupported activation, naming the node', () => {
    const { model } = buildCase({ cell: 'RNN', attrs: { activations: ['HardSigmoid'] } });
    expect(refusal(model)).toMatch(/^recurrent-activation: RNN node "RNN_0" .*"HardSigmoid"/);
  });

  it('a symbolic sequence length', () => {
    const { model } = buildCase({ cell: 'GRU' });
    const g = graphFromModel(model);
    g.inputs[0].type = { elemType: DataType.FLOAT, shape: ['T', 'N', 4] };
    g.inputs[0].info = null;
    expect(refusal(modelWithGraph(model, g))).toMatch(/^recurrent-dynamic-length: GRU node "GRU_0" .*"T"/);
  });
});
