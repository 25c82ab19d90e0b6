// One row of the compatibility table, checked in its own process (a model that crashes
// onnxruntime takes only this process down): open the model as the studio does, train
// feature extraction and the last stage at batch 32 as `graft train` does (its own argument
// parsing, head swap and run), export and verify, and compare `graft gradients --trainable
// all` with PyTorch's. Sends one RowResult to the parent.
//   argv: ROW_ID ROW_DIR DATA WORK [GRADIENT_FLAG...]
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainEvent } from '../src-main/api/training.js';
import { readModelFile } from '../src-main/node/model-file.js';
import { parameterValues } from '../src-main/core/blocks/index.js';
import { openModelView } from '../src-main/node/studio/service.js';
import { readTensorFile } from '../src-main/node/train/gradients.js';
import { runDatasetClasses } from '../src-main/node/train/data.js';
import { runTraining } from '../src-main/node/train/run.js';
import { gradientsCommand } from '../src-main/cli/gradients.js';
import { trainConfigFromArgs, withHeadEdit } from '../src-main/cli/train.js';
import { readTensor, tensorDims } from '../src-main/core/onnx/tensor.js';
import type { GradientOutcome, Outcome, RowResult, RunOutcome } from './result.js';

/** PyTorch's gradient tolerance in the fixtures: both errors must stay under it. */
const TOLERANCE = 1e-3;

const [id, rowDir, data, work, ...gradientFlags] = process.argv.slice(2);

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  // Temporary paths differ per run; the table must not.
  return text.split('\n')[0].replaceAll(work, '…').replaceAll(rowDir, '…').trim();
}

async function attempt<T extends Outcome>(fn: () => Promise<T>): Promise<T | Outcome> {
  try {
    return await fn();
  } catch (e) {
    return { ok: false, error: firstLine(e) };
  }
}

async function train(strategy: string): Promise<RunOutcome> {
  const exported = join(work, `${id}-${strategy.replace(/\W/g, '')}.onnx`);
  const argv = ['--model', join(rowDir, 'model.onnx'), '--data', data, '--strategy', strategy, '--epochs', '1', '--batch', '32', '--val-fraction', '0.2', '--export', exported];
  const parsed = trainConfigFromArgs(argv);
  const config = parsed.pendingHead ? withHeadEdit(parsed.config, parsed.pendingHead, await runDatasetClasses(parsed.config)) : parsed.config;
  const events: TrainEvent[] = [];
  await runTraining(config, { emit: (e) => events.push(e), checkpointBoundary: async () => false });
  const start = events.find((e) => e.event === 'start');
  const exportEvent = events.find((e) => e.event === 'export');
  const losses = events.flatMap((e) => (e.event === 'steps' ? e.points.map((p) => p.loss) : []));
  if (!start) throw new Error('the run never started');
  const finite = losses.length > 0 && losses.every(Number.isFinite);
  return {
    ok: finite,
    ...(finite ? {} : { error: losses.length === 0 ? 'no training steps ran' : 'the loss is not finite' }),
    cache: start.cache,
    trainableParams: start.trainableParams,
    steps: losses.length,
    exportVerified: exportEvent?.verified ?? false,
    exportMaxAbsDiff: exportEvent?.maxAbsDiff,
  };
}

function l2(x: Float32Array): number {
  let s = 0;
  for (const v of x) s += v * v;
  return Math.sqrt(s);
}

/** `graft gradients --trainable all` on PyTorch's batch, tensor by tensor against PyTorch's. */
async function gradients(): Promise<GradientOutcome> {
  const out = join(work, `${id}-grads`);
  const code = await gradientsCommand(['--model', join(rowDir, 'model.onnx'), '--input', join(rowDir, 'input.pb'), '--labels', join(rowDir, 'labels.pb'), '--out', out, '--trainable', 'all', ...gradientFlags]);
  if (code !== 0) throw new Error(`graft gradients exited with ${code}`);
  const got = new Map<string, Float32Array>();
  for (const f of readdirSync(join(out, 'grads'))) {
    const t = await readTensorFile(join(out, 'grads', f), 'gradient');
    got.set(t.name, readTensor(t) as Float32Array);
  }
  const torchDir = join(rowDir, 'torch_grads');
  const files = readdirSync(torchDir);
  let matched = 0;
  const mismatched: string[] = [];
  for (const f of files) {
    const t = await readTensorFile(join(torchDir, f), 'PyTorch gradient');
    const want = readTensor(t) as Float32Array;
    const have = got.get(t.name);
    if (!have) continue;
    if (have.length !== want.length) {
      mismatched.push(`${t.name}: ${have.length} values, PyTorch ${tensorDims(t).join('×')}`);
      continue;
    }
    const normErr = Math.abs(l2(have) - l2(want)) / Math.max(l2(want), 1e-12);
    let elemErr = 0;
    for (let i = 0; i < want.length; i++) elemErr = Math.max(elemErr, Math.abs(have[i] - want[i]) - TOLERANCE * Math.abs(want[i]));
    if (normErr <= TOLERANCE && elemErr <= TOLERANCE) matched++;
    else mismatched.push(`${t.name}: norm off by ${(100 * normErr).toFixed(2)}%`);
  }
  return { ok: matched === files.length, torchTensors: files.length, matched, mismatched };
}

async function main(): Promise<RowResult> {
  const result: RowResult = { id, opens: { ok: false } };
  result.opens = await attempt(async () => {
    const view = await openModelView(join(rowDir, 'model.onnx'));
    return { ok: true, totalParams: view.summary.totalParams, topBlocks: view.root.children.map((b) => b.name) };
  });
  if (result.opens.ok && readdirSafe(join(rowDir, 'torch_grads'))) result.uncounted = await uncounted();
  if (!result.opens.ok) return result;
  result.featureExtraction = await attempt(() => train('feature-extraction'));
  result.fineTune = await attempt(() => train('fine-tune:1'));
  if (readdirSafe(join(rowDir, 'torch_grads'))) {
    const g = await attempt(gradients);
    result.gradients = 'torchTensors' in g ? (g as GradientOutcome) : { ...g, torchTensors: 0, matched: 0, mismatched: [] };
  }
  return result;
}

/** PyTorch's parameters that Graft does not count as parameters of the file. */
async function uncounted(): Promise<string[]> {
  const file = await readModelFile(join(rowDir, 'model.onnx'));
  const graft = new Set(parameterValues(file.graph).map((v) => v.name));
  const torch = await Promise.all(readdirSync(join(rowDir, 'torch_grads')).map(async (f) => (await readTensorFile(join(rowDir, 'torch_grads', f), 'PyTorch gradient')).name));
  return torch.filter((n) => !graft.has(n)).sort();
}

function readdirSafe(dir: string): boolean {
  try {
    return readdirSync(dir).length > 0;
  } catch {
    return false;
  }
}

const result = await main();
process.send!(result, () => process.exit(0));
