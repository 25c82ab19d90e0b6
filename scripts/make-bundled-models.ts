// Makes the model bundled in resources/models: a small CNN for 28x28 gray images, pretrained
// BY GRAFT ITSELF on Fashion-MNIST classes 0-4 (T-shirt/top, Trouser, Pullover, Dress, Coat),
// from Debian's dataset-fashion-mnist. Classes 5-9 are left for the transfer-learning demo.
// And a fresh (untrained) one-layer RNN for the adding problem, sized by the adding problem's
// defaults (api/adding-task.ts: T = 50, 64 hidden, as `graft train --task adding` makes it), the
// studio's recurrent demo: swap its cell for an LSTM and watch the gradient through time.
//
//   npx tsx scripts/make-bundled-models.ts [--skip-cnn]   (about 5 minutes on 2 cores; seeded)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADDING_TASK_DEFAULTS } from '../src-main/api/adding-task.js';
import { encodeModel } from '../src-main/core/onnx/codec.js';
import { addingModel } from '../src-main/core/templates/adding-model.js';
import { imageCnn } from '../src-main/core/templates/image-cnn.js';
import { appRoot, bundledModelsDir, defaultModelPath } from '../src-main/node/resources.js';

const adding = join(bundledModelsDir, 'adding-rnn.onnx');
const { length, hidden } = ADDING_TASK_DEFAULTS;
writeFileSync(adding, encodeModel(addingModel({ inputSize: 2, steps: length, cell: 'RNN', hiddenSize: hidden, outputs: 1, seed: 7 })));
console.log(`wrote ${adding}`);
if (process.argv.includes('--skip-cnn')) process.exit(0);

const DATA = '/usr/share/datasets/fashion-mnist';
const PRETRAIN_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat'];

const work = mkdtempSync(join(tmpdir(), 'graft-bundle-'));
try {
  const init = join(work, 'fashion-cnn-init.onnx');
  const model = imageCnn({ channels: 1, height: 28, width: 28, classes: 5, widths: [32, 64, 64], pooling: 'flatten', hidden: 128, seed: 7, classNames: PRETRAIN_CLASSES });
  writeFileSync(init, encodeModel(model));
  const args = ['train', '--model', init, '--data', DATA, '--classes', '0,1,2,3,4', '--head', 'keep', '--strategy', 'full'];
  args.push('--epochs', '6', '--batch', '64', '--optimizer', 'adamw', '--lr', '0.003', '--seed', '7', '--export', defaultModelPath);
  const run = spawnSync(process.execPath, [join(appRoot, 'bin/graft.js'), ...args], { stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
  console.log(`wrote ${defaultModelPath}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
