// The compiled training graph against PyTorch's own autograd, on the shared fixtures, at the
// tolerances scripts/gpu-check.ts holds every GPU provider to (golden-compare.ts).
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildBlockTree, detectHead, headAndLastStages, paramsOfBlocks } from '../../core/blocks/index.js';
import { inferShapes, modelOpset } from '../../core/shape/infer.js';
import { readTensor } from '../../core/onnx/tensor.js';
import { fixtureNames, fixturePath, readGolden, readTensorFile } from '../../test-support/fixtures.js';
import { gradFileName } from './gradients.js';
import { readModelFile } from '../model-file.js';
import { computeGradients } from './gradients.js';
import { compareToGolden } from './golden-compare.js';

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

  const expectedNames = trainable === 'all' ? Object.keys(golden.params) : [...trainable];
  // Frozen parameters get no gradient output at all.
  expect([...result.grads.keys()].sort()).toEqual([...expectedNames].sort());
  const wanted = { loss: golden.loss, params: Object.fromEntries(expectedNames.map((p) => [p, golden.params[p]])) };
  // Only the small fixtures ship full gradients.
  const full = (param: string) => {
    const path = fixturePath(name, `grads/${gradFileName(param)}`);
    return existsSync(path) ? (readTensor(readTensorFile(path)) as Float32Array) : null;
  };
  expect(compareToGolden(result, wanted, full).failures).toEqual([]);
}

describe("gradients match PyTorch's autograd", () => {
  for (const name of fixtureNames()) {
    it(`${name}: everything trainable`, () => check(name, 'all'));
    it(`${name}: last stage and head trainable`, () => check(name, 'fine-tune'));
  }
});
