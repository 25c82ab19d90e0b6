// The walker's promises: a node without a rule on the trainable path is an error that names
// the op and the node; frozen parts of the graph need no rules at all.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { graphInput, newModel } from '../ir/builder.js';
import { Emitter } from '../ir/emitter.js';
import { Graph } from '../ir/graph.js';
import { DataType } from '../onnx/dtype.js';
import { makeTensor } from '../onnx/tensor.js';
import { encodeModel } from '../onnx/codec.js';
import { seededRandom, uniform } from '../random.js';
import { inferShapes } from '../shape/infer.js';
import { compileTrainingStep } from '../train/compile.js';
import { runOrt } from '../../test-support/ort.js';
import { gradRules } from './rules/index.js';

// An element-wise op with a shape rule and (still) no gradient rule.
const NO_RULE = ['Floor', 'Ceil', 'Round', 'Sign', 'Abs'].find((o) => !gradRules.has(o))!;

/** data [2,3] -> Gemm(w1, b1) -> <NO_RULE> -> Gemm(w2, b2) -> [2,4] */
function model() {
  const g = new Graph('frozen-prefix');
  const e = new Emitter(g, 17);
  const rand = seededRandom(7);
  const init = (name: string, dims: number[]) => g.addInitializer(name, makeTensor(name, DataType.FLOAT, dims, uniform(rand, dims.reduce((a, b) => a * b, 1), 1)));
  const x = graphInput(g, 'data', { elemType: DataType.FLOAT, shape: ['N', 3] });
  const h = e.op('Gemm', [x, init('w1', [3, 5]), init('b1', [5])], {}, '/body/fc1/Gemm');
  const r = e.op(NO_RULE, [h], {}, '/body/round/Op');
  g.outputs = [e.op('Gemm', [r, init('w2', [5, 4]), init('b2', [4])], {}, '/head/fc/Gemm')];
  inferShapes(g, { opset: 17 });
  return newModel(g, { opset: 17 });
}

describe('backward walker', () => {
  it('a node without a rule between the trainable parameters and the loss is an error naming op and node', () => {
    expect(NO_RULE).toBeDefined();
    expect(() => compileTrainingStep(model(), { trainable: 'all', loss: 'mse', optimizer: null })).toThrow(
      new RegExp(`no gradient rule for op ${NO_RULE} \\(node "/body/round/Op"\\)`),
    );
  });

  it('a frozen prefix may hold ops without rules: training only the head compiles and runs', async () => {
    const step = compileTrainingStep(model(), { trainable: new Set(['w2', 'b2']), loss: 'mse', optimizer: null });
    expect(step.params).toEqual(['w2', 'b2']);
    const rand = seededRandom(3);
    const res = await runOrt(encodeModel(step.model), {
      [step.data]: new ort.Tensor('float32', uniform(rand, 6, 2), [2, 3]),
      [step.target]: new ort.Tensor('float32', uniform(rand, 8, 1), [2, 4]),
      w2: new ort.Tensor('float32', uniform(rand, 20, 1), [5, 4]),
      b2: new ort.Tensor('float32', uniform(rand, 4, 1), [4]),
    });
    expect(res[step.gradOutputs.get('w2')!].dims).toEqual([5, 4]);
    expect(res[step.gradOutputs.get('b2')!].dims).toEqual([4]);
    expect(Number.isFinite(res[step.loss].data[0] as number)).toBe(true);
  });
});
