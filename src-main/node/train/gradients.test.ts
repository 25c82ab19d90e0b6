// The compiled training graph against PyTorch's own autograd, on the shared fixtures.
import { describe, expect, it } from 'vitest';
import { buildBlockTree, detectHead, headAndLastStages, paramsOfBlocks } from '../../core/blocks/index.js';
import { inferShapes, modelOpset } from '../../core/shape/infer.js';
import { readTensor } from '../../core/onnx/tensor.js';
import { fixtureNames, fixturePath, readGolden, readTensorFile } from '../../test-support/fixtures.js';
import { gradFileName } from './gradients.js';
import { readModelFile } from '../model-file.js';
import { computeGradients } from './gradients.js';

const l2 = (a: Float32Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0));

async function check(name: string, selection: 'all' | 'fine-tune') {
  const file = await readModelFile(fixturePath(name));
  const golden = readGolden(name);
  let trainable: 'all' | Set<string> = 'all';
  if (selection === 'fine-tune') {
    inferShapes(file.graph, { opset: modelOpset(file.model) });
    const tree = buildBlockTree(file.graph);
    trainable = paramsOfBlocks(file.graph, tree, headAndLastStages(tree, detectHead(file.graph, tree), 1));
  }
  const result = await computeGradients(file.model, readTensorFile(fixturePath(name, 'input.pb')), readTensorFile(fixturePath(name, 'labels.pb')), trainable);

  expect(Math.abs(result.loss - golden.loss) / Math.abs(golden.loss)).toBeLessThan(1e-5);
  const expectedNames = trainable === 'all' ? Object.keys(golden.params) : [...trainable];
  // Frozen parameters get no gradient output at all.
  expect([...result.grads.keys()].sort()).toEqual([...expectedNames].sort());

  for (const param of expectedNames) {
    const g = golden.params[param];
    const got = result.grads.get(param)!;
    expect(got.dims, param).toEqual(g.shape);
    const norm = l2(got.data);
    expect(Math.abs(norm - g.norm) / Math.max(g.norm, 1e-12), `norm of ${param}`).toBeLessThan(1e-3);
    for (const [index, value] of g.samples) {
      expect(Math.abs(got.data[index] - value), `${param}[${index}]`).toBeLessThanOrEqual(1e-3 + 1e-3 * Math.abs(value));
    }
    let full: Float32Array | null = null;
    try {
      full = readTensor(readTensorFile(fixturePath(name, `grads/${gradFileName(param)}`))) as Float32Array;
    } catch {
      full = null; // only the small fixtures ship full gradients
    }
    if (full) {
      let worst = 0;
      for (let i = 0; i < full.length; i++) worst = Math.max(worst, Math.abs(got.data[i] - full[i]) - 1e-3 * Math.abs(full[i]));
      expect(worst, `full gradient of ${param}`).toBeLessThanOrEqual(1e-3);
    }
  }
}

describe("gradients match PyTorch's autograd", () => {
  for (const name of fixtureNames()) {
    it(`${name}: everything trainable`, () => check(name, 'all'));
    it(`${name}: last stage and head trainable`, () => check(name, 'fine-tune'));
  }
});
