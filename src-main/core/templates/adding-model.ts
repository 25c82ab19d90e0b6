// A minimal recurrent regressor for the adding problem (and other [N, T, F] -> [N, outputs]
// tasks): one fused ONNX LSTM / GRU / RNN layer, forward, as PyTorch exports nn.LSTM etc.
// (input transposed to time-major, W [1, G*H, F], R [1, G*H, H], B [1, 2*G*H], initialised
// U(-1/sqrt(H), 1/sqrt(H))), the last step's hidden state, and a Linear head.
// A fallback for `graft train --task adding`; the general template is templates/sequence.ts.
import { graphInput, newModel } from '../ir/builder.js';
import { Emitter } from '../ir/emitter.js';
import { Graph, type Value } from '../ir/graph.js';
import { DataType } from '../onnx/dtype.js';
import type { ModelProto } from '../onnx/gen/onnx_pb.js';
import { makeTensor } from '../onnx/tensor.js';
import { seededRandom, uniform } from '../random.js';

export type RecurrentCell = 'LSTM' | 'GRU' | 'RNN';
const GATES: Record<RecurrentCell, number> = { LSTM: 4, GRU: 3, RNN: 1 };

export interface AddingModelOptions {
  inputSize: number;
  steps: number;
  cell: RecurrentCell;
  hiddenSize: number;
  outputs: number;
  seed: number;
}

const OPSET = 14;

export function addingModel(o: AddingModelOptions): ModelProto {
  const g = new Graph('main_graph');
  const e = new Emitter(g, OPSET);
  const rand = seededRandom(o.seed);
  const [F, H, T, G] = [o.inputSize, o.hiddenSize, o.steps, GATES[o.cell]];
  const param = (name: string, dims: number[], bound: number): Value =>
    g.addInitializer(name, makeTensor(name, DataType.FLOAT, dims, uniform(rand, dims.reduce((a, b) => a * b, 1), bound)));
  const k = 1 / Math.sqrt(H);
  const x = graphInput(g, 'input', { elemType: DataType.FLOAT, shape: ['N', T, F] });
  const xt = e.op('Transpose', [x], { perm: [1, 0, 2] }, '/rnn/Transpose');
  const w = param('rnn.weight_ih_l0', [1, G * H, F], k);
  const r = param('rnn.weight_hh_l0', [1, G * H, H], k);
  const b = param('rnn.bias_l0', [1, 2 * G * H], k);
  const attributes: Record<string, number | string | number[] | string[]> = { hidden_size: H, direction: 'forward' };
  if (o.cell === 'RNN') attributes.activations = ['Tanh'];
  if (o.cell === 'GRU') attributes.linear_before_reset = 1;
  const outs = e.opN(o.cell, [xt, w, r, b], o.cell === 'LSTM' ? 3 : 2, attributes, `/rnn/${o.cell}`);
  const idx = g.addInitializer('/rnn/last_index', makeTensor('/rnn/last_index', DataType.INT64, [], BigInt64Array.of(0n)));
  const last = e.op('Gather', [outs[1], idx], { axis: 0 }, '/rnn/Gather'); // Y_h [1, N, H] -> [N, H]
  const fw = param('fc.weight', [o.outputs, H], k);
  const fb = param('fc.bias', [o.outputs], k);
  const y = e.op('Gemm', [last, fw, fb], { alpha: { float: 1 }, beta: { float: 1 }, transB: 1 }, '/fc/Gemm');
  g.renameValue(y, 'output');
  g.outputs.push(y);
  y.type = { elemType: DataType.FLOAT, shape: ['N', o.outputs] };
  return newModel(g, { opset: OPSET });
}
