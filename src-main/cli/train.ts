// `graft train`: a training run from the command line, in a trainer process. A progress bar
// on a terminal; with --json, one JSON object per line, the last one {"event":"done", ...}.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_DATA_OPTIONS, DEFAULT_TRAIN_CONFIG, STRATEGY_DEFAULTS, STRATEGY_NAMES, type StrategyName, type TrainConfig } from '../api/training.js';
import type { Edit } from '../core/surgery/edits.js';
import { type HeadOptions, strategyEdits, swapCellEdit, swapHeadEdit } from '../core/surgery/presets.js';
import { addingSpec } from '../node/data/adding.js';
import { runDatasetClasses } from '../node/train/data.js';
import { writeModelProto } from '../node/model-file.js';
import { deviceOption, parse, UsageError } from './args.js';
import { runTrainer } from './train-progress.js';
import { TASK_DEFAULTS, type TaskModel, taskModel, taskModelFileName, type TaskName, TASKS } from './tasks.js';

const USAGE = `usage: graft train --model M.onnx --data DIR_OR_FILE [options]
       graft train --task adding [--cell lstm|gru|rnn] [--length T] [--hidden H] [--samples N] [options]
       graft train --task rows [--cell lstm|gru|rnn] [--data FASHION_MNIST_DIR] [--hidden H] [options]
  --task adding              the adding problem (generated regression) on a fresh one-layer recurrent
                             model; defaults: T 50, hidden 64, 20000 samples, 4 epochs, batch 64,
                             adamw lr 1e-2 cosine, clip 1 (an LSTM and a GRU solve it, an RNN does not)
  --task rows                Fashion-MNIST read row by row (28 steps of 28 pixels) by a fresh recurrent
                             classifier; defaults: hidden 64, 1000 images per class, 3 epochs, batch 64,
                             adamw lr 5e-3 cosine, clip 1
  --recurrent-scale K        (--task adding) multiply the initial recurrent weights by K: K = 3 with
                             --optimizer sgd --lr 0.1 --clip off makes an RNN's gradient explode
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
  --clip NORM|off            global-norm gradient clipping (clip_grad_norm_)
  --device auto|cpu|webgpu|cuda
                             where the step runs (default auto: the fastest onnxruntime provider
                             that works here; one that does not says why)
  --batchnorm frozen|batch   batch norm on running statistics, or (PyTorch's model.train()) on each
                             batch's own in the trained part, running statistics updated and exported;
                             default frozen for feature-extraction and fine-tune, batch for full and
                             scratch (README, "Batch norm")
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

function batchnormOption(v: string | undefined, dflt: TrainConfig['batchnorm']): TrainConfig['batchnorm'] {
  if (v === undefined) return dflt;
  if (v !== 'frozen' && v !== 'batch') throw new UsageError(`--batchnorm must be frozen or batch, not "${v}"`);
  return v;
}

/** `--clip NORM`; `off` (or 0) turns a task's default clipping off. */
function clipNorm(v: string | undefined): number | null {
  if (v === undefined || v === 'off' || v === 'none') return null;
  const n = number(v, '--clip', 0);
  if (n < 0) throw new UsageError('--clip must be a positive norm, or off');
  return n === 0 ? null : n;
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
      device: { type: 'string' },
      batchnorm: { type: 'string' },
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
      'recurrent-scale': { type: 'string' },
    },
    USAGE,
  );
  let task: TaskModel | null = null;
  if (values.task !== undefined) {
    const name = values.task as TaskName;
    if (!TASKS.includes(name)) throw new UsageError(`unknown --task "${values.task}" (known: ${TASKS.join(', ')})`);
    if (values.model) throw new UsageError(`--task ${name} makes its own model; leave out --model`);
    if (name === 'adding' && values.data) throw new UsageError('--task adding makes its own data; leave out --data');
    if (name === 'rows' && (values.length || values.samples)) throw new UsageError('--task rows reads 28 rows of 28 pixels; --length and --samples go with --task adding');
    const v = values as Record<string, string | boolean | undefined>;
    for (const [flag, dflt] of Object.entries(TASK_DEFAULTS[name])) v[flag] ??= dflt;
    const length = name === 'rows' ? 28 : number(values.length, '--length', 0);
    const hidden = number(values.hidden, '--hidden', 0);
    const cell = (values.cell ?? 'lstm').toUpperCase();
    if (!Number.isInteger(length) || length < 2) throw new UsageError('--length must be a whole number, at least 2');
    if (!Number.isInteger(hidden) || hidden < 1) throw new UsageError('--hidden must be a positive whole number');
    if (cell !== 'LSTM' && cell !== 'GRU' && cell !== 'RNN') throw new UsageError('--cell must be rnn, lstm or gru');
    const recurrentScale = number(values['recurrent-scale'], '--recurrent-scale', 1);
    if (!(recurrentScale > 0)) throw new UsageError('--recurrent-scale must be a positive number');
    if (recurrentScale !== 1 && name !== 'adding') throw new UsageError('--recurrent-scale goes with --task adding');
    const classes = values.classes ? values.classes.split(',').length : 10;
    task = { task: name, length, cell, hidden, outputs: name === 'adding' ? 1 : classes, recurrentScale };
    values.model = '(generated)';
    if (name === 'adding') {
      const samples = number(values.samples, '--samples', 0);
      if (!Number.isInteger(samples) || samples < 1) throw new UsageError('--samples must be a positive whole number');
      values.data = addingSpec({ length, samples });
    }
    // Nothing is frozen, and the feature cache assumes batch-first frontiers (the template's
    // time-major Transpose is not), so the task runs uncached.
    values['no-cache'] = true;
  } else if (values.length || values.cell || values.hidden || values.samples || values['recurrent-scale']) throw new UsageError('--length, --cell, --hidden, --samples and --recurrent-scale go with --task');
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
    device: deviceOption(values.device, 'auto'),
    batchnorm: batchnormOption(values.batchnorm, h.batchnorm),
    schedule,
    clipNorm: clipNorm(values.clip),
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
    config.model = join(tempDir, taskModelFileName(task));
    await writeModelProto(config.model, taskModel(task, config.seed));
    if (task.task === 'rows') {
      // Sized for Fashion-MNIST's 10 classes (or --classes); another dataset may have more.
      const classes = (await runDatasetClasses(config))?.length;
      if (!classes) throw new UsageError('--task rows needs a classification dataset of images');
      if (classes !== task.outputs) await writeModelProto(config.model, taskModel({ ...task, outputs: classes }, config.seed));
    }
  }
  try {
    if (pendingHead) config = withHeadEdit(config, pendingHead, await runDatasetClasses(config));
    return await runTrainer(config, json);
  } finally {
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  }
}
