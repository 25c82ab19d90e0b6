// Gradients of torchvision's ViT and ConvNeXt exported with a symbolic batch (dynamic_axes),
// at a batch of 3, against PyTorch's autograd (core/autodiff/testdata/make_fixtures.py). The
// ViT case guards issue 13, item 2: shape inference once gave the class token's Expand a batch
// of 1, and the residual Add's gradient was silently summed over the batch.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { create } from '@bufbuild/protobuf';
import * as ortRuntime from 'onnxruntime-node';
import type * as ort from 'onnxruntime-node';
import { expect, it } from 'vitest';
import { Graph } from '../ir/graph.js';
import { typeFromProto, typeToProto } from '../ir/proto.js';
import { decodeModel, encodeModel } from '../onnx/codec.js';
import { DataType } from '../onnx/dtype.js';
import { ValueInfoProtoSchema } from '../onnx/gen/onnx_pb.js';
import { floats, input, int64s, modelOf, node } from '../shape/test-support.js';
import { readTensorFile } from '../../test-support/fixtures.js';
import { expectGradientsMatchGolden, type GradGolden } from '../../test-support/golden-grads.js';
import { ortTensor } from '../../test-support/ort.js';
import { compileTrainingStep } from './compile.js';

const testdata = join(dirname(fileURLToPath(import.meta.url)), '..', 'autodiff', 'testdata');


/** Per fixture: parameters that must be among the trained, the first ahead of the batch-mixing ops. */
const FIXTURES: [string, string[]][] = [
  ['tiny_vit_dynamic', ['conv_proj.weight', 'encoder.layers.encoder_layer_0.self_attention.out_proj.weight', 'heads.head.weight']],
  ['tiny_convnext_dynamic', ['features.0.0.weight', 'features.1.0.block.0.weight', 'features.3.0.block.0.weight', 'classifier.2.weight']],
];

for (const [name, required] of FIXTURES) {
  it(`${name}: gradients at batch 3 with a symbolic batch match PyTorch's`, async () => {
    const dir = join(testdata, name);
    const golden = JSON.parse(readFileSync(join(dir, 'golden.json'), 'utf8')) as GradGolden;
    const model = decodeModel(readFileSync(join(dir, 'model.onnx')), name);
    expect(typeFromProto(model.graph!.input[0].type)?.shape?.[0]).toBe('N');
    const input = ortTensor(readTensorFile(join(dir, 'input.pb')));
    const labels = ortTensor(readTensorFile(join(dir, 'labels.pb')));
    expect(input.dims[0]).toBe(3);

    await expectGradientsMatchGolden(model, input, labels, golden, required);
  });
}

it('a static batch of 1 that the run contradicts fails loudly instead of summing the gradient over the batch', async () => {
  // t = Reshape(x, a target inference cannot read), declared [1, 4] in value_info (a wrong
  // declaration fills what inference leaves open); u = t @ w is then "[1, 4]" and y = u + x
  // [N, 4]: du would be summed over the batch. The guard names u in onnxruntime's error.
  const g = new Graph('wrong-static-batch');
  const x = input(g, 'x', ['N', 4]);
  const [shape] = node(g, 'Shape', [x]);
  const [target] = node(g, 'Mod', [shape, int64s(g, 'big', [1_000_000])]);
  const [t] = node(g, 'Reshape', [x, target], {}, 1, 'opaque');
  const [u] = node(g, 'MatMul', [t, floats(g, 'w', Array.from({ length: 16 }, (_, i) => Math.sin(3 * i)), [4, 4])], {}, 1, 'scaled');
  const [y] = node(g, 'Add', [u, x]);
  const [logits] = node(g, 'MatMul', [y, floats(g, 'head', Array.from({ length: 12 }, (_, i) => Math.sin(i)), [4, 3])]);
  g.outputs.push(logits);
  logits.type = { elemType: DataType.FLOAT, shape: ['N', 3] };
  const model = modelOf(g, 14);
  model.graph!.valueInfo.push(create(ValueInfoProtoSchema, { name: t.name, type: typeToProto({ elemType: DataType.FLOAT, shape: [1, 4] }) }));

  const step = compileTrainingStep(model, { trainable: 'all', loss: 'cross-entropy', optimizer: null });
  const feeds: Record<string, ort.Tensor> = {
    [step.data]: new ortRuntime.Tensor('float32', Float32Array.from({ length: 12 }, (_, i) => Math.cos(i)), [3, 4]),
    [step.target]: new ortRuntime.Tensor('int64', BigInt64Array.of(0n, 1n, 2n), [3]),
  };
  for (const [n, v] of step.initialParams) feeds[n] = ortTensor(v);
  // Unoptimised: onnxruntime would otherwise trust the same wrong declaration and fold the check away.
  const session = await ortRuntime.InferenceSession.create(encodeModel(step.model), { graphOptimizationLevel: 'disabled' });
  await expect(session.run(feeds)).rejects.toThrow(/check_static_shape_of_scaled/);
  await session.release();
});
