// Benchmark: the cost of batch statistics in one compiled training step. ResNet-18 WITH batch
// norm (bench/pytorch/train_run.py --unfold-bn: a training-mode export), layer4 + a new head
// trained on cached layer3 features, batch 32 at 224x224, SGD momentum: the same plan compiled
// with --batchnorm frozen and batch, steps timed alternately (so a busy machine slows both alike).
//
//   /usr/bin/python3 bench/pytorch/train_run.py --data - --onnx ../shared/fixtures/resnet18/model.onnx \
//       --unfold-bn /tmp/resnet18-bn.onnx --size 224
//   npx tsx bench/batchnorm-step.ts --model /tmp/resnet18-bn.onnx [--batch 32 --iters 12 --warmup 2]
// Measured on the shared 2-core machine (2026-12-04): frozen 3092 ms, batch 3068 ms (0.99x).
import * as ort from 'onnxruntime-node';
import { readModelFile } from '../src-main/node/model-file.js';
import { planTraining } from '../src-main/core/train/plan.js';
import { sgd } from '../src-main/core/train/optimizers.js';
import { freezePreset, swapHeadEdit } from '../src-main/core/surgery/presets.js';
import { createPlannedSession, ownedFromProto, toOrt } from '../src-main/node/train/session.js';
import { median, opt, randomFloats } from './support.js';

const MODEL = opt('model', '');
const BATCH = Number(opt('batch', '32'));
const ITERS = Number(opt('iters', '12'));
const WARMUP = Number(opt('warmup', '2'));
if (!MODEL) throw new Error('--model RESNET18_BN.onnx (bench/pytorch/train_run.py --unfold-bn makes one)');

const file = await readModelFile(MODEL);
const modes = ['frozen', 'batch'] as const;
const runs = await Promise.all(
  modes.map(async (batchnorm) => {
    const plan = planTraining(file.model, file.graph, { edits: [swapHeadEdit({ classes: 5, seed: 0, hidden: null, classNames: null }), freezePreset('fine-tune', 1)], reinit: false, seed: 0, cache: true, loss: 'cross-entropy', optimizer: sgd({ momentum: 0.9 }), batchnorm });
    const session = await createPlannedSession(plan, plan.step, 'cpu');
    const step = plan.step;
    const feeds: Record<string, ort.Tensor> = {};
    for (const f of plan.frontier) {
      const dims = f.type!.shape!.map((d, i) => (i === 0 ? BATCH : (d as number)));
      feeds[f.name] = new ort.Tensor('float32', randomFloats(dims.reduce((a, b) => a * b, 1), 1), dims);
    }
    feeds[step.target] = new ort.Tensor('int64', BigInt64Array.from({ length: BATCH }, (_, i) => BigInt(i % 5)), [BATCH]);
    for (const [n, t] of [...step.initialParams, ...step.initialRunningStats]) feeds[n] = toOrt(ownedFromProto(t));
    for (const s of step.state) feeds[s.name] = new ort.Tensor('float32', new Float32Array(s.dims.reduce((a, b) => a * b, 1)), s.dims);
    feeds[step.lr!] = new ort.Tensor('float32', Float32Array.of(0.01), []);
    feeds[step.step!] = new ort.Tensor('float32', Float32Array.of(1), []);
    console.log(`${batchnorm}: ${plan.log.filter((l) => /batch norm/.test(l)).join('; ')}`);
    return { batchnorm, session, feeds, times: [] as number[] };
  }),
);
for (let i = 0; i < WARMUP + ITERS; i++) {
  for (const r of i % 2 === 0 ? runs : [...runs].reverse()) {
    const t0 = performance.now();
    await r.session.run(r.feeds);
    if (i >= WARMUP) r.times.push(performance.now() - t0);
  }
}
const [frozen, batch] = runs.map((r) => median(r.times));
console.log(`step median over ${ITERS}: frozen ${frozen.toFixed(0)} ms, batch ${batch.toFixed(0)} ms, batch/frozen ${(batch / frozen).toFixed(3)}x (target <= 1.15x)`);
for (const r of runs) await r.session.release();
