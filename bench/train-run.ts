// Benchmark: a whole training run, end to end, Graft vs the PyTorch recipe in the same
// invocation. ResNet-18 at 224x224, 320 training images and 80 validation images (Fashion-MNIST
// classes upscaled to 224x224 RGB JPEGs, written to a temporary image folder that both sides
// read), 10 epochs, batch 32, SGD momentum 0.9, lr 0.01, constant schedule, for
//   feature-extraction  only the new head trains (Graft caches the frozen prefix's outputs)
//   fine-tune:1         layer4 + head train (Graft caches the output of layer3)
//   fine-tune:1/frozen, fine-tune:1/batch
//                       the same on a ResNet-18 WITH batch norm (the calibrated weights with each
//                       folded bias moved into a BN that computes the same; exported by PyTorch
//                       in training mode), Graft only, --batchnorm frozen vs batch: batch
//                       statistics should cost at most 15% more than frozen BN (issue 13)
// Graft runs as a user runs it: `node bin/graft.js train ... --json`, timed as a process
// (wall time, and the `trainSeconds` of its final "done" event). PyTorch runs
// bench/pytorch/train_run.py (ImageFolder + transforms + DataLoader, torchvision resnet18 with
// the same weights) under Debian's /usr/bin/python3. Weights: the ResNet-18 fixture (BN folded,
// random init) with its input declared 224x224, its convs rescaled once so that each output
// channel has zero mean and unit variance on the training images (BN folded with measured
// statistics, as in a pretrained network); both sides load that file, and both get a new
// randomly initialised 5-class head. Peak memory: the resident set of the
// process tree (the CLI and its trainer process; python and any DataLoader workers), summed
// over the tree and sampled from /proc every 50 ms.
//
// Targets (the issue): feature extraction >= 10x faster end to end, layer4 + head >= 3x,
// final accuracy the same within noise.
//
//   npm run bench:train-run                    (about 10 minutes on 2 cores; writes bench/results/train-run.json)
//   npx tsx bench/train-run.ts --epochs 10 --train-per-class 64 --val-per-class 16
//     --strategies feature-extraction,fine-tune:1
//     --classes 0,1,2,3,4   Fashion-MNIST classes (default 0-4: T-shirt, trouser, pullover, dress, coat)
//     --workers N           DataLoader num_workers for PyTorch (default 0: fastest on 2 cores)
//     --schedule S          Graft's --schedule (default constant, as the PyTorch recipe)
//     --no-pytorch          skip the PyTorch side (the weights are still calibrated with /usr/bin/python3)
//     --no-calibrate        use the fixture's weights as they are (SGD at lr 0.01 then diverges on both sides)
//     --keep                keep the temporary folder (data and the 224 model) and print its path
import { spawn } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { create } from '@bufbuild/protobuf';
import { decodeModel, encodeModel } from '../src-main/core/onnx/codec.js';
import { TensorShapeProto_DimensionSchema } from '../src-main/core/onnx/gen/onnx_pb.js';
import { flag, opt } from './support.js';

const here = import.meta.dirname;
const root = join(here, '..');
const fixture = join(root, '../shared/fixtures/resnet18/model.onnx');
const FASHION = '/usr/share/datasets/fashion-mnist';
const PYTHON = '/usr/bin/python3';

// ---------------------------------------------------------------------------- arguments

const EPOCHS = Number(opt('epochs', '10'));
const BATCH = Number(opt('batch', '32'));
const LR = Number(opt('lr', '0.01'));
const SIZE = Number(opt('size', '224'));
const TRAIN_PER_CLASS = Number(opt('train-per-class', '64'));
const VAL_PER_CLASS = Number(opt('val-per-class', '16'));
const CLASSES = opt('classes', '0,1,2,3,4').split(',').map(Number);
const STRATEGIES = opt('strategies', 'feature-extraction,fine-tune:1,fine-tune:1/frozen,fine-tune:1/batch').split(',');
const WORKERS = Number(opt('workers', '0'));
const SCHEDULE = opt('schedule', 'constant');
const NO_PYTORCH = flag('no-pytorch');
const KEEP = flag('keep');
const CALIBRATE = !flag('no-calibrate') && existsSync(PYTHON);
const FASHION_NAMES = ['tshirt', 'trouser', 'pullover', 'dress', 'coat', 'sandal', 'shirt', 'sneaker', 'bag', 'boot'];

// ---------------------------------------------------------------------------- data

/** Fashion-MNIST (IDX, gzipped) classes as 224x224 RGB JPEGs in root/{train,val}/<class>/. */
async function writeImageFolder(dir: string): Promise<{ train: number; val: number; seconds: number }> {
  const t0 = performance.now();
  const images = gunzipSync(readFileSync(join(FASHION, 'train-images-idx3-ubyte.gz')));
  const labels = gunzipSync(readFileSync(join(FASHION, 'train-labels-idx1-ubyte.gz')));
  const count = images.readUInt32BE(4);
  const [rows, cols] = [images.readUInt32BE(8), images.readUInt32BE(12)];
  const taken = new Map<number, number>(CLASSES.map((c) => [c, 0]));
  const want = TRAIN_PER_CLASS + VAL_PER_CLASS;
  const jobs: Promise<unknown>[] = [];
  for (const c of CLASSES) for (const split of ['train', 'val']) mkdirSync(join(dir, split, `${c}-${FASHION_NAMES[c]}`), { recursive: true });
  for (let i = 0; i < count && [...taken.values()].some((n) => n < want); i++) {
    const c = labels[8 + i];
    const n = taken.get(c);
    if (n === undefined || n >= want) continue;
    taken.set(c, n + 1);
    const split = n < TRAIN_PER_CLASS ? 'train' : 'val';
    const gray = images.subarray(16 + i * rows * cols, 16 + (i + 1) * rows * cols);
    const rgb = Buffer.alloc(rows * cols * 3);
    for (let p = 0; p < rows * cols; p++) rgb[3 * p] = rgb[3 * p + 1] = rgb[3 * p + 2] = gray[p];
    const file = join(dir, split, `${c}-${FASHION_NAMES[c]}`, `${String(i).padStart(5, '0')}.jpg`);
    jobs.push(sharp(rgb, { raw: { width: cols, height: rows, channels: 3 } }).resize(SIZE, SIZE, { kernel: 'cubic' }).jpeg({ quality: 90 }).toFile(file));
    if (jobs.length >= 32) await Promise.all(jobs.splice(0));
  }
  await Promise.all(jobs);
  return { train: TRAIN_PER_CLASS * CLASSES.length, val: VAL_PER_CLASS * CLASSES.length, seconds: (performance.now() - t0) / 1000 };
}

/** The ResNet-18 fixture with its input declared [N, 3, SIZE, SIZE]. */
function writeModel(path: string): void {
  const model = decodeModel(readFileSync(fixture), fixture);
  const t = model.graph!.input[0].type!;
  if (t.value.case !== 'tensorType' || !t.value.value.shape) throw new Error('the fixture input is not a shaped tensor');
  const dims = t.value.value.shape.dim;
  for (const i of [2, 3]) dims[i] = create(TensorShapeProto_DimensionSchema, { value: { case: 'dimValue', value: BigInt(SIZE) } });
  writeFileSync(path, encodeModel(model));
}

// ---------------------------------------------------------------------------- measuring processes

/** Resident set of every process under `pid` (itself included), summed, in bytes; and the largest one. */
function treeRss(pid: number): { sum: number; max: number } {
  const parent = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const kids = parent.get(ppid) ?? [];
      kids.push(Number(name));
      parent.set(ppid, kids);
    } catch {
      // gone meanwhile
    }
  }
  let sum = 0;
  let max = 0;
  const todo = [pid];
  while (todo.length) {
    const p = todo.pop()!;
    try {
      const pages = Number(readFileSync(`/proc/${p}/statm`, 'utf8').split(' ')[1]);
      sum += pages * 4096;
      max = Math.max(max, pages * 4096);
    } catch {
      // gone meanwhile
    }
    todo.push(...(parent.get(p) ?? []));
  }
  return { sum, max };
}

interface Measured {
  code: number | null;
  stdout: string;
  stderr: string;
  wallSeconds: number;
  peakTreeMB: number;
  peakProcessMB: number;
}

function otherBenchRunning(): boolean {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (cmd.includes('train-step.ts') || cmd.includes('train_step.py')) return true;
    } catch {
      // gone
    }
  }
  return false;
}

let contended = false;

function measure(cmd: string, args: string[], onLine?: (line: string) => void): Promise<Measured> {
  return new Promise((resolvePromise, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let pending = '';
    let peakTree = 0;
    let peakProcess = 0;
    const sample = () => {
      if (child.pid === undefined) return;
      const { sum, max } = treeRss(child.pid);
      peakTree = Math.max(peakTree, sum);
      peakProcess = Math.max(peakProcess, max);
    };
    const timer = setInterval(sample, 50);
    let polls = 0;
    const contention = setInterval(() => {
      if (polls++ % 20 === 0 && otherBenchRunning()) contended = true;
    }, 50);
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
      pending += s;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      if (onLine) for (const l of lines) onLine(l);
    });
    let pendingErr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
      if (onLine) return;
      pendingErr += s;
      const lines = pendingErr.split('\n');
      pendingErr = lines.pop()!;
      for (const l of lines) if (l.trim() && !/UserWarning|value\.copy_/.test(l)) process.stderr.write(`    ${l.trimEnd()}\n`);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      clearInterval(contention);
      resolvePromise({ code, stdout, stderr, wallSeconds: (performance.now() - t0) / 1000, peakTreeMB: peakTree / 2 ** 20, peakProcessMB: peakProcess / 2 ** 20 });
    });
  });
}

// ---------------------------------------------------------------------------- the two sides

interface SideResult {
  wallSeconds: number;
  trainSeconds: number;
  finalValAccuracy: number;
  bestValAccuracy: number | null;
  peakTreeMB: number;
  peakProcessMB: number;
  trainableParams: number;
  detail: Record<string, unknown>;
}

/** `fine-tune:1/batch`: the strategy, and the batch-norm mode of a row on the model with batch norm. */
function parseRow(row: string): { strategy: string; batchnorm: 'frozen' | 'batch' | null } {
  const [strategy, bn] = row.split('/');
  if (bn !== undefined && bn !== 'frozen' && bn !== 'batch') throw new Error(`--strategies: "${row}": the batch-norm mode after / is frozen or batch`);
  return { strategy, batchnorm: bn ?? null };
}

async function runGraft(model: string, data: string, row: string): Promise<SideResult> {
  const { strategy, batchnorm } = parseRow(row);
  const args = [join(root, 'bin/graft.js'), 'train', '--model', model, '--data', data, '--strategy', strategy, '--head', 'auto', '--epochs', String(EPOCHS), '--batch', String(BATCH), '--optimizer', 'sgd', '--lr', String(LR), '--schedule', SCHEDULE, '--json', ...(batchnorm ? ['--batchnorm', batchnorm] : [])];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the CLI's JSON lines, read loosely
  const events: Record<string, any>[] = [];
  const t0 = performance.now();
  const marks: Record<string, number> = {};
  const run = await measure(process.execPath, args, (line) => {
    if (!line.trim()) return;
    const e = JSON.parse(line);
    events.push(e);
    const at = (performance.now() - t0) / 1000;
    if (e.event === 'log') console.log(`    [${at.toFixed(1)} s] ${e.message}`);
    if (e.event === 'start') marks.start = at;
    if (e.event === 'epoch') {
      marks[`epoch${e.epoch}`] = at;
      console.log(`    [${at.toFixed(1)} s] epoch ${e.epoch}/${EPOCHS}  train loss ${e.trainLoss.toFixed(4)} acc ${(100 * e.trainAccuracy).toFixed(1)}%  val loss ${e.valLoss.toFixed(4)} acc ${(100 * e.valAccuracy).toFixed(1)}%  ${e.seconds.toFixed(2)} s`);
    }
    if (e.event === 'done') marks.done = at;
    if (e.event === 'error') console.log(`    error: ${e.message}`);
  });
  if (run.code !== 0) throw new Error(`graft train (${strategy}) exited with ${run.code}: ${run.stderr.slice(-2000)}`);
  const done = events.find((e) => e.event === 'done')!;
  const start = events.find((e) => e.event === 'start')!;
  const epochs = events.filter((e) => e.event === 'epoch');
  const cacheLog = events.find((e) => e.event === 'log' && /frozen prefix cached/.test(e.message));
  const cacheSeconds = cacheLog ? Number(/in ([\d.]+) s/.exec(cacheLog.message)![1]) : null;
  const epochSeconds = epochs.reduce((s, e) => s + e.seconds, 0);
  return {
    wallSeconds: run.wallSeconds,
    trainSeconds: done.trainSeconds,
    finalValAccuracy: epochs[epochs.length - 1].valAccuracy,
    bestValAccuracy: done.bestValAccuracy,
    peakTreeMB: run.peakTreeMB,
    peakProcessMB: run.peakProcessMB,
    trainableParams: done.trainableParams,
    detail: {
      trainableBlocks: start.trainableBlocks,
      cache: start.cache,
      samples: start.samples,
      cacheSeconds,
      epochSecondsTotal: epochSeconds,
      startEventAtSeconds: marks.start,
      doneEventAtSeconds: marks.done,
      logs: events.filter((e) => e.event === 'log').map((e) => e.message),
      epochs: epochs.map(({ event: _e, ...rest }) => rest),
    },
  };
}

async function runPyTorch(model: string, data: string, strategy: string): Promise<SideResult> {
  const args = [join(here, 'pytorch/train_run.py'), '--data', data, '--onnx', model, '--strategy', strategy, '--epochs', String(EPOCHS), '--batch', String(BATCH), '--lr', String(LR), '--workers', String(WORKERS), '--threads', '2', '--size', String(SIZE)];
  const run = await measure(PYTHON, args);
  if (run.code !== 0) throw new Error(`train_run.py (${strategy}) exited with ${run.code}: ${run.stderr.slice(-2000)}`);
  const r = JSON.parse(run.stdout.trim().split('\n').pop()!);
  return {
    wallSeconds: run.wallSeconds,
    trainSeconds: r.trainSeconds,
    finalValAccuracy: r.finalValAccuracy,
    bestValAccuracy: r.bestValAccuracy,
    peakTreeMB: run.peakTreeMB,
    peakProcessMB: run.peakProcessMB,
    trainableParams: r.trainableParams,
    detail: r,
  };
}

// ---------------------------------------------------------------------------- main

if (!existsSync(FASHION)) {
  console.error(`${FASHION} not found: apt-get install dataset-fashion-mnist`);
  process.exit(1);
}
if (!NO_PYTORCH && !existsSync(PYTHON)) {
  console.error(`${PYTHON} not found (python3-torch, python3-torchvision, python3-onnx); pass --no-pytorch`);
  process.exit(1);
}
if (otherBenchRunning()) console.warn('warning: bench/train-step is running too; both need the cores, so these timings are not valid');

const work = mkdtempSync(join(tmpdir(), 'graft-train-run-'));
const dataDir = join(work, 'data');
const rawModelPath = join(work, `resnet18-${SIZE}.onnx`);
const modelPath = CALIBRATE ? join(work, `resnet18-${SIZE}-calibrated.onnx`) : rawModelPath;
const bnModelPath = join(work, `resnet18-${SIZE}-bn.onnx`);
const rows: { strategy: string; graft: SideResult; pytorch: SideResult | null; speedup: number | null; speedupTrain: number | null }[] = [];
try {
  const data = await writeImageFolder(dataDir);
  writeModel(rawModelPath);
  if (CALIBRATE) {
    // Fold "batch norm" measured on the training images into the convs (see calibrate() in
    // train_run.py): the fixture's random-init weights make plain SGD at lr 0.01 diverge.
    const cal = await measure(PYTHON, [join(here, 'pytorch/train_run.py'), '--data', dataDir, '--onnx', rawModelPath, '--calibrate', modelPath, '--size', String(SIZE)], () => {});
    if (cal.code !== 0) throw new Error(`calibration failed: ${cal.stderr.slice(-2000)}`);
    console.log(`weights: ${cal.stderr.trim().split('\n').pop()}`);
  }
  if (STRATEGIES.some((r) => parseRow(r).batchnorm)) {
    const unfold = await measure(PYTHON, [join(here, 'pytorch/train_run.py'), '--data', dataDir, '--onnx', modelPath, '--unfold-bn', bnModelPath, '--size', String(SIZE)], () => {});
    if (unfold.code !== 0) throw new Error(`unfolding batch norm failed: ${unfold.stderr.slice(-2000)}`);
    console.log(`batch-norm rows: ${unfold.stderr.trim().split('\n').pop()}`);
  }
  console.log(`data: ${data.train} train + ${data.val} val images, ${SIZE}x${SIZE} JPEG, Fashion-MNIST classes ${CLASSES.join(',')} (written in ${data.seconds.toFixed(1)} s to ${dataDir})`);
  console.log(`model: ResNet-18 fixture (BN folded) with input [N,3,${SIZE},${SIZE}]; ${EPOCHS} epochs, batch ${BATCH}, SGD momentum 0.9, lr ${LR} (${SCHEDULE}); PyTorch DataLoader num_workers=${WORKERS}, 2 threads\n`);
  for (const strategy of STRATEGIES) {
    console.log(`${strategy}: Graft`);
    const withBn = parseRow(strategy).batchnorm !== null;
    const graft = await runGraft(withBn ? bnModelPath : modelPath, dataDir, strategy);
    console.log(`    wall ${graft.wallSeconds.toFixed(1)} s, trainSeconds ${graft.trainSeconds.toFixed(1)} s, peak RSS ${graft.peakTreeMB.toFixed(0)} MB`);
    let pytorch: SideResult | null = null;
    // The recipe's side runs on the folded model; the batch-norm rows compare Graft with itself.
    if (!NO_PYTORCH && !withBn) {
      console.log(`${strategy}: PyTorch`);
      pytorch = await runPyTorch(modelPath, dataDir, strategy);
      console.log(`    wall ${pytorch.wallSeconds.toFixed(1)} s, trainSeconds ${pytorch.trainSeconds.toFixed(1)} s, peak RSS ${pytorch.peakTreeMB.toFixed(0)} MB`);
    }
    rows.push({
      strategy,
      graft,
      pytorch,
      speedup: pytorch ? pytorch.wallSeconds / graft.wallSeconds : null,
      speedupTrain: pytorch ? pytorch.trainSeconds / graft.trainSeconds : null,
    });
  }
} finally {
  if (KEEP) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------- report

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '-' : `${(100 * x).toFixed(1)}%`);
const s = (x: number | null | undefined) => (x === null || x === undefined ? '-' : x.toFixed(1));
const TARGET: Record<string, number> = { 'feature-extraction': 10, 'fine-tune:1': 3 };
const header = ['strategy', 'Graft s', 'PyTorch s', 'speedup', 'target', 'Graft train s', 'PyTorch train s', 'Graft acc', 'PyTorch acc', 'Graft peak MB', 'PyTorch peak MB'];
const table = rows.map((r) => [
  r.strategy,
  s(r.graft.wallSeconds),
  s(r.pytorch?.wallSeconds),
  r.speedup === null ? '-' : `${r.speedup.toFixed(1)}x`,
  TARGET[r.strategy] ? `${TARGET[r.strategy]}x ${r.speedup === null ? '' : r.speedup >= TARGET[r.strategy] ? 'met' : 'MISSED'}` : '-',
  s(r.graft.trainSeconds),
  s(r.pytorch?.trainSeconds),
  `${pct(r.graft.finalValAccuracy)} (best ${pct(r.graft.bestValAccuracy)})`,
  r.pytorch ? `${pct(r.pytorch.finalValAccuracy)} (best ${pct(r.pytorch.bestValAccuracy)})` : '-',
  r.graft.peakTreeMB.toFixed(0),
  r.pytorch ? r.pytorch.peakTreeMB.toFixed(0) : '-',
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i].length)));
console.log('');
console.log(header.map((h, i) => h.padEnd(widths[i])).join('  '));
for (const row of table) console.log(row.map((c, i) => c.padEnd(widths[i])).join('  '));
for (const r of rows) {
  const d = r.graft.detail as { cacheSeconds: number | null; epochSecondsTotal: number };
  const other = r.graft.wallSeconds - (d.cacheSeconds ?? 0) - d.epochSecondsTotal;
  console.log(`Graft ${r.strategy}: frozen-prefix cache pass ${s(d.cacheSeconds)} s, ${EPOCHS} epochs ${s(d.epochSecondsTotal)} s, the rest (start-up, model, compile, evaluation) ${s(other)} s`);
}
const bnRow = (mode: string) => rows.find((r) => parseRow(r.strategy).batchnorm === mode);
const [frozenRow, batchRow] = [bnRow('frozen'), bnRow('batch')];
let batchnormCost: { frozenEpochSeconds: number; batchEpochSeconds: number; ratio: number; target: number; met: boolean } | null = null;
if (frozenRow && batchRow) {
  // Epoch seconds (training and validation of every epoch): where the BN mode makes a difference.
  const epochSeconds = (r: SideResult) => (r.detail as { epochSecondsTotal: number }).epochSecondsTotal;
  const ratio = epochSeconds(batchRow.graft) / epochSeconds(frozenRow.graft);
  batchnormCost = { frozenEpochSeconds: epochSeconds(frozenRow.graft), batchEpochSeconds: epochSeconds(batchRow.graft), ratio, target: 1.15, met: ratio <= 1.15 };
  console.log(`batch norm: ${batchRow.strategy} epochs ${s(batchnormCost.batchEpochSeconds)} s vs ${frozenRow.strategy} ${s(batchnormCost.frozenEpochSeconds)} s: ${ratio.toFixed(3)}x (target <= 1.15x: ${batchnormCost.met ? 'met' : 'MISSED'}); accuracy ${pct(batchRow.graft.finalValAccuracy)} vs ${pct(frozenRow.graft.finalValAccuracy)}`);
}
console.log('\nseconds: process wall time, end to end (start-up, data, model, training, per-epoch validation); train s: the run\'s own trainSeconds.');
console.log('accuracy: validation accuracy after the last epoch (best: at the epoch of lowest validation loss). peak MB: resident set of the process tree.');
if (contended) console.warn('\nwarning: bench/train-step ran during this benchmark: the timings are not valid');

mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(
  join(here, 'results/train-run.json'),
  JSON.stringify(
    {
      date: new Date().toISOString(),
      contended,
      config: { calibratedWeights: CALIBRATE, size: SIZE, trainImages: TRAIN_PER_CLASS * CLASSES.length, valImages: VAL_PER_CLASS * CLASSES.length, classes: CLASSES, epochs: EPOCHS, batch: BATCH, lr: LR, schedule: SCHEDULE, optimizer: 'sgd momentum 0.9', pytorchWorkers: WORKERS, threads: 2 },
      rows,
      batchnormCost,
    },
    null,
    2,
  ),
);
console.log('wrote bench/results/train-run.json');
