// One training run, start to finish, as an executor of the training plan (core/train/plan.ts):
// open the data, plan, build the feeders (caching the frozen prefix), train epoch by epoch with
// checkpoints, then evaluate and export the best epoch. Runs inside the trainer process; it
// reports through `emit` and never touches the UI.
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import type { RunProgress, TrainConfig, TrainEvent } from '../../api/training.js';
import { GraftError } from '../../core/errors.js';
import { readModelFile } from '../model-file.js';
import type { Dataset } from '../data/types.js';
import { openRunData } from './data.js';
import { trainEpoch } from './epoch.js';
import { evaluate } from './evaluate.js';
import { exportTrainedModel } from './export.js';
import { type Feeder, Feeders, predict } from './feeders.js';
import { checkRelaxedBatch } from './batch-check.js';
import { planRun } from './run-plan.js';
import { makeSchedule } from './schedule.js';
import { resolveDevice } from './devices.js';
import { describePlacement, placementProfile } from './placement.js';
import { createPlannedSession } from './session.js';
import { TrainState } from './train-state.js';

export interface RunControl {
  emit(event: TrainEvent): void;
  /** Resolves when the run may go on (pause holds it); true when it must stop. */
  checkpointBoundary(): Promise<boolean>;
}

export async function runTraining(config: TrainConfig, control: RunControl): Promise<void> {
  const started = performance.now();
  const log = (message: string) => control.emit({ event: 'log', message });
  const progress = progressReporter(control.emit);
  const file = await readModelFile(config.model);
  const { dataset, preprocess } = await openRunData(file, config);
  const info = dataset.info;
  const regression = info.task === 'regression';
  reportSkipped(dataset, log);
  const plan = planRun(file, config, info.classes, regression);
  for (const line of plan.log) log(line);
  const batchChecked = await checkRelaxedBatch(file, plan);
  if (batchChecked) log(batchChecked);
  const { device, note } = await resolveDevice(config.device);
  log(note);
  const state = new TrainState(plan.step, config, device);
  // On a GPU, the first step's profile says which nodes fell back to the CPU.
  const profile = device === 'cpu' ? null : await placementProfile();
  const stepSession = await createPlannedSession(plan, plan.step, device, 2, { keepOnDevice: state.onDevice?.outputs, profilePrefix: profile?.prefix });
  const hostStepSession = state.onDevice ? await createPlannedSession(plan, plan.step, device) : undefined;
  const evalSession = await createPlannedSession(plan, plan.evaluation, device);
  if (config.resumeDir) log(`resumed from the checkpoint of epoch ${await state.resume(config.resumeDir)}`);

  const scratch = config.checkpointDir ? resolve(config.checkpointDir) : tmpdir();
  if (config.checkpointDir) await mkdir(scratch, { recursive: true });
  const feeders = new Feeders(plan, dataset, { batchSize: config.batchSize, scratchDir: scratch, device });
  const t0 = performance.now();
  const trainFeed = await feeders.open('train', progress('caching', 'train'));
  // Validation uses the val split, else the test split; with neither there is none to fake.
  const valSplit = dataset.size('val') > 0 ? 'val' : dataset.size('test') > 0 ? 'test' : null;
  const valFeed = valSplit ? await feeders.open(valSplit, progress('caching', valSplit)) : null;
  await feeders.release();
  if (feeders.cached) log(`frozen prefix cached: ${trainFeed.size + (valFeed?.size ?? 0)} samples in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  if (!valFeed) log(NO_VALIDATION + (config.earlyStopPatience !== null ? '; early stopping is off, as it watches the validation loss' : ''));
  const trainableParams = plan.step.params.reduce((s, n) => s + state.params.get(n)!.data.length, 0);
  control.emit({
    event: 'start',
    trainableParams,
    totalParams: plan.totalParams,
    trainableBlocks: plan.trainableBlocks,
    cache: feeders.cached ? 'on' : config.cache && config.augment ? 'off: augmentation changes every epoch' : 'off',
    samples: { train: trainFeed.size, val: dataset.size('val'), test: dataset.size('test') },
    classes: info.classes,
    resumedFromEpoch: state.firstEpoch > 1 ? state.firstEpoch - 1 : null,
    ...(info.baseline ? { baseline: info.baseline } : {}),
  });
  if (trainFeed.size === 0) throw new GraftError('data-empty', 'no training samples left after skipping unreadable files');

  // Time spent paused counts in neither the training time nor an epoch's throughput.
  let pausedMs = 0;
  const mayGoOn = async (): Promise<boolean> => {
    const t = performance.now();
    const stop = await control.checkpointBoundary();
    pausedMs += performance.now() - t;
    return !stop;
  };
  const schedule = makeSchedule(config, Math.ceil(trainFeed.size / config.batchSize) * config.epochs);
  const afterFirstStep = async () => {
    const placement = await profile?.finish(stepSession, device);
    if (placement) log(describePlacement(placement));
  };
  const ctx = { plan, config, session: stepSession, hostSession: hostStepSession, feed: trainFeed, state, schedule, targetShape: info.targetShape ?? [], regression, emit: control.emit, mayGoOn, afterFirstStep };
  const predictOn = (feed: Feeder, weights: TrainState['params'], report?: (done: number, total: number) => void) => predict(evalSession, plan, feed, weights, config.batchSize, regression, report);
  let stoppedEarly = false;
  let stoppedByUser = false;
  for (let epoch = state.firstEpoch; epoch <= config.epochs; epoch++) {
    const epochStart = performance.now();
    const pausedBefore = pausedMs;
    const r = await trainEpoch(ctx, epoch);
    // A stop mid-epoch keeps the epochs before it; the partial one is dropped.
    if ((stoppedByUser = r.stopped)) break;
    const val = valFeed ? evaluate(await predictOn(valFeed, state.params, progress('validating', valSplit!)), info.classes, 'val') : null;
    const seconds = (performance.now() - epochStart - (pausedMs - pausedBefore)) / 1000;
    const summary = { epoch, trainLoss: r.lossSum / Math.max(r.seen, 1), trainAccuracy: regression ? null : r.correct / Math.max(r.seen, 1), valLoss: val?.loss ?? null, valAccuracy: val?.accuracy ?? null, lr: schedule(state.stepNo), seconds, samplesPerSecond: r.seen / seconds, etaSeconds: seconds * (config.epochs - epoch) };
    control.emit({ event: 'epoch', ...summary });
    // Without validation each epoch ranks below the one before (-epoch), so the kept weights are the last epoch's.
    state.endEpoch({ ...summary, valLoss: summary.valLoss ?? -epoch });
    if (config.checkpointDir) control.emit({ event: 'checkpoint', epoch, path: await state.checkpoint(scratch, epoch) });
    if (config.earlyStopPatience !== null && state.sinceBest >= config.earlyStopPatience) {
      log(`early stop: validation loss has not improved for ${state.sinceBest} epochs (best at epoch ${state.best.epoch})`);
      stoppedEarly = true;
      break;
    }
  }

  const best = state.best;
  const feeds = new Set([trainFeed, valFeed]);
  if (stoppedByUser && best.epoch === 0) {
    for (const f of feeds) f?.dispose();
    return log('stopped before the first epoch ended: nothing to evaluate or export');
  }
  if (stoppedByUser) log(`stopped after epoch ${state.history.length}: evaluating and exporting the ${valFeed ? 'best' : 'last'} epoch (${best.epoch})`);
  // The best epoch's weights are the result.
  const testFeed = dataset.size('test') > 0 ? await feeders.open('test', progress('caching', 'test')) : valFeed;
  await feeders.release();
  feeds.add(testFeed);
  const testSplit = testFeed === valFeed ? valSplit! : 'test';
  if (testFeed) control.emit({ event: 'evaluation', ...evaluate(await predictOn(testFeed, best.params, progress('evaluating', testSplit)), info.classes, testFeed === valFeed ? 'val' : 'test') });
  else log('no evaluation: the run has no validation or test samples to evaluate on');
  let exported: string | null = null;
  if (config.exportPath) {
    // Checked on validation samples; without any, on training samples, and said so.
    const reference = await predictOn(valFeed ?? trainFeed, best.params, progress('exporting', valSplit ?? 'train'));
    // The labels it learned are the dataset's, under the names the user gave them; a model's
    // own names (kept when the head was not swapped) may be another task's.
    const classNames = info.classes ?? plan.classNames;
    const result = await exportTrainedModel({ path: resolve(config.exportPath), plan, classNames, weights: best.params, dataset, preprocess, reference, split: valSplit ?? 'train', batchSize: config.batchSize });
    control.emit({ event: 'export', ...result, checkedOn: valSplit ?? 'train', ...(valSplit ? {} : { note: trainCheckNote(result.verified, config.augment) }) });
    exported = result.path;
  }
  for (const f of feeds) f?.dispose();
  const trainSeconds = (performance.now() - started - pausedMs) / 1000;
  const validated = valFeed !== null;
  control.emit({ event: 'done', bestValLoss: validated ? best.loss : null, bestValAccuracy: validated ? best.accuracy : null, bestEpoch: best.epoch, trainSeconds, trainableParams, totalParams: plan.totalParams, exported, stoppedEarly, stoppedByUser });
}

export const NO_VALIDATION = 'no validation samples (the val and test splits are empty): validation loss is not measured, the last epoch is kept instead of a "best" one, and the export is checked on training samples';

/** Why an export checked on training samples is weaker than one checked on held-out samples. */
function trainCheckNote(verified: boolean, augment: boolean): string {
  if (!verified && augment) return 'not verified: the run had no validation samples, and augmentation changes the training samples it would be checked on';
  return `checked on training samples because the run had no validation samples${verified ? '' : ', and they did not match'}: add a validation share to check it on held-out data`;
}

function reportSkipped(dataset: Dataset, log: (m: string) => void): void {
  const info = dataset.info;
  for (const w of info.warnings) log(`warning: ${w}`);
  for (const item of info.skipped.slice(0, 20)) log(`skipped ${item.id}: ${item.reason}`);
  if (info.skipped.length > 20) log(`... and ${info.skipped.length - 20} more skipped files`);
}

/** A wait reported at most every 250 ms (and at its end), so a fast one costs nothing. */
function progressReporter(emit: RunControl['emit']) {
  return (phase: RunProgress['phase'], split: RunProgress['split']) => {
    let last = 0;
    return (done: number, total: number) => {
      const now = performance.now();
      if (done < total && now - last < 250) return;
      last = now;
      emit({ event: 'progress', phase, split, done, total });
    };
  };
}
