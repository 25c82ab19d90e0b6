// Benchmark: training throughput (sequences/s) of single-layer forward RNN / LSTM / GRU at
// T=100, hidden 128, batch 64, 32 input features, Linear head to 10 classes on the last step,
// cross-entropy, SGD momentum 0.9. Graft builds the model with `sequenceModel`, compiles the
// step with `compileTrainingStep` and runs it in onnxruntime-node (createSession, 2 threads);
// PyTorch (bench/pytorch/recurrent.py, Debian's torch, nn.RNN/LSTM/GRU batch_first + Linear,
// 2 threads) runs in the same invocation, steps interleaved with Graft's.
//
//   npm run bench:recurrent                      (writes bench/results/recurrent.json)
//   npx tsx bench/recurrent.ts --iters 8 --warmup 2 --cells RNN,LSTM,GRU --no-pytorch
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { sequenceModel } from '../src-main/core/templates/sequence.js';
import { compileTrainingStep } from '../src-main/core/train/compile.js';
import { sgd } from '../src-main/core/train/optimizers.js';
import { createSession } from '../src-main/node/train/session.js';
import { readFloats, tensorDims } from '../src-main/core/onnx/tensor.js';
import type { CellKind } from '../src-main/core/surgery/swap-cell.js';
import { flag, median, ms, opt, PythonServer, randomFloats } from './support.js';

const here = import.meta.dirname;
const results = join(here, 'results');
const WARMUP = Number(opt('warmup', '2'));
const ITERS = Number(opt('iters', '8'));
const THREADS = Number(opt('threads', '2'));
const CELLS = opt('cells', 'RNN,LSTM,GRU').split(',') as CellKind[];
const T = 100, N = 64, F = 32, H = 128, C = 10;
const LR = 0.01;
const REFERENCE: Record<string, number> = { RNN: 1010, LSTM: 394, GRU: 259 };



// ---------------------------------------------------------------------------- PyTorch

// ---------------------------------------------------------------------------- main

interface Row {
  cell: string;
  nodes: number;
  compileMs: number;
  sessionMs: number;
  graftStepsMs: number[];
  graftSeqPerSec: number | null;
  graftLosses: number[];
  torchStepsMs: number[];
  torchSeqPerSec: number | null;
  torchLosses: number[];
  referenceTorchSeqPerSec: number;
  error?: string;
  torchError?: string;
}

async function main() {
  mkdirSync(results, { recursive: true });
  console.log(`recurrent training step: T=${T}, hidden ${H}, batch ${N}, ${F} features, ${C} classes, SGD momentum 0.9; ${THREADS} threads`);
  console.log(`onnxruntime-node ${ort.env.versions.common}; warm-up ${WARMUP}, median of ${ITERS} steps\n`);
  const torch = flag('no-pytorch') ? null : new PythonServer([join(here, 'pytorch/recurrent.py'), String(THREADS)]);
  let torchInfo: Record<string, unknown> | null = null;
  if (torch) {
    try { torchInfo = await torch.hello(); } catch (e) { console.log(`PyTorch unavailable: ${e instanceof Error ? e.message : String(e)}`); }
  }
  const rows: Row[] = [];
  const x = new ort.Tensor('float32', randomFloats(N * T * F, 1), [N, T, F]);
  const y = new ort.Tensor('int64', BigInt64Array.from({ length: N }, (_, i) => BigInt(i % C)), [N]);
  for (const cell of CELLS) {
    const row: Row = { cell, nodes: 0, compileMs: 0, sessionMs: 0, graftStepsMs: [], graftSeqPerSec: null, graftLosses: [], torchStepsMs: [], torchSeqPerSec: null, torchLosses: [], referenceTorchSeqPerSec: REFERENCE[cell] };
    rows.push(row);
    let graftStep: ((i: number) => Promise<number>) | null = null;
    let release: (() => Promise<void>) | null = null;
    try {
      const model = sequenceModel({ inputSize: F, cell, hiddenSize: H, layers: 1, direction: 'forward', steps: T, outputs: C, head: 'last', seed: 1 });
      let t0 = performance.now();
      const step = compileTrainingStep(model, { trainable: 'all', loss: 'cross-entropy', optimizer: sgd({ momentum: 0.9 }) });
      row.compileMs = ms(t0);
      row.nodes = step.model.graph!.node.length;
      t0 = performance.now();
      const session = await createSession(step.model, THREADS);
      row.sessionMs = ms(t0);
      release = () => session.release();
      const params = new Map<string, ort.Tensor>([...step.initialParams].map(([n, t]) => [n, new ort.Tensor('float32', readFloats(t), tensorDims(t))]));
      let state = new Map<string, ort.Tensor>(step.state.map((s) => [s.name, new ort.Tensor('float32', new Float32Array(s.dims.reduce((a, b) => a * b, 1)), s.dims)]));
      const lr = new ort.Tensor('float32', Float32Array.of(LR), []);
      const fetches = [step.loss, ...step.params.map((n) => step.updatedParams.get(n)!), ...step.state.map((s) => step.updatedState.get(s.name)!)];
      graftStep = async (i) => {
        const feeds: Record<string, ort.Tensor> = { [step.data]: x, [step.target]: y };
        for (const [n, v] of params) feeds[n] = v;
        for (const [n, v] of state) feeds[n] = v;
        if (step.lr) feeds[step.lr] = lr;
        if (step.step) feeds[step.step] = new ort.Tensor('float32', Float32Array.of(i + 1), []);
        const out = await session.run(feeds, fetches);
        for (const n of step.params) params.set(n, out[step.updatedParams.get(n)!] as ort.Tensor);
        state = new Map(step.state.map((s) => [s.name, out[step.updatedState.get(s.name)!] as ort.Tensor]));
        return Number((out[step.loss] as ort.Tensor).data[0]);
      };
    } catch (e) {
      row.error = e instanceof Error ? e.message : String(e);
    }
    let torchOk = false;
    if (torch && torchInfo) {
      try { await torch.call({ cmd: 'setup', cell }); torchOk = true; } catch (e) { row.torchError = e instanceof Error ? e.message : String(e); }
    }
    // Interleave single steps, alternating which side goes first.
    for (let round = 0; round < WARMUP + ITERS; round++) {
      const sides: ('graft' | 'torch')[] = round % 2 ? ['torch', 'graft'] : ['graft', 'torch'];
      for (const side of sides) {
        if (side === 'graft' && graftStep && !row.error) {
          try {
            const t0 = performance.now();
            const loss = await graftStep(round);
            const t = ms(t0);
            row.graftLosses.push(loss);
            if (round >= WARMUP) row.graftStepsMs.push(t);
          } catch (e) { row.error = e instanceof Error ? e.message : String(e); }
        } else if (side === 'torch' && torchOk && !row.torchError) {
          try {
            const r = await torch!.call({ cmd: 'step' });
            row.torchLosses.push(Number(r.loss));
            if (round >= WARMUP) row.torchStepsMs.push(Number(r.ms));
          } catch (e) { row.torchError = e instanceof Error ? e.message : String(e); }
        }
      }
    }
    await release?.().catch(() => undefined);
    if (row.graftStepsMs.length && !row.error) row.graftSeqPerSec = N / (median(row.graftStepsMs) / 1000);
    if (row.torchStepsMs.length && !row.torchError) row.torchSeqPerSec = N / (median(row.torchStepsMs) / 1000);
    console.log(`${cell.padEnd(5)} graft ${row.error ? `FAILED: ${row.error}` : `${row.graftSeqPerSec?.toFixed(0)} seq/s (median ${median(row.graftStepsMs).toFixed(1)} ms; compile ${row.compileMs.toFixed(0)} ms, session ${row.sessionMs.toFixed(0)} ms, ${row.nodes} nodes)`}`);
    if (torch) console.log(`${''.padEnd(5)} torch ${row.torchError ? `FAILED: ${row.torchError}` : row.torchSeqPerSec ? `${row.torchSeqPerSec.toFixed(0)} seq/s (median ${median(row.torchStepsMs).toFixed(1)} ms)` : '-'}`);
  }
  torch?.close();

  const fmt = (v: number | null) => (v === null ? '-' : v.toFixed(0));
  const header = ['cell', 'Graft seq/s', 'PyTorch seq/s', 'ratio', 'ref PyTorch', 'vs ref', 'compile ms', 'session ms'];
  const lines = rows.map((r) => [
    r.cell, r.error ? 'failed' : fmt(r.graftSeqPerSec), fmt(r.torchSeqPerSec),
    r.graftSeqPerSec && r.torchSeqPerSec ? `${(r.graftSeqPerSec / r.torchSeqPerSec).toFixed(2)}x` : '-',
    String(r.referenceTorchSeqPerSec),
    r.graftSeqPerSec ? `${(r.graftSeqPerSec / r.referenceTorchSeqPerSec).toFixed(2)}x` : '-',
    r.error ? '-' : r.compileMs.toFixed(0), r.error ? '-' : r.sessionMs.toFixed(0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const pr = (cells: string[]) => console.log(cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  '));
  console.log('\nsequences/s = batch / median step; ratio = Graft / PyTorch (same run); vs ref = Graft / the issue\'s PyTorch numbers');
  pr(header);
  pr(widths.map((w) => '-'.repeat(w)));
  lines.forEach(pr);

  const out = {
    date: new Date().toISOString(),
    shape: { steps: T, batch: N, features: F, hidden: H, classes: C, layers: 1, direction: 'forward' },
    threads: THREADS, warmup: WARMUP, iters: ITERS, lr: LR, optimizer: 'SGD momentum 0.9',
    onnxruntime: ort.env.versions.common,
    pytorch: torchInfo,
    rows,
  };
  writeFileSync(join(results, 'recurrent.json'), JSON.stringify(out, null, 2));
  console.log(`wrote ${join(results, 'recurrent.json')}`);
}

await main();
