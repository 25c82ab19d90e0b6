// SGD and AdamW as graph fragments, with PyTorch's exact update rules (torch.optim.SGD,
// torch.optim.AdamW) so a run here and a run in PyTorch follow the same trajectory.
// lr and step are graph inputs: schedules and step counts never recompile.
import { GraftError } from '../errors.js';
import { DataType } from '../onnx/dtype.js';
import type { Value } from '../ir/graph.js';
import type { Emitter } from '../ir/emitter.js';
import type { Optimizer, UpdateInputs } from './optimizer.js';

export interface SgdOptions {
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

export function sgd({ momentum = 0, dampening = 0, nesterov = false, weightDecay = 0 }: SgdOptions = {}): Optimizer {
  if (momentum < 0 || weightDecay < 0) throw new GraftError('train-optimizer', 'SGD needs momentum >= 0 and weight decay >= 0');
  if (nesterov && (momentum <= 0 || dampening !== 0)) throw new GraftError('train-optimizer', 'Nesterov momentum needs momentum > 0 and zero dampening');
  return {
    stateNames: momentum !== 0 ? ['momentum_buffer'] : [],
    update(e: Emitter, { param, grad, state, lr, step }: UpdateInputs) {
      const mul = (a: Value, b: Value) => e.op('Mul', [a, b]);
      const add = (a: Value, b: Value) => e.op('Add', [a, b]);
      // g = g + wd·p
      let g = weightDecay !== 0 ? add(grad, mul(param, e.float([weightDecay]))) : grad;
      const newState: Value[] = [];
      if (momentum !== 0) {
        // buf = momentum·buf + (1 - dampening)·g
        let buf = add(mul(state[0], e.float([momentum])), dampening !== 0 ? mul(g, e.float([1 - dampening])) : g);
        // PyTorch's first step sets buf = g; the zero-started state matches that only without dampening.
        if (dampening !== 0) buf = e.op('Where', [e.op('Less', [step, e.float([1.5])]), g, buf]);
        newState.push(buf);
        // nesterov: g = g + momentum·buf; otherwise g = buf
        g = nesterov ? add(g, mul(buf, e.float([momentum]))) : buf;
      }
      // p = p - lr·g
      return { param: e.op('Sub', [param, mul(g, lr)]), state: newState };
    },
  };
}

export interface AdamWOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
}

export function adamw({ beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 0.01 }: AdamWOptions = {}): Optimizer {
  if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) throw new GraftError('train-optimizer', 'AdamW needs betas in [0, 1)');
  if (eps < 0 || weightDecay < 0) throw new GraftError('train-optimizer', 'AdamW needs eps >= 0 and weight decay >= 0');
  const biasCorrection = biasCorrections();
  return {
    stateNames: ['exp_avg', 'exp_avg_sq'],
    update(e: Emitter, { param, grad, state: [m, v], lr, step }: UpdateInputs) {
      const mul = (a: Value, b: Value) => e.op('Mul', [a, b]);
      const add = (a: Value, b: Value) => e.op('Add', [a, b]);
      // p = p·(1 - lr·wd)   (decoupled weight decay, before the moment update)
      const decayed = weightDecay !== 0 ? mul(param, e.op('Sub', [e.float([1]), mul(lr, e.float([weightDecay]))])) : param;
      // m = b1·m + (1 - b1)·g
      const m1 = add(mul(m, e.float([beta1])), mul(grad, e.float([1 - beta1])));
      // v = b2·v + (1 - b2)·g²
      const v1 = add(mul(v, e.float([beta2])), mul(mul(grad, grad), e.float([1 - beta2])));
      // step size = lr / (1 - b1^t)
      const stepSize = e.op('Div', [lr, biasCorrection(e, beta1, step)]);
      // denom = sqrt(v) / sqrt(1 - b2^t) + eps  (= sqrt(v̂) + eps)
      const denom = add(e.op('Div', [e.op('Sqrt', [v1]), e.op('Sqrt', [biasCorrection(e, beta2, step)])]), e.float([eps]));
      // p = p - step size·m / denom
      const updated = e.op('Sub', [decayed, mul(e.op('Div', [m1, denom]), stepSize)]);
      return { param: updated, state: [m1, v1] };
    },
  };
}

/**
 * 1 - beta^step, computed in double and rounded once: in float32, 0.999 is off by 1.3e-8,
 * so 1 - 0.999 is off by 1.3e-5 relative, where PyTorch's bias correction is a Python float. Shared by all parameters, since they read the same step input.
 */
function biasCorrections(): (e: Emitter, beta: number, step: Value) => Value {
  // Keyed by the step value itself: one optimizer object may serve several compilations.
  const made = new WeakMap<Value, Map<number, Value>>();
  return (e, beta, step) => {
    const perBeta = made.get(step) ?? new Map<number, Value>();
    made.set(step, perBeta);
    let corr = perBeta.get(beta);
    if (!corr) {
      const t = e.op('Cast', [step], { to: DataType.DOUBLE });
      corr = e.op('Cast', [e.op('Sub', [e.double([1]), e.op('Pow', [e.double([beta]), t])])], { to: DataType.FLOAT });
      perBeta.set(beta, corr);
    }
    return corr;
  };
}
