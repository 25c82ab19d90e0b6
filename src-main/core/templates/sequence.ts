// A sequence classifier / regressor in the shape PyTorch exports nn.LSTM/GRU/RNN(batch_first)
// + Linear on the last step: input [N, T, F], Transpose to [T, N, F], one fused node per layer
// ("/rnn/LSTM", "/rnn/LSTM_1", ...), the last time step of the top layer, then "/head/Gemm".
//
// Last step: Gather(t = T-1) on the top layer's [T, N, D*H] output, i.e. PyTorch's
// `output[:, -1]`. For a bidirectional model this is the forward pass's final state
// concatenated with the reverse pass's state at position T-1 (the reverse pass's first
// step), exactly as PyTorch's output[:, -1] is; not h_n.
// Parameters: "rnn.W_l{k}", "rnn.R_l{k}", "rnn.B_l{k}" (ONNX layout, gates in ONNX order),
// "head.weight", "head.bias"; initialised as torch.nn does (U(-1/sqrt(fan), 1/sqrt(fan))).
import { DataType } from '../onnx/dtype.js';
import type { ModelProto } from '../onnx/gen/onnx_pb.js';
import { makeTensor } from '../onnx/tensor.js';
import { Graph, type Value } from '../ir/graph.js';
import { graphInput, newModel } from '../ir/builder.js';
import { Emitter } from '../ir/emitter.js';
import { seededRandom } from '../random.js';
import { torchLinearInit } from '../surgery/linear.js';
import { type CellKind, recurrentInit } from '../surgery/swap-cell.js';

export interface SequenceModelOptions {
  inputSize: number;
  cell: CellKind;
  hiddenSize: number;
  layers: number;
  direction: 'forward' | 'bidirectional';
  /** Sequence length T (static: training unrolls it). */
  steps: number;
  /** Classes, or 1 for regression. */
  outputs: number;
  head: 'last';
  seed: number;
  /** An LSTM's initial forget-gate bias (in W's bias; R's is zeroed), e.g. 1; default: torch's plain init. */
  forgetBias?: number;
}

/** ONNX orders an LSTM's gates i, o, f, c: the forget gate is the third block of H. */
export const LSTM_FORGET_GATE = 2;

/** Sets each direction's forget-gate bias in a [D, 8H] LSTM bias: W's part to `value`, R's to 0. */
export function setForgetBias(b: Float32Array, hidden: number, value: number): void {
  const H = hidden;
  for (let d = 0; d < b.length / (8 * H); d++) {
    const base = d * 8 * H;
    b.fill(value, base + LSTM_FORGET_GATE * H, base + (LSTM_FORGET_GATE + 1) * H);
    b.fill(0, base + (4 + LSTM_FORGET_GATE) * H, base + (5 + LSTM_FORGET_GATE) * H);
  }
}

const OPSET = 17;

export function sequenceModel(o: SequenceModelOptions): ModelProto {
  for (const [k, v] of Object.entries({ inputSize: o.inputSize, hiddenSize: o.hiddenSize, layers: o.layers, steps: o.steps, outputs: o.outputs })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`sequenceModel: "${k}" must be a positive whole number (got ${v})`);
  }
  const g = new Graph('main_graph');
  const e = new Emitter(g, OPSET);
  const rand = seededRandom(o.seed);
  const D = o.direction === 'bidirectional' ? 2 : 1;
  const H = o.hiddenSize;
  const constant = (name: string, data: number[]): Value => g.addInitializer(name, makeTensor(name, DataType.INT64, [data.length], BigInt64Array.from(data.map(BigInt))));

  const input = graphInput(g, 'input', { elemType: DataType.FLOAT, shape: ['N', o.steps, o.inputSize] });
  let x = e.op('Transpose', [input], { perm: [1, 0, 2] }, '/rnn/Transpose');
  let features = o.inputSize;
  const axis1 = D === 1 ? constant('/rnn/squeeze_axes', [1]) : null;
  const shape = D === 2 ? constant('/rnn/reshape_shape', [0, 0, -1]) : null;
  for (let l = 0; l < o.layers; l++) {
    const suffix = l === 0 ? '' : `_${l}`;
    const init = recurrentInit(rand, o.cell, features, H, D);
    if (o.cell === 'LSTM' && o.forgetBias !== undefined) setForgetBias(init.b.data, H, o.forgetBias);
    const param = (name: string, t: { dims: number[]; data: Float32Array }) => g.addInitializer(name, makeTensor(name, DataType.FLOAT, t.dims, t.data));
    const w = param(`rnn.W_l${l}`, init.w);
    const r = param(`rnn.R_l${l}`, init.r);
    const b = param(`rnn.B_l${l}`, init.b);
    const [y] = e.opN(
      o.cell,
      [x, w, r, b],
      o.cell === 'LSTM' ? 3 : 2,
      { hidden_size: H, direction: D === 2 ? 'bidirectional' : undefined, linear_before_reset: o.cell === 'GRU' ? 1 : undefined },
      `/rnn/${o.cell}${suffix}`,
    );
    // Y [T, D, N, H] -> [T, N, D*H]
    if (D === 1) x = e.op('Squeeze', [y, axis1], {}, `/rnn/Squeeze${suffix}`);
    else {
      const t = e.op('Transpose', [y], { perm: [0, 2, 1, 3] }, `/rnn/Transpose_${l + 1}`);
      x = e.op('Reshape', [t, shape], {}, `/rnn/Reshape${suffix}`);
    }
    features = D * H;
  }
  const last = g.addInitializer('/last_index', makeTensor('/last_index', DataType.INT64, [], BigInt64Array.of(BigInt(o.steps - 1))));
  x = e.op('Gather', [x, last], { axis: 0 }, '/Gather'); // [N, D*H]
  const head = torchLinearInit(rand, features, o.outputs);
  const hw = g.addInitializer('head.weight', makeTensor('head.weight', DataType.FLOAT, [o.outputs, features], head.weight));
  const hb = g.addInitializer('head.bias', makeTensor('head.bias', DataType.FLOAT, [o.outputs], head.bias));
  const logits = e.op('Gemm', [x, hw, hb], { alpha: { float: 1 }, beta: { float: 1 }, transB: 1 }, '/head/Gemm');
  const outName = o.outputs === 1 ? 'prediction' : 'logits';
  g.renameValue(logits, outName);
  logits.type = { elemType: DataType.FLOAT, shape: ['N', o.outputs] };
  g.outputs.push(logits);
  return newModel(g, { opset: OPSET });
}
