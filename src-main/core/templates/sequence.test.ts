import * as ort from 'onnxruntime-node';
import { trainLosses } from '../../test-support/train-loop.js';
import { describe, expect, it } from 'vitest';
import { graphFromModel } from '../ir/proto.js';
import { decodeModel, encodeModel } from '../onnx/codec.js';
import { tensorDims } from '../onnx/tensor.js';
import { seededRandom } from '../random.js';
import { runOrt } from '../../test-support/ort.js';
import { sequenceModel } from './sequence.js';

const N = 6;
const T = 5;
const F = 4;


const rand = seededRandom(42);
const x = new ort.Tensor('float32', Float32Array.from({ length: N * T * F }, () => rand() * 2 - 1), [N, T, F]);
const labels = new ort.Tensor('int64', BigInt64Array.from({ length: N }, (_, i) => BigInt(i % 3)), [N]);

describe('sequenceModel', () => {
  for (const cell of ['LSTM', 'GRU', 'RNN'] as const) {
    for (const layers of [1, 2]) {
      for (const direction of ['forward', 'bidirectional'] as const) {
        it(`${cell}, ${layers} layer(s), ${direction}: runs with [N, 3] and trains`, async () => {
          const model = sequenceModel({ inputSize: F, cell, hiddenSize: 8, layers, direction, steps: T, outputs: 3, head: 'last', seed: 1 });
          const g = graphFromModel(model);
          const D = direction === 'bidirectional' ? 2 : 1;
          expect(g.nodes.filter((n) => n.opType === cell).map((n) => n.name)).toEqual(layers === 1 ? [`/rnn/${cell}`] : [`/rnn/${cell}`, `/rnn/${cell}_1`]);
          expect(tensorDims(g.value('head.weight').initializer!)).toEqual([3, 8 * D]);
          if (layers === 2) expect(tensorDims(g.value('rnn.W_l1').initializer!)[2]).toBe(8 * D);
          const bytes = encodeModel(model);
          const out = await runOrt(encodeModel(decodeModel(bytes, 'seq')), { input: x });
          expect(out.logits.dims).toEqual([N, 3]);
          const losses = await trainLosses(model, x, labels, 'cross-entropy');
          expect(losses.every(Number.isFinite)).toBe(true);
          expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
        });
      }
    }
  }

  it('regression: one output, trained with MSE', async () => {
    const model = sequenceModel({ inputSize: F, cell: 'GRU', hiddenSize: 6, layers: 1, direction: 'forward', steps: T, outputs: 1, head: 'last', seed: 3 });
    const out = await runOrt(encodeModel(model), { input: x });
    expect(out.prediction.dims).toEqual([N, 1]);
    const target = new ort.Tensor('float32', Float32Array.from({ length: N }, (_, i) => (i % 2 ? 1 : -1)), [N, 1]);
    const losses = await trainLosses(model, x, target, 'mse');
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
  });

  it('bidirectional: Transpose + Reshape to [T, N, 2H], Gather of t = T-1 (output[:, -1]); same seed, same bytes', () => {
    const model = sequenceModel({ inputSize: F, cell: 'RNN', hiddenSize: 4, layers: 1, direction: 'bidirectional', steps: T, outputs: 2, head: 'last', seed: 9 });
    const g = graphFromModel(model);
    expect(g.nodes.map((n) => n.opType)).toEqual(['Transpose', 'RNN', 'Transpose', 'Reshape', 'Gather', 'Gemm']);
    expect(encodeModel(sequenceModel({ inputSize: F, cell: 'RNN', hiddenSize: 4, layers: 1, direction: 'bidirectional', steps: T, outputs: 2, head: 'last', seed: 9 }))).toEqual(encodeModel(model));
  });
});
