// Benchmark: ResNet-18 training steps at 224x224 on every execution provider this machine
// has: images per second for (a) feature extraction without the feature cache (the head
// trains, every step still runs the frozen forward pass), (b) fine-tuning layer4 + head, and
// (c) full fine-tuning, with SGD momentum 0.9. The CPU runs at --threads (default 2: the
// studio's reference machine) and, with --all-cores, at every core too. GPU providers keep the
// parameters and optimizer state on the device between steps (node/train/device-tensors.ts),
// as the trainer does, and report which nodes fell back to the CPU (node/train/placement.ts).
//
//   npm run bench:gpu                      (writes bench/results/gpu.json)
//   npx tsx bench/gpu.ts --model resnet18.onnx --batch 32 --iters 10 --warmup 3 --devices cpu,webgpu
//     --all-cores          also the CPU at every core
//     --compare-resident   also WebGPU with the parameters copied to the host and back each step
import { availableParallelism } from 'node:os';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { create } from '@bufbuild/protobuf';
import { buildBlockTree, detectHead, headAndLastStages, paramsOfBlocks } from '../src-main/core/blocks/index.js';
import { graphFromModel } from '../src-main/core/ir/proto.js';
import { decodeModel } from '../src-main/core/onnx/codec.js';
import { TensorShapeProto_DimensionSchema, type ModelProto } from '../src-main/core/onnx/gen/onnx_pb.js';
import { readFloats, tensorDims } from '../src-main/core/onnx/tensor.js';
import { inferShapes, modelOpset } from '../src-main/core/shape/infer.js';
import { compileTrainingStep, type CompiledStep } from '../src-main/core/train/compile.js';
import { sgd } from '../src-main/core/train/optimizers.js';
import type { Device } from '../src-main/api/training.js';
import { DeviceTensors } from '../src-main/node/train/device-tensors.js';
import { probeDevices } from '../src-main/node/train/devices.js';
import { describePlacement, placementProfile } from '../src-main/node/train/placement.js';
import { createSession } from '../src-main/node/train/session.js';
import { flag, median, opt, randomFloats } from './support.js';

const here = import.meta.dirname;
const MODEL = opt('model', join(here, '../../shared/fixtures/resnet18/model.onnx'));
const BATCH = Number(opt('batch', '32'));
const SIZE = Number(opt('size', '224'));
const WARMUP = Number(opt('warmup', '3'));
const ITERS = Number(opt('iters', '10'));
const THREADS = Number(opt('threads', '2'));
const CONFIGS = opt('configs', 'head,layer4+head,all').split(',') as ConfigName[];
const OUT = opt('out', join(here, 'results/gpu.json'));
// Random input on BN-folded weights: a small rate keeps the loss finite; it does not change the work.
const LR = 1e-4;
/** Labels 0..4: the fixture's head has 5 classes (a 1000-class head takes them as well). */
const CLASSES = 5;

type ConfigName = 'head' | 'layer4+head' | 'all';
const LABELS: Record<ConfigName, string> = { head: '(a) feature extraction, no cache', 'layer4+head': '(b) fine-tune layer4 + head', all: '(c) full fine-tune' };

/** The model with its input declared [N, 3, SIZE, SIZE]. */
function loadModel(): ModelProto {
  const model = decodeModel(readFileSync(MODEL), 'resnet18');
  const t = model.graph!.input[0].type!.value;
  if (t.case !== 'tensorType' || !t.value.shape) throw new Error('the model input has no tensor shape');
  const dims = t.value.shape.dim;
  dims[0] = create(TensorShapeProto_DimensionSchema, { value: { case: 'dimParam', value: 'N' } });
  for (const i of [2, 3]) dims[i] = create(TensorShapeProto_DimensionSchema, { value: { case: 'dimValue', value: BigInt(SIZE) } });
  model.graph!.valueInfo = [];
  return model;
}

function trainable(model: ModelProto, config: ConfigName): 'all' | Set<string> {
  if (config === 'all') return 'all';
  const graph = graphFromModel(model);
  inferShapes(graph, { opset: modelOpset(model) });
  const tree = buildBlockTree(graph);
  return paramsOfBlocks(graph, tree, headAndLastStages(tree, detectHead(graph, tree), config === 'head' ? 0 : 1));
}

interface Row {
  config: string;
  device: string;
  threads: number | null;
  msPerStep: number;
  imagesPerSecond: number;
  sessionSeconds: number;
  placement?: string;
  error?: string;
}

/** Times ITERS steps after WARMUP, feeding each step's updated parameters and state to the next. */
async function timeSteps(step: CompiledStep, device: Device, threads: number, keepOnDevice: boolean): Promise<Omit<Row, 'config' | 'device' | 'threads'>> {
  const updates = new Map<string, string>([...[...step.updatedParams].map(([i, o]) => [o, i] as [string, string]), ...[...step.updatedState].map(([i, o]) => [o, i] as [string, string])]);
  const resident = device === 'webgpu' && keepOnDevice ? new DeviceTensors(updates) : null;
  const profile = device === 'cpu' ? null : await placementProfile();
  const t0 = performance.now();
  const session = await createSession(step.model, threads, device, { keepOnDevice: resident?.outputs, profilePrefix: profile?.prefix });
  const sessionSeconds = (performance.now() - t0) / 1000;
  const host = new Map<string, ort.Tensor>();
  for (const n of step.params) host.set(n, new ort.Tensor('float32', readFloats(step.initialParams.get(n)!), tensorDims(step.initialParams.get(n)!)));
  for (const s of step.state) host.set(s.name, new ort.Tensor('float32', new Float32Array(s.dims.reduce((a, b) => a * b, 1)), s.dims));
  const fixed: Record<string, ort.Tensor> = {
    [step.data]: new ort.Tensor('float32', randomFloats(BATCH * 3 * SIZE * SIZE, 1), [BATCH, 3, SIZE, SIZE]),
    [step.target]: new ort.Tensor('int64', BigInt64Array.from({ length: BATCH }, (_, i) => BigInt(i % CLASSES)), [BATCH]),
    ...(step.lr ? { [step.lr]: new ort.Tensor('float32', Float32Array.of(LR), []) } : {}),
  };
  let placement: string | undefined;
  const times: number[] = [];
  for (let i = 0; i < WARMUP + ITERS; i++) {
    const feeds: Record<string, ort.Tensor> = { ...fixed, ...(step.step ? { [step.step]: new ort.Tensor('float32', Float32Array.of(i + 1), []) } : {}) };
    for (const [n, t] of host) feeds[n] = resident?.feed(n) ?? t;
    const s = performance.now();
    const out = await session.run(feeds, [step.loss, ...updates.keys()]);
    // The loss read back is the step's end: it waits for the GPU to finish.
    const loss = (await (out[step.loss] as ort.Tensor).getData()) as Float32Array;
    if (resident) resident.take(out as Record<string, ort.Tensor>);
    else for (const [o, inp] of updates) host.set(inp, out[o] as ort.Tensor);
    if (i >= WARMUP) times.push(performance.now() - s);
    if (!Number.isFinite(loss[0])) throw new Error(`loss ${loss[0]} at step ${i + 1}`);
    // The last warm-up run's profile (the first compiles shaders): placement, and where a
    // warm step spends its time; the timed steps run unprofiled.
    if (i === Math.max(WARMUP - 1, 0) && profile) {
      const p = await profile.finish(session, device);
      if (p) placement = `${describePlacement(p)}\n    kernel time by op in one step: ${[...p.lastRunMs].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([op, t]) => `${op} ${t.toFixed(1)} ms`).join(', ')}`;
    }
  }
  resident?.reset();
  await session.release();
  const msPerStep = median(times);
  return { msPerStep, imagesPerSecond: (BATCH * 1000) / msPerStep, sessionSeconds, ...(placement ? { placement } : {}) };
}

const model = loadModel();
const devices = await probeDevices();
for (const d of devices) console.log(`${d.device}: ${d.available ? 'available' : `not available (${d.reason})`}`);
const runs: Array<{ device: Device; threads: number | null; hostCopies?: boolean }> = [];
const asked = opt('devices', devices.filter((d) => d.available).map((d) => d.device).join(',')).split(',') as Device[];
for (const device of asked) {
  if (device === 'cpu') {
    runs.push({ device, threads: THREADS });
    if (flag('all-cores') && availableParallelism() > THREADS) runs.push({ device, threads: availableParallelism() });
  } else {
    runs.push({ device, threads: null });
    // What keeping the parameters on the device buys: the same steps with host copies.
    if (device === 'webgpu' && flag('compare-resident')) runs.push({ device, threads: null, hostCopies: true });
  }
}
const rows: Row[] = [];
for (const config of CONFIGS) {
  const step = compileTrainingStep(model, { trainable: trainable(model, config), loss: 'cross-entropy', optimizer: sgd({ momentum: 0.9 }) });
  for (const { device, threads, hostCopies } of runs) {
    const label = `${LABELS[config]} on ${device}${threads ? ` (${threads} threads)` : ''}${hostCopies ? ' with parameters copied to the host each step' : ''}`;
    try {
      const r = await timeSteps(step, device, threads ?? availableParallelism(), !hostCopies);
      rows.push({ config, device: hostCopies ? `${device} (host copies)` : device, threads, ...r });
      console.log(`${label}: ${r.msPerStep.toFixed(1)} ms/step, ${r.imagesPerSecond.toFixed(1)} images/s (batch ${BATCH}; session ${r.sessionSeconds.toFixed(1)} s)${r.placement ? `\n    ${r.placement}` : ''}`);
    } catch (e) {
      rows.push({ config, device, threads, msPerStep: NaN, imagesPerSecond: NaN, sessionSeconds: NaN, error: (e as Error).message.slice(0, 400) });
      console.log(`${label}: FAILED ${(e as Error).message.split('\n')[0].slice(0, 300)}`);
    }
  }
}
// The issue's yardstick: each GPU provider's speed-up over the two-thread CPU, per configuration.
for (const config of CONFIGS) {
  const cpu = rows.find((r) => r.config === config && r.device === 'cpu' && r.threads === THREADS);
  for (const r of rows.filter((x) => x.config === config && x.device !== 'cpu' && !x.error)) {
    if (cpu && !cpu.error) console.log(`${LABELS[config]}: ${r.device} is ${(r.imagesPerSecond / cpu.imagesPerSecond).toFixed(1)}x the ${THREADS}-thread CPU`);
  }
}
mkdirSync(join(OUT, '..'), { recursive: true });
writeFileSync(OUT, `${JSON.stringify({ model: MODEL, batch: BATCH, size: SIZE, warmup: WARMUP, iters: ITERS, cores: availableParallelism(), devices, rows }, null, 2)}\n`);
console.log(`written ${OUT}`);
