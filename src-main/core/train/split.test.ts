import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type * as ort from 'onnxruntime-node';
import { decodeModel, encodeModel } from '../onnx/codec.js';
import { graphFromModel } from '../ir/proto.js';
import { inferShapes, modelOpset } from '../shape/infer.js';
import { buildBlockTree, detectHead, headAndLastStages, paramsOfBlocks } from '../blocks/index.js';
import { fixturePath, readTensorFile } from '../../test-support/fixtures.js';
import { ortTensor, runOrt } from '../../test-support/ort.js';
import { splitFrozenPrefix } from './split.js';
import { compileTrainingStep } from './compile.js';
import { readGolden } from '../../test-support/fixtures.js';

function load(name: string, stages: number) {
  const bytes = readFileSync(fixturePath(name));
  const model = decodeModel(bytes, name);
  const graph = graphFromModel(model);
  inferShapes(graph, { opset: modelOpset(model) });
  const tree = buildBlockTree(graph);
  const trainable = paramsOfBlocks(graph, tree, headAndLastStages(tree, detectHead(graph, tree), stages));
  return { bytes, model, trainable, input: readTensorFile(fixturePath(name, 'input.pb')) };
}

describe('frozen prefix split', () => {
  for (const [name, stages, frontierShape] of [
    ['resnet18', 0, ['N', 512]],
    ['resnet18', 1, ['N', 256, 4, 4]],
    ['mobilenet_v3_small', 1, null],
  ] as const) {
    it(`${name}, head + ${stages} stage(s): prefix then suffix computes the original output`, async () => {
      const { bytes, model, trainable, input } = load(name, stages);
      const split = splitFrozenPrefix(model, trainable);
      expect(split.prefix).not.toBeNull();
      if (frontierShape) expect(split.frontier.map((f) => f.type?.shape)).toEqual([frontierShape]);
      const original = await runOrt(bytes, { input: ortTensor(input) });
      const features = await runOrt(encodeModel(split.prefix!), { input: ortTensor(input) });
      const feeds: Record<string, ort.Tensor> = {};
      for (const f of split.frontier) feeds[f.name] = features[f.name];
      const out = await runOrt(encodeModel(split.suffix), feeds);
      expect(Array.from(out.logits.data as Float32Array)).toEqual(Array.from(original.logits.data as Float32Array));
      // The suffix holds only what training needs: no frozen-prefix parameters.
      const suffixInits = new Set(split.suffix.graph!.initializer.map((t) => t.name));
      for (const p of trainable) expect(suffixInits.has(p), p).toBe(true);
      expect(split.suffix.graph!.node.length).toBeLessThan(model.graph!.node.length);
    });
  }

  it('training the suffix on cached features gives PyTorch\'s gradients', async () => {
    const { model, trainable, input } = load('resnet18', 1);
    const split = splitFrozenPrefix(model, trainable);
    const features = await runOrt(encodeModel(split.prefix!), { input: ortTensor(input) });
    const step = compileTrainingStep(split.suffix, { trainable, loss: 'cross-entropy', optimizer: null });
    expect(step.dataInputs).toEqual(split.frontier.map((f) => f.name));
    const feeds: Record<string, ort.Tensor> = { [step.target]: ortTensor(readTensorFile(fixturePath('resnet18', 'labels.pb'))) };
    for (const f of split.frontier) feeds[f.name] = features[f.name];
    for (const [n, t] of step.initialParams) feeds[n] = ortTensor(t);
    const out = await runOrt(encodeModel(step.model), feeds);
    const golden = readGolden('resnet18');
    expect((out[step.loss].data as Float32Array)[0]).toBeCloseTo(golden.loss, 5);
    for (const [param, name] of step.gradOutputs) {
      const g = out[name].data as Float32Array;
      const norm = Math.sqrt(g.reduce((s, v) => s + v * v, 0));
      expect(Math.abs(norm - golden.params[param].norm) / golden.params[param].norm, param).toBeLessThan(1e-3);
    }
  });

  it('returns no prefix when the first layer is trainable', () => {
    const { model } = load('bn_inference', 0);
    const all = new Set(model.graph!.initializer.map((t) => t.name));
    const split = splitFrozenPrefix(model, all);
    expect(split.prefix).toBeNull();
    expect(split.frontier.map((f) => f.name)).toEqual(['input']);
  });
});
