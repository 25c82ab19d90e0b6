// `graft compare`: feature extraction, fine-tuning and training from scratch on the same data
// and split, each with its own defaults, at several training-set sizes; then a table and the
// conclusion in words. With --json, one object: { rows: [...], conclusion }.
import { type CompareRow, compareConclusion } from '../api/compare.js';
import { DEFAULT_DATA_OPTIONS, DEFAULT_TRAIN_CONFIG, type Evaluation, STRATEGY_DEFAULTS, STRATEGY_NAMES, type StrategyName, type TrainConfig, type TrainEvent } from '../api/training.js';
import { strategyEdits } from '../core/surgery/presets.js';
import { runDatasetClasses } from '../node/train/data.js';
import { TrainerProcess } from '../node/train/trainer-process.js';
import { parse, UsageError } from './args.js';
import { compactCount } from './format.js';
import { withHeadEdit } from './train.js';

const USAGE = `usage: graft compare --model M.onnx --data D [options]
  Trains the model three ways on the same data and split, each with its strategy's defaults,
  and says which wins: feature extraction, fine-tuning the last stage, and from scratch.
  --strategies S,S,...   default feature-extraction,fine-tune,scratch (fine-tune:N for N stages)
  --sizes N,N,...        training images per class to try; "all" = every one (default 10,50,all)
  --classes I,J,...      a subset of the dataset's classes    --per-class N   cap for "all"
  --epochs E             override every strategy's epochs   --seed S   default 0
  --head-hidden H        an MLP head instead of one Linear layer
  --json                 one JSON object: { rows: [...], conclusion }`;

interface Outcome {
  done: Extract<TrainEvent, { event: 'done' }>;
  test: Evaluation | null;
}

function runToEnd(config: TrainConfig): Promise<Outcome> {
  let done: Outcome['done'] | null = null;
  let test: Evaluation | null = null;
  let failure: string | null = null;
  const trainer = TrainerProcess.start(config, (e) => {
    if (e.event === 'done') done = e;
    else if (e.event === 'evaluation') test = e;
    else if (e.event === 'error') failure = e.message;
  });
  return trainer.exited.then((exit) => {
    if (failure) throw new Error(failure);
    if (!done) throw new Error(`the trainer process died (${exit.signal ?? `exit code ${exit.code}`})`);
    return { done, test };
  });
}

function int(v: string, name: string, min = 1): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${name} takes whole numbers of at least ${min}, not "${v}"`);
  return n;
}

export async function compareCommand(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    {
      model: { type: 'string' },
      data: { type: 'string' },
      strategies: { type: 'string' },
      sizes: { type: 'string' },
      classes: { type: 'string' },
      'per-class': { type: 'string' },
      epochs: { type: 'string' },
      seed: { type: 'string' },
      'head-hidden': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    USAGE,
  );
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.model || !values.data) throw new UsageError(USAGE);
  const strategies = (values.strategies ?? 'feature-extraction,fine-tune,scratch').split(',').map((s) => s.trim());
  for (const s of strategies) if (!(STRATEGY_NAMES as readonly string[]).includes(s.split(':')[0])) throw new UsageError(`--strategies: unknown strategy "${s}" (${STRATEGY_NAMES.join(', ')})`);
  const sizes = (values.sizes ?? '10,50,all').split(',').map((s) => s.trim());
  const cap = values['per-class'] ? int(values['per-class'], '--per-class') : null;
  const perClass = (size: string) => (size === 'all' ? cap : int(size, '--sizes'));
  const seed = values.seed ? Number(values.seed) : 0;
  const base: TrainConfig = {
    ...DEFAULT_TRAIN_CONFIG,
    model: values.model,
    data: { path: values.data, options: { ...DEFAULT_DATA_OPTIONS, seed, classes: values.classes ? values.classes.split(',').map((c) => int(c, '--classes', 0)) : null } },
    seed,
  };
  // One head for every run: sized and named by the dataset's classes.
  const head = { classes: 'auto' as const, hidden: values['head-hidden'] ? int(values['head-hidden'], '--head-hidden') : null };
  const classes = await runDatasetClasses(base);
  const rows: CompareRow[] = [];
  for (const spec of strategies) {
    const name = spec.split(':')[0] as StrategyName;
    const { edits, reinit } = strategyEdits(spec);
    const row: CompareRow = { strategy: name, trainableParams: 0, trainSeconds: 0, valAccuracy: null, testAccuracy: null, accuracyAt: {} };
    for (const size of sizes) {
      const limit = perClass(size);
      const config = withHeadEdit({ ...base, ...STRATEGY_DEFAULTS[name], edits, reinit, data: { ...base.data, options: { ...base.data.options, perClassLimit: limit } } }, head, classes);
      if (values.epochs) config.epochs = int(values.epochs, '--epochs');
      if (!values.json) process.stderr.write(`${spec}, ${size === 'all' ? 'all images' : `${size} per class`}... `);
      const { done, test } = await runToEnd(config);
      if (!values.json) process.stderr.write(`${test?.accuracy === null || !test ? '-' : `${(100 * test.accuracy).toFixed(1)}%`} in ${done.trainSeconds.toFixed(1)} s\n`);
      row.accuracyAt[size] = test?.accuracy ?? null;
      // The table's time and accuracies are those of the last size (all images by default).
      if (size === sizes[sizes.length - 1]) {
        Object.assign(row, { trainableParams: done.trainableParams, trainSeconds: done.trainSeconds, valAccuracy: done.bestValAccuracy, testAccuracy: test?.accuracy ?? null });
      }
    }
    rows.push(row);
  }
  const conclusion = compareConclusion(rows);
  if (values.json) {
    console.log(JSON.stringify({ rows, conclusion }));
    return 0;
  }
  const pct = (x: number | null | undefined) => (x === null || x === undefined ? '-' : `${(100 * x).toFixed(1)}%`);
  const header = ['strategy', 'trains', 'time', 'best val', 'test', ...sizes.map((s) => (s === 'all' ? 'test @all' : `test @${s}/class`))];
  const table = rows.map((r) => [r.strategy, compactCount(r.trainableParams), `${r.trainSeconds.toFixed(1)} s`, pct(r.valAccuracy), pct(r.testAccuracy), ...sizes.map((s) => pct(r.accuracyAt[s]))]);
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
  for (const line of [header, ...table]) console.log(line.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
  if (conclusion) console.log(`\n${conclusion}`);
  return 0;
}
