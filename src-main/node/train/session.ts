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
export async function createSession(model: ModelProto, threads = 2, device: Device = 'cpu', opts: DeviceSessionOptions = {}): Promise<ort.InferenceSession> {
  // The NCHWc kernels are onnxruntime's CPU provider's own: a GPU provider gets the plain graph.
  const lowered = device === 'cpu' ? useNchwcConvs(model, await nchwcBlockSize()) : model;
  return ort.InferenceSession.create(encodeModel(lowered), { ...SESSION_OPTIONS, ...providerOptions(lowered, device, opts), intraOpNumThreads: threads });
}

export interface DeviceSessionOptions {
  /** Outputs a GPU provider keeps in device memory (they come back as 'gpu-buffer' tensors). */
  keepOnDevice?: readonly string[];
  /** Profile the session's first run(s), for the per-node placement report (node/train/placement.ts). */
  profilePrefix?: string;
}

/**
 * Nodes the WebGPU provider claims but fails at run time: a MaxPool that also returns the
 * argmax indices (its backward pass needs them; onnxruntime 1.30's WebGPU pool kernel says
 * "The Indices output is not supported yet"). They run on the CPU.
 */
function webgpuCpuNodes(model: ModelProto): string[] {
  const nodes = model.graph!.node.filter((n) => n.opType === 'MaxPool' && n.output.length > 1 && n.output[1] !== '');
  // The provider finds them by name: an unnamed one gets a name of its own (only in this session's copy).
  nodes.forEach((n, i) => (n.name ||= `graft_maxpool_with_indices_${i}`));
  return nodes.map((n) => n.name);
}

/**
 * The providers a session asks for: a GPU provider with the CPU's behind it, so a node the GPU
 * provider has no kernel for runs on the CPU instead of failing the session.
 */
function providerOptions(model: ModelProto, device: Device, opts: DeviceSessionOptions = {}): ort.InferenceSession.SessionOptions {
  if (device === 'cpu') return { executionProviders: ['cpu'] };
  const keep = device === 'webgpu' ? (opts.keepOnDevice ?? []) : [];
  const cpuNodes = device === 'webgpu' ? webgpuCpuNodes(model) : [];
  return {
    executionProviders: [cpuNodes.length ? { name: 'webgpu', forceCpuNodeNames: cpuNodes } : device, 'cpu'],
    ...(keep.length ? { preferredOutputLocation: Object.fromEntries(keep.map((n) => [n, 'gpu-buffer' as const])) } : {}),
    ...(opts.profilePrefix ? { enableProfiling: true, profileFilePrefix: opts.profilePrefix } : {}),
  };
}

/** Graphs already lowered in place, and whether that changed them (a second session reuses it). */
const loweredGraphs = new WeakMap<PlannedGraph['graph'], boolean>();

/**
 * A session for one of a plan's graphs, lowered in place as {@link createSession} lowers a
 * model: each planned graph gets one session, so no graph is decoded again for it.
 */
export async function createPlannedSession(plan: Pick<TrainingPlan, 'base'>, g: PlannedGraph, device: Device = 'cpu', threads = 2, opts: DeviceSessionOptions = {}): Promise<ort.InferenceSession> {
  let lowered = loweredGraphs.get(g.graph);
  if (lowered === undefined) {
    lowered = device === 'cpu' && lowerNchwcConvs(g.graph, g.opset, await nchwcBlockSize()) > 0;
    loweredGraphs.set(g.graph, lowered);
  }
  const model = plannedModel(plan, g);
  return ort.InferenceSession.create(encodeModel(lowered ? withNchwcDomain(model) : model), { ...SESSION_OPTIONS, ...providerOptions(model, device, opts), intraOpNumThreads: threads });
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
