import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { graphFromModel } from '../ir/proto.js';
import { decodeModel, encodeModel } from '../onnx/codec.js';
import type { ModelProto } from '../onnx/gen/onnx_pb.js';
import { readFloats, tensorDims } from '../onnx/tensor.js';
import { seededRandom } from '../random.js';
import { type LossKind } from '../train/loss.js';
import { compileTrainingStep } from '../train/compile.js';
import { sgd } from '../train/optimizers.js';
import { runOrt } from '../../test-support/ort.js';
import { sequenceModel } from './sequence.js';

const N = 6;
const T = 5;
const F = 4;

async function trainLosses(model: ModelProto, x: ort.Tensor, y: ort.Tensor, loss: LossKind, steps = 20, lr = 0.1): Promise<number[]> {
  const step = compileTrainingStep(model, { trainable: 'all', loss, optimizer: sgd({ momentum: 0.9 }) });
  const session = await ort.InferenceSession.create(encodeModel(step.model), { intraOpNumThreads: 1 });
  try {
    const params = new Map<string, ort.Tensor>([...step.initialParams].map(([n, t]) => [n, new ort.Tensor('float32', readFloats(t), tensorDims(t))]));
    let state = new Map<string, ort.Tensor>(step.state.map((s) => [s.name, new ort.Tensor('float32', new Float32Array(s.dims.reduce((a, b) => a * b, 1)), s.dims)]));
    const losses: number[] = [];
    for (let t = 1; t <= steps; t++) {
      const feeds: Record<string, ort.Tensor> = { [step.data]: x, [step.target]: y };
      for (const [n, v] of params) feeds[n] = v;
      for (const [n, v] of state) feeds[n] = v;
      feeds[step.lr!] = new ort.Tensor('float32', Float32Array.of(lr), []);
      feeds[step.step!] = new ort.Tensor('float32', Float32Array.of(t), []);
      const out = await session.run(feeds);
      losses.push((out[step.loss].data as Float32Array)[0]);
      for (const n of step.params) params.set(n, out[step.updatedParams.get(n)!]);
      state = new Map(step.state.map((s) => [s.name, out[step.updatedState.get(s.name)!]]));
    }
    return losses;
  } finally {
    await session.release();
  }
}

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
