// Fixed batch dimensions relaxed for training (issue 13, item 4): Reshape targets that bake the
// batch in are rewritten where equivalent (checked in onnxruntime against the original at batch
// 1), refused with a reason where not, and a static-batch MobileNetV3 export trains feature
// extraction at batch 8 with the cache on and exports a model onnxruntime runs at batch 8. A
// static-batch torchvision ViT (class token expanded to the traced batch, attention views that
// merge the batch with heads or tokens) reproduces PyTorch's logits for a batch of 3.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { cloneGraph } from '../ir/clone.js';
import { Graph } from '../ir/graph.js';
import { graphFromModel, modelWithGraph, typeFromProto } from '../ir/proto.js';
import { decodeModel, encodeModel } from '../onnx/codec.js';
import { DataType } from '../onnx/dtype.js';
import { makeTensor, readFloats, tensorDims } from '../onnx/tensor.js';
import { floats, input, int64s, modelOf, node } from '../shape/test-support.js';
import { freezePreset, swapHeadEdit } from '../surgery/presets.js';
import { readTensorFile } from '../../test-support/fixtures.js';
import { runOrt } from '../../test-support/ort.js';
import { sgd } from './optimizers.js';
import { planTraining, plannedModel } from './plan.js';
import { relaxFixedBatch } from './relax-batch.js';

const OPSET = 14;
const rand = (n: number, seed: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(seed + i * 1.7));
const tensor = (data: Float32Array, dims: number[]) => new ort.Tensor('float32', data, dims);

/** x [1, 4, 2, 2] -> Reshape(target) -> MatMul [16, 3]: a static export's flatten. */
function flattenNet(target: number[]): Graph {
  const g = new Graph('flatten');
  const x = input(g, 'x', [1, 4, 2, 2]);
  const [flat] = node(g, 'Reshape', [x, int64s(g, 'target', target)]);
  const [y] = node(g, 'MatMul', [flat, floats(g, 'w', Array.from(rand(48, 1)), [16, 3])]);
  g.outputs.push(y);
  y.type = { elemType: DataType.FLOAT, shape: [1, 3] };
  return g;
}

async function run(g: Graph, x: Float32Array, batch: number): Promise<Float32Array> {
  const out = await runOrt(encodeModel(modelOf(g, OPSET)), { x: tensor(x, [batch, 4, 2, 2]) });
  return out[g.outputs[0].name].data as Float32Array;
}

describe('relaxFixedBatch', () => {
  for (const target of [[1, -1], [1, 16]]) {
    it(`rewrites Reshape [${target.join(', ')}] to copy the batch; every row as at batch 1`, async () => {
      const original = flattenNet(target);
      const g = cloneGraph(original);
      const { log } = relaxFixedBatch(g, OPSET);
      expect(log.join('\n')).toMatch(/fixed batch 1 of input "x" relaxed to a symbolic batch N; targets .* now take it from the input/);
      expect(g.inputs[0].type?.shape).toEqual(['N', 4, 2, 2]);
      expect(g.outputs[0].type?.shape).toEqual(['N', 3]);
      const x = rand(5 * 16, 3);
      const batched = await run(g, x, 5);
      for (let r = 0; r < 5; r++) {
        const row = await run(original, x.slice(r * 16, (r + 1) * 16), 1);
        Array.from(row).forEach((v, c) => expect(batched[r * 3 + c]).toBeCloseTo(v, 5));
      }
    });
  }

  it('rewrites a Reshape target computed from constants (an export without constant folding)', async () => {
    // torch.onnx.export(..., do_constant_folding=False): Concat(Unsqueeze(Constant)...) = [1, -1].
    const original = new Graph('unfolded');
    const x = input(original, 'x', [1, 4, 2, 2]);
    const dims = [1, -1].map((d, i) => node(original, 'Unsqueeze', [int64s(original, `d${i}`, [d], []), int64s(original, `axes${i}`, [0])])[0]);
    const [target] = node(original, 'Concat', dims, { axis: 0 });
    const [flat] = node(original, 'Reshape', [x, target]);
    const [y] = node(original, 'MatMul', [flat, floats(original, 'w', Array.from(rand(48, 1)), [16, 3])]);
    original.outputs.push(y);
    const g = cloneGraph(original);
    expect(relaxFixedBatch(g, OPSET).log.join('\n')).toMatch(/relaxed to a symbolic batch N; targets .* now take it from the input/);
    expect(g.outputs[0].type?.shape).toEqual(['N', 3]);
    const xs = rand(2 * 16, 5);
    const batched = await run(g, xs, 2);
    const second = await run(original, xs.slice(16), 1);
    Array.from(second).forEach((v, c) => expect(batched[3 + c]).toBeCloseTo(v, 5));
  });

  it('keeps the batch fixed, saying why, when a Reshape spreads it over several dimensions', () => {
    const g = new Graph('spread');
    const x = input(g, 'x', [2, 3]);
    const [t] = node(g, 'Reshape', [x, int64s(g, 'target', [3, 2])]);
    const [y] = node(g, 'MatMul', [t, floats(g, 'w', Array.from(rand(4, 2)), [2, 2])]);
    g.outputs.push(y);
    const { log } = relaxFixedBatch(g, OPSET);
    expect(log.join('\n')).toMatch(/the batch stays fixed at 2: Reshape .*\[N, 3\] to \[3, 2\].* folds the batch into its dimensions in a way no single dimension can take/);
    expect(g.inputs[0].type?.shape).toEqual([2, 3]);
  });

  it('keeps the batch fixed, saying why, when the batch ends up in rows of the output', () => {
    const g = new Graph('rows');
    const x = input(g, 'x', [1, 16]);
    const [sq] = node(g, 'Reshape', [x, int64s(g, 'target', [4, 4])]);
    const [y] = node(g, 'MatMul', [sq, floats(g, 'w', Array.from(rand(8, 2)), [4, 2])]);
    g.outputs.push(y);
    const { log } = relaxFixedBatch(g, OPSET);
    expect(log.join('\n')).toMatch(/the batch stays fixed at 1: output .* has shape \[4\*N, 2\], not a batch of N/);
    expect(g.inputs[0].type?.shape).toEqual([1, 16]);
  });

  it('relaxes every data input traced with the same batch (an input and its mask)', () => {
    const g = new Graph('masked');
    const x = input(g, 'x', [1, 4]);
    const m = input(g, 'mask', [1, 4]);
    g.outputs.push(node(g, 'Mul', [x, m])[0]);
    expect(relaxFixedBatch(g, OPSET).log).toEqual(['fixed batch 1 of inputs "x", "mask" relaxed to a symbolic batch N']);
    expect([x.type?.shape, m.type?.shape, g.outputs[0].type?.shape]).toEqual([['N', 4], ['N', 4], ['N', 4]]);
  });

  it('leaves a symbolic batch alone', () => {
    const g = new Graph('dynamic');
    const x = input(g, 'x', ['batch', 16]);
    g.outputs.push(node(g, 'Relu', [x])[0]);
    expect(relaxFixedBatch(g, OPSET).log).toEqual([]);
  });
});

describe('a static-batch torchvision ViT (testdata/make_static_batch.py)', () => {
  const testdata = join(dirname(fileURLToPath(import.meta.url)), 'testdata');
  const images = readTensorFile(join(testdata, 'vit_static', 'input.pb'));
  const logits = readFloats(readTensorFile(join(testdata, 'vit_static', 'logits.pb')));

  for (const name of ['vit_static', 'vit_static_unfolded']) {
    it(`${name}: the class token's Expand and the attention views take the batch; PyTorch's logits for a batch of 3`, async () => {
      const model = decodeModel(readFileSync(join(testdata, name, 'model.onnx')), name);
      const g = graphFromModel(model);
      const { log } = relaxFixedBatch(g, OPSET);
      // The patch flattening, the class token, and five attention views in each of the 2 layers:
      // the in-projection split, (L, N * heads, d) for q, k and v, (L * N, E) after.
      expect(log).toEqual(['fixed batch 1 of input "x" relaxed to a symbolic batch N; targets that wrote the batch as a constant now take it from the input: /Reshape, /Expand, /encoder/layers/encoder_layer_0/self_attention/Reshape, /encoder/layers/encoder_layer_0/self_attention/Reshape_1 and 8 more']);
      expect(g.outputs[0].type?.shape).toEqual(['N', 10]);
      const out = await runOrt(encodeModel(modelWithGraph(model, g)), { x: tensor(readFloats(images), tensorDims(images)) });
      const got = out.logits.data as Float32Array;
      expect(got.length).toBe(logits.length);
      got.forEach((v, i) => expect(v).toBeCloseTo(logits[i], 4));
    });
  }
});

describe('a static-batch MobileNetV3-Small export (testdata/make_static_batch.py)', () => {
  const file = join(dirname(fileURLToPath(import.meta.url)), 'testdata', 'mobilenet_v3_small_static', 'model.onnx');
  const model = decodeModel(readFileSync(file), 'mobilenet');

  it('trains feature extraction at batch 8 with the cache on; the export runs at batch 8 and reproduces the trainer', async () => {
    expect(typeFromProto(model.graph!.input[0].type)?.shape?.[0]).toBe(1);
    const plan = planTraining(model, graphFromModel(model), {
      edits: [swapHeadEdit({ classes: 3, seed: 2 }), freezePreset('feature-extraction')],
      reinit: false,
      seed: 2,
      cache: true,
      loss: 'cross-entropy',
      optimizer: sgd({ momentum: 0.9 }),
    });
    expect(plan.log[0]).toBe('fixed batch 1 of input "input" relaxed to a symbolic batch N');
    expect(plan.prefix).not.toBeNull();
    const B = 8;
    const images = tensor(rand(B * 3 * 64 * 64, 5), [B, 3, 64, 64]);
    const features = await runOrt(encodeModel(plannedModel(plan, plan.prefix!)), { [plan.dataInput]: images });
    const frontier = Object.fromEntries(plan.frontier.map((f) => [f.name, features[f.name]]));
    expect(plan.frontier.every((f) => features[f.name].dims[0] === B)).toBe(true);

    const step = plan.step;
    const params = new Map<string, ort.Tensor>(step.params.map((n) => [n, tensor(readFloats(step.initialParams.get(n)!), tensorDims(step.initialParams.get(n)!))]));
    let state = new Map<string, ort.Tensor>(step.state.map((s) => [s.name, tensor(new Float32Array(s.dims.reduce((a, b) => a * b, 1)), s.dims)]));
    const labels = new ort.Tensor('int64', BigInt64Array.from({ length: B }, (_, i) => BigInt(i % 3)), [B]);
    const session = await ort.InferenceSession.create(encodeModel(plannedModel(plan, step)), { intraOpNumThreads: 1 });
    const losses: number[] = [];
    for (let t = 1; t <= 5; t++) {
      const feeds: Record<string, ort.Tensor> = { ...frontier, [step.target]: labels, [step.lr!]: tensor(Float32Array.of(0.05), []), [step.step!]: tensor(Float32Array.of(t), []) };
      for (const [n, v] of [...params, ...state]) feeds[n] = v;
      const out = await session.run(feeds);
      losses.push((out[step.loss].data as Float32Array)[0]);
      for (const n of step.params) params.set(n, out[step.updatedParams.get(n)!]);
      state = new Map(step.state.map((s) => [s.name, out[step.updatedState.get(s.name)!]]));
    }
    await session.release();
    expect(losses[4]).toBeLessThan(losses[0]);

    const evaluation = plan.evaluation;
    const trainerOut = await runOrt(encodeModel(plannedModel(plan, evaluation)), { ...frontier, ...Object.fromEntries(evaluation.params.map((n) => [n, params.get(n)!])) });
    const exported = cloneGraph(plan.exported.graph);
    for (const [n, t] of params) exported.values.get(n)!.initializer = makeTensor(n, DataType.FLOAT, t.dims.map(Number), t.data as Float32Array);
    const exportedModel = modelWithGraph(plan.base, exported);
    expect(typeFromProto(exportedModel.graph!.input[0].type)?.shape?.[0]).toBe('N');
    const exportOut = await runOrt(encodeModel(exportedModel), { [plan.dataInput]: images });
    const want = trainerOut[evaluation.prediction].data as Float32Array;
    const got = exportOut[exported.outputs[0].name].data as Float32Array;
    expect(got.length).toBe(B * 3);
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 4));
  });
});
