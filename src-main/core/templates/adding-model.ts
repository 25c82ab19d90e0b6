// A minimal recurrent regressor for the adding problem (and other [N, T, F] -> [N, outputs]
// tasks): one fused ONNX LSTM / GRU / RNN layer, forward, as PyTorch exports nn.LSTM etc.
// (input transposed to time-major, W [1, G*H, F], R [1, G*H, H], B [1, 2*G*H], initialised
// U(-1/sqrt(H), 1/sqrt(H))), the last step's hidden state, and a Linear head.
// An LSTM's forget-gate bias starts at 1 (Gers et al. 2000; Jozefowicz et al. 2015), as
// PyTorch users set it by hand: the cell starts out keeping its memory, so the gradient
// reaches early steps from the first update and the adding problem leaves its plateau sooner.
// A fallback for `graft train --task adding`; the general template is templates/sequence.ts.
import { graphInput, newModel } from '../ir/builder.js';
import { Emitter } from '../ir/emitter.js';
import { Graph, type Value } from '../ir/graph.js';
import { DataType } from '../onnx/dtype.js';
import type { ModelProto } from '../onnx/gen/onnx_pb.js';
import { makeTensor } from '../onnx/tensor.js';
import { seededRandom, uniform } from '../random.js';
import { setForgetBias } from './sequence.js';

export type RecurrentCell = 'LSTM' | 'GRU' | 'RNN';
const GATES: Record<RecurrentCell, number> = { LSTM: 4, GRU: 3, RNN: 1 };

export interface AddingModelOptions {
  inputSize: number;
  steps: number;
  cell: RecurrentCell;
  hiddenSize: number;
  outputs: number;
  seed: number;
  /** The LSTM's initial forget-gate bias (in W's bias; R's stays 0). Default 1; null: torch's plain init. */
  forgetBias?: number | null;
  /** Multiplies the initial recurrent weights R (default 1): above ~3 an RNN's gradient explodes. */
  recurrentScale?: number;
}

const OPSET = 14;

export function addingModel(o: AddingModelOptions): ModelProto {
  const g = new Graph('main_graph');
  const e = new Emitter(g, OPSET);
  const rand = seededRandom(o.seed);
  const [F, H, T, G] = [o.inputSize, o.hiddenSize, o.steps, GATES[o.cell]];
  const param = (name: string, dims: number[], bound: number, adjust?: (data: Float32Array) => void): Value => {
    const data = uniform(rand, dims.reduce((a, b) => a * b, 1), bound);
    adjust?.(data);
    return g.addInitializer(name, makeTensor(name, DataType.FLOAT, dims, data));
  };
  const k = 1 / Math.sqrt(H);
  const x = graphInput(g, 'input', { elemType: DataType.FLOAT, shape: ['N', T, F] });
  const xt = e.op('Transpose', [x], { perm: [1, 0, 2] }, '/rnn/Transpose');
  const w = param('rnn.weight_ih_l0', [1, G * H, F], k);
  const scale = o.recurrentScale ?? 1;
  const r = param('rnn.weight_hh_l0', [1, G * H, H], k, (d) => scale !== 1 && d.forEach((v, i) => (d[i] = v * scale)));
  const forgetBias = o.forgetBias === undefined ? 1 : o.forgetBias;
  const b = param('rnn.bias_l0', [1, 2 * G * H], k, (d) => o.cell === 'LSTM' && forgetBias !== null && setForgetBias(d, H, forgetBias));
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
