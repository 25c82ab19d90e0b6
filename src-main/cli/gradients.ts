// `graft gradients`: the loss and every trainable parameter's gradient for one batch, as the
// compiled training graph computes them in onnxruntime. The output layout matches the
// fixtures' (loss.json, grads/<name>.pb), so results can be compared with PyTorch's.
import { join, resolve } from 'node:path';
import { readModelFile } from '../node/model-file.js';
import { computeGradients, readTensorFile, trainableFromSpec, writeGradients } from '../node/train/gradients.js';
import { deviceOption, parse, UsageError } from './args.js';
import { resolveDevice } from '../node/train/devices.js';
import { batchNormNote } from '../core/train/batch-stats.js';

const USAGE = `usage: graft gradients --model M.onnx --input input.pb --labels labels.pb --out DIR
                      [--trainable all|head|fine-tune[:N]|BLOCK,...] [--loss cross-entropy|mse]
                      [--batchnorm frozen|batch] [--device auto|cpu|webgpu|cuda]
  --trainable  all (default); head; fine-tune:N = the head and the last N stages (N=1);
               or block paths as "graft inspect" prints them, comma-separated (e.g. layer4,fc)
  --batchnorm  frozen (default): running statistics, PyTorch's model.eval(); batch: the batch's
               own statistics in the trainable part, PyTorch's model.train() (the running
               statistics after the step go to OUT/running/)
  --device     where the gradients are computed (default cpu; auto = the fastest available)`;

export async function gradientsCommand(argv: string[]): Promise<number> {
  const { values } = parse(
    argv,
    {
      model: { type: 'string' },
      input: { type: 'string' },
      labels: { type: 'string' },
      out: { type: 'string' },
      trainable: { type: 'string', default: 'all' },
      loss: { type: 'string', default: 'cross-entropy' },
      device: { type: 'string' },
      batchnorm: { type: 'string', default: 'frozen' },
      help: { type: 'boolean', short: 'h' },
    },
    USAGE,
  );
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (!values.model || !values.input || !values.labels || !values.out) throw new UsageError(USAGE);
  if (values.loss !== 'cross-entropy' && values.loss !== 'mse') throw new UsageError(`--loss must be cross-entropy or mse\n${USAGE}`);
  if (values.batchnorm !== 'frozen' && values.batchnorm !== 'batch') throw new UsageError(`--batchnorm must be frozen or batch, not "${values.batchnorm}"`);

  const file = await readModelFile(values.model);
  const input = await readTensorFile(values.input, 'input');
  const labels = await readTensorFile(values.labels, 'labels');
  const trainable = values.trainable === 'all' ? 'all' : trainableFromSpec(file, values.trainable!);
  const { device, note: deviceNote } = await resolveDevice(deviceOption(values.device, 'cpu'));
  const result = await computeGradients(file.model, input, labels, trainable, values.loss, values.batchnorm, device);
  if (device !== 'cpu') console.log(deviceNote);
  const note = batchNormNote(values.batchnorm, result.batchNorms.total, result.batchNorms.batch);
  if (note && values.batchnorm === 'batch') console.error(note);
  const out = resolve(values.out);
  await writeGradients(out, result);
  console.log(`loss ${result.loss}; ${result.grads.size} gradients written to ${join(out, 'grads')}`);
  return 0;
}
