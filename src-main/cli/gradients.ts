// `graft gradients`: the loss and every trainable parameter's gradient for one batch, as the
// compiled training graph computes them in onnxruntime. The output layout matches the
// fixtures' (loss.json, grads/<name>.pb), so results can be compared with PyTorch's.
import { join, resolve } from 'node:path';
import { readModelFile } from '../node/model-file.js';
import { computeGradients, readTensorFile, trainableFromSpec, writeGradients } from '../node/train/gradients.js';
import { deviceOption, parse, UsageError } from './args.js';
import { resolveDevice } from '../node/train/devices.js';

const USAGE = `usage: graft gradients --model M.onnx --input input.pb --labels labels.pb --out DIR
                      [--trainable all|head|fine-tune[:N]|BLOCK,...] [--loss cross-entropy|mse]
                      [--device auto|cpu|webgpu|cuda]
  --trainable  all (default); head; fine-tune:N = the head and the last N stages (N=1);
               or block paths as "graft inspect" prints them, comma-separated (e.g. layer4,fc)
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

  const file = await readModelFile(values.model);
  const input = await readTensorFile(values.input, 'input');
  const labels = await readTensorFile(values.labels, 'labels');
  const trainable = values.trainable === 'all' ? 'all' : trainableFromSpec(file, values.trainable!);
  const { device, note } = await resolveDevice(deviceOption(values.device, 'cpu'));
  const result = await computeGradients(file.model, input, labels, trainable, values.loss, device);
  if (device !== 'cpu') console.log(note);
  const out = resolve(values.out);
  await writeGradients(out, result);
  console.log(`loss ${result.loss}; ${result.grads.size} gradients written to ${join(out, 'grads')}`);
  return 0;
}
