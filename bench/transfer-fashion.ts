// Experiment: does transfer learning pay on a small dataset? The bundled CNN (pretrained by
// Graft on Fashion-MNIST classes 0-4) is transferred to classes 5-9 with 100 training images
// per class, and compared with the same network trained from scratch on those 500 images.
// Accuracy is measured on the held-out test images of classes 5-9 (5,000).
//
//   npx tsx bench/transfer-fashion.ts        (about 2 minutes; needs dataset-fashion-mnist)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { appRoot, defaultModelPath } from '../src-main/node/resources.js';

const DATA = '/usr/share/datasets/fashion-mnist';
if (!existsSync(DATA)) {
  console.error(`${DATA} not found: apt-get install dataset-fashion-mnist`);
  process.exit(1);
}
const common = ['--data', DATA, '--classes', '5,6,7,8,9', '--per-class', '100', '--head', '5', '--epochs', '30', '--batch', '32', '--optimizer', 'adamw', '--lr', '0.003', '--seed', '1', '--json'];
const rows: { strategy: string; testAccuracy: number; bestValAccuracy: number; trainSeconds: number; trainableParams: number }[] = [];
for (const strategy of ['scratch', 'feature-extraction', 'fine-tune:1', 'fine-tune:2']) {
  const run = spawnSync(process.execPath, [join(appRoot, 'bin/graft.js'), 'train', '--model', defaultModelPath, '--strategy', strategy, ...common], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (run.status !== 0) throw new Error(`${strategy}: ${run.stderr || run.stdout.slice(-500)}`);
  const events = run.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const test = events.find((e) => e.event === 'evaluation');
  const done = events.find((e) => e.event === 'done');
  rows.push({ strategy, testAccuracy: test.accuracy, bestValAccuracy: done.bestValAccuracy, trainSeconds: done.trainSeconds, trainableParams: done.trainableParams });
  console.log(`${strategy.padEnd(20)} test accuracy ${(100 * test.accuracy).toFixed(1)}%   trained ${done.trainableParams} params in ${done.trainSeconds.toFixed(1)} s`);
}
mkdirSync(join(appRoot, 'bench/results'), { recursive: true });
writeFileSync(join(appRoot, 'bench/results/transfer-fashion.json'), JSON.stringify({ date: new Date().toISOString(), rows }, null, 2));
