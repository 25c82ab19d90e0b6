// Weights that reach their op through Slice/Concat/Unsqueeze/Transpose/Expand (exports without
// constant folding) and weights an exporter merged behind Identity nodes are parameters like
// any other: counted as PyTorch counts them, all trained by the full strategy, with PyTorch's
// gradients (testdata/make_weights_behind_ops.py; the ViT and ConvNeXt of
// ../autodiff/testdata/make_fixtures.py).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeModel } from '../onnx/codec.js';
import { graphFromModel } from '../ir/proto.js';
import { readFloats } from '../onnx/tensor.js';
import { countParams, parameterValues } from '../blocks/index.js';
import { strategyEdits } from '../surgery/presets.js';
import { readTensorFile } from '../../test-support/fixtures.js';
import { expectGradientsMatchGolden, type GradGolden } from '../../test-support/golden-grads.js';
import { ortTensor } from '../../test-support/ort.js';
import { openWeights } from './open-weights.js';
import { planTraining } from './plan.js';

const here = dirname(fileURLToPath(import.meta.url));

/** Per fixture: its folder, and what PyTorch's sum(p.numel() for p in model.parameters()) said. */
const FIXTURES: [string, string, number][] = [
  ['lstm_bidir', join(here, 'testdata', 'lstm_bidir'), 2611],
  ['attention_tokens', join(here, 'testdata', 'attention_tokens'), 379],
  ['tiny_vit', join(here, '..', 'autodiff', 'testdata', 'tiny_vit'), 5603],
  ['tiny_convnext_dynamic', join(here, '..', 'autodiff', 'testdata', 'tiny_convnext_dynamic'), 4987],
];

const numel = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

for (const [name, dir, torchCount] of FIXTURES) {
  describe(name, () => {
    const golden = JSON.parse(readFileSync(join(dir, 'golden.json'), 'utf8')) as GradGolden;
    const torchNames = Object.keys(golden.params).sort();
    const opened = openWeights(decodeModel(readFileSync(join(dir, 'model.onnx')), name), name);

    it("counts PyTorch's parameters, by PyTorch's names", () => {
      expect(Object.values(golden.params).reduce((s, p) => s + numel(p.shape), 0)).toBe(torchCount);
      const params = parameterValues(graphFromModel(opened.model));
      expect(params.map((p) => p.name).sort()).toEqual(torchNames);
      expect(countParams(params)).toBe(torchCount);
    });

    it('the full strategy trains every parameter', () => {
      const full = strategyEdits('full');
      const plan = planTraining(opened.model, graphFromModel(opened.model), { ...full, seed: 1, cache: true, loss: 'cross-entropy', optimizer: null });
      expect([...plan.trainable].sort()).toEqual(torchNames);
      expect(plan.step.params.slice().sort()).toEqual(torchNames);
      expect(plan.totalParams).toBe(torchCount);
    });

    it("every parameter gets PyTorch's gradient", () =>
      expectGradientsMatchGolden(opened.model, ortTensor(readTensorFile(join(dir, 'input.pb'))), ortTensor(readTensorFile(join(dir, 'labels.pb'))), golden, torchNames));
  });
}

describe('from scratch', () => {
  it('starts weights found behind ops as PyTorch starts them: class token 0, LayerNorm 1 and 0, a small position embedding', () => {
    const dir = FIXTURES.find(([n]) => n === 'attention_tokens')![1];
    const { model, graph } = openWeights(decodeModel(readFileSync(join(dir, 'model.onnx')), 'attention_tokens'));
    const scratch = strategyEdits('scratch');
    const plan = planTraining(model, graph, { ...scratch, seed: 3, cache: false, loss: 'cross-entropy', optimizer: null });
    const values = (name: string) => Array.from(readFloats(plan.exported.graph.value(name).initializer!));
    expect(new Set(values('cls'))).toEqual(new Set([0]));
    expect(new Set(values('norm.weight'))).toEqual(new Set([1]));
    expect(new Set(values('norm.bias'))).toEqual(new Set([0]));
    const pos = values('pos');
    expect(Math.max(...pos.map(Math.abs))).toBeLessThanOrEqual(0.02 * Math.sqrt(3));
    expect(new Set(pos).size).toBe(pos.length);
    // The head's bias after its MatMul takes the layer's fan-in (8): U(-1/sqrt(8), 1/sqrt(8)).
    const bias = values('fc.bias');
    expect(Math.max(...bias.map(Math.abs))).toBeLessThanOrEqual(1 / Math.sqrt(8));
    expect(Math.max(...bias.map(Math.abs))).toBeGreaterThan(0.02);
  });
});
