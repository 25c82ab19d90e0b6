// onnxruntime sessions for training: creation with the studio's settings, and the tensors
// the trainer feeds (parameters it owns between steps, batches it slices).
import * as ort from 'onnxruntime-node';
import type { ModelProto, TensorProto } from '../../core/onnx/gen/onnx_pb.js';
import { encodeModel } from '../../core/onnx/codec.js';
import { readFloats, tensorDims } from '../../core/onnx/tensor.js';
import { lowerNchwcConvs, useNchwcConvs, withNchwcDomain } from '../../core/train/nchwc-convs.js';
import { type PlannedGraph, plannedModel, type TrainingPlan } from '../../core/train/plan.js';
import type { Device } from './devices.js';
import { nchwcBlockSize } from './nchwc-probe.js';
import { QUIET_SESSION } from '../runtime-errors.js';

const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = {
  ...QUIET_SESSION,
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all',
  executionMode: 'sequential',
};

/**
 * A session for a compiled step (or any graph the trainer runs), with weight-input
 * convolutions lowered to onnxruntime's blocked kernels where this CPU has them
 * (core/train/nchwc-convs.ts; GRAFT_NCHWC=0 turns that off).
 */
export async function createSession(model: ModelProto, threads = 2): Promise<ort.InferenceSession> {
  const lowered = useNchwcConvs(model, await nchwcBlockSize());
  return ort.InferenceSession.create(encodeModel(lowered), { ...SESSION_OPTIONS, intraOpNumThreads: threads });
}

/** Graphs already lowered in place, and whether that changed them (a second session reuses it). */
const loweredGraphs = new WeakMap<PlannedGraph['graph'], boolean>();

/**
 * A session for one of a plan's graphs, lowered in place as {@link createSession} lowers a
 * model: each planned graph gets one session, so no graph is decoded again for it.
 */
export async function createPlannedSession(plan: Pick<TrainingPlan, 'base'>, g: PlannedGraph, device: Device = 'cpu', threads = 2): Promise<ort.InferenceSession> {
  let lowered = loweredGraphs.get(g.graph);
  if (lowered === undefined) {
    // The NCHWc kernels are onnxruntime's CPU provider's own: a GPU provider gets the plain graph.
    lowered = device === 'cpu' && lowerNchwcConvs(g.graph, g.opset, await nchwcBlockSize()) > 0;
    loweredGraphs.set(g.graph, lowered);
  }
  const model = plannedModel(plan, g);
  return ort.InferenceSession.create(encodeModel(lowered ? withNchwcDomain(model) : model), { ...SESSION_OPTIONS, intraOpNumThreads: threads, executionProviders: [device] });
}

/** A float tensor the trainer owns: the parameters and optimizer state between steps. */
export interface OwnedTensor {
  dims: number[];
  data: Float32Array;
}

export function ownedFromProto(t: TensorProto): OwnedTensor {
  return { dims: tensorDims(t), data: readFloats(t) };
}

export function copyTensor(t: OwnedTensor): OwnedTensor {
  return { dims: t.dims, data: t.data.slice() };
}

export function copyTensors(m: ReadonlyMap<string, OwnedTensor>): Map<string, OwnedTensor> {
  return new Map([...m].map(([n, t]) => [n, copyTensor(t)]));
}

export function toOrt(t: OwnedTensor): ort.Tensor {
  return new ort.Tensor('float32', t.data, t.dims);
}

export function labelsTensor(labels: Int32Array | Float32Array, shape: number[]): ort.Tensor {
  if (labels instanceof Int32Array) return new ort.Tensor('int64', BigInt64Array.from(labels, (v) => BigInt(v)), [labels.length]);
  return new ort.Tensor('float32', labels, shape);
}

export function scalar(v: number): ort.Tensor {
  return new ort.Tensor('float32', Float32Array.of(v), []);
}
