// `graft gradients`: the loss and every trainable parameter's gradient for one batch, as the
// compiled training graph computes them in onnxruntime. The output layout matches the
// fixtures' (loss.json, grads/<name>.pb), so results can be compared with PyTorch's.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { GraftError } from '../core/errors.js';
import { DataType } from '../core/onnx/dtype.js';
import { type TensorProto, TensorProtoSchema } from '../core/onnx/gen/onnx_pb.js';
import { makeTensor } from '../core/onnx/tensor.js';
import { buildBlockTree, detectHead, headAndLastStages, paramsOfBlocks } from '../core/blocks/index.js';
import { inferShapes, modelOpset } from '../core/shape/infer.js';
import { readModelFile } from '../node/model-file.js';
import { computeGradients } from '../node/train/gradients.js';
import { parse, UsageError } from './args.js';

const USAGE = `usage: graft gradients --model M.onnx --input input.pb --labels labels.pb --out DIR
                      [--trainable all|head|fine-tune[:N]|BLOCK,...] [--loss cross-entropy|mse]
  --trainable  all (default); head; fine-tune:N = the head and the last N stages (N=1);
               or block paths as "graft inspect" prints them, comma-separated (e.g. layer4,fc)`;

/** File name of a parameter's gradient, as the fixtures spell it. */
export function gradFileName(param: string): string {
  return `${param.replace(/[/:]/g, '_')}.pb`;
}

async function readTensorFile(path: string, what: string): Promise<TensorProto> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch {
    throw new GraftError('file-not-found', `${what} ${path}: no such file`);
  }
  try {
    return fromBinary(TensorProtoSchema, bytes);
  } catch (e) {
    throw new GraftError('tensor-corrupt', `${what} ${path}: not an ONNX TensorProto (${(e as Error).message})`);
  }
}

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
  let trainable: 'all' | Set<string> = 'all';
  if (values.trainable !== 'all') {
    inferShapes(file.graph, { opset: modelOpset(file.model) });
    const tree = buildBlockTree(file.graph);
    const spec = values.trainable!;
    const fineTune = /^fine-tune(?::(\d+))?$/.exec(spec);
    const blocks =
      spec === 'head'
        ? headAndLastStages(tree, detectHead(file.graph, tree), 0)
        : fineTune
          ? headAndLastStages(tree, detectHead(file.graph, tree), Number(fineTune[1] ?? 1))
          : spec.split(',').map((s) => s.trim()).filter(Boolean);
    trainable = paramsOfBlocks(file.graph, tree, blocks);
  }

  const result = await computeGradients(file.model, input, labels, trainable, values.loss);
  const out = resolve(values.out);
  await mkdir(join(out, 'grads'), { recursive: true });
  await writeFile(join(out, 'loss.json'), `${JSON.stringify({ loss: result.loss, trainable: result.trainable, untied: result.untied }, null, 2)}\n`);
  for (const [name, g] of result.grads) {
    await writeFile(join(out, 'grads', gradFileName(name)), toBinary(TensorProtoSchema, makeTensor(name, DataType.FLOAT, g.dims, g.data)));
  }
  console.log(`loss ${result.loss}; ${result.grads.size} gradients written to ${join(out, 'grads')}`);
  return 0;
}
