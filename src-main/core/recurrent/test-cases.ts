// Hand-built fused recurrent nodes for the lowering's tests (only *.test.ts files import
// this): one LSTM / GRU / RNN node with seeded random weights and feeds.
import type { AttrValue } from '../ir/attributes.js';
import { graphInput, newModel } from '../ir/builder.js';
import { Emitter } from '../ir/emitter.js';
import { type Dim, Graph, type Value } from '../ir/graph.js';
import { DataType } from '../onnx/dtype.js';
import type { ModelProto } from '../onnx/gen/onnx_pb.js';
import { makeTensor } from '../onnx/tensor.js';
import { seededRandom, uniform } from '../random.js';
import { GATES } from './spec.js';

export interface CaseSpec {
  cell: 'LSTM' | 'GRU' | 'RNN';
  direction?: 'forward' | 'reverse' | 'bidirectional';
  layout?: 0 | 1;
  steps?: number;
  batch?: number;
  inputSize?: number;
  hidden?: number;
  bias?: boolean;
  initialStates?: boolean;
  /** Lengths per batch entry; absent means no sequence_lens input. */
  lengths?: number[];
  peepholes?: boolean;
  attrs?: Record<string, AttrValue>;
  /** Which outputs the graph exposes (Y, Y_h, Y_c); all by default. */
  outputs?: number[];
  /** Declare the batch dimension as a number instead of the symbol "N". */
  staticBatch?: boolean;
  /** W, R, B, P as graph inputs (as in a training step) instead of initializers. */
  weightsAsInputs?: boolean;
  seed?: number;
}

/** A feed as plain data (the tests wrap it for onnxruntime). */
export interface Feed {
  type: 'float32' | 'int32';
  data: Float32Array | Int32Array;
  dims: number[];
}

export interface BuiltCase {
  model: ModelProto;
  feeds: Record<string, Feed>;
  /** Names of W, R, B, P as present. */
  weights: string[];
}

const size = (dims: number[]) => dims.reduce((a, b) => a * b, 1);

export function buildCase(c: CaseSpec, opset = 14): BuiltCase {
  const rand = seededRandom(c.seed ?? 7);
  const [T, N, I, H] = [c.steps ?? 5, c.batch ?? 3, c.inputSize ?? 4, c.hidden ?? 6];
  const batch: Dim = c.staticBatch ? N : 'N';
  const nd = c.direction === 'bidirectional' ? 2 : 1;
  const G = GATES[c.cell];
  const layout = c.layout ?? 0;
  const g = new Graph(`${c.cell} case`);
  const feeds: Record<string, Feed> = {};
  const weights: string[] = [];
  const input = (name: string, dims: number[], shape: Dim[] = dims) => {
    feeds[name] = { type: 'float32', data: uniform(rand, size(dims), 1.5), dims };
    return graphInput(g, name, { elemType: DataType.FLOAT, shape });
  };
  const weight = (name: string, dims: number[]): Value => {
    weights.push(name);
    if (c.weightsAsInputs) return input(name, dims);
    return g.addInitializer(name, makeTensor(name, DataType.FLOAT, dims, uniform(rand, size(dims), 0.6)));
  };
  const x = input('X', layout === 0 ? [T, N, I] : [N, T, I], layout === 0 ? [T, batch, I] : [batch, T, I]);
  const w = weight('W', [nd, G * H, I]);
  const r = weight('R', [nd, G * H, H]);
  const b = c.bias === false ? null : weight('B', [nd, 2 * G * H]);
  let lens: Value | null = null;
  if (c.lengths) {
    feeds.lens = { type: 'int32', data: Int32Array.from(c.lengths), dims: [N] };
    lens = graphInput(g, 'lens', { elemType: DataType.INT32, shape: [batch] });
  }
  const stateDims = layout === 0 ? [nd, N, H] : [N, nd, H];
  const stateShape: Dim[] = layout === 0 ? [nd, batch, H] : [batch, nd, H];
  const h0 = c.initialStates ? input('h0', stateDims, stateShape) : null;
  const c0 = c.initialStates && c.cell === 'LSTM' ? input('c0', stateDims, stateShape) : null;
  const p = c.peepholes ? weight('P', [nd, 3 * H]) : null;
  const inputs = c.cell === 'LSTM' ? [x, w, r, b, lens, h0, c0, p] : [x, w, r, b, lens, h0];
  const outs = new Emitter(g, opset).opN(c.cell, inputs, c.cell === 'LSTM' ? 3 : 2, { hidden_size: H, direction: c.direction, layout: layout || undefined, ...c.attrs });
  g.outputs = (c.outputs ?? (c.cell === 'LSTM' ? [0, 1, 2] : [0, 1])).map((i) => outs[i]);
  return { model: newModel(g, { opset }), feeds, weights };
}
