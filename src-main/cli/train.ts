// `graft train`: a training run from the command line, in a trainer process. A progress bar
// on a terminal; with --json, one JSON object per line, the last one {"event":"done", ...}.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_DATA_OPTIONS, DEFAULT_TRAIN_CONFIG, type GradientFlowLayer, STRATEGY_DEFAULTS, STRATEGY_NAMES, type StrategyName, type TrainConfig, type TrainEvent } from '../api/training.js';
import type { Edit } from '../core/surgery/edits.js';
import { type HeadOptions, strategyEdits, swapCellEdit, swapHeadEdit } from '../core/surgery/presets.js';
import { addingModel, type RecurrentCell } from '../core/templates/adding-model.js';
import { addingSpec } from '../node/data/adding.js';
import { runDatasetClasses } from '../node/train/data.js';
import { writeModelProto } from '../node/model-file.js';
import { TrainerProcess } from '../node/train/trainer-process.js';
import { parse, UsageError } from './args.js';
import { compactCount } from './format.js';

const USAGE = `usage: graft train --model M.onnx --data DIR_OR_FILE [options]
       graft train --task adding --length T --cell rnn|lstm|gru --hidden H [--samples N] [options]
  --task adding              the adding problem (a generated regression task) on a fresh one-layer
                             recurrent model: strategy full, MSE, adamw lr 1e-3, clip 1.0 unless told
  --head K|auto|keep         new classification head with K classes (auto: the dataset's; default auto)
  --head-hidden H            an MLP head (Linear-ReLU-Dropout-Linear) of width H
  --swap-cell lstm|gru|rnn   replace the model's recurrent cell (fresh weights) before training
  --strategy S               feature-extraction (default) | fine-tune[:N] | full | scratch | BLOCK,BLOCK...
                             each with its own defaults for what follows (README, "Strategies")
  --epochs E --batch B       default 30 and 32
  --optimizer sgd|adamw      default adamw (sgd: momentum 0.9)
  --lr X --momentum M --weight-decay W
                             lr 3e-3 for a new head alone and from scratch, 1e-3 when pretrained
                             weights train too (fine-tune, full); weight decay 0.01 (sgd: 0)
  --lr-mult BLOCK=X,...      learning-rate multipliers per block (discriminative rates), e.g. layer3=0.1
  --schedule NAME            constant | step | cosine (default) | one-cycle | warmup-cosine
  --clip NORM                global-norm gradient clipping
  --augment                  random resized crops and flips (turns the feature cache off)
  --no-cache                 do not cache the frozen prefix's outputs
  --seed S --val-fraction F --patience P (early stopping on validation loss)
  --classes I,J,...          train on a subset of the dataset's classes
  --per-class N              at most N training samples per class
  --checkpoint DIR           write a checkpoint every epoch   --resume DIR   continue from one
  --export OUT.onnx          write the trained model (verified against the trainer's outputs)
  --json                     one JSON event per line`;

function number(v: string | undefined, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UsageError(`${name} must be a number, not "${v}"`);
  return n;
}

function swapCellEdits(v: string | undefined, seed: number): Edit[] {
  if (v === undefined) return [];
  const cell = v.toUpperCase();
  if (cell !== 'LSTM' && cell !== 'GRU' && cell !== 'RNN') throw new UsageError(`--swap-cell must be lstm, gru or rnn, not "${v}"`);
  return [swapCellEdit(cell, seed)];
}

/** `--lr-mult layer3=0.1,layer4=0.3`: learning-rate multipliers per block path. */
function lrMultipliers(spec: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of (spec ?? '').split(',').filter((p) => p.trim())) {
    const at = part.lastIndexOf('=');
    const block = part.slice(0, at).trim();
    const mult = Number(part.slice(at + 1));
    if (at <= 0 || !block || !Number.isFinite(mult) || mult < 0) throw new UsageError(`--lr-mult: "${part}" is not BLOCK=MULTIPLIER (e.g. layer3=0.1)`);
    out[block] = mult;
  }
  return out;
}

/** A generated task: the CLI builds its model and writes it to a temporary file before the run. */
export interface TaskModel {
  task: 'adding';
  length: number;
  cell: RecurrentCell;
  hidden: number;
}

/** A head swap the dataset completes: its class count (for `--head auto`) and class names. */
export interface PendingHead {
  classes: number | 'auto';
  hidden: number | null;
}

/**
 * The run the flags describe. Strategy, head and cell flags become edit records; a head swap
 * waits for the dataset's classes (`pendingHead`, see {@link withHeadEdit}).
 */
export function trainConfigFromArgs(argv: string[]): { config: TrainConfig; json: boolean; task: TaskModel | null; pendingHead: PendingHead | null } {
  const { values } = parse(
    argv,
    {
      model: { type: 'string' },
      data: { type: 'string' },
      head: { type: 'string' },
      'head-hidden': { type: 'string' },
      'swap-cell': { type: 'string' },
      strategy: { type: 'string' },
      epochs: { type: 'string' },
      batch: { type: 'string' },
      optimizer: { type: 'string' },
      lr: { type: 'string' },
      momentum: { type: 'string' },
      'weight-decay': { type: 'string' },
      schedule: { type: 'string' },
      'lr-mult': { type: 'string' },
      clip: { type: 'string' },
      augment: { type: 'boolean' },
      'no-cache': { type: 'boolean' },
      seed: { type: 'string' },
      'val-fraction': { type: 'string' },
      patience: { type: 'string' },
      classes: { type: 'string' },
      'per-class': { type: 'string' },
      checkpoint: { type: 'string' },
      resume: { type: 'string' },
      export: { type: 'string' },
      json: { type: 'boolean' },
      task: { type: 'string' },
      length: { type: 'string' },
      cell: { type: 'string' },
      hidden: { type: 'string' },
      samples: { type: 'string' },
    },
    USAGE,
  );
  let task: TaskModel | null = null;
  if (values.task !== undefined) {
    if (values.task !== 'adding') throw new UsageError(`unknown --task "${values.task}" (known: adding)`);
    if (values.model || values.data) throw new UsageError('--task adding makes its own model and data; leave out --model and --data');
    const length = number(values.length, '--length', 100);
    const hidden = number(values.hidden, '--hidden', 128);
    const cell = (values.cell ?? 'lstm').toUpperCase();
    if (!Number.isInteger(length) || length < 2) throw new UsageError('--length must be a whole number, at least 2');
    if (!Number.isInteger(hidden) || hidden < 1) throw new UsageError('--hidden must be a positive whole number');
    if (cell !== 'LSTM' && cell !== 'GRU' && cell !== 'RNN') throw new UsageError('--cell must be rnn, lstm or gru');
    const samples = values.samples === undefined ? undefined : number(values.samples, '--samples', 0);
    if (samples !== undefined && (!Number.isInteger(samples) || samples < 1)) throw new UsageError('--samples must be a positive whole number');
    task = { task: 'adding', length, cell, hidden };
    values.model = '(generated)';
    values.data = addingSpec({ length, ...(samples !== undefined ? { samples } : {}) });
    values.strategy ??= 'full';
    values.head ??= 'keep';
    values.optimizer ??= 'adamw';
    values.clip ??= '1';
    // Nothing is frozen, and the feature cache assumes batch-first frontiers (the template's
    // time-major Transpose is not), so the task runs uncached.
    values['no-cache'] = true;
  } else if (values.length || values.cell || values.hidden || values.samples) throw new UsageError('--length, --cell, --hidden and --samples go with --task adding');
  if (!values.model || !values.data) throw new UsageError(USAGE);
  const d = DEFAULT_TRAIN_CONFIG;
  const head: PendingHead['classes'] | null = values.head === undefined || values.head === 'auto' ? 'auto' : values.head === 'keep' ? null : number(values.head, '--head', 0);
  if (typeof head === 'number' && (!Number.isInteger(head) || head < 2)) throw new UsageError('--head needs a whole number of classes, at least 2');
  const seed = number(values.seed, '--seed', d.seed);
  let strategy;
  try {
    strategy = strategyEdits(values.strategy ?? 'feature-extraction');
  } catch (e) {
    throw new UsageError(`--strategy: ${(e as Error).message}`);
  }
  // The strategy's own defaults; a generated task keeps the engine's plain ones.
  const spec = values.strategy ?? 'feature-extraction';
  const named = (STRATEGY_NAMES as readonly string[]).includes(spec.split(':')[0]) ? (spec.split(':')[0] as StrategyName) : 'fine-tune';
  const h = task ? { ...d, optimizer: 'adamw' as const, lr: 1e-3, weightDecay: 0.01 } : STRATEGY_DEFAULTS[named];
  const optimizer = values.optimizer ?? h.optimizer;
  if (optimizer !== 'sgd' && optimizer !== 'adamw') throw new UsageError('--optimizer must be sgd or adamw');
  // A rate and decay tuned for one optimizer mean little for the other.
  const own = optimizer === h.optimizer ? h : optimizer === 'adamw' ? { lr: 1e-3, weightDecay: 0.01 } : { lr: d.lr, weightDecay: d.weightDecay };
  const schedule = (values.schedule ?? h.schedule) as TrainConfig['schedule'];
  if (!['constant', 'step', 'cosine', 'one-cycle', 'warmup-cosine'].includes(schedule)) throw new UsageError(`unknown --schedule "${schedule}"`);
  const config: TrainConfig = {
    ...d,
    model: values.model,
    data: {
      path: values.data,
      options: {
        seed,
        valFraction: number(values['val-fraction'], '--val-fraction', DEFAULT_DATA_OPTIONS.valFraction),
        classes: values.classes ? values.classes.split(',').map((c) => number(c, '--classes', 0)) : null,
        perClassLimit: values['per-class'] ? number(values['per-class'], '--per-class', 0) : null,
      },
    },
    // The head swap, once the dataset's classes are known, goes between these two.
    edits: [...swapCellEdits(values['swap-cell'], seed), ...strategy.edits],
    reinit: strategy.reinit,
    epochs: number(values.epochs, '--epochs', h.epochs),
    batchSize: number(values.batch, '--batch', d.batchSize),
    optimizer,
    lr: number(values.lr, '--lr', own.lr),
    momentum: number(values.momentum, '--momentum', d.momentum),
    weightDecay: number(values['weight-decay'], '--weight-decay', own.weightDecay),
    lrMultipliers: lrMultipliers(values['lr-mult']),
    schedule,
    clipNorm: values.clip ? number(values.clip, '--clip', 0) : null,
    augment: values.augment ?? false,
    cache: !values['no-cache'],
    seed,
    earlyStopPatience: values.patience ? number(values.patience, '--patience', 0) : null,
    checkpointDir: values.checkpoint ?? null,
    resumeDir: values.resume ?? null,
    exportPath: values.export ?? null,
  };
  const pendingHead = head === null ? null : { classes: head, hidden: values['head-hidden'] ? number(values['head-hidden'], '--head-hidden', 0) : null };
  if (config.resumeDir && !config.checkpointDir) config.checkpointDir = config.resumeDir;
  return { config, json: values.json ?? false, task, pendingHead };
}

/** The config with its head swap, sized (`auto`) and named by the dataset's classes. */
export function withHeadEdit(config: TrainConfig, head: PendingHead, classes: string[] | null): TrainConfig {
  const k = head.classes === 'auto' ? classes?.length : head.classes;
  if (k === undefined) throw new UsageError('--head auto needs a classification dataset (its classes give the head size); use --head K or --head keep');
  const opts: HeadOptions = { classes: k, seed: config.seed, hidden: head.hidden, classNames: classes };
  const cells = config.edits.filter((e) => e.kind === 'swap-cell');
  const rest = config.edits.filter((e) => e.kind !== 'swap-cell');
  return { ...config, edits: [...cells, swapHeadEdit(opts), ...rest] };
}

function pct(x: number | null): string {
  return x === null ? '-' : `${(100 * x).toFixed(1)}%`;
}

/** " acc 93.1%", or nothing for regression. */
function acc(x: number | null): string {
  return x === null ? '' : ` acc ${pct(x)}`;
}

function human(e: TrainEvent, epochs: number): string | null {
  switch (e.event) {
    case 'start':
      return `training ${compactCount(e.trainableParams)} of ${compactCount(e.totalParams)} parameters (${e.trainableBlocks.join(', ')}); ${e.samples.train} train / ${e.samples.val} val / ${e.samples.test} test samples; feature cache ${e.cache}`;
    case 'epoch':
      return `epoch ${e.epoch}/${epochs}  train loss ${e.trainLoss.toFixed(4)}${acc(e.trainAccuracy)}  ${e.valLoss === null ? 'no validation' : `val loss ${e.valLoss.toFixed(4)}`}${acc(e.valAccuracy)}  ${e.samplesPerSecond.toFixed(1)} samples/s  ${e.seconds.toFixed(1)} s`;
    case 'evaluation':
      return `${e.split}: ${e.samples} samples, loss ${e.loss.toFixed(4)}${e.accuracy === null ? '' : `, accuracy ${pct(e.accuracy)}`}${e.perClassAccuracy && e.classes ? `\n  per class: ${e.classes.map((c, i) => `${c} ${pct(e.perClassAccuracy![i])}`).join(', ')}` : ''}`;
    case 'export':
      return `exported ${e.path}: ${e.verified ? 'verified' : 'NOT verified'} against the trainer's outputs on ${e.samples} samples (max abs diff ${e.maxAbsDiff.toExponential(2)})${e.note ? `: ${e.note}` : ''}`;
    case 'checkpoint':
      return null;
    case 'log':
      return e.message === 'trainer finished' ? null : e.message;
    case 'done':
      return `done in ${e.trainSeconds.toFixed(1)} s: ${e.bestValLoss === null ? `no validation, kept the last epoch (${e.bestEpoch})` : `best validation loss ${e.bestValLoss.toFixed(4)}${e.bestValAccuracy === null ? '' : `, accuracy ${pct(e.bestValAccuracy)}`} (epoch ${e.bestEpoch})`}`;
    case 'error':
      return null;
    case 'steps':
    case 'gradflow':
      return null;
  }
}

export async function trainCommand(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const parsed = trainConfigFromArgs(argv);
  const { json, task, pendingHead } = parsed;
  let config = parsed.config;
  let tempDir: string | null = null;
  if (task) {
    tempDir = await mkdtemp(join(tmpdir(), 'graft-task-'));
    config.model = join(tempDir, `adding-${task.cell.toLowerCase()}-T${task.length}-h${task.hidden}.onnx`);
    await writeModelProto(config.model, addingModel({ inputSize: 2, steps: task.length, cell: task.cell, hiddenSize: task.hidden, outputs: 1, seed: config.seed }));
  }
  try {
    if (pendingHead) config = withHeadEdit(config, pendingHead, await runDatasetClasses(config));
    return await runTrainer(config, json);
  } finally {
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  }
}

/** `||dL/dh_1|| / ||dL/dh_T||` per recurrent layer: how much of the loss's gradient reaches the first step. */
export function gradientFlowSummary(layers: GradientFlowLayer[]): string {
  return layers
    .map((l) => {
      const n = l.norms;
      const [first, last] = l.direction === 'reverse' ? [n[n.length - 1], n[0]] : [n[0], n[n.length - 1]];
      const ratio = last > 0 ? first / last : first > 0 ? Infinity : 0;
      return `gradient flow ${l.cell}${l.direction === 'forward' ? '' : ` (${l.direction})`}: ||dL/dh_1|| / ||dL/dh_T|| = ${ratio.toExponential(1)}`;
    })
    .join('\n');
}

async function runTrainer(config: TrainConfig, json: boolean): Promise<number> {
  const tty = process.stdout.isTTY && !json;
  let failure: string | null = null;
  let lastStep = 0;
  const batches = { epoch: 0 };
  let flow: GradientFlowLayer[] | null = null;
  const trainer = TrainerProcess.start(config, (e) => {
    if (e.event === 'error') failure = e.message;
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
    let line = human(e, config.epochs);
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
