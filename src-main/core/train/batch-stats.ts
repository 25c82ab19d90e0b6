// Batch norm per run (DESIGN.md, "The one idea"): `frozen` normalises with the running
// statistics (an affine op, what a folded export can do); `batch` is PyTorch's model.train():
// each step normalises with the batch's own mean and biased variance over (N, spatial),
// gradients flow through them, and the running statistics move with PyTorch's update rule
//   running = (1 - m)·running + m·batch_stat,   m = 0.1 (ONNX momentum attribute 0.9 = 1 - m)
// where the variance that enters the running one is the UNBIASED one (·M/(M-1), M = N·H·W).
//
// `batch` rewrites each BatchNormalization of the trainable region into primitive ops
// (ReduceMean, Sub, Mul, Sqrt, Reciprocal, Add) whose gradient rules compose to
//   dx = (1/M)·γ·σ⁻¹·(M·dy - Σdy - x̂·Σ(dy·x̂)),  dγ = Σ dy·x̂,  dβ = Σ dy.
// The running statistics become step inputs, and their updates step outputs that the
// executor feeds back, as it does with optimizer state. A BN before the trainable region
// (the frozen prefix) keeps its running statistics: it sees frozen features, and PyTorch's
// recipe for a frozen backbone is the same (its statistics describe that backbone's data).
import { GraftError } from '../errors.js';
import type { Graph, Node, Value } from '../ir/graph.js';
import { getFloat, getInt } from '../ir/attributes.js';
import { Emitter } from '../ir/emitter.js';
import type { TensorProto } from '../onnx/gen/onnx_pb.js';
import { tensorDims } from '../onnx/tensor.js';

export type BatchNormMode = 'frozen' | 'batch';
export const BATCHNORM_MODES: readonly BatchNormMode[] = ['frozen', 'batch'];

/** A running statistic the step carries: its input (the initializer's name) and its update. */
export interface RunningStat {
  name: string;
  initial: TensorProto;
  updated: Value;
}

/**
 * Turns every BatchNormalization into an ordinary inference-mode node: a training export
 * (TrainingMode.PRESERVE) marks them with training_mode=1 and extra running-stat outputs,
 * which an inference runtime neither needs nor, in every build, runs. Returns how many changed.
 */
export function inferenceBatchNorms(graph: Graph): number {
  let changed = 0;
  for (const node of graph.nodes) {
    if (node.opType !== 'BatchNormalization') continue;
    const marked = node.attributes.some((a) => a.name === 'training_mode' && a.i !== 0n);
    const extra = node.outputs.slice(1).filter((o): o is Value => !!o);
    if (!marked && extra.length === 0) continue;
    if (extra.some((o) => o.isUsed)) continue; // its statistics are read: leave it as it is
    for (const o of extra) graph.values.delete(o.name);
    node.outputs = node.outputs.slice(0, 1);
    node.attributes = node.attributes.filter((a) => a.name !== 'training_mode');
    node.dirty = true;
    changed++;
  }
  return changed;
}

export function batchNormCount(graph: Graph): number {
  return graph.nodes.filter((n) => n.opType === 'BatchNormalization').length;
}

/** Values that depend on any of `sources`. */
function dependents(sources: Value[]): Set<Value> {
  const seen = new Set(sources);
  const stack = [...sources];
  while (stack.length > 0) {
    for (const { node } of stack.pop()!.uses) {
      for (const o of node.outputs) {
        if (o && !seen.has(o)) {
          seen.add(o);
          stack.push(o);
        }
      }
    }
  }
  return seen;
}

/** The BatchNormalization nodes a trainable parameter reaches: through their input, or their own γ/β. */
export function trainableRegionBatchNorms(graph: Graph, trainable: readonly Value[]): Node[] {
  const reached = dependents([...trainable]);
  return graph.nodes.filter((n) => n.opType === 'BatchNormalization' && n.inputs.slice(0, 3).some((v) => v && reached.has(v)));
}

/** Lifts a running statistic out of the initializers: the step reads it as an input. */
function liftStat(graph: Graph, node: Node, slot: number): { value: Value; initial: TensorProto } {
  const v = node.input(slot);
  const t = v?.initializer;
  if (!v || !t) throw new GraftError('train-batchnorm', `batch statistics: the running ${slot === 3 ? 'mean' : 'variance'} of BatchNormalization "${node.id}" is not a stored tensor, so it cannot be updated`);
  if (v.uses.length > 1) throw new GraftError('train-batchnorm', `batch statistics: the running statistic "${v.name}" is shared by several nodes, so one update cannot serve them all`);
  v.type = { elemType: t.dataType, shape: tensorDims(t) };
  v.initializer = null;
  graph.inputs.push(v);
  graph.initializerOrder = graph.initializerOrder.filter((n) => n !== v.name);
  return { value: v, initial: t };
}

/**
 * Rewrites `nodes` (BatchNormalization, shapes inferred) into batch-statistics primitives.
 * The graph is left unsorted: the caller sorts it and infers shapes again.
 */
export function rewriteBatchStatistics(graph: Graph, nodes: readonly Node[], opset: number): RunningStat[] {
  const e = new Emitter(graph, opset, 'bn-train/');
  const stats: RunningStat[] = [];
  for (const node of nodes) {
    if (node.outputs.slice(1).some((o) => o?.isUsed)) throw new GraftError('train-batchnorm', `batch statistics: the running-statistic outputs of BatchNormalization "${node.id}" are read by other nodes`);
    const x = node.input(0)!;
    const rank = x.type?.shape?.length;
    if (rank === undefined || rank < 2) throw new GraftError('train-batchnorm', `batch statistics: the input of BatchNormalization "${node.id}" has no known rank`);
    const eps = getFloat(node, 'epsilon', 1e-5);
    // ONNX's momentum weighs the old value; PyTorch's (0.1 by default) weighs the new one.
    const momentum = 1 - getFloat(node, 'momentum', 0.9);
    if (opset < 14 && getInt(node, 'spatial', 1) === 0) throw new GraftError('train-batchnorm', `batch statistics: BatchNormalization "${node.id}" has spatial=0 (statistics per position), which is not supported`);
    const axes = [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2)];
    const perChannel = (v: Value) => (rank > 2 ? e.unsqueeze(v, Array.from({ length: rank - 2 }, (_, i) => i + 1)) : v);
    const mean = e.reduceMean(x, axes, true);
    const centered = e.op('Sub', [x, mean]);
    const variance = e.reduceMean(e.op('Mul', [centered, centered]), axes, true);
    const invStd = e.op('Reciprocal', [e.op('Sqrt', [e.op('Add', [variance, e.float([eps])])])]);
    const y = e.op('Add', [e.op('Mul', [centered, e.op('Mul', [invStd, perChannel(node.input(1)!)])]), perChannel(node.input(2)!)]);

    // Running statistics: M = elements per channel, the unbiased variance is variance·M/(M-1).
    const runMean = liftStat(graph, node, 3);
    const runVar = liftStat(graph, node, 4);
    const channels = tensorDims(runMean.initial);
    const m = e.op('Div', [e.op('Cast', [e.op('Size', [x])], { to: 1 }), e.float([channels.reduce((a, b) => a * b, 1)])]);
    const unbiased = e.op('Mul', [variance, e.op('Div', [m, e.op('Sub', [m, e.float([1])])])]);
    const moved = (run: Value, batch: Value) =>
      e.op('Add', [e.op('Mul', [run, e.float([1 - momentum])]), e.op('Mul', [e.reshape(batch, channels), e.float([momentum])])]);
    stats.push({ name: runMean.value.name, initial: runMean.initial, updated: moved(runMean.value, mean) });
    stats.push({ name: runVar.value.name, initial: runVar.initial, updated: moved(runVar.value, unbiased) });

    graph.replaceAllUsesWith(node.outputs[0]!, y);
    graph.removeNode(node);
  }
  return stats;
}

/** What a run's log says about its batch norm: how many nodes use which statistics. */
export function batchNormNote(mode: BatchNormMode, total: number, batch: number): string | null {
  if (mode === 'frozen') return total > 0 ? `batch norm frozen: ${total} BatchNormalization node${total === 1 ? '' : 's'} normalise with their running statistics` : null;
  if (total === 0) return 'warning: batch norm is set to batch statistics, but this model has no BatchNormalization nodes (batch norm was folded into the convolutions when it was exported, or it never had any): there are no batch statistics to use, so it trains as it is';
  const before = total - batch;
  if (batch === 0) return `warning: batch statistics asked for, but all ${total} BatchNormalization nodes lie before the trainable blocks (frozen features): they keep their running statistics`;
  return `batch norm on batch statistics: ${batch} BatchNormalization node${batch === 1 ? '' : 's'} in the trainable part normalise each batch with its own statistics and update their running ones (momentum 0.1)${before > 0 ? `; ${before} before it see frozen features and keep their running statistics` : ''}`;
}
