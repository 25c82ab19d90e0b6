// The relaxed batch checked on the model itself: a static-batch torchvision ViT passes, and a
// graph where the likeliest reading of a Reshape is shape-consistent but mixes the samples of a
// batch (a Softmax over the dim the batch was merged into) is refused before training.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cloneGraph } from '../../core/ir/clone.js';
import { Graph } from '../../core/ir/graph.js';
import { encodeModel } from '../../core/onnx/codec.js';
import { input, int64s, modelOf, node } from '../../core/shape/test-support.js';
import { relaxFixedBatch } from '../../core/train/relax-batch.js';
import { type ModelFile, readModelFile } from '../model-file.js';
import { checkRelaxedBatch } from './batch-check.js';

const dir = mkdtempSync(join(tmpdir(), 'graft-batch-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const TESTDATA = join(import.meta.dirname, '..', '..', 'core', 'train', 'testdata');

/**
 * x [1, 2, 4] -> [2, N, 4] -> view(L * N, E) -> Softmax over E -> view(L, N, E) -> [N, 2, 4].
 * Traced at batch 1, the first view reads just as well as [2, 4 * N] (the batch merged with E,
 * ranked first), which shape inference cannot refute: the Softmax then runs across samples.
 */
function mixingNet(): Graph {
  const g = new Graph('mixing');
  const x = input(g, 'x', [1, 2, 4]);
  const [t] = node(g, 'Transpose', [x], { perm: [1, 0, 2] });
  const [rows] = node(g, 'Reshape', [t, int64s(g, 'rows', [2, 4])]);
  const [s] = node(g, 'Softmax', [rows], { axis: -1 });
  const [back] = node(g, 'Reshape', [s, int64s(g, 'back', [2, 1, 4])]);
  g.outputs.push(node(g, 'Transpose', [back], { perm: [1, 0, 2] })[0]);
  return g;
}

/** The file checked against its graph relaxed as planTraining relaxes it (plan.relaxedOriginal). */
async function check(path: string): Promise<string | null> {
  const file: ModelFile = await readModelFile(path);
  const relaxed = cloneGraph(file.graph);
  const { rewritten } = relaxFixedBatch(relaxed, 14);
  return checkRelaxedBatch(file, { relaxedOriginal: rewritten.length > 0 ? relaxed : null });
}

describe('checkRelaxedBatch', () => {
  it('passes a static-batch torchvision ViT: two images as one batch give what each gives alone', async () => {
    const line = await check(join(TESTDATA, 'vit_static', 'model.onnx'));
    expect(line).toMatch(/^relaxed batch checked: two inputs run as one batch of 2 give what each gives alone at batch 1 \(largest difference .* of the output's scale\)$/);
  });

  it('refuses a relaxation that lets the samples of a batch mix, and says which batch size works', async () => {
    const g = mixingNet();
    expect(relaxFixedBatch(mixingNet(), 14).log[0]).toMatch(/relaxed to a symbolic batch N/);
    const path = join(dir, 'mixing.onnx');
    writeFileSync(path, encodeModel(modelOf(g, 14)));
    await expect(check(path)).rejects.toThrow(/could not be relaxed safely: two inputs run as one batch give other outputs .* than each alone; train with batch size 1/);
  });

  it('has nothing to check when the batch is symbolic', async () => {
    const g = new Graph('dynamic');
    g.outputs.push(node(g, 'Relu', [input(g, 'x', ['N', 4])])[0]);
    const path = join(dir, 'dynamic.onnx');
    writeFileSync(path, encodeModel(modelOf(g, 14)));
    expect(await check(path)).toBeNull();
  });
});
