// A `graft train` run as it goes: a progress line on a terminal and one readable line per
// event (numbers in words where they need it), or with --json one JSON object per event.
import type { GradientFlowLayer, LossBaseline, TrainConfig, TrainEvent } from '../api/training.js';
import { TrainerProcess } from '../node/train/trainer-process.js';
import { compactCount } from './format.js';
import { baselineWords, gradientFlowSummary, NormTally } from './train-words.js';

function pct(x: number | null): string {
  return x === null ? '-' : `${(100 * x).toFixed(1)}%`;
}

/** " acc 93.1%", or nothing for regression. */
function acc(x: number | null): string {
  return x === null ? '' : ` acc ${pct(x)}`;
}

/** "train loss 0.3 acc 90.1%  val loss 0.4 acc 88.0%", or for regression "train MSE ...  val MSE ... (2.5% of ...)". */
function losses(e: { trainLoss: number; trainAccuracy: number | null; valLoss: number | null; valAccuracy: number | null }, baseline: LossBaseline | null): string {
  const name = e.trainAccuracy === null ? 'MSE' : 'loss';
  const val = e.valLoss === null ? 'no validation' : `val ${name} ${e.valLoss.toFixed(4)}${acc(e.valAccuracy)}${baseline ? ` ${baselineWords(e.valLoss, baseline)}` : ''}`;
  return `train ${name} ${e.trainLoss.toFixed(4)}${acc(e.trainAccuracy)}  ${val}`;
}

function human(e: TrainEvent, epochs: number, baseline: LossBaseline | null): string | null {
  switch (e.event) {
    case 'start':
      return `training ${compactCount(e.trainableParams)} of ${compactCount(e.totalParams)} parameters (${e.trainableBlocks.join(', ')}); ${e.samples.train} train / ${e.samples.val} val / ${e.samples.test} test samples; feature cache ${e.cache}`;
    case 'epoch':
      return `epoch ${e.epoch}/${epochs}  ${losses(e, baseline)}  ${e.samplesPerSecond.toFixed(1)} samples/s  ${e.seconds.toFixed(1)} s`;
    case 'evaluation':
      return `${e.split}: ${e.samples} samples, loss ${e.loss.toFixed(4)}${baseline ? ` ${baselineWords(e.loss, baseline)}` : ''}${e.accuracy === null ? '' : `, accuracy ${pct(e.accuracy)}`}${e.perClassAccuracy && e.classes ? `\n  per class: ${e.classes.map((c, i) => `${c} ${pct(e.perClassAccuracy![i])}`).join(', ')}` : ''}`;
    case 'export':
      return `exported ${e.path}: ${e.verified ? 'verified' : 'NOT verified'} against the trainer's outputs on ${e.samples} samples (max abs diff ${e.maxAbsDiff.toExponential(2)})${e.note ? `: ${e.note}` : ''}`;
    case 'checkpoint':
      return null;
    case 'log':
      return e.message === 'trainer finished' ? null : e.message;
    case 'done':
      if (e.bestValLoss === null) return `done in ${e.trainSeconds.toFixed(1)} s: no validation, kept the last epoch (${e.bestEpoch})`;
      return `done in ${e.trainSeconds.toFixed(1)} s: best validation loss ${e.bestValLoss.toFixed(4)}${baseline ? ` ${baselineWords(e.bestValLoss, baseline)}` : ''}${e.bestValAccuracy === null ? '' : `, accuracy ${pct(e.bestValAccuracy)}`} (epoch ${e.bestEpoch})`;
    case 'error':
      return null;
    case 'steps':
    case 'gradflow':
    case 'progress':
      return null;
  }
}

/** Runs `config` in a trainer process; the exit code for the command. */
export async function runTrainer(config: TrainConfig, json: boolean): Promise<number> {
  const tty = process.stdout.isTTY && !json;
  let failure: string | null = null;
  let lastStep = 0;
  const batches = { epoch: 0 };
  let flow: GradientFlowLayer[] | null = null;
  let baseline: LossBaseline | null = null;
  const norms = new NormTally();
  const trainer = TrainerProcess.start(config, (e) => {
    if (e.event === 'error') failure = e.message;
    if (e.event === 'start') baseline = e.baseline ?? null;
    if (e.event === 'steps') for (const p of e.points) norms.add(p);
    if (json) {
      if (e.event !== 'log' || e.message !== 'trainer finished') console.log(JSON.stringify(e));
      return;
    }
    if (e.event === 'steps' && tty) {
      const p = e.points[e.points.length - 1];
      lastStep = p.step;
      batches.epoch = p.epoch;
      process.stdout.write(`\r  epoch ${p.epoch}/${config.epochs} step ${lastStep}  loss ${p.loss.toFixed(4)}  lr ${p.lr.toExponential(2)}   `);
      return;
    }
    if (e.event === 'gradflow') {
      flow = e.layers;
      return;
    }
    let line = human(e, config.epochs, baseline);
    if (e.event === 'done') line = `${norms.summary(config.clipNorm)}\n${line}`;
    if (e.event === 'epoch' && flow && flow.length > 0) line = `${line}\n  ${gradientFlowSummary(flow).replace(/\n/g, '\n  ')}`;
    if (line) process.stdout.write(`${tty ? '\r\x1b[K' : ''}${line}\n`);
  });
  const stop = () => trainer.stop();
  process.once('SIGINT', stop);
  const exit = await trainer.exited;
  process.off('SIGINT', stop);
  if (failure) {
    if (json) return 1;
    throw new Error(failure);
  }
  if (exit.crashed) throw new Error(`the trainer process died (${exit.signal ?? `exit code ${exit.code}`}); the last checkpoint, if any, is intact: resume with --resume`);
  return 0;
}
