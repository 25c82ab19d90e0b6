// One training run, start to finish: prepare the model (head swap, freezing), open the data,
// cache the frozen prefix, compile the step, train with checkpoints, evaluate and export.
// Runs inside the trainer process; it reports through `emit` and never touches the UI.
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import type * as ort from 'onnxruntime-node';
import type { EpochSummary, StepPoint, TrainConfig, TrainEvent } from '../../api/training.js';
import { GraftError } from '../../core/errors.js';
import { countParams, parameterValues } from '../../core/blocks/index.js';
import { compileTrainingStep } from '../../core/train/compile.js';
import { compileEvalGraph } from '../../core/train/eval-graph.js';
import { splitFrozenPrefix } from '../../core/train/split.js';
import { adamw, sgd } from '../../core/train/optimizers.js';
import { graphFromModel } from '../../core/ir/proto.js';
import { readModelFile } from '../model-file.js';
import type { Dataset } from '../data/types.js';
import { Batcher } from './batcher.js';
import { readCheckpoint, writeCheckpoint } from './checkpoint.js';
import { evaluate, type Predictions } from './evaluate.js';
import { exportTrainedModel } from './export.js';
import { FeatureStore } from './features.js';
import { openRunData } from './data.js';
import { prepareModel, type PreparedModel } from './prepare.js';
import { makeSchedule } from './schedule.js';
import { copyTensor, copyTensors, createSession, labelsTensor, type OwnedTensor, ownedFromProto, scalar, toOrt } from './session.js';
import { seededShuffle } from './shuffle.js';

export interface RunControl {
  emit(event: TrainEvent): void;
  /** Resolves when the run may go on (pause holds it); true when it must stop. */
  checkpointBoundary(): Promise<boolean>;
}

const FEATURE_BUDGET = 2 * 2 ** 30;
/** A `gradflow` event every this many steps (and on each epoch's last step). */
const GRADFLOW_EVERY = 50;

/** Settings whose change makes a checkpoint meaningless for this run. */
function configKey(c: TrainConfig): string {
  const { epochs: _e, resumeDir: _r, checkpointDir: _c, exportPath: _x, earlyStopPatience: _p, ...rest } = c;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex').slice(0, 16);
}

interface Feeder {
  batch(indices: readonly number[], epoch: number): Promise<{ feeds: Record<string, ort.Tensor>; labels: Int32Array | Float32Array; ids: string[]; indices: number[] }>;
  size: number;
  dispose(): void;
}

function pick(labels: Int32Array | Float32Array, indices: readonly number[], per: number): Int32Array | Float32Array {
  if (labels instanceof Int32Array) return Int32Array.from(indices, (i) => labels[i]);
  const out = new Float32Array(indices.length * per);
  indices.forEach((i, k) => out.set(labels.subarray(i * per, (i + 1) * per), k * per));
  return out;
}

export async function runTraining(config: TrainConfig, control: RunControl): Promise<void> {
  const started = performance.now();
  const log = (message: string) => control.emit({ event: 'log', message });
  const file = await readModelFile(config.model);
  const { dataset, preprocess } = await openRunData(file, config);
  const info = dataset.info;
  const regression = info.task === 'regression';
  for (const w of info.warnings) log(`warning: ${w}`);
  for (const item of info.skipped.slice(0, 20)) log(`skipped ${item.id}: ${item.reason}`);
  if (info.skipped.length > 20) log(`... and ${info.skipped.length - 20} more skipped files`);
  const prepared: PreparedModel = prepareModel(file.model, config, info.classes);
  for (const line of prepared.log) log(line);
  checkHeadFits(prepared, info.classes, regression);

  const trainable = prepared.trainable;
  const useCache = config.cache && !config.augment;
  const split = useCache ? splitFrozenPrefix(prepared.model, trainable) : { prefix: null, frontier: [], suffix: prepared.model };
  const optimizer = config.optimizer === 'adamw' ? adamw({ weightDecay: config.weightDecay }) : sgd({ momentum: config.momentum, weightDecay: config.weightDecay });
  const step = compileTrainingStep(split.suffix, {
    trainable,
    loss: regression ? 'mse' : 'cross-entropy',
    optimizer,
    clipNorm: config.clipNorm ?? undefined,
    lrMultipliers: prepared.lrMultipliers,
  });
  const evalGraph = compileEvalGraph(split.suffix, new Set(step.params));
  const [stepSession, evalSession] = [await createSession(step.model), await createSession(evalGraph.model)];

  // Training state: parameters and optimizer state, owned here between steps.
  let params = new Map<string, OwnedTensor>([...step.initialParams].map(([n, t]) => [n, ownedFromProto(t)]));
  let state = new Map<string, OwnedTensor>(step.state.map((s) => [s.name, { dims: s.dims, data: new Float32Array(s.dims.reduce((a, b) => a * b, 1)) }]));
  const key = configKey(config);
  let firstEpoch = 1;
  let stepNo = 0;
  // `best` holds copies: the step writes into the buffers of the previous parameters.
  let best = { loss: Infinity, accuracy: null as number | null, epoch: 0, params: copyTensors(params) };
  let sinceBest = 0;
  const history: EpochSummary[] = [];
  if (config.resumeDir) {
    const ck = await readCheckpoint(resolve(config.resumeDir));
    if (ck.configKey !== key) throw new GraftError('checkpoint-mismatch', `the checkpoint in ${config.resumeDir} was made with other settings (model, data, strategy or hyper-parameters); resume needs the same ones`);
    params = new Map(step.params.map((n) => [n, ck.tensors.get(`param:${n}`)!]));
    state = new Map(step.state.map((s) => [s.name, ck.tensors.get(`state:${s.name}`)!]));
    const bestParams = new Map(step.params.map((n) => [n, ck.tensors.get(`best:${n}`) ?? copyTensor(params.get(n)!)]));
    firstEpoch = ck.epoch + 1;
    stepNo = ck.step;
    best = { loss: ck.bestValLoss, accuracy: ck.bestValAccuracy, epoch: ck.bestEpoch, params: bestParams };
    sinceBest = ck.epochsWithoutImprovement;
    history.push(...(ck.history as EpochSummary[]));
    log(`resumed from the checkpoint of epoch ${ck.epoch}`);
  }

  // Where batches come from: the cached frontier, or the dataset each epoch.
  const targetShape = info.targetShape ?? [];
  const perTarget = targetShape.reduce((a, b) => a * b, 1);
  const scratch = config.checkpointDir ? resolve(config.checkpointDir) : tmpdir();
  if (config.checkpointDir) await mkdir(scratch, { recursive: true });
  async function feeder(splitName: 'train' | 'val' | 'test'): Promise<Feeder> {
    if (split.prefix) {
      const prefixSession = await createSession(split.prefix);
      const { store, labels, ids, indices: rows } = await FeatureStore.build(prefixSession, dataset, splitName, split.frontier, {
        batchSize: Math.max(config.batchSize, 64),
        budgetBytes: FEATURE_BUDGET,
        scratchDir: scratch,
        dataInput: file.graph.inputs.filter((v) => !v.initializer)[0].name,
      });
      await prefixSession.release();
      return {
        size: store.count,
        batch: async (indices) => ({ feeds: store.batch(indices), labels: pick(labels, indices, perTarget), ids: indices.map((i) => ids[i]), indices: indices.map((i) => rows[i]) }),
        dispose: () => store.dispose(),
      };
    }
    const dataInput = step.dataInputs[0];
    return {
      size: dataset.size(splitName),
      batch: async (indices, epoch) => {
        const b = await dataset.getBatch(splitName, indices, { epoch });
        return { feeds: { [dataInput]: toOrtBatch(b.x, b.shape) }, labels: b.labels, ids: b.ids, indices: b.indices };
      },
      dispose: () => {},
    };
  }
  const cacheNote = useCache ? (split.prefix ? 'on' : 'off') : config.augment ? 'off: augmentation changes every epoch' : 'off';
  const t0 = performance.now();
  const trainFeed = await feeder('train');
  const valSplit = dataset.size('val') > 0 ? 'val' : 'test';
  const valFeed = await feeder(valSplit);
  if (split.prefix) log(`frozen prefix cached: ${trainFeed.size + valFeed.size} samples in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const totalParams = countParams(parameterValues(graphFromModel(prepared.model)));
  const trainableParams = step.params.reduce((s, n) => s + params.get(n)!.data.length, 0);
  control.emit({
    event: 'start',
    trainableParams,
    totalParams,
    trainableBlocks: prepared.trainableBlocks,
    cache: cacheNote,
    samples: { train: trainFeed.size, val: dataset.size('val'), test: dataset.size('test') },
    classes: info.classes,
    resumedFromEpoch: firstEpoch > 1 ? firstEpoch - 1 : null,
  });
  if (trainFeed.size === 0) throw new GraftError('data-empty', 'no training samples left after skipping unreadable files');

  const batchesPerEpoch = Math.ceil(trainFeed.size / config.batchSize);
  const schedule = makeSchedule(config, batchesPerEpoch * config.epochs);
  const steps = new Batcher<StepPoint>((points) => control.emit({ event: 'steps', points }));
  const blockOf = prepared.blockOfParam;

  async function predict(feed: Feeder, weights: Map<string, OwnedTensor>): Promise<Predictions> {
    const outputs: Float32Array[] = [];
    const labels: (Int32Array | Float32Array)[] = [];
    const ids: string[] = [];
    const kept: number[] = [];
    let width = 0;
    for (let start = 0; start < feed.size; start += config.batchSize) {
      const indices = Array.from({ length: Math.min(config.batchSize, feed.size - start) }, (_, i) => start + i);
      const b = await feed.batch(indices, 0);
      const feeds = { ...b.feeds };
      for (const n of evalGraph.params) feeds[n] = toOrt(weights.get(n)!);
      const out = (await evalSession.run(feeds))[evalGraph.prediction];
      width = out.dims.slice(1).reduce((a, c) => a * Number(c), 1);
      outputs.push(out.data as Float32Array);
      labels.push(b.labels);
      ids.push(...b.ids);
      kept.push(...b.indices);
    }
    return { outputs, width, labels, ids, indices: kept, regression };
  }

  let stoppedEarly = false;
  let stoppedByUser = false;
  // Time spent paused counts in neither the training time nor an epoch's throughput.
  let pausedMs = 0;
  const mayGoOn = async (): Promise<boolean> => {
    const t = performance.now();
    const stop = await control.checkpointBoundary();
    pausedMs += performance.now() - t;
    return !stop;
  };
  // What the loop reads of each step besides the updated parameters and state.
  const readOutputs = [step.loss, step.prediction, ...step.gradNorms.values(), step.globalGradNorm, ...step.gradientFlow.map((f) => f.output)];
  let spare: { params: Map<string, OwnedTensor>; state: Map<string, OwnedTensor> } | null = null;
  for (let epoch = firstEpoch; epoch <= config.epochs; epoch++) {
    const epochStart = performance.now();
    const pausedBefore = pausedMs;
    const order = seededShuffle(trainFeed.size, config.seed * 1_000_003 + epoch);
    let lossSum = 0;
    let correct = 0;
    let seen = 0;
    for (let start = 0; start < order.length; start += config.batchSize) {
      if (!(await mayGoOn())) {
        stoppedByUser = true;
        break;
      }
      const indices = order.slice(start, start + config.batchSize);
      const b = await trainFeed.batch(indices, epoch);
      stepNo++;
      const lr = schedule(stepNo);
      const feeds: Record<string, ort.Tensor> = { ...b.feeds, [step.target]: labelsTensor(b.labels, [indices.length, ...targetShape]), [step.lr!]: scalar(lr), [step.step!]: scalar(stepNo) };
      for (const [n, t] of params) feeds[n] = toOrt(t);
      for (const [n, t] of state) feeds[n] = toOrt(t);
      // onnxruntime writes the updated parameters and state into a second set of buffers,
      // and the two sets swap: no step allocates (or page-faults in) tensors of their size.
      spare ??= { params: copyTensors(params), state: copyTensors(state) };
      const fetches: Record<string, ort.Tensor | null> = Object.fromEntries(readOutputs.map((name) => [name, null]));
      for (const [n, t] of spare.params) fetches[step.updatedParams.get(n)!] = toOrt(t);
      for (const [n, t] of spare.state) fetches[step.updatedState.get(n)!] = toOrt(t);
      const out = await stepSession.run(feeds, fetches);
      [params, spare.params] = [spare.params, params];
      [state, spare.state] = [spare.state, state];
      const loss = (out[step.loss].data as Float32Array)[0];
      if (!Number.isFinite(loss)) throw new GraftError('train-diverged', `the loss became ${loss} at step ${stepNo} (epoch ${epoch}); lower the learning rate or clip gradients (--clip)`);
      lossSum += loss * indices.length;
      seen += indices.length;
      if (!regression) correct += countCorrect(out[step.prediction].data as Float32Array, b.labels as Int32Array);
      const byBlock: Record<string, number> = {};
      for (const [n, name] of step.gradNorms) {
        const g = (out[name].data as Float32Array)[0];
        const block = blockOf.get(n) ?? 'other';
        byBlock[block] = (byBlock[block] ?? 0) + g * g;
      }
      for (const k of Object.keys(byBlock)) byBlock[k] = Math.sqrt(byBlock[k]);
      steps.push({ step: stepNo, epoch, loss, lr, gradNorms: byBlock, globalGradNorm: (out[step.globalGradNorm].data as Float32Array)[0] });
      if (step.gradientFlow.length > 0 && (stepNo % GRADFLOW_EVERY === 0 || start + config.batchSize >= order.length)) {
        steps.flush();
        control.emit({
          event: 'gradflow',
          step: stepNo,
          layers: step.gradientFlow.map((f) => ({ nodeId: f.nodeId, cell: f.cell, direction: f.direction, norms: Array.from(out[f.output].data as Float32Array) })),
        });
      }
    }
    steps.flush();
    // A stop mid-epoch keeps the epochs before it; the partial one is dropped.
    if (stoppedByUser) break;
    const val = evaluate(await predict(valFeed, params), info.classes, 'val');
    const seconds = (performance.now() - epochStart - (pausedMs - pausedBefore)) / 1000;
    const summary: EpochSummary = {
      epoch,
      trainLoss: lossSum / Math.max(seen, 1),
      trainAccuracy: regression ? null : correct / Math.max(seen, 1),
      valLoss: val.loss,
      valAccuracy: val.accuracy,
      lr: schedule(stepNo),
      seconds,
      samplesPerSecond: seen / seconds,
      etaSeconds: seconds * (config.epochs - epoch),
    };
    history.push(summary);
    control.emit({ event: 'epoch', ...summary });
    if (val.loss < best.loss) {
      best = { loss: val.loss, accuracy: val.accuracy, epoch, params: copyTensors(params) };
      sinceBest = 0;
    } else sinceBest++;
    if (config.checkpointDir) {
      const tensors = new Map<string, OwnedTensor>();
      for (const [n, t] of params) tensors.set(`param:${n}`, t);
      for (const [n, t] of state) tensors.set(`state:${n}`, t);
      for (const [n, t] of best.params) tensors.set(`best:${n}`, t);
      const path = await writeCheckpoint(scratch, {
        epoch,
        step: stepNo,
        configKey: key,
        bestValLoss: best.loss,
        bestValAccuracy: best.accuracy,
        bestEpoch: best.epoch,
        epochsWithoutImprovement: sinceBest,
        history,
        tensors,
      });
      control.emit({ event: 'checkpoint', epoch, path });
    }
    if (config.earlyStopPatience !== null && sinceBest >= config.earlyStopPatience) {
      log(`early stop: validation loss has not improved for ${sinceBest} epochs (best at epoch ${best.epoch})`);
      stoppedEarly = true;
      break;
    }
  }

  if (stoppedByUser && best.epoch === 0) return finishStopped();
  if (stoppedByUser) log(`stopped after epoch ${history.length}: evaluating and exporting the best epoch (${best.epoch})`);
  // The best epoch's weights are the result.
  const testFeed = dataset.size('test') > 0 ? await feeder('test') : valFeed;
  const finalEval = evaluate(await predict(testFeed, best.params), info.classes, testFeed === valFeed ? 'val' : 'test');
  control.emit({ event: 'evaluation', ...finalEval });
  let exported: string | null = null;
  if (config.exportPath) {
    const check = await predict(valFeed, best.params);
    const result = await exportTrainedModel({
      path: resolve(config.exportPath),
      prepared,
      weights: best.params,
      dataset,
      preprocess,
      reference: check,
      split: valSplit,
      batchSize: config.batchSize,
    });
    control.emit({ event: 'export', ...result });
    exported = result.path;
  }
  trainFeed.dispose();
  valFeed.dispose();
  if (testFeed !== valFeed) testFeed.dispose();
  control.emit({
    event: 'done',
    bestValLoss: best.loss,
    bestValAccuracy: best.accuracy,
    bestEpoch: best.epoch,
    trainSeconds: (performance.now() - started - pausedMs) / 1000,
    trainableParams,
    totalParams,
    exported,
    stoppedEarly,
    stoppedByUser,
  });

  function finishStopped(): void {
    trainFeed.dispose();
    valFeed.dispose();
    log('stopped before the first epoch ended: nothing to evaluate or export');
  }
}

/** A head with K outputs cannot learn labels 0..C-1 when C != K: say so before training. */
function checkHeadFits(prepared: PreparedModel, classes: string[] | null, regression: boolean): void {
  if (regression || !classes) return;
  const shape = graphFromModel(prepared.model).outputs[0]?.type?.shape;
  const k = shape?.[shape.length - 1];
  if (typeof k === 'number' && k !== classes.length) {
    throw new GraftError('train-head-mismatch', `the model's output has ${k} classes but the dataset has ${classes.length}; swap the head for ${classes.length} classes (graft train --head auto, or "Swap head" in the studio)`);
  }
}

function toOrtBatch(x: Float32Array, shape: number[]): ort.Tensor {
  return toOrt({ data: x, dims: shape });
}

function countCorrect(logits: Float32Array, labels: Int32Array): number {
  const classes = logits.length / labels.length;
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    let arg = 0;
    for (let c = 1; c < classes; c++) if (logits[i * classes + c] > logits[i * classes + arg]) arg = c;
    if (arg === labels[i]) correct++;
  }
  return correct;
}

export type { Dataset };
