import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { encodeModel } from '../onnx/codec.js';
import { DataType } from '../onnx/dtype.js';
import { makeTensor, readFloats } from '../onnx/tensor.js';
import { Graph } from '../ir/graph.js';
import { graphInput, newModel } from '../ir/builder.js';
import { Emitter } from '../ir/emitter.js';
import { parameterValues } from '../blocks/params.js';
import { graphFromModel } from '../ir/proto.js';
import { compileTrainingStep } from './compile.js';

/** Two layers whose equal initial weights an exporter merged into one initializer. */
function tiedModel() {
  const g = new Graph('tied');
  const e = new Emitter(g, 13);
  const x = graphInput(g, 'x', { elemType: DataType.FLOAT, shape: ['N', 3] });
  const shared = g.addInitializer('onnx::shared', makeTensor('onnx::shared', DataType.FLOAT, [3, 3], Float32Array.from([1, 0.5, -1, 0.2, 0.3, 0.1, -0.4, 0.6, 0.9])));
  const a = e.op('Identity', [shared]);
  g.renameValue(a, 'a.weight');
  const b = e.op('Identity', [shared]);
  g.renameValue(b, 'b.weight');
  const h = e.op('Relu', [e.op('Gemm', [x, a], { transB: 1 })]);
  const y = e.op('Gemm', [h, b], { transB: 1 });
  g.renameValue(y, 'logits');
  g.outputs.push(y);
  return newModel(g, { opset: 13 });
}

describe('parameters tied through Identity', () => {
  it('are counted once in the model, and trained as two parameters', async () => {
    const model = tiedModel();
    expect(parameterValues(graphFromModel(model)).map((v) => v.name)).toEqual(['onnx::shared']);
    const step = compileTrainingStep(model, { trainable: new Set(['onnx::shared']), loss: 'cross-entropy', optimizer: null });
    expect(step.untied.sort()).toEqual(['a.weight', 'b.weight']);
    expect(step.params.sort()).toEqual(['a.weight', 'b.weight']);

    const session = await ort.InferenceSession.create(encodeModel(step.model));
    const feeds: Record<string, ort.Tensor> = {
      [step.data]: new ort.Tensor('float32', Float32Array.from([0.5, -1, 2, 1, 1, 1]), [2, 3]),
      [step.target]: new ort.Tensor('int64', BigInt64Array.from([0n, 2n]), [2]),
    };
    for (const [n, t] of step.initialParams) feeds[n] = new ort.Tensor('float32', readFloats(t), [3, 3]);
    const out = await session.run(feeds);
    const ga = Array.from(out[step.gradOutputs.get('a.weight')!].data as Float32Array);
    const gb = Array.from(out[step.gradOutputs.get('b.weight')!].data as Float32Array);
    expect(ga).not.toEqual(gb); // two parameters with their own gradients, not one tied sum
  });
});

describe('a trainable initializer shared through an Identity with a bias on data', () => {
  it('is not refused: each reader gets its own copy, and the bias on data is a parameter slot too', () => {
    // torch.onnx.export merges equal initializers: ViT's zero conv_proj.bias and the zero
    // biases of its decomposed LayerNorms (Mul, Add) become one initializer behind Identities.
    const g = new Graph('shared-zero');
    const e = new Emitter(g, 13);
    const x = graphInput(g, 'x', { elemType: DataType.FLOAT, shape: ['N', 3] });
    const w = g.addInitializer('fc.weight', makeTensor('fc.weight', DataType.FLOAT, [3, 3], Float32Array.from([1, 0.5, -1, 0.2, 0.3, 0.1, -0.4, 0.6, 0.9])));
    const zeros = g.addInitializer('fc.bias', makeTensor('fc.bias', DataType.FLOAT, [3], new Float32Array(3)));
    const lnBias = e.op('Identity', [zeros]);
    g.renameValue(lnBias, 'ln.bias');
    const scale = g.addInitializer('scale', makeTensor('scale', DataType.FLOAT, [3], Float32Array.from([2, 2, 2])));
    const y = e.op('Gemm', [e.op('Add', [e.op('Mul', [x, scale]), lnBias]), w, zeros], { transB: 1 });
    g.renameValue(y, 'logits');
    g.outputs.push(y);
    const step = compileTrainingStep(newModel(g, { opset: 13 }), { trainable: new Set(['fc.weight', 'fc.bias']), loss: 'cross-entropy', optimizer: null });
    // A bias added to data is a parameter (a LayerNorm's bias, core/blocks' definition), so the
    // untied copy trains as its own parameter; before that, the step refused the model.
    expect(step.params.sort()).toEqual(['fc.bias', 'fc.weight', 'ln.bias']);
  });
});
