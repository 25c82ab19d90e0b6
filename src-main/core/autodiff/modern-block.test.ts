// The gradient rules of modern networks against PyTorch's autograd, on two small exports
// without constant folding (testdata/make_fixtures.py): torchvision's own VisionTransformer
// at opset 14, and a ViT-like block at opset 20 with every LayerNorm and GELU form, 4-D
// attention, a class token, Where, Max, amax, GroupNorm (InstanceNormalization) and PReLU.
// Batches are fixed: with a symbolic batch, shape inference still gives the class token's
// Expand a batch of 1 (issue 13, item 2).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeModel } from '../onnx/codec.js';
import { readTensorFile } from '../../test-support/fixtures.js';
import { expectGradientsMatchGolden, type GradGolden } from '../../test-support/golden-grads.js';
import { ortTensor, runOrt } from '../../test-support/ort.js';

const testdata = join(dirname(fileURLToPath(import.meta.url)), 'testdata');

type Golden = GradGolden & { logits0: number[] };

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

    it("every parameter the studio trains gets PyTorch's gradient", () => expectGradientsMatchGolden(decodeModel(modelBytes, name), input, labels, golden, required));
  });
}
