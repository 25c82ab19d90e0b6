// Shape inference on torchvision's own ViT and ConvNeXt, exported with a symbolic batch
// (core/autodiff/testdata/make_fixtures.py): every value's inferred shape, with N bound to
// the batch onnxruntime runs, must be the shape onnxruntime produces. The class token's
// Expand (Shape -> Gather -> Unsqueeze -> Concat -> Equal/Where -> Expand) must keep N.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeModel } from '../onnx/codec.js';
import { readTensorFile } from '../../test-support/fixtures.js';
import { ortTensor } from '../../test-support/ort.js';
import { expectModelShapesMatchOrt } from '../../test-support/shape-vs-ort.js';

const testdata = join(dirname(fileURLToPath(import.meta.url)), '..', 'autodiff', 'testdata');

describe('shape inference on torchvision exports with a symbolic batch matches onnxruntime', () => {
  for (const name of ['tiny_vit_dynamic', 'tiny_convnext_dynamic']) {
    it(name, async () => {
      const dir = join(testdata, name);
      const model = decodeModel(readFileSync(join(dir, 'model.onnx')), name);
      const input = ortTensor(readTensorFile(join(dir, 'input.pb')));
      expect(input.dims[0]).toBeGreaterThan(1);
      const g = await expectModelShapesMatchOrt(model, input, { N: input.dims[0] });
      expect(g.outputs[0].type?.shape?.[0]).toBe('N');
      for (const n of g.nodes.filter((x) => x.opType === 'Expand')) expect(n.outputs[0]!.type?.shape?.[0], n.id).toBe('N');
    });
  }
});
