// `graft eval`: a model's accuracy on a dataset, per class, with the confusion matrix.
import { evaluateModelFile } from '../node/train/evaluate-model.js';
import { parse, UsageError } from './args.js';
import { pad } from './format.js';

const USAGE = 'usage: graft eval --model M.onnx --data DIR_OR_FILE [--classes I,J,...] [--split test|val|train] [--json]';

export async function evalCommand(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    { model: { type: 'string' }, data: { type: 'string' }, classes: { type: 'string' }, split: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    USAGE,
  );
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.model || !values.data) throw new UsageError(USAGE);
  const split = values.split as 'test' | 'val' | 'train' | undefined;
  if (split && !['test', 'val', 'train'].includes(split)) throw new UsageError(`--split must be test, val or train\n${USAGE}`);
  const classes = values.classes?.split(',').map(Number);
  if (classes?.some((c) => !Number.isInteger(c) || c < 0)) throw new UsageError(`--classes takes class indices, e.g. 5,6,7\n${USAGE}`);
  const e = await evaluateModelFile(values.model, values.data, { classes, split });
  if (values.json) {
    console.log(JSON.stringify(e));
    return 0;
  }
  const lines = [`${e.split}: ${e.samples} samples, loss ${e.loss.toFixed(4)}${e.accuracy !== null ? `, accuracy ${(100 * e.accuracy).toFixed(2)}%` : ''}`];
  if (e.classes && e.perClassAccuracy && e.confusion) {
    const w = Math.max(...e.classes.map((c) => c.length), 8);
    lines.push('', `${pad('class', w)}  accuracy  confusion (rows: true class, columns: predicted)`);
    e.classes.forEach((c, i) => lines.push(`${pad(c, w)}  ${pad(`${(100 * e.perClassAccuracy![i]).toFixed(1)}%`, 8)}  ${e.confusion![i].map((n) => String(n).padStart(5)).join('')}`));
  }
  if (e.worst.length > 0) {
    lines.push('', 'worst predicted:');
    for (const s of e.worst.slice(0, 8)) lines.push(`  ${s.id}: ${e.classes?.[s.label] ?? s.label} predicted as ${e.classes?.[s.predicted] ?? s.predicted} (loss ${s.loss.toFixed(2)})`);
  }
  console.log(lines.join('\n'));
  return 0;
}
