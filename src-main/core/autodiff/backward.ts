// The reverse walker: from the loss back to the trainable parameters, one gradient rule per
// node, only over nodes that lie between the two, with fan-out gradients summed.
import { GraftError } from '../errors.js';
import { isFloatType } from '../onnx/dtype.js';
import type { Graph, Node, Value } from '../ir/graph.js';
import { NodeGradContext } from './context.js';
import type { Emitter } from '../ir/emitter.js';
import { gradRules } from './rules/index.js';

/** Values that depend on any of `sources` (the sources included). */
function dependents(sources: Value[]): Set<Value> {
  const seen = new Set<Value>(sources);
  const stack = [...sources];
  while (stack.length > 0) {
    const v = stack.pop()!;
    for (const { node } of v.uses) {
      for (const out of node.outputs) {
        if (out && !seen.has(out)) {
          seen.add(out);
          stack.push(out);
        }
      }
    }
  }
  return seen;
}

/** Values that `target` depends on (itself included). */
function ancestors(target: Value): Set<Value> {
  const seen = new Set<Value>([target]);
  const stack = [target];
  while (stack.length > 0) {
    const v = stack.pop()!;
    for (const i of v.producer?.inputs ?? []) {
      if (i && !seen.has(i)) {
        seen.add(i);
        stack.push(i);
      }
    }
  }
  return seen;
}

export interface BackwardResult {
  /** Gradient of the loss for each parameter asked for; absent when the loss does not depend on it. */
  grads: Map<Value, Value>;
  /** Gradients of every intermediate value on the path (for diagnostics: flow through time). */
  valueGrads: Map<Value, Value>;
}

/**
 * Appends the backward pass to `graph`: `seed` is dLoss/d`loss` (usually the constant 1 or a
 * loss's own analytic gradient with respect to its input). Forward shapes must have been
 * inferred. Nodes are visited in reverse order of `graph.nodes`, which must be topological.
 */
export function buildBackward(graph: Graph, e: Emitter, loss: Value, seed: Value, wrt: Value[]): BackwardResult {
  const fromParams = dependents(wrt);
  const toLoss = ancestors(loss);
  // Integer and boolean values (shapes, indices, masks) carry no gradient.
  const differentiable = (v: Value) => !v.type || isFloatType(v.type.elemType);
  const onPath = (v: Value | null): v is Value => !!v && fromParams.has(v) && toLoss.has(v) && differentiable(v);

  const pending = new Map<Value, Value[]>([[loss, [seed]]]);
  const valueGrads = new Map<Value, Value>();
  const gradOf = (v: Value): Value | null => {
    const done = valueGrads.get(v);
    if (done) return done;
    const parts = pending.get(v);
    if (!parts || parts.length === 0) return null;
    const g = e.sum(parts);
    valueGrads.set(v, g);
    pending.delete(v);
    return g;
  };

  const forward: Node[] = graph.nodes.filter((n) => n.outputs.some(onPath));
  for (let k = forward.length - 1; k >= 0; k--) {
    const node = forward[k];
    const outGrads = node.outputs.map((o) => (o && toLoss.has(o) ? gradOf(o) : null));
    if (outGrads.every((g) => g === null)) continue;
    const needs = node.inputs.map(onPath);
    if (!needs.some(Boolean)) continue;
    const rule = gradRules.get(node.opType);
    if (!rule || (node.domain !== '' && node.domain !== 'ai.onnx')) {
      throw new GraftError(
        'autodiff-no-rule',
        `no gradient rule for op ${node.domain ? `${node.domain}.` : ''}${node.opType} (node "${node.id}"), which lies between the trainable parameters and the loss; freeze the blocks up to and including it, or train only what comes after it`,
      );
    }
    const ctx = new NodeGradContext(node, e, outGrads, needs);
    rule(ctx);
    node.inputs.forEach((v, i) => {
      if (!v || !needs[i]) return;
      const g = ctx.gradIns.get(i);
      if (!g) throw new GraftError('autodiff-rule', `the ${node.opType} rule gave no gradient for input ${i} of node "${node.id}"`);
      const list = pending.get(v) ?? [];
      list.push(g);
      pending.set(v, list);
    });
  }

  const grads = new Map<Value, Value>();
  for (const p of wrt) {
    const g = gradOf(p);
    if (g) grads.set(p, g);
  }
  return { grads, valueGrads };
}
