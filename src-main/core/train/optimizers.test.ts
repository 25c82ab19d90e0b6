// The compiled optimizers against PyTorch's update rules, re-implemented in float64 and applied
// step by step to the compiled step's own inputs. PyTorch itself: optimizers-torch.test.ts.
import { afterAll, describe, expect, it } from 'vitest';
import {
  compiled,
  gradients,
  NAMES,
  releaseSessions,
  runStep,
  smallNet,
  stateOf,
  type StepOptions,
  type Tensors,
  zeroState,
} from '../../test-support/optimizer-net.js';
import type { Optimizer } from './optimizer.js';
import { adamw, type AdamWOptions, sgd, type SgdOptions } from './optimizers.js';

afterAll(releaseSessions);

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
