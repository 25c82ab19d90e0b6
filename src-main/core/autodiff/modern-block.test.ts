// The gradient rules of modern networks against PyTorch's autograd, on two small exports
// without constant folding (testdata/make_fixtures.py): torchvision's own VisionTransformer
// at opset 14, and a ViT-like block at opset 20 with every LayerNorm and GELU form, 4-D
// attention, a class token, Where, Max, amax, GroupNorm (InstanceNormalization) and PReLU.
// Batches are fixed: with a symbolic batch, shape inference still gives the class token's
// Expand a batch of 1 (issue 13, item 2).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from '../onnx/codec.js';
import { readTensorFile } from '../../test-support/fixtures.js';
import { ortTensor, runOrt } from '../../test-support/ort.js';
import { compileTrainingStep } from '../train/compile.js';

const testdata = join(dirname(fileURLToPath(import.meta.url)), 'testdata');

interface Golden {
  loss: number;
  logits0: number[];
  params: Record<string, { shape: number[]; grad: number[] }>;
}

const l2 = (a: ArrayLike<number>) => Math.sqrt(Array.from(a).reduce((s, v) => s + v * v, 0));

/** Per fixture: parameters that must be trained, the first of them ahead of every op under test. */
const FIXTURES: [string, string[]][] = [
  ['modern_block', ['embed.weight', 'norm1.weight', 'qkv.weight', 'fc1.weight', 'fc4.weight', 'branch.weight', 'prelu.weight', 'head.weight']],
  ['tiny_vit', ['conv_proj.weight', 'encoder.layers.encoder_layer_0.self_attention.out_proj.weight', 'heads.head.weight']],
];

for (const [name, required] of FIXTURES) {
  describe(`${name}: gradients match PyTorch's autograd`, () => {
    const dir = join(testdata, name);
    const golden = JSON.parse(readFileSync(join(dir, 'golden.json'), 'utf8')) as Golden;
    const modelBytes = readFileSync(join(dir, 'model.onnx'));
    const input = ortTensor(readTensorFile(join(dir, 'input.pb')));
    const labels = ortTensor(readTensorFile(join(dir, 'labels.pb')));

    it('the export computes what PyTorch computed', async () => {
      const out = await runOrt(modelBytes, { input });
      const logits0 = Array.from(out.logits.data as Float32Array).slice(0, golden.logits0.length);
      logits0.forEach((v, i) => expect(v).toBeCloseTo(golden.logits0[i], 5));
    });

    it("every parameter the studio trains gets PyTorch's gradient", async () => {
      const step = compileTrainingStep(decodeModel(modelBytes, name), { trainable: 'all', loss: 'cross-entropy', optimizer: null });
      for (const p of required) expect(step.gradOutputs.has(p), p).toBe(true);
      const feeds: Record<string, ort.Tensor> = { [step.data]: input, [step.target]: labels };
      for (const [n, t] of step.initialParams) feeds[n] = ortTensor(t);
      const out = await runOrt(encodeModel(step.model), feeds);
      const loss = (out[step.loss].data as Float32Array)[0];
      expect(Math.abs(loss - golden.loss) / golden.loss).toBeLessThan(1e-5);
      for (const [param, output] of step.gradOutputs) {
        const want = golden.params[param];
        expect(want, `${param} is a PyTorch parameter`).toBeDefined();
        const got = out[output].data as Float32Array;
        expect(Array.from(out[output].dims), param).toEqual(want.shape);
        expect(Math.abs(l2(got) - l2(want.grad)) / l2(want.grad), `norm of ${param}`).toBeLessThan(1e-3);
        let worst = 0;
        want.grad.forEach((v, i) => (worst = Math.max(worst, Math.abs(got[i] - v) - 1e-3 * Math.abs(v))));
        expect(worst, `full gradient of ${param}`).toBeLessThanOrEqual(1e-3);
      }
    });
  });
}
