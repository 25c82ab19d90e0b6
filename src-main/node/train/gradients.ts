// One forward/backward pass of a compiled gradient graph in onnxruntime: the loss and
// dLoss/dparam for every trainable parameter.
import * as ort from 'onnxruntime-node';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { GraftError, isGraftError } from '../../core/errors.js';
import { DataType } from '../../core/onnx/dtype.js';
import { type ModelProto, type TensorProto, TensorProtoSchema } from '../../core/onnx/gen/onnx_pb.js';
import { makeTensor } from '../../core/onnx/tensor.js';
import { cloneGraph } from '../../core/ir/clone.js';
import { modelOpset } from '../../core/shape/infer.js';
import { replayEdits } from '../../core/surgery/apply.js';
import { trainableEdits } from '../../core/surgery/presets.js';
import type { ModelFile } from '../model-file.js';
import { dtypeName } from '../../core/onnx/dtype.js';
import { readTensor, tensorDims } from '../../core/onnx/tensor.js';
import type { LossKind } from '../../core/train/loss.js';
import { compileTrainingStep } from '../../core/train/compile.js';
import type { Device } from './devices.js';
import type { BatchNormMode } from '../../core/train/batch-stats.js';
import { createSession } from './session.js';

export interface GradientResult {
  loss: number;
  grads: Map<string, { dims: number[]; data: Float32Array }>;
  /** With batch statistics: each running statistic after this one step. */
  runningStats: Map<string, { dims: number[]; data: Float32Array }>;
  batchNorms: { total: number; batch: number };
  trainable: string[];
  untied: string[];
}

export function ortTensorOf(t: TensorProto): ort.Tensor {
  return new ort.Tensor(dtypeName(t.dataType) as ort.Tensor.Type, readTensor(t) as never, tensorDims(t));
}

export async function computeGradients(
  model: ModelProto,
  input: TensorProto,
  labels: TensorProto,
  trainable: 'all' | ReadonlySet<string>,
  loss: LossKind = 'cross-entropy',
  batchnorm: BatchNormMode = 'frozen',
  device: Device = 'cpu',
): Promise<GradientResult> {
  const step = compileTrainingStep(model, { trainable, loss, optimizer: null, batchnorm });
  const session = await createSession(step.model, 2, device);
  try {
    const feeds: Record<string, ort.Tensor> = { [step.data]: ortTensorOf(input), [step.target]: ortTensorOf(labels) };
    // The trainable parameters are inputs of the step: feed their current values.
    for (const [name, t] of [...step.initialParams, ...step.initialRunningStats]) feeds[name] = ortTensorOf(t);
    const out = await session.run(feeds);
    const grads = new Map<string, { dims: number[]; data: Float32Array }>();
    for (const [param, name] of step.gradOutputs) grads.set(param, { dims: [...out[name].dims], data: out[name].data as Float32Array });
    const runningStats = new Map<string, { dims: number[]; data: Float32Array }>();
    for (const [stat, name] of step.updatedRunningStats) runningStats.set(stat, { dims: [...out[name].dims], data: out[name].data as Float32Array });
    return { loss: (out[step.loss].data as Float32Array)[0], grads, runningStats, batchNorms: step.batchNorms, trainable: step.params, untied: step.untied };
  } finally {
    await session.release();
  }
}

/**
 * The parameters `graft gradients --trainable SPEC` trains (core/surgery/presets.ts
 * trainableEdits), replayed on a copy of the file's graph.
 */
export function trainableFromSpec(file: ModelFile, spec: string): Set<string> {
  try {
    return replayEdits(cloneGraph(file.graph), modelOpset(file.model), trainableEdits(spec), false).trainable;
  } catch (e) {
    // The edits were made from the spec, not written by the user: name only what is wrong.
    if (isGraftError(e)) throw new GraftError(e.code, e.message.replace(/^edit \d+ \([a-z-]+\): /, ''));
    throw e;
  }
}

/** File name of a parameter's gradient, as the fixtures spell it. */
export function gradFileName(param: string): string {
  return `${param.replace(/[/:]/g, '_')}.pb`;
}

export async function readTensorFile(path: string, what: string): Promise<TensorProto> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch {
    throw new GraftError('file-not-found', `${what} ${path}: no such file`);
  }
  try {
    return fromBinary(TensorProtoSchema, bytes);
  } catch (e) {
    throw new GraftError('tensor-corrupt', `${what} ${path}: not an ONNX TensorProto (${(e as Error).message})`);
  }
}

/**
 * `out/loss.json` and `out/grads/<param>.pb`: the fixtures' layout, so results compare with
 * PyTorch's; with batch statistics also `out/running/<stat>.pb`, the running statistics after the step.
 */
export async function writeGradients(out: string, result: GradientResult): Promise<void> {
  await mkdir(join(out, 'grads'), { recursive: true });
  await writeFile(join(out, 'loss.json'), `${JSON.stringify({ loss: result.loss, trainable: result.trainable, untied: result.untied }, null, 2)}\n`);
  for (const [name, g] of result.grads) {
    await writeFile(join(out, 'grads', gradFileName(name)), toBinary(TensorProtoSchema, makeTensor(name, DataType.FLOAT, g.dims, g.data)));
  }
  if (result.runningStats.size > 0) await mkdir(join(out, 'running'), { recursive: true });
  for (const [name, t] of result.runningStats) {
    await writeFile(join(out, 'running', gradFileName(name)), toBinary(TensorProtoSchema, makeTensor(name, DataType.FLOAT, t.dims, t.data)));
  }
}
