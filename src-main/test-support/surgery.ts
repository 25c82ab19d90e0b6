// Shared by the surgery tests: the fixture models, running them in onnxruntime, a float64
// Linear to check new heads against, and checks of GraftErrors.
import { existsSync, readFileSync } from 'node:fs';
import type * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import type { Block } from '../core/blocks/index.js';
import { isGraftError } from '../core/errors.js';
import { Emitter } from '../core/ir/emitter.js';
import { graphFromModel, modelWithGraph } from '../core/ir/proto.js';
import { decodeModel, encodeModel } from '../core/onnx/codec.js';
import type { ModelProto } from '../core/onnx/gen/onnx_pb.js';
import { readFloats, tensorDims } from '../core/onnx/tensor.js';
import { inferShapes } from '../core/shape/infer.js';
import { fixturePath, fixturesDir, readTensorFile } from './fixtures.js';
import { ortTensor, runOrt } from './ort.js';

export const hasFixtures = existsSync(fixturesDir);
export const FEATURES = '/Flatten_output_0'; // resnet18: the pooled features entering fc

const cache = new Map<string, Uint8Array>();
export function load(name: string): ModelProto {
  if (!cache.has(name)) cache.set(name, readFileSync(fixturePath(name)));
  return decodeModel(cache.get(name)!, name);
}

export function batch(name: string): Record<string, ort.Tensor> {
  return { input: ortTensor(readTensorFile(fixturePath(name, 'input.pb'))) };
}

/** The model with extra graph outputs, to read intermediate values in onnxruntime. */
export function withOutputs(model: ModelProto, names: string[]): ModelProto {
  const g = graphFromModel(model);
  inferShapes(g);
  for (const n of names) g.outputs.push(g.value(n));
  return modelWithGraph(model, g);
}

export async function run(model: ModelProto, name: string): Promise<Record<string, { data: Float32Array; dims: number[] }>> {
  const out = await runOrt(encodeModel(model), batch(name));
  return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, { data: t.data as Float32Array, dims: [...t.dims] }]));
}

export function param(model: ModelProto, name: string): { dims: number[]; data: Float32Array } {
  const t = model.graph!.initializer.find((i) => i.name === name);
  if (!t) throw new Error(`no initializer "${name}" (have ${model.graph!.initializer.map((i) => i.name).slice(-6).join(', ')}, ...)`);
  return { dims: tensorDims(t), data: readFloats(t) };
}

/** y = x·Wᵀ + b for x [rows, in] and W [out, in], in float64. */
export function linear(x: Float32Array, rows: number, w: { dims: number[]; data: Float32Array }, b: Float32Array): Float64Array {
  const [fout, fin] = w.dims;
  const y = new Float64Array(rows * fout);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < fout; o++) {
      let s = b[o];
      for (let i = 0; i < fin; i++) s += x[r * fin + i] * w.data[o * fin + i];
      y[r * fout + o] = s;
    }
  }
  return y;
}

export function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  expect(worst).toBeLessThan(tol);
}

export function expectGraftError(f: () => unknown, code: string, message?: RegExp): void {
  let err: unknown = null;
  try {
    f();
  } catch (e) {
    err = e;
  }
  expect(isGraftError(err), `expected a GraftError, got ${String(err)}`).toBe(true);
  const e = err as { code: string; message: string };
  expect(e.code).toBe(code);
  if (message) expect(e.message).toMatch(message);
}

/** Byte equality without the matcher's element-by-element walk over tens of megabytes. */
export const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);

export const allBlocks = (b: Block): Block[] => [b, ...b.children.flatMap(allBlocks)];

/** The fixture with a Softmax (or LogSoftmax) appended after the logits, as output "probs". */
export function withSoftmax(model: ModelProto, opType = 'Softmax'): ModelProto {
  const g = graphFromModel(model);
  const logits = g.outputs[0];
  const probs = new Emitter(g, 17).op(opType, [logits], { axis: 1 }, `/${opType.toLowerCase()}/${opType}`);
  g.outputs = [probs];
  g.renameValue(probs, 'probs');
  inferShapes(g);
  return modelWithGraph(model, g);
}
