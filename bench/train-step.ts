// Benchmark: one training step (forward + backward + SGD-momentum update) of ResNet-18 at
// 224x224, batch 16, for three trainable sets: (a) the head alone, (b) layer4 + head,
// (c) everything. Graft compiles the step into one ONNX graph run by onnxruntime-node; the
// PyTorch recipe (bench/pytorch/train_step.py, Debian's torch) runs in the same invocation,
// both as torchvision's standard ResNet-18 (BatchNorm, model.train()) and with BN folded into
// the convs, which is the architecture of the ONNX fixture.
//
//   npm run bench:train-step                       (writes bench/results/train-step.json)
//   npx tsx bench/train-step.ts --iters 8 --warmup 2 --configs head,layer4+head,all
//     --no-pytorch      skip the PyTorch side
//     --sweep           also compare onnxruntime session options on the largest configuration
//     --no-profile      skip the onnxruntime profile of the full fine-tune
//     --static-batch    declare the batch dimension as 16 instead of symbolic N
//     --threads K       intraOpNumThreads for Graft and torch threads (default 2)
//     --plain-convs     also time the step without the NCHWc convolution lowering, and with it on
//                       forward convolutions only, interleaved with the default
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { create } from '@bufbuild/protobuf';
import { decodeModel, encodeModel } from '../src-main/core/onnx/codec.js';
import { TensorShapeProto_DimensionSchema, type ModelProto, type TensorProto } from '../src-main/core/onnx/gen/onnx_pb.js';
import { readFloats, tensorDims } from '../src-main/core/onnx/tensor.js';
import { graphFromModel } from '../src-main/core/ir/proto.js';
import { inferShapes, modelOpset } from '../src-main/core/shape/infer.js';
import { buildBlockTree, detectHead, headAndLastStages, paramsOfBlocks } from '../src-main/core/blocks/index.js';
import { compileTrainingStep, type CompiledStep } from '../src-main/core/train/compile.js';
import { useNchwcConvs } from '../src-main/core/train/nchwc-convs.js';
import { nchwcBlockSize } from '../src-main/node/train/nchwc-probe.js';
import type { Optimizer } from '../src-main/core/train/optimizer.js';
import { flag, median, ms, opt, PythonServer, randomFloats } from './support.js';

const here = import.meta.dirname;
const fixture = join(here, '../../shared/fixtures/resnet18/model.onnx');
const results = join(here, 'results');

// ---------------------------------------------------------------------------- arguments

const BATCH = Number(opt('batch', '16'));
const SIZE = Number(opt('size', '224'));
const WARMUP = Number(opt('warmup', '2'));
const ITERS = Number(opt('iters', '7'));
const THREADS = Number(opt('threads', '2'));
const CONFIGS = opt('configs', 'head,layer4+head,all').split(',') as ConfigName[];
const STATIC_BATCH = flag('static-batch');
const PLAIN_TOO = flag('plain-convs');
const PLAIN = 'graft without the NCHWc lowering';
const FORWARD_ONLY = 'graft with NCHWc forward convolutions only (ConvTranspose kept)';
const CLASSES = 5;
// The fixture's BN-folded weights leave features unnormalised: lr 0.01 diverges on random
// input, and the step time must not depend on overflow. The rate does not change the work.
const LR = Number(opt('lr', '0.0001'));

type ConfigName = 'head' | 'layer4+head' | 'all';
const LABELS: Record<ConfigName, string> = { head: '(a) head only', 'layer4+head': '(b) layer4 + head', all: '(c) everything' };

// ---------------------------------------------------------------------------- helpers

let peakRss = 0;
const sampleRss = () => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
};
const mib = (b: number) => b / 2 ** 20;


/** The fixture with its input declared [N or batch, 3, SIZE, SIZE]. */
function loadModel(): ModelProto {
  const model = decodeModel(readFileSync(fixture), 'resnet18');
  const input = model.graph!.input[0];
  const t = input.type!.value;
  if (t.case !== 'tensorType' || !t.value.shape) throw new Error('fixture input has no tensor shape');
  const dims = t.value.shape.dim;
  const set = (i: number, v: number) => (dims[i] = create(TensorShapeProto_DimensionSchema, { value: { case: 'dimValue', value: BigInt(v) } }));
  set(2, SIZE);
  set(3, SIZE);
  if (STATIC_BATCH) set(0, BATCH);
  // Intermediate value_info (if any) still carries the 64x64 shapes: drop it, shapes are re-inferred.
  model.graph!.valueInfo = [];
  return model;
}

async function loadOptimizer(): Promise<{ optimizer: Optimizer | null; note: string }> {
  try {
    const mod = (await import('../src-main/core/train/optimizers.js')) as { sgd?: (o: { momentum: number }) => Optimizer };
    if (typeof mod.sgd === 'function') return { optimizer: mod.sgd({ momentum: 0.9 }), note: 'SGD momentum 0.9' };
  } catch {
    /* not written yet */
  }
  return { optimizer: null, note: 'no optimizer module yet: gradients only (optimizer: null)' };
}

function trainableSet(model: ModelProto, config: ConfigName): 'all' | Set<string> {
  if (config === 'all') return 'all';
  const graph = graphFromModel(model);
  inferShapes(graph, { opset: modelOpset(model) });
  const tree = buildBlockTree(graph);
  const head = detectHead(graph, tree);
  const paths = headAndLastStages(tree, head, config === 'head' ? 0 : 1);
  return paramsOfBlocks(graph, tree, paths);
}

// ---------------------------------------------------------------------------- Graft side

interface SessionVariant {
  name: string;
  options: ort.InferenceSession.SessionOptions;
}

const base: ort.InferenceSession.SessionOptions = {
  intraOpNumThreads: THREADS,
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all',
  executionMode: 'sequential',
  enableMemPattern: true,
  enableCpuMemArena: true,
};

function variants(): SessionVariant[] {
  const v: SessionVariant[] = [
    { name: 'default (all, sequential, arena+mempattern)', options: { ...base } },
    { name: 'graphOptimizationLevel extended', options: { ...base, graphOptimizationLevel: 'extended' } },
    { name: 'graphOptimizationLevel basic', options: { ...base, graphOptimizationLevel: 'basic' } },
    { name: 'executionMode parallel (inter 2)', options: { ...base, executionMode: 'parallel', interOpNumThreads: 2 } },
    { name: 'enableMemPattern false', options: { ...base, enableMemPattern: false } },
    { name: 'enableCpuMemArena false', options: { ...base, enableCpuMemArena: false } },
    { name: 'no spinning (allow_spinning 0)', options: { ...base, extra: { session: { intra_op: { allow_spinning: '0' } } } } },
    { name: 'denormals as zero', options: { ...base, extra: { session: { set_denormal_as_zero: '1' } } } },
    { name: 'static batch (freeDimensionOverrides N=16)', options: { ...base, freeDimensionOverrides: { N: BATCH } } },
    { name: `intraOpNumThreads ${THREADS * 2}`, options: { ...base, intraOpNumThreads: THREADS * 2 } },
  ];
  return v;
}

interface Feeds {
  fixed: Record<string, ort.Tensor>;
  /** Two sets of param/state tensors: step i reads set i%2 and writes set (i+1)%2. */
  sets: [Record<string, ort.Tensor>, Record<string, ort.Tensor>];
  /** input name -> output name carrying its next value */
  carry: Map<string, string>;
  outputNames: string[];
}

function paramTensor(t: TensorProto): ort.Tensor {
  return new ort.Tensor('float32', readFloats(t), tensorDims(t));
}

function makeFeeds(step: CompiledStep): Feeds {
  const data = new ort.Tensor('float32', randomFloats(BATCH * 3 * SIZE * SIZE, 1), [BATCH, 3, SIZE, SIZE]);
  const labels = BigInt64Array.from({ length: BATCH }, (_, i) => BigInt(i % CLASSES));
  const fixed: Record<string, ort.Tensor> = {
    [step.data]: data,
    [step.target]: new ort.Tensor('int64', labels, [BATCH]),
  };
  if (step.lr) fixed[step.lr] = new ort.Tensor('float32', Float32Array.of(LR), []);
  const a: Record<string, ort.Tensor> = {};
  const b: Record<string, ort.Tensor> = {};
  const carry = new Map<string, string>();
  for (const name of step.params) {
    a[name] = paramTensor(step.initialParams.get(name)!);
    b[name] = new ort.Tensor('float32', new Float32Array(a[name].size), a[name].dims);
    const out = step.updatedParams.get(name);
    if (out) carry.set(name, out);
  }
  for (const s of step.state) {
    const n = s.dims.reduce((x, y) => x * y, 1);
    a[s.name] = new ort.Tensor('float32', new Float32Array(n), s.dims);
    b[s.name] = new ort.Tensor('float32', new Float32Array(n), s.dims);
    carry.set(s.name, step.updatedState.get(s.name)!);
  }
  const outputNames = step.lr !== null
    ? [step.loss, ...carry.values()]
    : [step.loss, ...step.gradOutputs.values()];
  return { fixed, sets: [a, b], carry, outputNames };
}

/** One step; feeds the previous step's updated params/state back. Returns the loss. */
async function runStep(session: ort.InferenceSession, f: Feeds, i: number, preallocated: boolean): Promise<number> {
  const cur = f.sets[i % 2];
  const next = f.sets[(i + 1) % 2];
  const feeds: Record<string, ort.Tensor> = { ...f.fixed, ...cur };
  const stepName = stepInputName.get(session);
  if (stepName) feeds[stepName] = new ort.Tensor('float32', Float32Array.of(i + 1), []);
  let out: ort.InferenceSession.ReturnType;
  if (preallocated && f.carry.size > 0) {
    // Ask onnxruntime to write the updated params/state into the other set's buffers.
    const fetches: Record<string, ort.Tensor | null> = {};
    for (const name of f.outputNames) fetches[name] = null;
    for (const [inName, outName] of f.carry) fetches[outName] = next[inName];
    out = await session.run(feeds, fetches);
  } else {
    out = await session.run(feeds, f.outputNames);
    for (const [inName, outName] of f.carry) next[inName] = out[outName] as ort.Tensor;
  }
  return Number((out[f.outputNames[0]] as ort.Tensor).data[0]);
}
const stepInputName = new WeakMap<ort.InferenceSession, string>();


async function createSession(bytes: Uint8Array, options: ort.InferenceSession.SessionOptions, step: CompiledStep) {
  const t0 = performance.now();
  const session = await ort.InferenceSession.create(bytes, options);
  const createMs = ms(t0);
  if (step.step) stepInputName.set(session, step.step);
  return { session, createMs };
}

// ---------------------------------------------------------------------------- profile

interface ProfileEvent {
  cat: string;
  name: string;
  dur: number;
  args?: { op_name?: string; input_type_shape?: Record<string, number[]>[]; output_type_shape?: Record<string, number[]>[] };
}

const shapeOf = (s: Record<string, number[]>[] | undefined) => (s ?? []).map((t) => `[${Object.values(t)[0]?.join(',') ?? ''}]`).join(' ');

/**
 * What a profiled node does in the step: the forward pass, a piece of the backward pass
 * (by the gradient rule that emitted it), the optimizer or the loss. Names carry the
 * compiler's prefixes (grad/, optim/, train/); onnxruntime keeps them on fused nodes.
 */
function category(e: ProfileEvent): string {
  const op = e.args?.op_name ?? '?';
  const dims = (i: number, io: 'input_type_shape' | 'output_type_shape' = 'input_type_shape') =>
    Object.values(e.args?.[io]?.[i] ?? {})[0] ?? [];
  const inputs = e.args?.input_type_shape?.length ?? 0;
  if (op.startsWith('Reorder')) return 'layout reorders (NCHWc)';
  if (e.name.startsWith('nchwc-weights/')) return 'NCHWc weight reorders (blocked, flipped)';
  if (e.name.startsWith('optim/')) return 'optimizer (SGD update, grad norms)';
  if (e.name.startsWith('train/')) return 'loss';
  if (!e.name.startsWith('grad/')) return `forward ${op}`;
  // A stride-1 ConvTranspose lowered to a blocked Conv (core/train/nchwc-convs.ts).
  if (op === 'Conv' && e.name.includes('/nchwc/')) return 'backward Conv dX (NCHWc Conv)';
  // The Conv rule: dX by ConvTranspose; dW by im2col (a depthwise Conv with one-hot kernels
  // [C·k·k, 1, k, k]) then a MatMul per image and a sum over the batch; or a Conv over
  // transposed x and dy.
  if (op === 'Conv') return dims(1)[1] === 1 ? 'backward Conv dW: im2col (one-hot depthwise Conv)' : 'backward Conv dW: Conv over transposed x, dy';
  if (op === 'MatMul' || op === 'FusedMatMul') return 'backward Conv dW: MatMul per image';
  if (op === 'ReduceSum') return dims(0).length === 3 ? 'backward Conv dW: sum over batch (ReduceSum)' : 'backward bias / other ReduceSum';
  // The MaxPool rule's one-hot scatter: a ConvTranspose with a constant kernel (one input left).
  if (op === 'ConvTranspose') return inputs === 1 ? 'backward MaxPool (one-hot ConvTranspose)' : 'backward Conv dX (ConvTranspose)';
  if (op === 'ScatterElements' || dims(0, 'output_type_shape').length === 5 || op === 'Equal' || op === 'Cast') return 'backward MaxPool (scatter / mask)';
  if (op === 'Where' || op === 'Greater') return 'backward Relu (Where/Greater)';
  if (op === 'Transpose') return 'backward Transpose';
  return `backward ${op}`;
}

interface TimedEvent extends ProfileEvent { ts: number }

/** Per-step costs from an onnxruntime profile, leaving out the first `skip` runs (warm-up). */
function summariseProfile(file: string, skip: number) {
  const events = JSON.parse(readFileSync(file, 'utf8')) as TimedEvent[];
  const runs = events.filter((e) => e.name === 'model_run').sort((a, b) => a.ts - b.ts);
  const from = skip > 0 && runs.length > skip ? runs[skip - 1].ts + runs[skip - 1].dur : 0;
  const steps = runs.length - (from > 0 ? skip : 0);
  const nodes = events.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time') && e.ts >= from);
  const byType = new Map<string, { us: number; count: number }>();
  const byCategory = new Map<string, { us: number; count: number }>();
  const byNode = new Map<string, { us: number; op: string; shapes: string; category: string }>();
  let total = 0;
  const bump = (m: Map<string, { us: number; count: number }>, k: string, us: number) => {
    const t = m.get(k) ?? { us: 0, count: 0 };
    t.us += us;
    t.count++;
    m.set(k, t);
  };
  for (const e of nodes) {
    const op = e.args?.op_name ?? '?';
    const node = e.name.slice(0, -'_kernel_time'.length);
    total += e.dur;
    bump(byType, op, e.dur);
    bump(byCategory, category(e), e.dur);
    const n = byNode.get(node) ?? { us: 0, op, category: category(e), shapes: `${shapeOf(e.args?.input_type_shape)} -> ${shapeOf(e.args?.output_type_shape)}` };
    n.us += e.dur;
    byNode.set(node, n);
  }
  const perStep = (us: number) => us / 1000 / steps;
  const table = (m: Map<string, { us: number; count: number }>) => [...m].sort((a, b) => b[1].us - a[1].us).map(([key, t]) => ({
    key, msPerStep: perStep(t.us), share: t.us / total, nodes: t.count / steps,
  }));
  const top = [...byNode].sort((a, b) => b[1].us - a[1].us).slice(0, 15).map(([node, n]) => ({
    node, op: n.op, category: n.category, shapes: n.shapes, msPerStep: perStep(n.us), share: n.us / total,
  }));
  return { kernelMsPerStep: perStep(total), steps, byCategory: table(byCategory), byOpType: table(byType), topNodes: top };
}

// ---------------------------------------------------------------------------- PyTorch side

interface TorchResult {
  arch: 'standard' | 'folded';
  config: ConfigName;
  trainableParams: number;
  imagesPerSec: number;
  medianStepMs: number;
  minStepMs: number;
  stepsMs: number[];
  losses: number[];
}
interface TorchInfo { torch: string; torchvision: string; threads: number }

// ---------------------------------------------------------------------------- main

interface GraftRow {
  config: ConfigName;
  trainableParams: number;
  paramTensors: number;
  nodes: number;
  compileMs: number;
  encodeMs: number;
  modelMiB: number;
  sessionMs: number;
  medianStepMs: number | null;
  minStepMs: number | null;
  stepsMs: number[];
  imagesPerSec: number | null;
  /** Images/s of the same step without the NCHWc lowering and with it on forward convolutions only (--plain-convs), interleaved. */
  loweringVariants?: { plainConvs?: number; forwardOnlyNchwc?: number };
  losses: number[];
  error?: string;
}

interface SweepRow { variant: string; config: string; sessionMs: number; medianStepMs: number; baselineMedianMs: number; speedup: number }

/**
 * Each variant against the chosen options, steps interleaved (baseline, variant, baseline,
 * ...) so that load from other processes on the machine hits both alike.
 */
async function sweepOptions(config: ConfigName, step: CompiledStep, bytes: Uint8Array, chosen: SessionVariant): Promise<SweepRow[]> {
  const rows: SweepRow[] = [];
  const rounds = Math.max(3, Math.min(ITERS, 4));
  console.log(`\nsession options on ${config} (interleaved with the chosen options, median of ${rounds}; speedup > 1 is better):`);
  const all: SessionVariant[] = [...variants().slice(1), { name: 'outputs not preallocated (new tensors each step)', options: { ...base } }];
  for (const v of all) {
    try {
      const a = await createSession(bytes, chosen.options, step);
      const b = await createSession(bytes, v.options, step);
      const fa = makeFeeds(step);
      const fb = makeFeeds(step);
      const preB = !v.name.startsWith('outputs not preallocated');
      await runStep(a.session, fa, 0, true);
      await runStep(b.session, fb, 0, preB);
      const ta: number[] = [];
      const tb: number[] = [];
      for (let i = 1; i <= rounds; i++) {
        let t0 = performance.now();
        await runStep(a.session, fa, i, true);
        ta.push(ms(t0));
        t0 = performance.now();
        await runStep(b.session, fb, i, preB);
        tb.push(ms(t0));
        sampleRss();
      }
      await a.session.release();
      await b.session.release();
      const row = { variant: v.name, config, sessionMs: b.createMs, medianStepMs: median(tb), baselineMedianMs: median(ta), speedup: median(ta) / median(tb) };
      rows.push(row);
      console.log(`  ${v.name.padEnd(48)} ${row.speedup.toFixed(2).padStart(5)}x  (step ${row.medianStepMs.toFixed(0)} ms vs ${row.baselineMedianMs.toFixed(0)} ms, session ${row.sessionMs.toFixed(0)} ms)`);
    } catch (e) {
      console.log(`  ${v.name.padEnd(48)} FAILED: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return rows;
}

async function main() {
  const t00 = performance.now();
  mkdirSync(results, { recursive: true });
  const { optimizer, note: optimizerNote } = await loadOptimizer();
  const model = loadModel();
  console.log(`ResNet-18 fixture at ${SIZE}x${SIZE}, batch ${BATCH}, ${THREADS} threads; optimizer: ${optimizerNote}`);
  console.log(`onnxruntime-node ${ort.env.versions.common}; warm-up ${WARMUP}, median of ${ITERS} steps\n`);

  const chosen = variants()[0];
  const blockSize = await nchwcBlockSize();
  console.log(`NCHWc block size ${blockSize || 'none (lowering off)'}`);
  const compiled = new Map<ConfigName, { step: CompiledStep; bytes: Uint8Array }>();
  const rows: GraftRow[] = [];
  const torchRows: TorchResult[] = [];
  const torchErrors: string[] = [];
  const torch = flag('no-pytorch') ? null : new PythonServer([
        join(here, 'pytorch/train_step.py'), '--serve', '--batch', String(BATCH), '--size', String(SIZE), '--threads', String(THREADS), '--lr', String(LR),
      ]);
  let torchInfo: TorchInfo | null = null;
  if (torch) {
    try {
      torchInfo = (await torch.hello()) as unknown as TorchInfo;
    } catch (e) {
      torchErrors.push(e instanceof Error ? e.message : String(e));
    }
  }
  const archs = torchInfo ? (['standard', 'folded'] as const) : [];
  for (const config of CONFIGS) {
    const row: GraftRow = {
      config, trainableParams: 0, paramTensors: 0, nodes: 0, compileMs: 0, encodeMs: 0, modelMiB: 0,
      sessionMs: 0, medianStepMs: null, minStepMs: null, stepsMs: [], imagesPerSec: null, losses: [],
    };
    rows.push(row);
    // One contender per side: Graft's compiled step and PyTorch's two architectures. Steps are
    // interleaved round by round (the order rotating), so that load from other processes on
    // the machine falls on all of them alike; only one of them computes at a time.
    const contenders: { name: string; step: (i: number) => Promise<{ ms: number; loss: number }>; done: () => Promise<void> }[] = [];
    const torchOf = new Map<string, TorchResult>();
    try {
      const trainable = trainableSet(model, config);
      let t0 = performance.now();
      const step = compileTrainingStep(model, { trainable, loss: 'cross-entropy', optimizer });
      row.compileMs = ms(t0);
      t0 = performance.now();
      const bytes = encodeModel(useNchwcConvs(step.model, blockSize));
      row.encodeMs = ms(t0);
      row.modelMiB = mib(bytes.byteLength);
      row.nodes = step.model.graph!.node.length;
      row.paramTensors = step.params.length;
      row.trainableParams = step.params.reduce((n, p) => n + tensorDims(step.initialParams.get(p)!).reduce((a, b) => a * b, 1), 0);
      compiled.set(config, { step, bytes });
      const { session, createMs } = await createSession(bytes, chosen.options, step);
      row.sessionMs = createMs;
      const feeds = makeFeeds(step);
      contenders.push({
        name: 'graft',
        step: async (i) => {
          const t = performance.now();
          const loss = await runStep(session, feeds, i, true);
          return { ms: ms(t), loss };
        },
        done: () => session.release(),
      });
      if (PLAIN_TOO && blockSize > 1) {
        const others: [string, ModelProto][] = [
          [PLAIN, step.model],
          [FORWARD_ONLY, useNchwcConvs(step.model, blockSize, { inputGradients: false })],
        ];
        for (const [name, model] of others) {
          const other = await createSession(encodeModel(model), chosen.options, step);
          const otherFeeds = makeFeeds(step);
          contenders.push({
            name,
            step: async (i) => {
              const t = performance.now();
              const loss = await runStep(other.session, otherFeeds, i, true);
              return { ms: ms(t), loss };
            },
            done: () => other.session.release(),
          });
        }
      }
    } catch (e) {
      row.error = e instanceof Error ? e.message : String(e);
      console.log(`[graft]   ${config.padEnd(12)} FAILED: ${row.error}`);
    }
    for (const arch of archs) {
      const key = `${arch}/${config}`;
      try {
        const r = await torch!.call({ cmd: 'setup', key, arch, config });
        const res: TorchResult = { arch, config, trainableParams: Number(r.trainableParams), imagesPerSec: 0, medianStepMs: 0, minStepMs: 0, stepsMs: [], losses: [] };
        torchOf.set(key, res);
        contenders.push({
          name: key,
          step: async () => {
            const s = await torch!.call({ cmd: 'step', key });
            return { ms: Number(s.ms), loss: Number(s.loss) };
          },
          done: async () => void (await torch!.call({ cmd: 'drop', key })),
        });
      } catch (e) {
        torchErrors.push(`${key}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    const times = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
    const losses = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
    const failed = new Set<string>();
    for (let round = 0; round < WARMUP + ITERS; round++) {
      for (let k = 0; k < contenders.length; k++) {
        const c = contenders[(k + round) % contenders.length];
        if (failed.has(c.name)) continue;
        try {
          const r = await c.step(round);
          losses.get(c.name)!.push(r.loss);
          if (round >= WARMUP) times.get(c.name)!.push(r.ms);
        } catch (e) {
          failed.add(c.name);
          const why = e instanceof Error ? e.message : String(e);
          if (c.name === 'graft') row.error = why;
          else torchErrors.push(`${c.name}: ${why}`);
        }
      }
      sampleRss();
    }
    for (const c of contenders) await c.done().catch(() => undefined);
    const summary = (name: string) => {
      const t = times.get(name) ?? [];
      return t.length ? { medianStepMs: median(t), minStepMs: Math.min(...t), stepsMs: t, imagesPerSec: BATCH / (median(t) / 1000), losses: losses.get(name)! } : null;
    };
    for (const [name, key] of [[PLAIN, 'plainConvs'], [FORWARD_ONLY, 'forwardOnlyNchwc']] as const) {
      const p = summary(name);
      if (!p) continue;
      row.loweringVariants = { ...row.loweringVariants, [key]: p.imagesPerSec };
      console.log(`[graft]   ${config.padEnd(12)} ${p.imagesPerSec.toFixed(2).padStart(6)} images/s  ${name}`);
    }
    const g = summary('graft');
    if (g && !row.error) {
      Object.assign(row, g);
      console.log(`[graft]   ${config.padEnd(12)} ${g.imagesPerSec.toFixed(2).padStart(6)} images/s  (compile ${row.compileMs.toFixed(0)} ms, encode ${row.encodeMs.toFixed(0)} ms, session ${row.sessionMs.toFixed(0)} ms)`);
    } else if (row.error) console.log(`[graft]   ${config.padEnd(12)} FAILED: ${row.error}`);
    for (const [key, res] of torchOf) {
      const t = summary(key);
      if (!t || failed.has(key)) continue;
      Object.assign(res, t);
      torchRows.push(res);
      console.log(`[pytorch] ${key.padEnd(21)} ${t.imagesPerSec.toFixed(2).padStart(6)} images/s`);
    }
    sampleRss();
  }
  torch?.close();

  // The largest configuration that compiled is the one to sweep and profile.
  const big = (['all', 'layer4+head', 'head'] as ConfigName[]).find((c) => compiled.has(c));
  const sweep = flag('sweep') && big ? await sweepOptions(big, compiled.get(big)!.step, compiled.get(big)!.bytes, chosen) : [];

  let profile: ReturnType<typeof summariseProfile> | null = null;
  if (!flag('no-profile') && big) {
    const { step, bytes } = compiled.get(big)!;
    const dir = join(results, 'profile');
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const { session } = await createSession(bytes, { ...chosen.options, enableProfiling: true, profileFilePrefix: join(dir, `train-step-${big}`) }, step);
    const feeds = makeFeeds(step);
    // onnxruntime profiles every run; the first (allocation, prepacking) is left out below.
    for (let i = 0; i < 4; i++) await runStep(session, feeds, i, true);
    session.endProfiling();
    await session.release();
    const file = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => join(dir, f))[0];
    if (file) {
      profile = summariseProfile(file, 1);
      console.log(`\nprofile of ${big} (${file}), ${profile.steps} steps after a warm-up, kernel time per step ${profile.kernelMsPerStep.toFixed(0)} ms`);
      const line = (k: string, t: { msPerStep: number; share: number; nodes: number }) =>
        console.log(`  ${k.padEnd(48)} ${t.msPerStep.toFixed(1).padStart(8)} ms  ${(100 * t.share).toFixed(1).padStart(5)}%  (${t.nodes} nodes)`);
      console.log(' by role:');
      for (const t of profile.byCategory.slice(0, 14)) line(t.key, t);
      console.log(' by op type:');
      for (const t of profile.byOpType.slice(0, 10)) line(t.key, t);
      console.log(' top nodes:');
      for (const n of profile.topNodes.slice(0, 10)) {
        console.log(`  ${n.node.padEnd(22)} ${n.op.padEnd(14)} ${n.msPerStep.toFixed(1).padStart(7)} ms ${(100 * n.share).toFixed(1).padStart(5)}%  ${n.shapes}`);
      }
    }
  }

  // The table.
  const tps = (arch: string, config: string) => torchRows.find((r) => r.arch === arch && r.config === config) ?? null;
  const fmt = (x: number | null | undefined, d = 2) => (x === null || x === undefined ? '-' : x.toFixed(d));
  const ratio = (a: number | null, b: number | null | undefined) => (a && b ? `${(a / b).toFixed(2)}x` : '-');
  const best = (msStep: number | null | undefined) => (msStep ? BATCH / (msStep / 1000) : null);
  console.log('\nimages/s = batch / median step (best step in brackets); ratio = Graft / PyTorch on medians (on best steps)');
  const header = ['configuration', 'Graft', 'PyTorch BN', 'ratio', 'PyTorch folded', 'ratio', 'compile ms', 'encode ms', 'session ms'];
  const ratios = (g: GraftRow, t: TorchResult | null) =>
    t && g.imagesPerSec ? `${ratio(g.imagesPerSec, t.imagesPerSec)} (${ratio(best(g.minStepMs), best(t.minStepMs))})` : '-';
  const lines = rows.map((r) => {
    const std = tps('standard', r.config);
    const fold = tps('folded', r.config);
    return [
      LABELS[r.config],
      r.error ? 'failed' : `${fmt(r.imagesPerSec)} (${fmt(best(r.minStepMs))})`,
      std ? `${fmt(std.imagesPerSec)} (${fmt(best(std.minStepMs))})` : '-', ratios(r, std),
      fold ? `${fmt(fold.imagesPerSec)} (${fmt(best(fold.minStepMs))})` : '-', ratios(r, fold),
      r.error ? '-' : r.compileMs.toFixed(0), r.error ? '-' : r.encodeMs.toFixed(0), r.error ? '-' : r.sessionMs.toFixed(0),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const pr = (cells: string[]) => console.log(cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
  pr(header);
  pr(widths.map((w) => '-'.repeat(w)));
  lines.forEach(pr);
  for (const e of torchErrors) console.log(`PyTorch failed: ${e}`);
  for (const r of rows) if (r.error) console.log(`Graft failed on ${r.config}: ${r.error}`);
  sampleRss();
  console.log(`\npeak RSS of this process ${mib(peakRss).toFixed(0)} MiB (sampled after steps); total ${(ms(t00) / 1000).toFixed(0)} s`);

  const out = {
    date: new Date().toISOString(),
    batch: BATCH, size: SIZE, threads: THREADS, warmup: WARMUP, iters: ITERS, lr: LR, staticBatch: STATIC_BATCH,
    optimizer: optimizerNote,
    onnxruntime: ort.env.versions.common,
    sessionOptions: chosen.options,
    graft: rows,
    pytorch: torchInfo ? { ...torchInfo, recipe: 'torchvision resnet18(num_classes=5), SGD(momentum=0.9), CrossEntropyLoss, frozen params requires_grad=False; standard = with BatchNorm in train mode, folded = BN folded into conv bias', results: torchRows } : null,
    pytorchErrors: torchErrors,
    sessionOptionSweep: sweep,
    profile,
    peakRssMiB: mib(peakRss),
  };
  writeFileSync(join(results, 'train-step.json'), JSON.stringify(out, null, 2));
  console.log(`wrote ${join(results, 'train-step.json')}`);
}

await main();
