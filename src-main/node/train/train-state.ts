// What a run carries from step to step and epoch to epoch: the parameters (with batch norm's
// running statistics, when it uses batch statistics) and optimizer state (two buffer sets that
// swap), the best epoch's weights, the history; written to and read from checkpoints.
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type * as ort from 'onnxruntime-node';
import type { EpochSummary, TrainConfig } from '../../api/training.js';
import { GraftError } from '../../core/errors.js';
import type { CompiledStepGraph } from '../../core/train/compile.js';
import { readCheckpoint, writeCheckpoint } from './checkpoint.js';
import type { Device } from './devices.js';
import { DeviceTensors } from './device-tensors.js';
import { copyTensor, copyTensors, type OwnedTensor, ownedFromProto, toOrt } from './session.js';

/** Settings whose change makes a checkpoint meaningless for this run. */
function configKey(c: TrainConfig): string {
  const { epochs: _e, resumeDir: _r, checkpointDir: _c, exportPath: _x, earlyStopPatience: _p, batchnorm, ...rest } = c;
  // Frozen batch norm is what runs made before the choice existed: their checkpoints still match.
  const keyed = batchnorm === 'batch' ? { ...rest, batchnorm } : rest;
  return createHash('sha256').update(JSON.stringify(keyed)).digest('hex').slice(0, 16);
}

type Tensors = Map<string, OwnedTensor>;

export class TrainState {
  /** The trainable parameters and the running statistics the step updates: what evaluation and export read. */
  params: Tensors;
  state: Tensors;
  /** The buffers onnxruntime writes the next step's updates into; they swap with the current ones. */
  private spare: { params: Tensors; state: Tensors } | null = null;
  /** `best.params` are copies: the step writes into the previous parameters' buffers. */
  best: { loss: number; accuracy: number | null; epoch: number; params: Tensors };
  sinceBest = 0;
  firstEpoch = 1;
  stepNo = 0;
  /** The first step this process runs (after a resume, not step 1). */
  firstStepOfRun = 1;
  readonly history: EpochSummary[] = [];
  private readonly key: string;
  /** On a GPU provider: the parameters and state between steps, kept in device memory. */
  readonly onDevice: DeviceTensors | null;

  constructor(
    private readonly step: CompiledStepGraph,
    config: TrainConfig,
    device: Device = 'cpu',
  ) {
    this.key = configKey(config);
    // Only WebGPU's outputs can stay on the device through onnxruntime-node's API.
    this.onDevice = device === 'webgpu' ? new DeviceTensors(new Map([...invert(step.updatedParams), ...invert(step.updatedRunningStats), ...invert(step.updatedState)])) : null;
    this.params = new Map([...step.initialParams, ...step.initialRunningStats].map(([n, t]) => [n, ownedFromProto(t)]));
    this.state = new Map(step.state.map((s) => [s.name, { dims: s.dims, data: new Float32Array(s.dims.reduce((a, b) => a * b, 1)) }]));
    this.best = { loss: Infinity, accuracy: null, epoch: 0, params: copyTensors(this.params) };
  }

  /** Continues from the checkpoint in `dir`; returns the epoch it was written after. */
  async resume(dir: string): Promise<number> {
    const ck = await readCheckpoint(resolve(dir));
    if (ck.configKey !== this.key) throw new GraftError('checkpoint-mismatch', `the checkpoint in ${dir} was made with other settings (model, data, strategy or hyper-parameters); resume needs the same ones`);
    const { step } = this;
    const carried = [...step.params, ...step.runningStats];
    if (carried.some((n) => !ck.tensors.has(`param:${n}`))) throw new GraftError('checkpoint-mismatch', `the checkpoint in ${dir} does not hold every tensor this run trains`);
    this.params = new Map(carried.map((n) => [n, ck.tensors.get(`param:${n}`)!]));
    this.state = new Map(step.state.map((s) => [s.name, ck.tensors.get(`state:${s.name}`)!]));
    const bestParams = new Map(carried.map((n) => [n, ck.tensors.get(`best:${n}`) ?? copyTensor(this.params.get(n)!)]));
    this.firstEpoch = ck.epoch + 1;
    this.stepNo = ck.step;
    this.firstStepOfRun = ck.step + 1;
    this.best = { loss: ck.bestValLoss, accuracy: ck.bestValAccuracy, epoch: ck.bestEpoch, params: bestParams };
    this.sinceBest = ck.epochsWithoutImprovement;
    this.history.push(...(ck.history as EpochSummary[]));
    this.onDevice?.reset();
    return ck.epoch;
  }

  /**
   * Feeds of the current parameters and state, and fetches: on the CPU, the spare host set the
   * step writes into; on a GPU, the updated outputs by name (null: onnxruntime allocates them,
   * on the device, or on the host for the session that brings them back).
   */
  stepIO(): { feeds: Record<string, ort.Tensor>; fetches: Record<string, ort.Tensor | null> } {
    const feeds: Record<string, ort.Tensor> = {};
    const dev = this.onDevice;
    for (const [n, t] of [...this.params, ...this.state]) feeds[n] = dev?.feed(n) ?? toOrt(t);
    if (dev) return { feeds, fetches: Object.fromEntries(dev.outputs.map((o) => [o, null])) };
    // No step allocates (or page-faults in) tensors of the parameters' size.
    this.spare ??= { params: copyTensors(this.params), state: copyTensors(this.state) };
    const fetches: Record<string, ort.Tensor> = {};
    for (const [n, t] of this.spare.params) fetches[this.step.updatedParams.get(n) ?? this.step.updatedRunningStats.get(n)!] = toOrt(t);
    for (const [n, t] of this.spare.state) fetches[this.step.updatedState.get(n)!] = toOrt(t);
    return { feeds, fetches };
  }

  /** After a step: its outputs become the current set. */
  swap(out: Record<string, ort.Tensor>): void {
    const dev = this.onDevice;
    if (dev) {
      // Outputs on the device feed the next step; outputs on the host (an epoch's last step)
      // become the host values, and the next step uploads them again.
      if (Object.values(out).some((t) => t.location === 'gpu-buffer')) return dev.take(out);
      dev.reset();
      for (const [input, output] of [...this.step.updatedParams, ...this.step.updatedRunningStats, ...this.step.updatedState]) {
        (this.params.get(input) ?? this.state.get(input))!.data.set(out[output].data as Float32Array);
      }
      return;
    }
    const spare = this.spare!;
    [this.params, spare.params] = [spare.params, this.params];
    [this.state, spare.state] = [spare.state, this.state];
  }

  /** Records an epoch; true when its validation loss is the best so far. */
  endEpoch(summary: EpochSummary): boolean {
    this.history.push(summary);
    if (summary.valLoss < this.best.loss) {
      this.best = { loss: summary.valLoss, accuracy: summary.valAccuracy, epoch: summary.epoch, params: copyTensors(this.params) };
      this.sinceBest = 0;
      return true;
    }
    this.sinceBest++;
    return false;
  }

  async checkpoint(dir: string, epoch: number): Promise<string> {
    const tensors = new Map<string, OwnedTensor>();
    for (const [n, t] of this.params) tensors.set(`param:${n}`, t);
    for (const [n, t] of this.state) tensors.set(`state:${n}`, t);
    for (const [n, t] of this.best.params) tensors.set(`best:${n}`, t);
    return writeCheckpoint(dir, {
      epoch,
      step: this.stepNo,
      configKey: this.key,
      bestValLoss: this.best.loss,
      bestValAccuracy: this.best.accuracy,
      bestEpoch: this.best.epoch,
      epochsWithoutImprovement: this.sinceBest,
      history: this.history,
      tensors,
    });
  }
}

function invert(m: ReadonlyMap<string, string>): Array<[string, string]> {
  return [...m].map(([input, output]) => [output, input]);
}
