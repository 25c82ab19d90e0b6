// The new gradient rules against PyTorch's autograd on a tiny ViT-like block (LayerNorm fused
// and written out, every GELU form, 4-D attention, class token, Where, Max, amax), exported
// by torch.onnx without constant folding: testdata/make_modern_block.py.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from '../onnx/codec.js';
import { readTensorFile } from '../../test-support/fixtures.js';
import { ortTensor, runOrt } from '../../test-support/ort.js';
import { compileTrainingStep } from '../train/compile.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'testdata', 'modern_block');
const golden = JSON.parse(readFileSync(join(dir, 'golden.json'), 'utf8')) as {
  loss: number;
  logits0: number[];
  params: Record<string, { shape: number[]; grad: number[] }>;
};
const modelBytes = readFileSync(join(dir, 'model.onnx'));
const input = ortTensor(readTensorFile(join(dir, 'input.pb')));
const labels = ortTensor(readTensorFile(join(dir, 'labels.pb')));

const l2 = (a: ArrayLike<number>) => Math.sqrt(Array.from(a).reduce((s, v) => s + v * v, 0));

describe("modern block: gradients match PyTorch's autograd", () => {
  it('the export computes what PyTorch computed', async () => {
    const out = await runOrt(modelBytes, { input });
    const logits0 = Array.from(out.logits.data as Float32Array).slice(0, golden.logits0.length);
    logits0.forEach((v, i) => expect(v).toBeCloseTo(golden.logits0[i], 5));
  });

  it('every parameter the studio trains gets PyTorch\'s gradient', async () => {
    const step = compileTrainingStep(decodeModel(modelBytes, 'modern_block'), { trainable: 'all', loss: 'cross-entropy', optimizer: null });
    // The patch embedding comes first: its gradient crosses every rule of the block but the class token's Expand.
    for (const p of ['embed.weight', 'norm1.weight', 'qkv.weight', 'fc1.weight', 'fc4.weight', 'branch.weight', 'head.weight']) {
      expect(step.gradOutputs.has(p), p).toBe(true);
    }
    const feeds: Record<string, ort.Tensor> = { [step.data]: input, [step.target]: labels };
    for (const [n, t] of step.initialParams) feeds[n] = ortTensor(t);
    const out = await runOrt(encodeModel(step.model), feeds);
    const loss = (out[step.loss].data as Float32Array)[0];
    expect(Math.abs(loss - golden.loss) / golden.loss).toBeLessThan(1e-5);
    for (const [param, name] of step.gradOutputs) {
      const want = golden.params[param];
      expect(want, `${param} is a PyTorch parameter`).toBeDefined();
      const got = out[name].data as Float32Array;
      expect(Array.from(out[name].dims), param).toEqual(want.shape);
      expect(Math.abs(l2(got) - l2(want.grad)) / l2(want.grad), `norm of ${param}`).toBeLessThan(1e-3);
      let worst = 0;
      want.grad.forEach((v, i) => (worst = Math.max(worst, Math.abs(got[i] - v) - 1e-3 * Math.abs(v))));
      expect(worst, `full gradient of ${param}`).toBeLessThanOrEqual(1e-3);
    }
  });
});
