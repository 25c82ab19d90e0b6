// A whole training run on each execution provider present, in this process (the trainer's
// own runTraining, no worker): the bundled Fashion-MNIST CNN, fully fine-tuned on an IDX
// dataset, then evaluated and exported with the parity check. It shows that the GPU path
// (parameters kept on the device between steps, synced for evaluation and export) trains as
// the CPU does: the losses of the two runs should agree to a few digits.
//
//   npx tsx scripts/gpu-train-smoke.ts --data DIR_WITH_IDX_FILES [--epochs 2] [--per-class 1000] [--devices cpu,webgpu]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_DATA_OPTIONS, DEFAULT_TRAIN_CONFIG, type Device, type TrainConfig, type TrainEvent } from '../src-main/api/training.js';
import { strategyEdits, swapHeadEdit } from '../src-main/core/surgery/presets.js';
import { probeDevices } from '../src-main/node/train/devices.js';
import { runTraining } from '../src-main/node/train/run.js';

const here = import.meta.dirname;
const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '/usr/share/datasets/fashion-mnist' },
    model: { type: 'string', default: join(here, '../resources/models/fashion-cnn.onnx') },
    epochs: { type: 'string', default: '2' },
    devices: { type: 'string' },
    strategy: { type: 'string', default: 'full' },
    'per-class': { type: 'string', default: '1000' },
  },
});
const available = (await probeDevices()).filter((d) => d.available).map((d) => d.device);
const devices = (values.devices?.split(',') as Device[] | undefined) ?? available;

for (const device of devices) {
  const config: TrainConfig = {
    ...DEFAULT_TRAIN_CONFIG,
    ...strategyEdits(values.strategy!),
    // The bundled CNN knows five of Fashion-MNIST's classes; the IDX files hold ten.
    edits: [swapHeadEdit({ classes: 10, seed: 0 }), ...strategyEdits(values.strategy!).edits],
    model: values.model!,
    data: { path: values.data!, options: { ...DEFAULT_DATA_OPTIONS, perClassLimit: Number(values['per-class']) } },
    epochs: Number(values.epochs),
    batchSize: 64,
    optimizer: 'adamw',
    lr: 1e-3,
    device,
    exportPath: join(mkdtempSync(join(tmpdir(), 'graft-gpu-smoke-')), 'model.onnx'),
  };
  const t0 = performance.now();
  // Printed as they come: a native failure on a provider must not swallow what came before it.
  const say = { push: (line: string) => console.log(`  [${device}] ${line}`) };
  const emit = (e: TrainEvent) => {
    if (e.event === 'log') say.push(e.message);
    else if (e.event === 'epoch') say.push(`epoch ${e.epoch}: train loss ${e.trainLoss.toFixed(5)}, val loss ${e.valLoss?.toFixed(5)}, val acc ${((e.valAccuracy ?? 0) * 100).toFixed(2)}%, ${e.samplesPerSecond.toFixed(0)} samples/s`);
    else if (e.event === 'evaluation') say.push(`evaluation (${e.split}): accuracy ${((e.accuracy ?? 0) * 100).toFixed(2)}%, loss ${e.loss.toFixed(5)}`);
    else if (e.event === 'export') say.push(`export ${e.verified ? 'verified' : 'NOT verified'} (max difference ${e.maxAbsDiff})`);
  };
  try {
    await runTraining(config, { emit, checkpointBoundary: async () => false });
    console.log(`== ${device}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } catch (e) {
    console.log(`== ${device}: FAILED ${(e as Error).message}`);
  }
}
