// Weights inside If/Loop bodies (testdata/make_control_flow.py): shown as blocks under their
// node with their parameters counted; training through control flow is refused with a reason,
// and feature extraction (the control flow frozen) trains.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { isGraftError } from '../errors.js';
import { decodeModel, encodeModel } from '../onnx/codec.js';
import { graphFromModel } from '../ir/proto.js';
import { readFloats, tensorDims } from '../onnx/tensor.js';
import { inferShapes } from '../shape/infer.js';
import { buildBlockTree } from '../blocks/index.js';
import { strategyEdits } from '../surgery/presets.js';
import { seededRandom, uniform } from '../random.js';
import { describeModel } from '../view/model-view.js';
import { compileTrainingStep } from './compile.js';
import { sgd } from './optimizers.js';
import { planTraining } from './plan.js';

const bytes = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'testdata', 'control_flow', 'model.onnx'));
const model = decodeModel(bytes, 'control_flow.onnx');
// From the generator's shapes: stem 4*3*9 + 4, then-branch 16 + 4, else-branch 16, loop body 4 + 4, head 12 + 3.
const [stem, thenBranch, elseBranch, body, head] = [112, 20, 16, 8, 15];

describe('If/Loop bodies', () => {
  it('are blocks under their node, with their parameters counted', () => {
    const g = graphFromModel(model);
    inferShapes(g);
    const tree = buildBlockTree(g);
    const home = tree.blockOfNode.get('branch')!;
    const prefix = home ? `${home}/` : '';
    expect(tree.blocks.get(`${prefix}branch.then_branch`)?.params).toBe(thenBranch);
    expect(tree.blocks.get(`${prefix}branch.else_branch`)?.params).toBe(elseBranch);
    expect(tree.blocks.get(`${tree.blockOfNode.get('repeat')}/repeat.body`.replace(/^\//, ''))?.params).toBe(body);
    expect(tree.root.params).toBe(stem + thenBranch + elseBranch + body + head);
    const summary = describeModel(model, graphFromModel(model), { path: 'control_flow.onnx', fileName: 'control_flow.onnx', fileBytes: bytes.length }).summary;
    expect(summary.totalParams).toBe(stem + thenBranch + elseBranch + body + head);
  });

  it('refuse training through them with a reason that names the node', () => {
    const plan = () => planTraining(model, graphFromModel(model), { ...strategyEdits('full'), seed: 1, cache: false, loss: 'cross-entropy', optimizer: null });
    expect(plan).toThrow(/training through control flow is not supported: node "branch" \(If\)/);
    try {
      plan();
    } catch (e) {
      expect(isGraftError(e) && e.code).toBe('train-control-flow');
    }
  });

  it('train feature extraction: the head learns on a fixed batch, the bodies stay frozen', async () => {
    const plan = planTraining(model, graphFromModel(model), { ...strategyEdits('feature-extraction'), seed: 1, cache: false, loss: 'cross-entropy', optimizer: null });
    expect([...plan.trainable].sort()).toEqual(['head.bias', 'head.weight']);
    expect(plan.log).toContain(`${thenBranch + elseBranch + body} parameters inside If/Loop bodies stay frozen: training through control flow is not supported`);

    const step = compileTrainingStep(model, { trainable: plan.trainable, loss: 'cross-entropy', optimizer: sgd({ momentum: 0.9 }) });
    const session = await ort.InferenceSession.create(encodeModel(step.model));
    // Class k adds k to every pixel: features the frozen body keeps apart.
    const pixels = uniform(seededRandom(5), 6 * 3 * 64, 0.5).map((v, i) => v + (Math.floor(i / (3 * 64)) % 3));
    const x = new ort.Tensor('float32', pixels, [6, 3, 8, 8]);
    const y = new ort.Tensor('int64', BigInt64Array.from([0n, 1n, 2n, 0n, 1n, 2n]), [6]);
    const params = new Map<string, ort.Tensor>([...step.initialParams].map(([n, t]) => [n, new ort.Tensor('float32', readFloats(t), tensorDims(t))]));
    let state = new Map<string, ort.Tensor>(step.state.map((s) => [s.name, new ort.Tensor('float32', new Float32Array(s.dims.reduce((a, b) => a * b, 1)), s.dims)]));
    const losses: number[] = [];
    for (let t = 1; t <= 30; t++) {
      const feeds: Record<string, ort.Tensor> = { [step.data]: x, [step.target]: y, [step.lr!]: new ort.Tensor('float32', Float32Array.of(0.5), []), [step.step!]: new ort.Tensor('float32', Float32Array.of(t), []) };
      for (const [n, v] of [...params, ...state]) feeds[n] = v;
      const out = await session.run(feeds);
      losses.push((out[step.loss].data as Float32Array)[0]);
      for (const n of step.params) params.set(n, out[step.updatedParams.get(n)!]);
      state = new Map(step.state.map((s) => [s.name, out[step.updatedState.get(s.name)!]]));
    }
    await session.release();
    expect(losses[losses.length - 1]).toBeLessThan(0.9 * losses[0]);
  });
});
