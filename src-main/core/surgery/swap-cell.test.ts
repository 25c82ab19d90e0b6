import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { trainLosses } from '../../test-support/train-loop.js';
import { describe, expect, it } from 'vitest';
import { GraftError } from '../errors.js';
import { Graph } from '../ir/graph.js';
import { graphInput, newModel } from '../ir/builder.js';
import { Emitter } from '../ir/emitter.js';
import { graphFromModel, modelWithGraph } from '../ir/proto.js';
import { decodeModel, encodeModel } from '../onnx/codec.js';
import { DataType } from '../onnx/dtype.js';
import type { ModelProto } from '../onnx/gen/onnx_pb.js';
import { makeTensor, readFloats, tensorDims } from '../onnx/tensor.js';
import { inferShapes } from '../shape/infer.js';
import { fixturePath, readTensorFile } from '../../test-support/fixtures.js';
import { ortTensor, runOrt } from '../../test-support/ort.js';
import { applyEdits } from './apply.js';
import { swapCell } from './swap-cell.js';

const load = (): ModelProto => decodeModel(readFileSync(fixturePath('lstm_classifier')), 'lstm_classifier');
const input = readTensorFile(fixturePath('lstm_classifier', 'input.pb'));
const labels = readTensorFile(fixturePath('lstm_classifier', 'labels.pb'));

/** Runs `steps` SGD steps of the compiled training step; returns the loss at each. */

describe('swap-cell on the LSTM classifier fixture', () => {
  for (const cell of ['GRU', 'RNN'] as const) {
    it(`LSTM -> ${cell}: runs, trains, round-trips`, async () => {
      const { model, log, trainable } = applyEdits(load(), [{ kind: 'swap-cell', cell, seed: 7 }]);
      expect(log[0]).toContain(`replaced by ${cell}(8 → 16)`);
      const g = graphFromModel(model);
      const rec = g.nodes.filter((n) => ['LSTM', 'GRU', 'RNN'].includes(n.opType));
      expect(rec.map((n) => [n.opType, n.name])).toEqual([[cell, `/rnn/${cell}`]]);
      const gates = cell === 'GRU' ? 3 : 1;
      expect(tensorDims(g.value('rnn.W').initializer!)).toEqual([1, gates * 16, 8]);
      expect(tensorDims(g.value('rnn.R').initializer!)).toEqual([1, gates * 16, 16]);
      expect(tensorDims(g.value('rnn.B').initializer!)).toEqual([1, 2 * gates * 16]);
      expect(g.values.has('onnx::LSTM_109')).toBe(false);
      const bound = 1 / Math.sqrt(16);
      const w = readFloats(g.value('rnn.W').initializer!);
      expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(bound);
      expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(bound * 0.9);
      expect(trainable.has('rnn.W') && trainable.has('head.weight')).toBe(true);

      const bytes = encodeModel(model);
      const out = await runOrt(bytes, { input: ortTensor(input) });
      expect(out.logits.dims).toEqual([5, 3]);
      // encode -> decode -> encode is stable and still loads.
      const again = encodeModel(decodeModel(bytes, 'again'));
      const out2 = await runOrt(again, { input: ortTensor(input) });
      expect(Array.from(out2.logits.data as Float32Array)).toEqual(Array.from(out.logits.data as Float32Array));

      const losses = await trainLosses(model, ortTensor(input), ortTensor(labels));
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.8);
    });
  }

  it('same seed, same weights; GRU is exported with linear_before_reset = 1', () => {
    const a = applyEdits(load(), [{ kind: 'swap-cell', cell: 'GRU', seed: 3 }]).model;
    const b = applyEdits(load(), [{ kind: 'swap-cell', cell: 'GRU', seed: 3 }]).model;
    expect(encodeModel(a)).toEqual(encodeModel(b));
    const gru = graphFromModel(a).nodes.find((n) => n.opType === 'GRU')!;
    expect(Number(gru.attr('linear_before_reset')?.i)).toBe(1);
    expect(Number(gru.attr('hidden_size')?.i)).toBe(16);
  });

  it('a new hidden size re-initialises the head Gemm, and the model runs and trains', async () => {
    const { model, log } = applyEdits(load(), [{ kind: 'swap-cell', cell: 'GRU', hiddenSize: 24, seed: 1 }]);
    expect(log[0]).toContain('/head/Gemm');
    const g = graphFromModel(model);
    expect(tensorDims(g.value('head.weight').initializer!)).toEqual([3, 24]);
    const gru = g.nodes.find((n) => n.opType === 'GRU')!;
    expect(gru.input(5)).toBeNull(); // the zero initial state of size 16 was dropped (zeros by default)
    const out = await runOrt(encodeModel(model), { input: ortTensor(input) });
    expect(out.logits.dims).toEqual([5, 3]);
    const losses = await trainLosses(model, ortTensor(input), ortTensor(labels));
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
  });

  it('LSTM -> LSTM with the same size keeps both initial states', () => {
    const g = graphFromModel(applyEdits(load(), [{ kind: 'swap-cell', cell: 'LSTM', seed: 5 }]).model);
    const lstm = g.nodes.find((n) => n.opType === 'LSTM')!;
    expect(lstm.input(5)?.producer?.opType).toBe('ConstantOfShape');
    expect(lstm.input(6)?.producer?.opType).toBe('ConstantOfShape');
    expect(readFloats(g.value('rnn.W').initializer!)).not.toEqual(readFloats(graphFromModel(load()).value('onnx::LSTM_109').initializer!));
  });

  it('refuses a direction change and an unknown node', () => {
    const g = graphFromModel(load());
    expect(() => swapCell(g, '/rnn/LSTM', { cell: 'GRU', direction: 'bidirectional', seed: 0 }, 17)).toThrow(/direction/);
    expect(() => swapCell(g, '/head/Gemm', { cell: 'GRU', seed: 0 }, 17)).toThrow(/not an LSTM, GRU or RNN/);
    expect(() => applyEdits(load(), [{ kind: 'swap-cell', cell: 'XYZ' as 'GRU', seed: 0 }])).toThrow(/unknown cell/);
  });
});

/** An LSTM whose Y_c is a graph output: [T=4, N, 3] -> H = 5. */
function lstmWithCellState(): ModelProto {
  const g = new Graph('cell');
  const e = new Emitter(g, 17);
  const x = graphInput(g, 'x', { elemType: DataType.FLOAT, shape: [4, 'N', 3] });
  const p = (name: string, dims: number[]) => g.addInitializer(name, makeTensor(name, DataType.FLOAT, dims, new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(0.1)));
  const [, yh, yc] = e.opN('LSTM', [x, p('lstm.W', [1, 20, 3]), p('lstm.R', [1, 20, 5])], 3, { hidden_size: 5 }, '/lstm/LSTM');
  g.renameValue(yh, 'h');
  g.renameValue(yc, 'c');
  g.outputs.push(yh, yc);
  return newModel(g, { opset: 17 });
}

describe('swap-cell errors', () => {
  it('refuses to drop the LSTM cell state Y_c when something reads it', () => {
    for (const cell of ['GRU', 'RNN'] as const) {
      let err: unknown;
      try {
        applyEdits(lstmWithCellState(), [{ kind: 'swap-cell', cell, seed: 0 }]);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(GraftError);
      expect((err as GraftError).message).toMatch(new RegExp(`reads the LSTM cell state Y_c of "/lstm/LSTM", which an? ${cell} does not have`));
    }
  });

  it('LSTM -> LSTM keeps Y_c; the hand-built model runs after the swap', async () => {
    const { model } = applyEdits(lstmWithCellState(), [{ kind: 'swap-cell', cell: 'LSTM', hiddenSize: 7, seed: 2 }]);
    const out = await runOrt(encodeModel(model), { x: new ort.Tensor('float32', new Float32Array(4 * 2 * 3).fill(0.5), [4, 2, 3]) });
    expect(out.h.dims).toEqual([1, 2, 7]);
    expect(out.c.dims).toEqual([1, 2, 7]);
  });

  it('refuses a hidden-size change that a non-head consumer would not survive', () => {
    const g = new Graph('bad');
    const e = new Emitter(g, 17);
    const x = graphInput(g, 'x', { elemType: DataType.FLOAT, shape: [4, 'N', 3] });
    const p = (name: string, dims: number[]) => g.addInitializer(name, makeTensor(name, DataType.FLOAT, dims, new Float32Array(dims.reduce((a, b) => a * b, 1))));
    const [, yh] = e.opN('RNN', [x, p('W', [1, 5, 3]), p('R', [1, 5, 5])], 2, { hidden_size: 5 }, '/rnn/RNN');
    const [y] = e.opN('Add', [yh, p('offset', [5])], 1, {}, '/Add');
    g.outputs.push(y);
    inferShapes(g, { opset: 17 });
    const model = modelWithGraph(newModel(new Graph('x'), { opset: 17 }), g);
    expect(() => applyEdits(model, [{ kind: 'swap-cell', cell: 'GRU', hiddenSize: 6, seed: 0 }])).toThrow(/would break Add node "\/Add"/);
  });
});
