import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../random.js';
import * as ort from 'onnxruntime-node';
import { DataType } from '../onnx/dtype.js';
import { encodeModel } from '../onnx/codec.js';
import type { ModelProto } from '../onnx/gen/onnx_pb.js';
import { makeTensor } from '../onnx/tensor.js';
import { graphInput, newModel } from '../ir/builder.js';
import { Emitter } from '../ir/emitter.js';
import { Graph } from '../ir/graph.js';
import { type CompiledStep, compileTrainingStep } from './compile.js';
import type { Optimizer } from './optimizer.js';
import { adamw, type AdamWOptions, sgd, type SgdOptions } from './optimizers.js';

// ---- the small network: x[N,4] -> Gemm(w1,b1) -> Relu -> Gemm(w2,b2) -> logits[N,3] ----------

const SHAPES: Record<string, number[]> = { w1: [8, 4], b1: [8], w2: [3, 8], b2: [3] };
const NAMES = Object.keys(SHAPES);
const BATCH = 6;

type Tensors = Map<string, Float32Array>;

interface Net {
  model: ModelProto;
  init: Tensors;
  x: Float32Array;
  y: BigInt64Array;
}

const uniform = seededRandom;

function smallNet(seed = 7): Net {
  const rand = uniform(seed);
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

interface StepOptions {
  lrs: number[];
  clipNorm?: number;
  lrMultipliers?: Record<string, number>;
}

const sessions: ort.InferenceSession[] = [];
afterAll(async () => {
  for (const s of sessions) await s.release();
});

async function compiled(net: Net, optimizer: Optimizer | null, opts: Omit<StepOptions, 'lrs'> = {}) {
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
const stateOf = (step: CompiledStep, param: string) => step.state.filter((s) => s.param === param);

interface StepResult {
  params: Tensors;
  /** Keyed by state input name. */
  state: Tensors;
  gradNorms: Map<string, number>;
  globalGradNorm: number;
}

async function runStep(
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

async function gradients({ step, session }: { step: CompiledStep; session: ort.InferenceSession }, net: Net, params: Tensors): Promise<Tensors> {
  const out = await session.run(batchFeeds(net, step, params));
  return new Map(step.params.map((n) => [n, out[step.gradOutputs.get(n)!].data as Float32Array]));
}

function zeroState(step: CompiledStep): Tensors {
  return new Map(step.state.map((s) => [s.name, new Float32Array(s.dims.reduce((a, b) => a * b, 1))]));
}

// ---- PyTorch's update rules in float64 ----------------------------------------------------

type Vec = Float64Array;
/** One parameter's update; `state` is empty before the first step, as in torch.optim. */
type Reference = (p: Vec, g: Vec, state: Vec[], lr: number, t: number) => { param: Vec; state: Vec[] };

const map = (n: number, f: (i: number) => number): Vec => Float64Array.from({ length: n }, (_, i) => f(i));

function sgdReference({ momentum = 0, dampening = 0, nesterov = false, weightDecay = 0 }: SgdOptions): Reference {
  return (p, g0, state, lr) => {
    let g = map(p.length, (i) => g0[i] + weightDecay * p[i]);
    const next: Vec[] = [];
    if (momentum !== 0) {
      const old = state[0];
      const buf = old ? map(p.length, (i) => momentum * old[i] + (1 - dampening) * g[i]) : g.slice();
      next.push(buf);
      g = nesterov ? map(p.length, (i) => g[i] + momentum * buf[i]) : buf;
    }
    return { param: map(p.length, (i) => p[i] - lr * g[i]), state: next };
  };
}

function adamwReference({ beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 0.01 }: AdamWOptions): Reference {
  return (p, g, state, lr, t) => {
    const [m0, v0] = state.length ? state : [new Float64Array(p.length), new Float64Array(p.length)];
    const m = map(p.length, (i) => beta1 * m0[i] + (1 - beta1) * g[i]);
    const v = map(p.length, (i) => beta2 * v0[i] + (1 - beta2) * g[i] * g[i]);
    const c1 = 1 - beta1 ** t;
    const c2 = 1 - beta2 ** t;
    const param = map(p.length, (i) => p[i] * (1 - lr * weightDecay) - (lr * m[i]) / c1 / (Math.sqrt(v[i] / c2) + eps));
    return { param, state: [m, v] };
  };
}

const l2 = (x: ArrayLike<number>) => Math.sqrt(Array.from(x).reduce((s, v) => s + v * v, 0));

/** Largest difference, relative to the largest magnitude of the expected tensor. */
function relativeError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return scale === 0 ? diff : diff / scale;
}

interface Comparison {
  /** Worst relative error of updated parameters and state, and of the gradient norms. */
  update: number;
  norms: number;
  /** Clipping coefficient of each step (1 when not clipping). */
  clipCoefficients: number[];
}

/**
 * Runs the compiled step for several steps, feeding back its own outputs, and checks each
 * step against the float64 reference applied to that step's inputs and to the gradients
 * the gradient-only compilation of the same network reports.
 */
async function compareWithReference(optimizer: Optimizer, reference: Reference, opts: StepOptions): Promise<Comparison> {
  const net = smallNet();
  const train = await compiled(net, optimizer, opts);
  const grad = await compiled(net, null);
  let params: Tensors = new Map(net.init);
  let state = zeroState(train.step);
  const result: Comparison = { update: 0, norms: 0, clipCoefficients: [] };
  for (let t = 1; t <= opts.lrs.length; t++) {
    const grads = await gradients(grad, net, params);
    const out = await runStep(train, net, params, state, opts.lrs[t - 1], t);

    const norms = new Map(NAMES.map((n) => [n, l2(grads.get(n)!)]));
    const total = Math.sqrt([...norms.values()].reduce((s, v) => s + v * v, 0));
    for (const n of NAMES) result.norms = Math.max(result.norms, Math.abs(out.gradNorms.get(n)! - norms.get(n)!) / total);
    result.norms = Math.max(result.norms, Math.abs(out.globalGradNorm - total) / total);
    // clip_grad_norm_: every gradient scaled by min(1, max_norm / (total_norm + 1e-6))
    const coefficient = opts.clipNorm === undefined ? 1 : Math.min(1, opts.clipNorm / (total + 1e-6));
    result.clipCoefficients.push(coefficient);

    for (const n of NAMES) {
      const inputs = stateOf(train.step, n);
      const stateIn = t === 1 ? [] : inputs.map((s) => Float64Array.from(state.get(s.name)!));
      const g = Float64Array.from(grads.get(n)!, (v) => v * coefficient);
      const lr = opts.lrs[t - 1] * (opts.lrMultipliers?.[n] ?? 1);
      const want = reference(Float64Array.from(params.get(n)!), g, stateIn, lr, t);
      result.update = Math.max(result.update, relativeError(out.params.get(n)!, want.param));
      inputs.forEach((s, i) => (result.update = Math.max(result.update, relativeError(out.state.get(s.name)!, want.state[i]))));
    }
    params = out.params;
    state = out.state;
  }
  return result;
}

// ---- tests --------------------------------------------------------------------------------

const LRS = [0.1, 0.05, 0.2, 0.1, 0.02];
const ADAM_LRS = [0.01, 0.005, 0.02, 0.01, 0.002];
const TOLERANCE = 1e-6;

/** Worst errors seen, printed at the end for the record. */
const worst: Record<string, number> = {};

async function expectMatches(label: string, optimizer: Optimizer, reference: Reference, opts: StepOptions): Promise<Comparison> {
  const c = await compareWithReference(optimizer, reference, opts);
  worst[label] = Math.max(c.update, c.norms);
  expect(c.update).toBeLessThan(TOLERANCE);
  expect(c.norms).toBeLessThan(TOLERANCE);
  return c;
}

describe('optimizers follow PyTorch update rules (float64 reference, several steps)', () => {
  afterAll(() => console.log('optimizer vs float64 reference, worst relative error:', worst));

  it('SGD, plain', async () => {
    await expectMatches('sgd', sgd(), sgdReference({}), { lrs: LRS });
  });

  it('SGD with momentum', async () => {
    await expectMatches('sgd-momentum', sgd({ momentum: 0.9 }), sgdReference({ momentum: 0.9 }), { lrs: LRS });
  });

  it('SGD with Nesterov momentum', async () => {
    const o = { momentum: 0.9, nesterov: true };
    await expectMatches('sgd-nesterov', sgd(o), sgdReference(o), { lrs: LRS });
  });

  it('SGD with weight decay', async () => {
    const o = { weightDecay: 0.05 };
    await expectMatches('sgd-wd', sgd(o), sgdReference(o), { lrs: LRS });
  });

  it('SGD with dampening: the first step takes the gradient undamped, as PyTorch does', async () => {
    const o = { momentum: 0.8, dampening: 0.3, weightDecay: 0.01 };
    await expectMatches('sgd-dampening', sgd(o), sgdReference(o), { lrs: LRS });
  });

  it('AdamW with weight decay (bias corrections from the step input)', async () => {
    const o = { beta1: 0.85, beta2: 0.995, weightDecay: 0.05 };
    await expectMatches('adamw', adamw(o), adamwReference(o), { lrs: ADAM_LRS });
  });

  it('AdamW with defaults', async () => {
    await expectMatches('adamw-defaults', adamw(), adamwReference({}), { lrs: ADAM_LRS });
  });

  it('gradient clipping scales all gradients by one global coefficient; norms are reported unclipped', async () => {
    const c = await expectMatches('sgd-clip', sgd({ momentum: 0.9 }), sgdReference({ momentum: 0.9 }), { lrs: LRS, clipNorm: 0.05 });
    expect(c.clipCoefficients.every((k) => k < 1)).toBe(true);
    await expectMatches('adamw-clip', adamw(), adamwReference({}), { lrs: ADAM_LRS, clipNorm: 0.05 });
  });

  it('clipping with a large max norm changes nothing', async () => {
    const c = await expectMatches('sgd-noclip', sgd(), sgdReference({}), { lrs: LRS, clipNorm: 1e3 });
    expect(c.clipCoefficients.every((k) => k === 1)).toBe(true);
  });

  it('per-parameter learning-rate multipliers', async () => {
    const lrMultipliers = { w1: 0.1, b1: 0, w2: 2.5 };
    await expectMatches('sgd-mult', sgd({ momentum: 0.9, weightDecay: 0.01 }), sgdReference({ momentum: 0.9, weightDecay: 0.01 }), { lrs: LRS, lrMultipliers });
    await expectMatches('adamw-mult', adamw(), adamwReference({}), { lrs: ADAM_LRS, lrMultipliers });
  });

  it('the learning rate is an input: one compiled step serves any lr', async () => {
    const net = smallNet();
    const train = await compiled(net, sgd({ momentum: 0.9 }));
    const grad = await compiled(net, null);
    const grads = await gradients(grad, net, net.init);
    const state = zeroState(train.step);
    for (const lr of [0, 0.1, 0.7]) {
      const out = await runStep(train, net, net.init, state, lr, 1);
      for (const n of NAMES) {
        const want = sgdReference({ momentum: 0.9 })(Float64Array.from(net.init.get(n)!), Float64Array.from(grads.get(n)!), [], lr, 1);
        expect(relativeError(out.params.get(n)!, want.param)).toBeLessThan(TOLERANCE);
      }
    }
  });

  it('state names follow torch.optim', () => {
    expect(sgd().stateNames).toEqual([]);
    expect(sgd({ momentum: 0.9 }).stateNames).toEqual(['momentum_buffer']);
    expect(adamw().stateNames).toEqual(['exp_avg', 'exp_avg_sq']);
  });

  it('refuses settings PyTorch refuses', () => {
    expect(() => sgd({ nesterov: true })).toThrow(/Nesterov/);
    expect(() => sgd({ momentum: 0.9, dampening: 0.1, nesterov: true })).toThrow(/Nesterov/);
    expect(() => adamw({ beta1: 1 })).toThrow(/betas/);
  });
});

// ---- against PyTorch itself ---------------------------------------------------------------

const PYTHON = '/usr/bin/python3';
const torchAvailable = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;
const torchScript = join(dirname(fileURLToPath(import.meta.url)), 'testdata', 'torch_reference.py');

interface TorchRun extends StepOptions {
  optimizer: 'sgd' | 'adamw';
  options: SgdOptions & AdamWOptions;
}

const TORCH_RUNS: TorchRun[] = [
  { optimizer: 'sgd', options: {}, lrs: [0.1, 0.05, 0.2] },
  { optimizer: 'sgd', options: { momentum: 0.9, weightDecay: 0.01 }, lrs: [0.1, 0.05, 0.2] },
  { optimizer: 'sgd', options: { momentum: 0.8, dampening: 0.3 }, lrs: [0.1, 0.05, 0.2] },
  { optimizer: 'sgd', options: { momentum: 0.9, nesterov: true, weightDecay: 1e-3 }, lrs: [0.1, 0.05, 0.2] },
  { optimizer: 'sgd', options: { momentum: 0.9 }, lrs: [0.1, 0.05, 0.2], clipNorm: 0.05, lrMultipliers: { w1: 0.1, b2: 3 } },
  { optimizer: 'adamw', options: {}, lrs: [0.01, 0.005, 0.02] },
  { optimizer: 'adamw', options: { beta1: 0.85, beta2: 0.995, weightDecay: 0.1 }, lrs: [0.01, 0.005, 0.02] },
  { optimizer: 'adamw', options: {}, lrs: [0.01, 0.005, 0.02], clipNorm: 0.05, lrMultipliers: { w1: 0.1, b2: 3 } },
];

async function trainHere(net: Net, run: TorchRun): Promise<Tensors> {
  const train = await compiled(net, run.optimizer === 'sgd' ? sgd(run.options) : adamw(run.options), run);
  let params: Tensors = new Map(net.init);
  let state = zeroState(train.step);
  for (let t = 1; t <= run.lrs.length; t++) {
    ({ params, state } = await runStep(train, net, params, state, run.lrs[t - 1], t));
  }
  return params;
}

function trainInTorch(net: Net, runs: TorchRun[]): Record<string, number[]>[] {
  const dir = mkdtempSync(join(tmpdir(), 'graft-optim-'));
  try {
    const tensor = (data: Float32Array, dims: number[]) => ({ dims, data: Array.from(data) });
    const problem = {
      params: Object.fromEntries(NAMES.map((n) => [n, tensor(net.init.get(n)!, SHAPES[n])])),
      x: tensor(net.x, [BATCH, 4]),
      y: Array.from(net.y, Number),
      runs: runs.map((r) => ({ ...r, clipNorm: r.clipNorm ?? null })),
    };
    writeFileSync(join(dir, 'problem.json'), JSON.stringify(problem));
    const python = spawnSync(PYTHON, [torchScript, join(dir, 'problem.json'), join(dir, 'result.json')], { encoding: 'utf8' });
    if (python.status !== 0) throw new Error(`torch_reference.py failed: ${python.stderr}`);
    return JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')) as Record<string, number[]>[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('optimizers against PyTorch (3 steps from identical weights)', () => {
  it.skipIf(!torchAvailable)(
    torchAvailable ? 'final weights match torch.optim to 1e-5' : `final weights match torch.optim (SKIPPED: ${PYTHON} cannot import torch)`,
    async () => {
      const net = smallNet(11);
      const expected = trainInTorch(net, TORCH_RUNS);
      const errors: string[] = [];
      for (const [i, run] of TORCH_RUNS.entries()) {
        const got = await trainHere(net, run);
        const diff = Math.max(...NAMES.map((n) => Math.max(...got.get(n)!.map((v, k) => Math.abs(v - expected[i][n][k])))));
        errors.push(`${run.optimizer} ${JSON.stringify(run.options)}${run.clipNorm ? ' clip' : ''}: ${diff.toExponential(2)}`);
        expect(diff, JSON.stringify(run)).toBeLessThan(1e-5);
      }
      console.log('optimizer vs PyTorch, max abs weight difference after 3 steps:\n  ' + errors.join('\n  '));
    },
  );
});
