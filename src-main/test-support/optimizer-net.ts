// The small network the optimizer tests train, and running its compiled steps in
// onnxruntime: x[N,4] -> Gemm -> Relu -> Gemm -> logits[N,3], cross-entropy on labels.
import * as ort from 'onnxruntime-node';
import { graphInput, newModel } from '../core/ir/builder.js';
import { Emitter } from '../core/ir/emitter.js';
import { Graph } from '../core/ir/graph.js';
import { DataType } from '../core/onnx/dtype.js';
import { encodeModel } from '../core/onnx/codec.js';
import type { ModelProto } from '../core/onnx/gen/onnx_pb.js';
import { makeTensor } from '../core/onnx/tensor.js';
import { seededRandom } from '../core/random.js';
import { type CompiledStep, compileTrainingStep } from '../core/train/compile.js';
import type { Optimizer } from '../core/train/optimizer.js';

// ---- the small network: x[N,4] -> Gemm(w1,b1) -> Relu -> Gemm(w2,b2) -> logits[N,3] ----------

export const SHAPES: Record<string, number[]> = { w1: [8, 4], b1: [8], w2: [3, 8], b2: [3] };
export const NAMES = Object.keys(SHAPES);
export const BATCH = 6;

export type Tensors = Map<string, Float32Array>;

export interface Net {
  model: ModelProto;
  init: Tensors;
  x: Float32Array;
  y: BigInt64Array;
}

export function smallNet(seed = 7): Net {
  const rand = seededRandom(seed);
  const fill = (n: number, scale: number) => Float32Array.from({ length: n }, () => (rand() * 2 - 1) * scale);
  const init: Tensors = new Map(NAMES.map((n) => [n, fill(SHAPES[n].reduce((a, b) => a * b, 1), 0.6)]));
  const g = new Graph('small-net');
  const e = new Emitter(g, 17);
  const x = graphInput(g, 'x', { elemType: DataType.FLOAT, shape: ['N', 4] });
  const p = Object.fromEntries(NAMES.map((n) => [n, g.addInitializer(n, makeTensor(n, DataType.FLOAT, SHAPES[n], init.get(n)!))]));
  const hidden = e.op('Relu', [e.op('Gemm', [x, p.w1, p.b1], { transB: 1 })]);
  g.outputs.push(e.op('Gemm', [hidden, p.w2, p.b2], { transB: 1 }));
  return {
    model: newModel(g, { opset: 17 }),
    init,
    x: fill(BATCH * 4, 1.5),
    y: BigInt64Array.from({ length: BATCH }, (_, i) => BigInt(i % 3)),
  };
}

// ---- running compiled steps in onnxruntime ------------------------------------------------

export interface StepOptions {
  lrs: number[];
  clipNorm?: number;
  lrMultipliers?: Record<string, number>;
}

const sessions: ort.InferenceSession[] = [];
/** Releases every session `compiled` opened (call it from afterAll). */
export async function releaseSessions(): Promise<void> {
  for (const s of sessions.splice(0)) await s.release();
}

export async function compiled(net: Net, optimizer: Optimizer | null, opts: Omit<StepOptions, 'lrs'> = {}) {
  const step = compileTrainingStep(net.model, {
    trainable: 'all',
    loss: 'cross-entropy',
    optimizer,
    clipNorm: opts.clipNorm,
    lrMultipliers: opts.lrMultipliers ? new Map(Object.entries(opts.lrMultipliers)) : undefined,
  });
  const session = await ort.InferenceSession.create(encodeModel(step.model), { intraOpNumThreads: 1 });
  sessions.push(session);
  return { step, session };
}

const f32 = (data: Float32Array, dims: number[]) => new ort.Tensor('float32', data, dims);
const scalar = (x: number) => new ort.Tensor('float32', Float32Array.of(x), []);

function batchFeeds(net: Net, step: CompiledStep, params: Tensors): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {
    [step.data]: f32(net.x, [BATCH, 4]),
    [step.target]: new ort.Tensor('int64', net.y, [BATCH]),
  };
  for (const n of step.params) feeds[n] = f32(params.get(n)!, SHAPES[n]);
  return feeds;
}

/** The state inputs of one parameter, in the optimizer's stateNames order. */
export const stateOf = (step: CompiledStep, param: string) => step.state.filter((s) => s.param === param);

export interface StepResult {
  params: Tensors;
  /** Keyed by state input name. */
  state: Tensors;
  gradNorms: Map<string, number>;
  globalGradNorm: number;
}

export async function runStep(
  { step, session }: { step: CompiledStep; session: ort.InferenceSession },
  net: Net,
  params: Tensors,
  state: Tensors,
  lr: number,
  t: number,
): Promise<StepResult> {
  const feeds = batchFeeds(net, step, params);
  for (const s of step.state) feeds[s.name] = f32(state.get(s.name)!, s.dims);
  feeds[step.lr!] = scalar(lr);
  feeds[step.step!] = scalar(t);
  const out = await session.run(feeds);
  const read = (name: string) => out[name].data as Float32Array;
  return {
    params: new Map(step.params.map((n) => [n, read(step.updatedParams.get(n)!)])),
    state: new Map(step.state.map((s) => [s.name, read(step.updatedState.get(s.name)!)])),
    gradNorms: new Map(step.params.map((n) => [n, read(step.gradNorms.get(n)!)[0]])),
    globalGradNorm: read(step.globalGradNorm)[0],
  };
}

export async function gradients({ step, session }: { step: CompiledStep; session: ort.InferenceSession }, net: Net, params: Tensors): Promise<Tensors> {
  const out = await session.run(batchFeeds(net, step, params));
  return new Map(step.params.map((n) => [n, out[step.gradOutputs.get(n)!].data as Float32Array]));
}

export function zeroState(step: CompiledStep): Tensors {
  return new Map(step.state.map((s) => [s.name, new Float32Array(s.dims.reduce((a, b) => a * b, 1))]));
}
