import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { isGraftError } from '../errors.js';
import { decodeModel, encodeModel } from '../onnx/codec.js';
import { DataType } from '../onnx/dtype.js';
import { makeTensor } from '../onnx/tensor.js';
import { fixturePath, readTensorFile } from '../../test-support/fixtures.js';
import { ortTensor, runOrt } from '../../test-support/ort.js';
import { graphInput, newModel } from './builder.js';
import { Emitter } from './emitter.js';
import { Graph } from './graph.js';
import { graphFromModel, modelWithGraph, typeFromProto } from './proto.js';
import { inferShapes } from '../shape/infer.js';

function load(name: string) {
  const model = decodeModel(readFileSync(fixturePath(name)), name);
  return { model, graph: graphFromModel(model, name) };
}

async function outputs(bytes: Uint8Array, name: string): Promise<Float32Array> {
  const input = readTensorFile(fixturePath(name, 'input.pb'));
  const inputName = graphFromModel(decodeModel(bytes, name)).inputs[0].name;
  const out = await runOrt(bytes, { [inputName]: ortTensor(input) });
  return out[Object.keys(out)[0]].data as Float32Array;
}

function expectRefusal(fn: () => void, code: string): void {
  try {
    fn();
  } catch (e) {
    expect(isGraftError(e)).toBe(true);
    expect((e as { code: string }).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}`);
}

describe('producer/use links', () => {
  it('match the file: every input slot is a use of its value', () => {
    const { graph } = load('resnet18');
    for (const n of graph.nodes) {
      n.inputs.forEach((v, index) => {
        if (v) expect(v.uses).toContainEqual({ node: n, index });
      });
      for (const v of n.outputs) if (v) expect(v.producer).toBe(n);
    }
  });
});

describe('edit verbs keep the model runnable and its meaning', () => {
  it('insertOnEdge: an Identity after every Relu changes nothing', async () => {
    const { model, graph } = load('bn_inference');
    const reference = await outputs(encodeModel(model), 'bn_inference');
    const e = new Emitter(graph, 17);
    for (const relu of graph.nodes.filter((n) => n.opType === 'Relu')) {
      graph.insertOnEdge(relu.outputs[0]!, (v) => e.op('Identity', [v]));
    }
    graph.topologicalSort();
    const edited = encodeModel(modelWithGraph(model, graph));
    expect(graph.nodes.filter((n) => n.opType === 'Identity').length).toBeGreaterThan(0);
    expect(Array.from(await outputs(edited, 'bn_inference'))).toEqual(Array.from(reference));
  });

  it('replaceNode: Relu -> Max(x, 0) gives the same outputs', async () => {
    const { model, graph } = load('resnet18');
    const reference = await outputs(encodeModel(model), 'resnet18');
    const zero = graph.addInitializer(graph.uniqueName('zero'), makeTensor('zero', DataType.FLOAT, [], new Float32Array([0])));
    const relus = graph.nodes.filter((n) => n.opType === 'Relu');
    const e = new Emitter(graph, 17);
    for (const relu of relus) graph.replaceNode(relu, ([x]) => [e.op('Max', [x, zero])]);
    graph.topologicalSort();
    expect(graph.nodes.some((n) => n.opType === 'Relu')).toBe(false);
    const got = await outputs(encodeModel(modelWithGraph(model, graph)), 'resnet18');
    // onnxruntime fuses Conv+Relu but not Conv+Max, so the sums round differently.
    got.forEach((v, i) => expect(Math.abs(v - reference[i])).toBeLessThan(1e-5 * (1 + Math.abs(reference[i]))));
  });

  it('removeNode refuses a node whose output is still read', () => {
    const { graph } = load('bn_inference');
    expectRefusal(() => graph.removeNode(graph.nodes[0]), 'ir-in-use');
  });

  it('cleanup drops dead nodes and the initializers only they used', async () => {
    const { model, graph } = load('bn_inference');
    const before = graph.initializers().length;
    const x = graph.inputs[0];
    const w = graph.addInitializer('dead.weight', makeTensor('dead.weight', DataType.FLOAT, [2, 3, 1, 1], new Float32Array(6)));
    const e = new Emitter(graph, 17);
    e.op('Relu', [e.op('Conv', [x, w])]);
    graph.cleanup();
    expect(graph.values.has('dead.weight')).toBe(false);
    expect(graph.initializers().length).toBe(before);
    expect(graph.nodes.length).toBe(model.graph!.node.length);
    expect(Buffer.compare(Buffer.from(encodeModel(modelWithGraph(model, graph))), readFileSync(fixturePath('bn_inference')))).toBe(0);
  });

  it('topologicalSort orders shuffled nodes and reports a cycle', () => {
    const { graph } = load('mobilenet_v3_small');
    const original = graph.nodes.map((n) => n.id);
    graph.nodes.reverse();
    graph.topologicalSort();
    expect(graph.nodes.map((n) => n.id)).toEqual(original);

    const g = new Graph('cyclic');
    const x = graphInput(g, 'x', { elemType: DataType.FLOAT, shape: [1] });
    const a = g.addNode({ opType: 'Add', inputs: [x, x] });
    const b = g.addNode({ opType: 'Relu', inputs: [a.outputs[0]] });
    g.setInput(a, 1, b.outputs[0]);
    expectRefusal(() => g.topologicalSort(), 'ir-cycle');
  });

  it('renameValue renames through producer, readers and graph outputs', async () => {
    const { model, graph } = load('bn_inference');
    graph.renameValue(graph.outputs[0], 'scores');
    const conv = graph.nodes[0];
    graph.renameValue(conv.outputs[0]!, 'features');
    const bytes = encodeModel(modelWithGraph(model, graph));
    const session = await ort.InferenceSession.create(bytes);
    expect(session.outputNames).toEqual(['scores']);
    const again = graphFromModel(decodeModel(bytes, 'renamed'));
    expect(again.value('features').producer?.opType).toBe(conv.opType);
  });
});

describe('saving after an edit', () => {
  it('declares the new output shape, not the one the file had', async () => {
    const { model, graph } = load('resnet18');
    const fc = graph.nodes.find((n) => n.opType === 'Gemm')!;
    const w = graph.addInitializer('fc3.weight', makeTensor('fc3.weight', DataType.FLOAT, [3, 512], new Float32Array(3 * 512).fill(0.01)));
    const b = graph.addInitializer('fc3.bias', makeTensor('fc3.bias', DataType.FLOAT, [3], new Float32Array(3)));
    graph.setInput(fc, 1, w);
    graph.setInput(fc, 2, b);
    graph.cleanup();
    inferShapes(graph);
    const saved = decodeModel(encodeModel(modelWithGraph(model, graph)), 'edited');
    expect(typeFromProto(saved.graph!.output[0].type)?.shape).toEqual(['N', 3]);
    expect(saved.graph!.initializer.some((t) => t.name === 'fc.weight')).toBe(false);
    const input = readTensorFile(fixturePath('resnet18', 'input.pb'));
    const out = await runOrt(encodeModel(saved), { input: ortTensor(input) });
    expect(out.logits.dims).toEqual([4, 3]);
  });
});

describe('models made in code', () => {
  it('opset 21 with opset-18 input forms saves, reloads and runs in onnxruntime', async () => {
    const g = new Graph('opset21');
    const x = graphInput(g, 'x', { elemType: DataType.FLOAT, shape: ['N', 4, 6] });
    const axes = g.addInitializer('axes', makeTensor('axes', DataType.INT64, [1], new BigInt64Array([2n])));
    const e = new Emitter(g, 21);
    const y = e.op('ReduceMean', [e.op('Relu', [x]), axes], { keepdims: 0 });
    g.renameValue(y, 'y');
    g.outputs.push(y);
    const bytes = encodeModel(newModel(g, { opset: 21 }));
    const reloaded = decodeModel(bytes, 'opset21');
    expect(Number(reloaded.opsetImport[0].version)).toBe(21);
    const data = Float32Array.from({ length: 2 * 24 }, (_, i) => (i % 7) - 3);
    const out = await runOrt(bytes, { x: new ort.Tensor('float32', data, [2, 4, 6]) });
    expect(out.y.dims).toEqual([2, 4]);
    const row0 = Array.from(data.slice(0, 6)).reduce((s, v) => s + Math.max(v, 0), 0) / 6;
    expect((out.y.data as Float32Array)[0]).toBeCloseTo(row0, 6);
  });
});
