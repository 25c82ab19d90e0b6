// The adding problem's model starts as the defaults need it: an LSTM's forget gate open
// (bias 1, in ONNX's i, o, f, c gate order), and recurrent weights scaled on request.
import { describe, expect, it } from 'vitest';
import { graphFromModel } from '../ir/proto.js';
import { readFloats } from '../onnx/tensor.js';
import { addingModel } from './adding-model.js';

const H = 8;
const options = { inputSize: 2, steps: 5, hiddenSize: H, outputs: 1, seed: 3 };
const tensor = (m: ReturnType<typeof addingModel>, name: string) => readFloats(graphFromModel(m).value(name).initializer!);

describe('addingModel', () => {
  it('sets the LSTM forget-gate bias to 1 in W\'s bias and 0 in R\'s, the other gates as torch draws them', () => {
    const b = tensor(addingModel({ ...options, cell: 'LSTM' }), 'rnn.bias_l0');
    expect(b).toHaveLength(8 * H);
    expect([...b.subarray(2 * H, 3 * H)]).toEqual(new Array(H).fill(1));
    expect([...b.subarray(6 * H, 7 * H)]).toEqual(new Array(H).fill(0));
    const plain = tensor(addingModel({ ...options, cell: 'LSTM', forgetBias: null }), 'rnn.bias_l0');
    expect([...b.subarray(0, 2 * H)]).toEqual([...plain.subarray(0, 2 * H)]);
    expect(plain.subarray(2 * H, 3 * H).every((v) => Math.abs(v) <= 1 / Math.sqrt(H) && v !== 1)).toBe(true);
  });

  it('leaves a GRU\'s and an RNN\'s biases as torch draws them, and scales R by recurrentScale', () => {
    const bound = 1 / Math.sqrt(H);
    for (const cell of ['GRU', 'RNN'] as const) expect(tensor(addingModel({ ...options, cell }), 'rnn.bias_l0').every((v) => Math.abs(v) <= bound)).toBe(true);
    const r1 = tensor(addingModel({ ...options, cell: 'RNN' }), 'rnn.weight_hh_l0');
    const r3 = tensor(addingModel({ ...options, cell: 'RNN', recurrentScale: 3 }), 'rnn.weight_hh_l0');
    r1.forEach((v, i) => expect(r3[i]).toBeCloseTo(3 * v, 6));
    expect(tensor(addingModel({ ...options, cell: 'RNN', recurrentScale: 3 }), 'rnn.weight_ih_l0')).toEqual(tensor(addingModel({ ...options, cell: 'RNN' }), 'rnn.weight_ih_l0'));
  });
});
