// Checks a gradient rule against central finite differences of the forward model, both run
// in onnxruntime (the cases: core/autodiff/rule-cases). The loss is the mean squared error
// against a fixed random target; each trainable input is an initializer the compiler sees
// as a parameter.
import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import type { FloatSpec, GradCase } from '../core/autodiff/rule-cases/case.js';
import { graphInput, newModel } from '../core/ir/builder.js';
import { Emitter } from '../core/ir/emitter.js';
import { Graph, type Value } from '../core/ir/graph.js';
import { DataType } from '../core/onnx/dtype.js';
import { makeTensor } from '../core/onnx/tensor.js';
import { encodeModel } from '../core/onnx/codec.js';
import { seededRandom } from '../core/random.js';
import { inferShapes } from '../core/shape/infer.js';
import { compileTrainingStep } from '../core/train/compile.js';

const EPS = 1e-2;
/** Largest allowed |analytic - numeric|, relative to the largest numeric gradient. */
const TOL = 5e-3;

function hashName(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * The spec's own values, or distinct ones (a shuffled grid, so max-pool windows have a clear
 * winner) kept off the kinks, or positive ones.
 */
function generate(spec: FloatSpec, rand: () => number): Float32Array {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  if (spec.values) {
    if (spec.values.length !== n) throw new Error(`${spec.values.length} values for shape [${spec.shape.join(', ')}]`);
    return Float32Array.from(spec.values);
  }
  const out = new Float32Array(n);
  if (spec.gen === 'positive') {
    for (let i = 0; i < n; i++) out[i] = 0.5 + rand();
    return out;
  }
  const scale = spec.scale ?? 1;
  const spacing = Math.max(4 * EPS, (2 * scale) / n);
  const offset = rand() * 0.5 + 0.25;
  const grid = Array.from({ length: n }, (_, i) => (i - n / 2 + offset) * spacing);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [grid[i], grid[j]] = [grid[j], grid[i]];
  }
  for (let i = 0; i < n; i++) {
    let v = grid[i];
    for (const k of spec.kinks ?? []) if (Math.abs(v - k) < 3 * EPS) v = k + (v < k ? -3 : 3) * EPS;
    out[i] = v;
  }
  return out;
}

interface Prepared {
  c: GradCase;
  opset: number;
  /** Index into the case's inputs of each trainable input, and its values. */
  trainable: { index: number; shape: number[]; values: Float32Array }[];
  constants: Map<number, Float32Array>;
}

function prepare(c: GradCase): Prepared {
  const rand = seededRandom(hashName(c.name));
  const trainable: Prepared['trainable'] = [];
  const constants = new Map<number, Float32Array>();
  c.inputs.forEach((s, index) => {
    if (!s || !('shape' in s)) return;
    const values = generate(s, rand);
    if (s.train === false) constants.set(index, values);
    else trainable.push({ index, shape: s.shape, values });
  });
  return { c, opset: c.opset ?? 17, trainable, constants };
}

/**
 * The case as a model. 'forward': trainable inputs are graph inputs x<i>. 'train': each is an
 * initializer p<i> of shape [1, n] read through Gemm(p, I) and Reshape, so that the compiler
 * sees it as a parameter (a Gemm operand) whatever op reads it.
 */
function buildModel(p: Prepared, mode: 'forward' | 'train'): Uint8Array | ReturnType<typeof newModel> {
  const g = new Graph('case');
  const e = new Emitter(g, p.opset);
  graphInput(g, 'data', { elemType: DataType.FLOAT, shape: [1] });
  const ins: (Value | null)[] = [];
  p.c.inputs.forEach((s, i) => {
    if (s === null) return void ins.push(null);
    if ('same' in s) return void ins.push(ins[s.same]);
    if ('ints' in s) return void ins.push(e.int64(s.ints, s.dims));
    if ('floats' in s) return void ins.push(e.float(s.floats, s.dims ?? [s.floats.length]));
    if ('bools' in s) {
      const name = g.uniqueName(`bools${i}`);
      return void ins.push(g.addInitializer(name, makeTensor(name, DataType.BOOL, s.dims ?? [s.bools.length], Uint8Array.from(s.bools.map(Number)))));
    }
    const fixedValues = p.constants.get(i);
    if (fixedValues) return void ins.push(e.float(fixedValues, s.shape));
    const t = p.trainable.find((x) => x.index === i)!;
    if (mode === 'forward') return void ins.push(graphInput(g, `x${i}`, { elemType: DataType.FLOAT, shape: s.shape }));
    const n = t.values.length;
    const param = g.addInitializer(`p${i}`, makeTensor(`p${i}`, DataType.FLOAT, [1, n], t.values));
    const eye = new Float32Array(n * n);
    for (let k = 0; k < n; k++) eye[k * n + k] = 1;
    const eyeV = g.addInitializer(`eye${i}`, makeTensor(`eye${i}`, DataType.FLOAT, [n, n], eye));
    const row = e.op('Gemm', p.opset >= 11 ? [param, eyeV] : [param, eyeV, e.float([0], [1])]);
    ins.push(e.reshape(row, s.shape));
  });
  const y = p.c.build ? p.c.build(e, ins) : e.opN(p.c.op, ins, p.c.outputs ?? 1, p.c.attrs ?? {}, 'under_test')[0];
  g.outputs = [y];
  inferShapes(g, { opset: p.opset });
  const model = newModel(g, { opset: p.opset });
  return mode === 'forward' ? encodeModel(model) : model;
}

const sessions: ort.InferenceSession[] = [];
async function session(bytes: Uint8Array): Promise<ort.InferenceSession> {
  const s = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  sessions.push(s);
  return s;
}
/** Releases every session the checks opened (call it from afterAll). */
export async function releaseSessions(): Promise<void> {
  for (const s of sessions.splice(0)) await s.release();
}

const floatTensor = (values: Float32Array, dims: readonly number[]) => new ort.Tensor('float32', values, dims);
const DATA = floatTensor(new Float32Array([0]), [1]);

function mse(y: Float32Array, t: Float32Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (y[i] - t[i]) ** 2;
  return s / y.length;
}

export interface Checked {
  worst: number;
  scale: number;
}

/** Compiles the case's training step, runs it, and compares its gradients with central differences (or the dropout oracle). */
export async function checkCase(c: GradCase): Promise<Checked> {
  const p = prepare(c);
  expect(p.trainable.length, 'a case needs a trainable input').toBeGreaterThan(0);
  const forward = await session(buildModel(p, 'forward') as Uint8Array);
  const feeds = (overrides: Map<number, Float32Array> = new Map()) => {
    const out: Record<string, ort.Tensor> = { data: DATA };
    for (const t of p.trainable) out[`x${t.index}`] = floatTensor(overrides.get(t.index) ?? t.values, t.shape);
    return out;
  };
  const y0 = (await forward.run(feeds()))[forward.outputNames[0]];
  const rand = seededRandom(hashName(c.name) ^ 0x9e3779b9);
  const target = Float32Array.from({ length: y0.size }, () => rand() * 2 - 1);

  const step = compileTrainingStep(buildModel(p, 'train') as ReturnType<typeof newModel>, {
    trainable: new Set(p.trainable.map((t) => `p${t.index}`)),
    loss: 'mse',
    optimizer: null,
  });
  const train = await session(encodeModel(step.model));
  const trainFeeds: Record<string, ort.Tensor> = { [step.data]: DATA, [step.target]: new ort.Tensor('float32', target, y0.dims) };
  for (const t of p.trainable) trainFeeds[`p${t.index}`] = floatTensor(t.values, [1, t.values.length]);
  const res = await train.run(trainFeeds);
  const loss = res[step.loss].data[0] as number;

  let worst = 0;
  let scale = 0;
  const report: string[] = [];
  const errors: [where: string, analytic: number, numeric: number][] = [];
  for (const t of p.trainable) {
    const g = res[step.gradOutputs.get(`p${t.index}`)!];
    expect(Array.from(g.dims), `gradient shape of input ${t.index}`).toEqual([1, t.values.length]);
    const analytic = g.data as Float32Array;
    const numeric = new Float64Array(t.values.length);
    if (c.oracle === 'dropout') {
      // y = x·mask/(1-ratio): the mask is where y is non-zero (x never is), read off this run.
      const y = res[step.prediction].data as Float32Array;
      const ratioSpec = c.inputs[1];
      const ratio = ratioSpec && 'floats' in ratioSpec ? ratioSpec.floats[0] : 0.5;
      let dropped = 0;
      for (let j = 0; j < y.length; j++) {
        if (y[j] === 0) dropped++;
        else expect(y[j]).toBeCloseTo(t.values[j] / (1 - ratio), 4);
        numeric[j] = y[j] === 0 ? 0 : (2 * (y[j] - target[j])) / y.length / (1 - ratio);
      }
      expect(dropped, 'dropout was active').toBeGreaterThan(0);
      expect(dropped).toBeLessThan(y.length);
    } else {
      expect(loss).toBeCloseTo(mse(y0.data as Float32Array, target), 5);
      const x = Float32Array.from(t.values);
      for (let j = 0; j < x.length; j++) {
        const keep = x[j];
        x[j] = keep + EPS;
        const up = mse((await forward.run(feeds(new Map([[t.index, x]]))))[forward.outputNames[0]].data as Float32Array, target);
        x[j] = keep - EPS;
        const down = mse((await forward.run(feeds(new Map([[t.index, x]]))))[forward.outputNames[0]].data as Float32Array, target);
        x[j] = keep;
        numeric[j] = (up - down) / (2 * EPS);
      }
    }
    for (let j = 0; j < numeric.length; j++) {
      scale = Math.max(scale, Math.abs(numeric[j]));
      errors.push([`input ${t.index}[${j}]`, analytic[j], numeric[j]]);
    }
  }
  for (const [where, analytic, numeric] of errors) {
    const err = Math.abs(analytic - numeric);
    worst = Math.max(worst, Number.isNaN(err) ? Infinity : err); // a NaN gradient fails
    if (report.length < 6 && !(err <= TOL * scale)) report.push(`${where}: analytic ${analytic}, numeric ${numeric}`);
  }
  expect(scale, 'the case must have a non-zero gradient').toBeGreaterThan(1e-6);
  expect(worst, report.join('\n')).toBeLessThanOrEqual(TOL * scale);
  return { worst, scale };
}
